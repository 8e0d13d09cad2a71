#pragma once

#include <QtWidgets/QTreeView>

namespace leakscope {

class Session;
class SnapshotListModel;

// The snapshots of a session as a list (SnapshotListModel kept in step with the session): label, time
// taken, objects, suspects, file, run or process; the shown one in bold. Enter or a double click shows
// a snapshot; F2 renames it; Delete asks to close the selected ones (closeRequested(): the window asks
// about unsaved ones); the context menu also saves one, compares two and shows the growth over two or
// more.
class SnapshotListView : public QTreeView
{
    Q_OBJECT

public:
    explicit SnapshotListView(QWidget* parent = nullptr);

    void setSession(Session* session);
    SnapshotListModel* listModel() const { return m_model; }
    // The session's indexes of the selected snapshots, in order.
    QList<int> selectedSnapshots() const;
    // The snapshot the actions apply to: the current row, else the only one selected; -1 when none.
    int currentSnapshot() const;

    QAction* showAction() const { return m_show; }
    QAction* renameAction() const { return m_rename; }
    QAction* saveAction() const { return m_save; }
    QAction* closeAction() const { return m_close; }
    QAction* compareAction() const { return m_compare; }
    QAction* growthAction() const { return m_growth; }

Q_SIGNALS:
    // Save As… for snapshot index.
    void saveRequested(int index);
    // Close for these snapshots (session indexes, in order).
    void closeRequested(const QList<int>& indexes);
    // Compare for the two selected snapshots, the earlier one first.
    void compareRequested(int before, int after);
    // Growth over Selected Snapshots, for the two or more selected (session indexes, in order).
    void growthRequested(const QList<int>& indexes);

protected:
    void contextMenuEvent(QContextMenuEvent* event) override;

private:
    void addRow(int index);
    void updateRow(int index);
    void updateActions();

    Session* m_session = nullptr;
    SnapshotListModel* m_model;
    QAction* m_show;
    QAction* m_rename;
    QAction* m_save;
    QAction* m_close;
    QAction* m_compare;
    QAction* m_growth;
};

} // namespace leakscope
