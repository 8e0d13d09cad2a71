#include "object_graph_panel.h"

#include "gui/object_details.h"
#include "models/model_text.h"
#include "models/object_tree_model.h"
#include "support/background_work.h"
#include "ui_object_graph_panel.h"

#include <QtCore/QScopedValueRollback>
#include <QtGui/QClipboard>
#include <QtGui/QGuiApplication>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QMenu>

namespace leakscope {

namespace {

// The Object column never gets narrower than this many average characters by itself.
constexpr int kObjectColumnMinimumCharacters = 28;

ObjectTreeModel* treeModel(const QTreeView* tree)
{
    return static_cast<ObjectTreeModel*>(tree->model());
}

} // namespace

ObjectGraphPanel::ObjectGraphPanel(QWidget* parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::ObjectGraphPanel>())
    , m_referents(new ObjectTreeModel(ObjectTreeModel::Referents, this))
    , m_referrers(new ObjectTreeModel(ObjectTreeModel::Referrers, this))
{
    m_ui->setupUi(this);
    m_ui->referentsView->setModel(m_referents);
    m_ui->referrersView->setModel(m_referrers);
    setUpTree(m_ui->referentsView);
    setUpTree(m_ui->referrersView);

    QTextBrowser* path = m_ui->pathView;
    connect(path, &QTextBrowser::anchorClicked, this, [this](const QUrl& link) {
        if (const std::optional<ObjectIndex> step = objectOfLink(link); step && m_analyzed)
            Q_EMIT objectActivated(*step);
    });
    path->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(path, &QWidget::customContextMenuRequested, this, &ObjectGraphPanel::showPathMenu);
}

ObjectGraphPanel::~ObjectGraphPanel() = default;

void ObjectGraphPanel::setUpTree(QTreeView* tree)
{
    QHeaderView* header = tree->header();
    const QFontMetrics metrics(header->font());
    const int padding = 2 * metrics.averageCharWidth() + 8; // the sort arrow's room and the margins
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setStretchLastSection(true);
    header->setMinimumSectionSize(4 * metrics.averageCharWidth());
    // The edge names a key or an attribute; the numbers are counts and sizes of one object. The
    // Object column's width here is its minimum.
    m_columnWidths[ObjectTreeModel::ObjectColumn] = kObjectColumnMinimumCharacters * metrics.averageCharWidth();
    m_columnWidths[ObjectTreeModel::EdgeColumn] = metrics.horizontalAdvance(QStringLiteral("['headers']")) + padding;
    for (int column = ObjectTreeModel::SizeColumn; column < ObjectTreeModel::ColumnCount; ++column) {
        const QString title = m_referents->headerData(column, Qt::Horizontal).toString();
        m_columnWidths[column]
            = std::max(metrics.horizontalAdvance(title), metrics.horizontalAdvance(QStringLiteral("99,999"))) + padding;
    }
    for (int column = 0; column < ObjectTreeModel::ColumnCount; ++column)
        header->resizeSection(column, m_columnWidths[column]);
    connect(header, &QHeaderView::sectionResized, this, [this, tree](int column) {
        if (column == ObjectTreeModel::ObjectColumn && !m_fittingColumns)
            tree->setProperty("objectColumnSized", true);
    });
    // The viewport's size, not the tree's: the tree lays its viewport out after its own resize.
    tree->viewport()->installEventFilter(this);
    tree->setTextElideMode(Qt::ElideRight);
    tree->setExpandsOnDoubleClick(false); // a double-click goes to the object; the arrow expands

    // A node made current is previewed; an activated one is gone to, once the view is done with the
    // event that activated it (going there resets its model).
    connect(
        tree->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this, tree](const QModelIndex& index) {
            if (const auto node = treeModel(tree)->objectAt(index))
                Q_EMIT objectPreviewed(*node);
        });
    connect(tree, &QAbstractItemView::activated, this, [this, tree](const QModelIndex& index) {
        if (const auto node = treeModel(tree)->objectAt(index))
            activateLater(*node);
    });
    tree->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(tree, &QWidget::customContextMenuRequested, this,
        [this, tree](const QPoint& position) { showTreeMenu(tree, position); });
    addCopyActions(tree, [this, tree] { return currentNodeObject(tree); });
}

bool ObjectGraphPanel::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::Resize) {
        for (QTreeView* tree : {m_ui->referentsView, m_ui->referrersView}) {
            if (watched == tree->viewport())
                fitObjectColumn(tree);
        }
    }
    return QWidget::eventFilter(watched, event);
}

void ObjectGraphPanel::fitObjectColumn(QTreeView* tree)
{
    if (tree->property("objectColumnSized").toBool())
        return;
    // The other columns at the widths they were given: the last one may have stretched since.
    int others = 0;
    for (int column = ObjectTreeModel::EdgeColumn; column < ObjectTreeModel::ColumnCount; ++column)
        others += m_columnWidths[column];
    // At least its minimum and more than half the view: in a narrow view the numbers scroll away
    // rather than the object.
    const int viewport = tree->viewport()->width();
    const int least = std::max(m_columnWidths[ObjectTreeModel::ObjectColumn], viewport * 11 / 20);
    const QScopedValueRollback fitting(m_fittingColumns, true);
    tree->header()->resizeSection(ObjectTreeModel::ObjectColumn, std::max(least, viewport - others));
}

