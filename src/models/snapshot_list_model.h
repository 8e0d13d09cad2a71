#pragma once

#include "item_roles.h"

#include <QtCore/QAbstractTableModel>
#include <QtCore/QList>
#include <QtCore/QString>

namespace leakscope {

// What the snapshot list shows of one snapshot of a session.
struct SnapshotListRow
{
    QString label;
    qint64 capturedAtMs = 0; // Unix time; 0 when not known
    quint64 objects = 0;
    quint64 suspects = 0;
    QString file; // the file it was opened from or saved to; empty when none
    bool saved = false; // the file holds it
    QString origin; // where it comes from: "demo.py · run 2 · process 1234", "opened from a file"
};

// The snapshots of a session, one row each, in the session's order (row k is snapshot k): label (the
// one editable column: an edit asks for the rename with renameRequested(), and the row changes once
// the owner of the rows says so), time taken, objects, suspects, file, origin. Whoever holds the session
// keeps the rows in step with it (insertSnapshot(), updateSnapshot(), removeSnapshot()); the models
// layer knows nothing of sessions. IsShownRole marks the shown snapshot's row, for the view to stand
// it out.
class SnapshotListModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Role { IsShownRole = LibraryRole + 100, IsSavedRole }; // bool, any column
    enum Column { LabelColumn, TakenColumn, ObjectsColumn, SuspectsColumn, FileColumn, OriginColumn, ColumnCount };

    explicit SnapshotListModel(QObject* parent = nullptr);

    // row becomes the row at position row (0 to rowCount()); the rows after it move down.
    void insertSnapshot(int row, const SnapshotListRow& snapshot);
    void updateSnapshot(int row, const SnapshotListRow& snapshot);
    void removeSnapshot(int row);
    // The row of the snapshot shown (-1: none).
    void setShownRow(int row);
    int shownRow() const { return m_shownRow; }
    // A bad row gives an empty one.
    SnapshotListRow snapshotRow(int row) const { return m_rows.value(row); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

    // "14:02:31" today, "2026-12-04 14:02" another day, "" when not known.
    static QString takenText(qint64 capturedAtMs, qint64 nowMs);

Q_SIGNALS:
    // The user gave row another label (not blank); the row changes once updateSnapshot() says so.
    void renameRequested(int row, const QString& label);

private:
    bool valid(const QModelIndex& index) const;

    QList<SnapshotListRow> m_rows;
    int m_shownRow = -1;
};

} // namespace leakscope
