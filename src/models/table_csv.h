#pragma once

// A table as the user sees it, written as CSV (RFC 4180): what Export Table as CSV… writes for any
// table of the window. Widget-free: the caller says which columns (the view's visible ones, in their
// visual order) and gives the model the view shows (its proxy), so rows come in the view's current
// order and filter.

#include <QtCore/QByteArray>
#include <QtCore/QList>
#include <QtCore/QLocale>
#include <QtCore/QObject>
#include <QtCore/QPersistentModelIndex>
#include <QtCore/QString>
#include <QtCore/QStringList>

#include <functional>
#include <vector>

class QAbstractItemModel;
class QVariant;

namespace leakscope {

struct TableCsvStats
{
    qsizetype rows = 0; // data rows written (the header line not counted)
    qsizetype columns = 0; // fields per line
};

// The CSV of model's rows and the given columns (model's column numbers, in the order to write them):
// a header line of the columns' DisplayRole titles, then one line per row, each line ending in CRLF,
// as RFC 4180 says. A tree's rows are written depth first, each row's children after it, for the rows
// descend() accepts (a view passes "expanded": what it shows); without descend, every row's. Rows a
// model fetches lazily (canFetchMore) are fetched first under every parent written, so the whole table
// is written, not what was scrolled to.
//
// A cell is the text the view shows (DisplayRole), with two changes that make the file more useful
// than the screen and lose nothing:
// - in a numeric column (the cell's SortRole is a number), a number the model wrote in locale (1,234;
//   -7; +12; 3.5) is written plainly (1234, -7, 12, 3.5), so spreadsheets read it as a number; other
//   texts of such columns ("immortal", a hexadecimal address, "1 → 3") are written as shown;
// - a text the model cut for the screen (ending in "…" where its SortRole holds the whole text, as long
//   reprs do) is written whole.
// Fields holding a comma, a quote, CR or LF are quoted, quotes doubled. UTF-8, no byte order mark.
QByteArray tableCsv(QAbstractItemModel& model, const QList<int>& columns, const QLocale& locale = QLocale(),
    TableCsvStats* stats = nullptr, const std::function<bool(const QModelIndex&)>& descend = {});

// tableCsv() a slice at a time, so that a big table is written without stopping the GUI thread for
// long: writeRows() writes the next rows, up to a number, and says whether the table is complete. A
// change of the model's rows between two slices (a filter, a sort, a new analysis: rows inserted,
// removed or moved, a layout change, a reset; not the rows the writer itself fetches) stops it:
// isInterrupted(), and the bytes are not the table any more.
class TableCsvWriter
{
public:
    TableCsvWriter(QAbstractItemModel& model, QList<int> columns, const QLocale& locale = QLocale(),
        std::function<bool(const QModelIndex&)> descend = {});
    ~TableCsvWriter();
    TableCsvWriter(const TableCsvWriter&) = delete;
    TableCsvWriter& operator=(const TableCsvWriter&) = delete;

    // Writes up to maxRows more rows (the header first); true once every row is written. Nothing more
    // once interrupted.
    bool writeRows(qsizetype maxRows);
    bool isDone() const { return m_stack.empty() && m_started; }
    bool isInterrupted() const { return m_interrupted; }
    // The CSV written so far.
    const QByteArray& bytes() const { return m_out; }
    QByteArray takeBytes() { return std::move(m_out); }
    TableCsvStats stats() const { return {m_rows, m_columns.size()}; }
    // Rows of the top level written, and the rows it has (known so far: a lazy model may have more).
    qsizetype topRowsWritten() const;
    qsizetype topRowCount() const;

private:
    struct Level
    {
        QPersistentModelIndex parent;
        int next = 0;
    };
    void fetchAll(const QModelIndex& parent);
    void writeRow(int row, const QModelIndex& parent);

    QAbstractItemModel& m_model;
    QList<int> m_columns;
    QLocale m_locale;
    std::function<bool(const QModelIndex&)> m_descend;
    std::vector<Level> m_stack;
    QByteArray m_out;
    QStringList m_fields;
    std::vector<signed char> m_numeric; // per column: its SortRole is a number (1), is not (0), unknown (-1)
    QList<QMetaObject::Connection> m_connections;
    qsizetype m_rows = 0;
    bool m_started = false;
    bool m_fetching = false;
    bool m_interrupted = false;
};

// One field of a CSV line, quoted when it must be (RFC 4180).
QString csvField(const QString& text);

// The text tableCsv() writes for a cell, from its DisplayRole and SortRole values (see above).
QString csvCellText(const QVariant& display, const QVariant& sortValue, const QLocale& locale);

} // namespace leakscope