void ObjectGraphPanel::clear()
{
    m_analyzed.reset();
    m_object = kNoObject;
    m_path = {};
    m_pathPending = false;
    ++m_pathRequest;
    m_referents->setRoot(nullptr, 0);
    m_referrers->setRoot(nullptr, 0);
    m_ui->pathView->clear();
}

std::optional<ObjectIndex> ObjectGraphPanel::object() const
{
    if (!m_analyzed || m_object == kNoObject)
        return std::nullopt;
    return m_object;
}

void ObjectGraphPanel::showObject(AnalyzedSnapshotPtr analyzed, ObjectIndex object)
{
    if (!analyzed || object >= analyzed->snapshot().objectCount()) {
        clear();
        return;
    }
    m_analyzed = analyzed;
    m_object = object;
    m_referents->setRoot(analyzed, object);
    m_referrers->setRoot(analyzed, object);
    m_ui->referentsView->expand(m_referents->index(0, 0));
    m_ui->referrersView->expand(m_referrers->index(0, 0));
    findPathFromRoot();
}

void ObjectGraphPanel::findPathFromRoot()
{
    // A breadth-first search through the referrers, O(N + E): 1.2 s from the end of a linked list of
    // ten million nodes. It runs off the GUI thread; the answer is shown if the object is still the
    // one shown when it comes (a newer request makes it stale).
    m_path = {};
    m_pathPending = true;
    const quint64 request = ++m_pathRequest;
    m_ui->pathView->setHtml(QStringLiteral("<p><i>%1</i></p>").arg(tr("Finding the shortest path from a root\u2026")));
    runInBackground(
        this,
        [analyzed = m_analyzed, referrers = m_referrers->referrerIndex(), object = m_object] {
            return rootPaths(*analyzed, *referrers, object, 1);
        },
        [this, request](RootPaths found) {
            if (request != m_pathRequest)
                return;
            m_path = std::move(found);
            m_pathPending = false;
            showPathFromRoot();
            Q_EMIT pathShown(m_object);
        });
}

bool ObjectGraphPanel::isFindingPath() const
{
    return m_pathPending;
}

void ObjectGraphPanel::showPathFromRoot()
{
    if (m_path.paths.empty()) {
        m_ui->pathView->setHtml(QStringLiteral("<p>%1</p>").arg(m_path.reason.toHtmlEscaped()));
        return;
    }
    const Snapshot& s = m_analyzed->snapshot();
    QString html = tr("<p>The shortest chain of references from an object nothing refers to (click a step to go "
                      "to it):</p><ol>");
    const std::vector<ObjectIndex>& path = m_path.paths.front();
    // A path through a nesting or a linked list can be millions of steps long, and the text view lays
    // out every line at once: the first and the last steps are listed, the ones between counted.
    constexpr std::size_t kEndSteps = 100;
    for (std::size_t k = 0; k < path.size(); ++k) {
        if (k == kEndSteps && path.size() > 2 * kEndSteps + 1) {
            const std::size_t skipped = path.size() - 2 * kEndSteps;
            html += QStringLiteral("</ol><p><i>%1</i></p><ol start=\"%2\">")
                        .arg(tr("\u2026 %L1 steps not listed \u2026").arg(skipped))
                        .arg(k + skipped + 1);
            k += skipped - 1;
            continue;
        }
        const ObjectIndex step = path[k];
        // How the previous step holds this one, where the snapshot says: "['key']", ".attr", "[3]".
        const QString via = stepEdgeText(s, path, k);
        const QString type = toQString(s.typeNameOf(step)).toHtmlEscaped();
        // The last step is the object shown: the others are links to go to.
        const QString name = k + 1 < path.size()
            ? QStringLiteral("<a href=\"%1\"><b>%2</b></a>").arg(objectLink(step), type)
            : QStringLiteral("<b>%1</b>").arg(type);
        html += QStringLiteral("<li>%1%2 <code>%3</code>%4</li>")
                    .arg(via.isEmpty() ? QString() : QStringLiteral("<code>%1</code> \u2192 ").arg(via.toHtmlEscaped()),
                        name, toQStringElided(s.repr(step), 160).toHtmlEscaped(),
                        m_analyzed->analysis().isCandidate(step) ? tr(" — a candidate") : QString());
    }
    m_ui->pathView->setHtml(html + QStringLiteral("</ol>"));
}

std::optional<ObjectIndex> ObjectGraphPanel::currentNodeObject(const QTreeView* tree) const
{
    return treeModel(tree)->objectAt(tree->currentIndex());
}

void ObjectGraphPanel::activateLater(ObjectIndex object)
{
    QMetaObject::invokeMethod(
        this, [this, object] { Q_EMIT objectActivated(object); }, Qt::QueuedConnection);
}

