#pragma once

#include "analyzed_snapshot.h"
#include "item_roles.h"

#include <QtCore/QAbstractTableModel>
#include <QtCore/QLocale>

namespace leakscope {

// The candidates of a snapshot by the library behind their type (AnalyzedSnapshot::libraries()): one
// row per library, most suspects first, with its candidates and suspects. The library shows as its
// file name, the full path in the tooltip; one row gathers the types without a library (classes
// defined in Python, and types whose library was not found). The rows keep that order.
class LibrarySummaryModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { LibraryColumn, CandidatesColumn, SuspectsColumn, ColumnCount };
    Q_ENUM(Column)

    explicit LibrarySummaryModel(QObject* parent = nullptr);
    ~LibrarySummaryModel() override;

    // The only resets; as CandidatesModel::setSnapshot().
    void setSnapshot(SnapshotPtr snapshot);
    void setSnapshot(AnalyzedSnapshotPtr analyzed);
    const AnalyzedSnapshotPtr& analyzedSnapshot() const { return m_analyzed; }

    int rowCount(const QModelIndex& parent = {}) const final;
    int columnCount(const QModelIndex& parent = {}) const final;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const final;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const final;
    Qt::ItemFlags flags(const QModelIndex& index) const final;

    // The library a row shows; row must be in range.
    const LibraryRow& libraryAt(int row) const;
    // The full path of the row's library; empty for the row of types without one.
    QString libraryPathAt(int row) const;
    // The row of the library with this full path (empty: the row of types without one), or -1.
    int rowOfPath(const QString& path) const;

private:
    AnalyzedSnapshotPtr m_analyzed;
    QLocale m_locale;
};

// What a candidate's library cell says: the library's file name, or empty for none.
QString libraryTitle(std::string_view path);

} // namespace leakscope
