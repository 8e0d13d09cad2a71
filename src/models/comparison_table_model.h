#pragma once

#include "item_roles.h"
#include "snapshot_comparison.h"

#include <QtCore/QAbstractTableModel>
#include <QtCore/QLocale>

#include <string>

namespace leakscope {

class TextFilter;

// What the comparison's tables (per-type deltas, new suspects, surplus growth) share, written once:
// rows read from one SnapshotComparison, reset only when another comes, flat, read-only, with every
// cell's raw value as SortRole so a ComparisonFilterProxy sorts any column. Numbers show in the default
// QLocale of the time the model was made.
class ComparisonTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    ~ComparisonTableModel() override;

    // The only reset; null clears the model.
    void setComparison(SnapshotComparisonPtr comparison);
    const SnapshotComparisonPtr& comparison() const { return m_comparison; }

    int rowCount(const QModelIndex& parent = {}) const final;
    int columnCount(const QModelIndex& parent = {}) const final;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const final;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const final;
    Qt::ItemFlags flags(const QModelIndex& index) const final;

    // Whether the text filter accepts the row (row in range, a comparison set): its type name, and for
    // object rows their repr too. Used by ComparisonFilterProxy on the GUI thread.
    virtual bool rowMatches(int row, const TextFilter& filter) const = 0;
    // True for a row that says nothing changed (a type with the same objects in both); such rows can
    // be hidden by the proxy.
    virtual bool isUnchangedRow(int row) const;

protected:
    ComparisonTableModel(int columns, QObject* parent);

    const QLocale& locale() const { return m_locale; }
    // "+1,234", "-5", "0".
    QString signedText(qint64 value) const;
    static QVariant rightAligned();

    // Called with a comparison set; row and column in range.
    virtual std::size_t rows(const SnapshotComparison& comparison) const = 0;
    virtual QVariant cell(int row, int column, int role) const = 0;
    // A column's header for role (DisplayRole, ToolTipRole); null for others.
    virtual QVariant header(int column, int role) const = 0;

private:
    const int m_columns;
    SnapshotComparisonPtr m_comparison;
    std::size_t m_rows = 0;
    QLocale m_locale;
};

// A comparison table whose rows are objects of B (new suspects, surplus growth): the text filter
// matches their type name or repr, and every cell answers ObjectIndexRole, TypeIndexRole, LibraryRole
// and IsSuspectRole for its object in B.
class ComparisonObjectsModel : public ComparisonTableModel
{
    Q_OBJECT

public:
    ~ComparisonObjectsModel() override;

    // The row's object in B; row must be in range.
    virtual ObjectIndex objectAt(int row) const = 0;
    // The row that shows object of B, or -1. O(rows).
    int rowOfObject(ObjectIndex object) const;

    bool rowMatches(int row, const TextFilter& filter) const override;

protected:
    using ComparisonTableModel::ComparisonTableModel;

    // The repr cell of the row's object for role: elided text, the whole repr as tooltip and SortRole.
    QVariant reprData(int row, int role) const;
    // The roles of objectRoleData() for the row's object; null for others.
    QVariant objectRole(int row, int role) const;

private:
    mutable std::string m_scratch;
};

} // namespace leakscope
