#include "snapshot_list_view.h"

#include "models/snapshot_list_model.h"
#include "session/session.h"

#include <QtCore/QFileInfo>
#include <QtGui/QAction>
#include <QtGui/QContextMenuEvent>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QMenu>
#include <QtWidgets/QStyledItemDelegate>

#include <algorithm>

namespace leakscope {

namespace {

// The shown snapshot's row in bold.
class ShownRowDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        if (index.data(SnapshotListModel::IsShownRole).toBool())
            option->font.setBold(true);
        if (index.column() == SnapshotListModel::FileColumn && !index.data(SnapshotListModel::IsSavedRole).toBool())
            option->font.setItalic(true);
    }
};

SnapshotListRow rowOf(const Session& session, int index)
{
    SnapshotListRow row;
    const AnalyzedSnapshotPtr analyzed = session.analyzedSnapshot(index);
    if (!analyzed)
        return row;
    row.label = session.snapshotLabel(index);
    row.capturedAtMs = analyzed->snapshot().info().capturedAtMs;
    row.objects = analyzed->snapshot().objectCount();
    row.suspects = analyzed->analysis().suspectCount();
    row.file = session.snapshotFile(index);
    row.saved = session.isSnapshotSaved(index);
    const SnapshotOrigin origin = session.snapshotOrigin(index);
    const QString process = origin.pid ? SnapshotListView::tr(" · process %1").arg(origin.pid) : QString();
    if (origin.isFromFile()) {
        row.origin = SnapshotListView::tr("opened from %1%2").arg(QFileInfo(origin.file).fileName(), process);
    } else {
        const QString what = origin.script.isEmpty() ? origin.description : QFileInfo(origin.script).fileName();
        row.origin = SnapshotListView::tr("%1 · run %2%3").arg(what).arg(origin.run).arg(process);
    }
    return row;
}

} // namespace

SnapshotListView::SnapshotListView(QWidget* parent)
    : QTreeView(parent)
    , m_model(new SnapshotListModel(this))
    , m_show(new QAction(tr("&Show"), this))
    , m_rename(new QAction(tr("&Rename"), this))
    , m_save(new QAction(tr("Save Snapshot &As…"), this))
    , m_close(new QAction(tr("&Close"), this))
    , m_compare(new QAction(tr("Com&pare"), this))
    , m_growth(new QAction(tr("&Growth over Selected Snapshots"), this))
{
    setModel(m_model);
    setItemDelegate(new ShownRowDelegate(this));
    setRootIsDecorated(false);
    setUniformRowHeights(true);
    setAllColumnsShowFocus(true);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setEditTriggers(QAbstractItemView::EditKeyPressed);
    header()->setStretchLastSection(true);
    setToolTip(tr("Every snapshot of the session: Enter shows one, F2 renames it, Delete closes it; select two "
                  "to compare them"));

    m_show->setObjectName(QStringLiteral("actionShowSnapshot"));
    m_rename->setObjectName(QStringLiteral("actionRenameSnapshot"));
    m_save->setObjectName(QStringLiteral("actionSaveListedSnapshot"));
    m_close->setObjectName(QStringLiteral("actionCloseSnapshot"));
    m_compare->setObjectName(QStringLiteral("actionCompareSelected"));
    m_growth->setObjectName(QStringLiteral("actionGrowthSelected"));
    m_rename->setShortcut(QKeySequence(Qt::Key_F2));
    m_close->setShortcut(QKeySequence(QKeySequence::Delete));
    m_show->setToolTip(tr("Show this snapshot (Enter, or a double click)"));
    m_rename->setToolTip(tr("Give the snapshot another label (F2)"));
    m_close->setToolTip(tr("Close the selected snapshots (Delete); an unsaved one is lost, so it asks first"));
    m_compare->setToolTip(tr("Compare the two selected snapshots"));
    m_growth->setToolTip(tr("What grew in every round of the selected snapshots, taken in order of capture"));
    for (QAction* action : {m_rename, m_close}) {
        action->setShortcutContext(Qt::WidgetShortcut);
        addAction(action);
    }
    connect(m_show, &QAction::triggered, this, [this] {
        if (m_session)
            m_session->showSnapshot(currentSnapshot());
    });
    connect(m_rename, &QAction::triggered, this, [this] {
        const int row = currentSnapshot();
        if (row < 0)
            return;
        const QModelIndex label = m_model->index(row, SnapshotListModel::LabelColumn);
        setCurrentIndex(label);
        edit(label);
    });
    connect(m_save, &QAction::triggered, this, [this] {
        if (const int row = currentSnapshot(); row >= 0)
            Q_EMIT saveRequested(row);
    });
    connect(m_close, &QAction::triggered, this, [this] {
        const QList<int> rows = selectedSnapshots();
        if (!rows.isEmpty())
            Q_EMIT closeRequested(rows);
        else if (const int row = currentSnapshot(); row >= 0)
            Q_EMIT closeRequested({row});
    });
    connect(m_compare, &QAction::triggered, this, [this] {
        const QList<int> rows = selectedSnapshots();
        if (rows.size() == 2)
            Q_EMIT compareRequested(rows[0], rows[1]);
    });
    connect(m_growth, &QAction::triggered, this, [this] {
        const QList<int> rows = selectedSnapshots();
        if (rows.size() >= 2)
            Q_EMIT growthRequested(rows);
    });
    connect(this, &QAbstractItemView::activated, this, [this](const QModelIndex& index) {
        if (m_session)
            m_session->showSnapshot(index.row());
    });
    connect(m_model, &SnapshotListModel::renameRequested, this, [this](int row, const QString& label) {
        if (m_session)
            m_session->renameSnapshot(row, label);
    });
    connect(selectionModel(), &QItemSelectionModel::selectionChanged, this, &SnapshotListView::updateActions);
    connect(selectionModel(), &QItemSelectionModel::currentChanged, this, &SnapshotListView::updateActions);
    updateActions();
}

