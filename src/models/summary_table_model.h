#pragma once

#include "analyzed_snapshot.h"
#include "item_roles.h"

#include <QtCore/QAbstractTableModel>
#include <QtCore/QLocale>

#include <functional>
#include <utility>
#include <vector>

namespace leakscope {

// What the summary tables (per type, per library, per explanation group) have in common, written once:
// rows computed from one analysis (a few; at most one per type), reset only when a new analysis comes,
// and columns that are either a count or a text. A count shows in the default QLocale of the time the
// model was made, has its raw number as SortRole and is right-aligned; a text is its own SortRole
// unless its column says otherwise. Headers, flags and the dispatch over roles live here; the rows and
// their type are SummaryTableModel's.
class SummaryTableModelBase : public QAbstractTableModel
{
    Q_OBJECT

public:
    const AnalyzedSnapshotPtr& analyzedSnapshot() const { return m_analyzed; }

    int rowCount(const QModelIndex& parent = {}) const final;
    int columnCount(const QModelIndex& parent = {}) const final;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const final;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const final;
    Qt::ItemFlags flags(const QModelIndex& index) const final;

    static constexpr quint64 kNoCount = ~quint64(0);

protected:
    // One column's header and kind; the cells' values are the row type's business.
    struct ColumnHeader
    {
        QString title;
        QString toolTip; // empty: the header has none
        bool isCount = false;
    };

    SummaryTableModelBase(std::vector<ColumnHeader> headers, QObject* parent);
    ~SummaryTableModelBase() override;

    // Only between beginResetModel() and endResetModel().
    void setAnalyzedSnapshot(AnalyzedSnapshotPtr analyzed) { m_analyzed = std::move(analyzed); }

    // The cells, for row and column in range (row < rows()): a count column's number, a text column's
    // display text, sort text and tooltip (null: none); rowRole() answers any other role for the row
    // whatever its column (TypeIndexRole and the like; null: none).
    virtual std::size_t rows() const = 0;
    virtual quint64 count(int row, int column) const = 0;
    virtual QString text(int row, int column) const = 0;
    virtual QString sortText(int row, int column) const = 0;
    virtual QVariant toolTip(int row, int column) const = 0;
    virtual QVariant rowRole(int row, int role) const = 0;

private:
    const std::vector<ColumnHeader> m_headers;
    AnalyzedSnapshotPtr m_analyzed;
    QLocale m_locale;
};

// A summary table over rows of type Row, which it owns. A concrete model hands its columns to the
// constructor in the order of its Column enum, and says how an analysis becomes its rows (rowsOf()).
template <typename Row>
class SummaryTableModel : public SummaryTableModelBase
{
public:
    // Cell functions receive the model's analysis with the row, so they can read the snapshot.
    using TextOf = std::function<QString(const AnalyzedSnapshot&, const Row&)>;
    using CountOf = std::function<quint64(const Row&)>;
    using RoleOf = std::function<QVariant(const Row&, int role)>;
    // What a count function returns for a cell with no number (not computed): an empty cell whose
    // SortRole is 0.
    static constexpr quint64 kNoCount = SummaryTableModelBase::kNoCount;

    struct Column
    {
        ColumnHeader header;
        CountOf count;   // set for a count column
        TextOf text;     // set for a text column
        TextOf sortText; // empty: text
        TextOf toolTip;  // empty: none
    };

    static Column countColumn(QString title, QString headerToolTip, CountOf count)
    {
        return {{std::move(title), std::move(headerToolTip), true}, std::move(count), {}, {}, {}};
    }
    static Column textColumn(QString title, QString headerToolTip, TextOf text, TextOf sortText = {},
                             TextOf toolTip = {})
    {
        return {{std::move(title), std::move(headerToolTip), false}, {}, std::move(text), std::move(sortText),
                std::move(toolTip)};
    }

    // The only resets. The first overload runs the analysis here (O(N + E)); the second shares one
    // computed elsewhere, e.g. off the GUI thread or by another model. Null clears the model.
    void setSnapshot(SnapshotPtr snapshot) { setSnapshot(analyzeSnapshot(std::move(snapshot))); }
    void setSnapshot(AnalyzedSnapshotPtr analyzed)
    {
        // Computed before the reset so the model is never half-filled.
        std::vector<Row> rows = analyzed ? rowsOf(*analyzed) : std::vector<Row>();
        beginResetModel();
        setAnalyzedSnapshot(std::move(analyzed));
        m_rows = std::move(rows);
        endResetModel();
    }

    // The row at a position; row must be in range.
    const Row& rowAt(int row) const { return m_rows[static_cast<std::size_t>(row)]; }

protected:
    // roleOf: see rowRole(); empty when the rows answer no other role.
    SummaryTableModel(std::vector<Column> columns, RoleOf roleOf, QObject* parent)
        : SummaryTableModelBase(headersOf(columns), parent)
        , m_columns(std::move(columns))
        , m_roleOf(std::move(roleOf))
    {
    }

    // The rows of an analysis, in the order the table shows them.
    virtual std::vector<Row> rowsOf(const AnalyzedSnapshot& analyzed) const = 0;

private:
    static std::vector<ColumnHeader> headersOf(const std::vector<Column>& columns)
    {
        std::vector<ColumnHeader> headers;
        headers.reserve(columns.size());
        for (const Column& column : columns)
            headers.push_back(column.header);
        return headers;
    }

    const Column& column(int column) const { return m_columns[static_cast<std::size_t>(column)]; }

    std::size_t rows() const final { return m_rows.size(); }
    quint64 count(int row, int c) const final { return column(c).count(rowAt(row)); }
    QString text(int row, int c) const final { return column(c).text(*analyzedSnapshot(), rowAt(row)); }
    QString sortText(int row, int c) const final
    {
        const Column& col = column(c);
        return (col.sortText ? col.sortText : col.text)(*analyzedSnapshot(), rowAt(row));
    }
    QVariant toolTip(int row, int c) const final
    {
        const Column& col = column(c);
        return col.toolTip ? QVariant(col.toolTip(*analyzedSnapshot(), rowAt(row))) : QVariant();
    }
    QVariant rowRole(int row, int role) const final { return m_roleOf ? m_roleOf(rowAt(row), role) : QVariant(); }

    const std::vector<Column> m_columns;
    const RoleOf m_roleOf;
    std::vector<Row> m_rows;
};

} // namespace leakscope
