#pragma once

#include "analyzed_snapshot.h"
#include "item_roles.h"

#include <QtCore/QAbstractTableModel>
#include <QtCore/QLocale>

#include <vector>

namespace leakscope {

// One row per type present in a snapshot (HeapAnalysis::typeSummary(), by type index): how many
// objects and bytes, how many leak candidates and suspects.
class TypeSummaryModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { TypeColumn, CountColumn, BytesColumn, CandidatesColumn, SuspectsColumn, ColumnCount };
    Q_ENUM(Column)

    explicit TypeSummaryModel(QObject* parent = nullptr);
    ~TypeSummaryModel() override;

    // The only resets; as CandidatesModel::setSnapshot().
    void setSnapshot(SnapshotPtr snapshot);
    void setSnapshot(AnalyzedSnapshotPtr analyzed);
    const AnalyzedSnapshotPtr& analyzedSnapshot() const { return m_analyzed; }

    int rowCount(const QModelIndex& parent = {}) const final;
    int columnCount(const QModelIndex& parent = {}) const final;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const final;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const final;
    Qt::ItemFlags flags(const QModelIndex& index) const final;

    const TypeSummaryRow& summaryAt(int row) const { return m_rows[static_cast<std::size_t>(row)]; }

private:
    AnalyzedSnapshotPtr m_analyzed;
    std::vector<TypeSummaryRow> m_rows;
    QLocale m_locale;
};

} // namespace leakscope