void SnapshotListView::setSession(Session* session)
{
    m_session = session;
    for (int k = 0; k < session->snapshotCount(); ++k)
        addRow(k);
    m_model->setShownRow(session->shownIndex());
    connect(session, &Session::snapshotAdded, this, &SnapshotListView::addRow);
    connect(session, &Session::snapshotChanged, this, &SnapshotListView::updateRow);
    connect(session, &Session::reanalysed, this, &SnapshotListView::updateRow); // its suspects
    connect(session, &Session::snapshotRemoved, this, [this](int index) {
        m_model->removeSnapshot(index);
        updateActions();
    });
    connect(session, &Session::shownSnapshotChanged, m_model, &SnapshotListModel::setShownRow);
    updateActions();
}

void SnapshotListView::addRow(int index)
{
    m_model->insertSnapshot(index, rowOf(*m_session, index));
    if (header()->sectionSize(SnapshotListModel::LabelColumn)
        < header()->sectionSizeHint(SnapshotListModel::LabelColumn))
        resizeColumnToContents(SnapshotListModel::LabelColumn);
    updateActions();
}

void SnapshotListView::updateRow(int index)
{
    m_model->updateSnapshot(index, rowOf(*m_session, index));
}

QList<int> SnapshotListView::selectedSnapshots() const
{
    QList<int> rows;
    for (const QModelIndex& index : selectionModel()->selectedRows())
        rows.append(index.row());
    std::sort(rows.begin(), rows.end());
    return rows;
}

int SnapshotListView::currentSnapshot() const
{
    if (const QModelIndex current = currentIndex(); current.isValid())
        return current.row();
    const QList<int> rows = selectedSnapshots();
    return rows.size() == 1 ? rows.first() : -1;
}

void SnapshotListView::updateActions()
{
    const bool one = currentSnapshot() >= 0;
    m_show->setEnabled(one);
    m_rename->setEnabled(one);
    m_save->setEnabled(one);
    m_close->setEnabled(one || !selectedSnapshots().isEmpty());
    m_compare->setEnabled(selectedSnapshots().size() == 2);
    m_growth->setEnabled(selectedSnapshots().size() >= 2);
}

void SnapshotListView::contextMenuEvent(QContextMenuEvent* event)
{
    updateActions();
    QMenu menu(this);
    menu.addAction(m_show);
    menu.addAction(m_rename);
    menu.addAction(m_save);
    menu.addSeparator();
    menu.addAction(m_compare);
    menu.addAction(m_growth);
    menu.addSeparator();
    menu.addAction(m_close);
    menu.exec(event->globalPos());
}

} // namespace leakscope
