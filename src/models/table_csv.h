#pragma once

// A table as the user sees it, written as CSV (RFC 4180): what Export Table as CSV… writes for any
// table of the window. Widget-free: the caller says which columns (the view's visible ones, in their
// visual order) and gives the model the view shows (its proxy), so rows come in the view's current
// order and filter.

#include <QtCore/QByteArray>
#include <QtCore/QList>
#include <QtCore/QLocale>
#include <QtCore/QString>

#include <functional>

class QAbstractItemModel;
class QModelIndex;
class QVariant;

namespace leakscope {

struct TableCsvStats
{
    qsizetype rows = 0;    // data rows written (the header line not counted)
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

// One field of a CSV line, quoted when it must be (RFC 4180).
QString csvField(const QString& text);

// The text tableCsv() writes for a cell, from its DisplayRole and SortRole values (see above).
QString csvCellText(const QVariant& display, const QVariant& sortValue, const QLocale& locale);

} // namespace leakscope
