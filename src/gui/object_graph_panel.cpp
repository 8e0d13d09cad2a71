#include "object_graph_panel.h"

#include "models/model_text.h"
#include "models/object_tree_model.h"
#include "models/root_path.h"
#include "ui_object_graph_panel.h"

#include <QtWidgets/QHeaderView>

namespace leakscope {

ObjectGraphPanel::ObjectGraphPanel(QWidget* parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::ObjectGraphPanel>())
    , m_referents(new ObjectTreeModel(ObjectTreeModel::Referents, this))
    , m_referrers(new ObjectTreeModel(ObjectTreeModel::Referrers, this))
{
    m_ui->setupUi(this);
    m_ui->referentsView->setModel(m_referents);
    m_ui->referrersView->setModel(m_referrers);
    for (QTreeView* tree : {m_ui->referentsView, m_ui->referrersView}) {
        tree->header()->setStretchLastSection(false);
        tree->header()->setSectionResizeMode(ObjectTreeModel::ObjectColumn, QHeaderView::Stretch);
        // Clicking a node shows that object's details; its own trees stay as they are.
        connect(tree->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this, tree](const QModelIndex& index) {
                if (const auto object = static_cast<ObjectTreeModel*>(tree->model())->objectAt(index))
                    Q_EMIT objectActivated(*object);
            });
    }
}

ObjectGraphPanel::~ObjectGraphPanel() = default;

void ObjectGraphPanel::clear()
{
    m_referents->setRoot(nullptr, 0);
    m_referrers->setRoot(nullptr, 0);
    m_ui->pathView->clear();
}

void ObjectGraphPanel::showObject(AnalyzedSnapshotPtr analyzed, ObjectIndex object)
{
    m_referents->setRoot(analyzed, object);
    m_referrers->setRoot(analyzed, object);
    m_ui->referentsView->expand(m_referents->index(0, 0));
    m_ui->referrersView->expand(m_referrers->index(0, 0));
    showPathFromRoot(*analyzed, object);
}

void ObjectGraphPanel::showPathFromRoot(const AnalyzedSnapshot& analyzed, ObjectIndex object)
{
    const Snapshot& s = analyzed.snapshot();
    const RootPaths found = rootPaths(analyzed, *m_referrers->referrerIndex(), object, 1);
    if (found.paths.empty()) {
        m_ui->pathView->setHtml(QStringLiteral("<p>%1</p>").arg(found.reason.toHtmlEscaped()));
        return;
    }
    QString html = tr("<p>The shortest chain of references from an object nothing refers to:</p><ol>");
    const std::vector<ObjectIndex>& path = found.paths.front();
    for (std::size_t k = 0; k < path.size(); ++k) {
        const ObjectIndex step = path[k];
        // How the previous step holds this one, where the snapshot says: "['key']", ".attr", "[3]".
        const std::string via = k > 0 ? edgeName(s, path[k - 1], s.edgeTo(path[k - 1], step)) : std::string();
        html += QStringLiteral("<li>%1<b>%2</b> <code>%3</code>%4</li>")
                    .arg(via.empty() ? QString()
                                     : QStringLiteral("<code>%1</code> \u2192 ").arg(toQString(via).toHtmlEscaped()),
                        toQString(s.typeNameOf(step)).toHtmlEscaped(),
                        toQStringElided(s.repr(step), 160).toHtmlEscaped(),
                        analyzed.analysis().isCandidate(step) ? tr(" — a candidate") : QString());
    }
    m_ui->pathView->setHtml(html + QStringLiteral("</ol>"));
}

} // namespace leakscope