QString ObjectGraphPanel::copyText(ObjectIndex object, CopyKind kind) const
{
    if (!m_analyzed || object >= m_analyzed->snapshot().objectCount())
        return {};
    const Snapshot& s = m_analyzed->snapshot();
    switch (kind) {
    case CopyKind::Line: return objectLineText(s, object);
    case CopyKind::Address: return addressText(s.address(object));
    case CopyKind::Repr: {
        std::string scratch;
        return toQString(displayRepr(s, object, scratch));
    }
    case CopyKind::Path:
        // The current object's path is at hand once found; another's, or the current one's while it is
        // being found, costs a search, O(N + E), here: the user asked to copy it.
        return rootPathText(*m_analyzed,
            object == m_object && !m_pathPending ? m_path : rootPaths(*m_analyzed, *m_referrers->referrerIndex(), object, 1),
            object);
    }
    return {};
}

QAction* ObjectGraphPanel::makeCopyAction(
    CopyKind kind, QObject* parent, std::function<std::optional<ObjectIndex>()> objectOf)
{
    auto* action = new QAction(parent);
    switch (kind) {
    case CopyKind::Line:
        action->setText(tr("&Copy Object"));
        action->setObjectName(QStringLiteral("copyObject"));
        action->setToolTip(tr("Copy the object's address, type and repr as one line"));
        break;
    case CopyKind::Address:
        action->setText(tr("Copy &Address"));
        action->setObjectName(QStringLiteral("copyAddress"));
        break;
    case CopyKind::Repr:
        action->setText(tr("Copy &Repr"));
        action->setObjectName(QStringLiteral("copyRepr"));
        break;
    case CopyKind::Path:
        action->setText(tr("Copy &Path from a Root"));
        action->setObjectName(QStringLiteral("copyPath"));
        action->setToolTip(tr("Copy the shortest chain of references from a root down to the object, one step a line"));
        break;
    }
    connect(action, &QAction::triggered, this, [this, objectOf = std::move(objectOf), kind] {
        if (const std::optional<ObjectIndex> object = objectOf()) {
            if (const QString text = copyText(*object, kind); !text.isEmpty())
                QGuiApplication::clipboard()->setText(text);
        }
    });
    return action;
}

QList<QAction*> ObjectGraphPanel::addCopyActions(QWidget* view, std::function<std::optional<ObjectIndex>()> objectOf)
{
    QList<QAction*> actions;
    for (CopyKind kind : {CopyKind::Line, CopyKind::Address, CopyKind::Repr, CopyKind::Path})
        actions << makeCopyAction(kind, view, objectOf);
    // Ctrl+C copies the object's line while the view has the focus.
    actions.first()->setShortcut(QKeySequence::Copy);
    actions.first()->setShortcutContext(Qt::WidgetShortcut);
    view->addActions(actions);
    return actions;
}

void ObjectGraphPanel::showTreeMenu(QTreeView* tree, const QPoint& position)
{
    const QModelIndex index = tree->indexAt(position);
    const std::optional<ObjectIndex> node = treeModel(tree)->objectAt(index);
    if (!node)
        return;
    if (index.row() != tree->currentIndex().row() || index.parent() != tree->currentIndex().parent())
        tree->setCurrentIndex(index); // the node the menu is about, previewed
    QMenu menu(this);
    QAction* goTo = menu.addAction(tr("&Go to Object"), this, [this, object = *node] { activateLater(object); });
    goTo->setEnabled(*node != m_object);
    menu.addSeparator();
    menu.addActions(tree->actions());
    menu.exec(tree->viewport()->mapToGlobal(position));
}

void ObjectGraphPanel::showPathMenu(const QPoint& position)
{
    // The text browser's own menu (copy the selected text, select all), after what concerns the step
    // under the mouse, or else the object shown.
    QTextBrowser* path = m_ui->pathView;
    std::unique_ptr<QMenu> menu(path->createStandardContextMenu(position));
    QAction* first = menu->actions().value(0);
    const std::optional<ObjectIndex> step = objectOfLink(QUrl(path->anchorAt(position)));
    const std::optional<ObjectIndex> about = step && m_analyzed ? step : object();
    if (!about)
        return;
    const auto objectOf = [object = *about] { return std::optional<ObjectIndex>(object); };
    QList<QAction*> ours;
    if (*about != m_object) {
        ours << new QAction(tr("&Go to Object"), menu.get());
        connect(ours.last(), &QAction::triggered, this, [this, object = *about] { Q_EMIT objectActivated(object); });
    }
    for (CopyKind kind : {CopyKind::Line, CopyKind::Address, CopyKind::Repr})
        ours << makeCopyAction(kind, menu.get(), objectOf);
    ours << makeCopyAction(CopyKind::Path, menu.get(), [this] { return object(); });
    auto* separator = new QAction(menu.get());
    separator->setSeparator(true);
    ours << separator;
    menu->insertActions(first, ours);
    menu->exec(path->viewport()->mapToGlobal(position));
}

} // namespace leakscope
