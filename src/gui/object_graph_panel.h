#pragma once

#include "models/analyzed_snapshot.h"
#include "models/object_tree_model.h"
#include "models/root_path.h"

#include <QtWidgets/QWidget>

#include <array>
#include <functional>
#include <memory>
#include <optional>

class QAction;
class QTreeView;

namespace Ui {
class ObjectGraphPanel;
}

namespace leakscope {

// Where the current object sits in the graph, one tab each: what it holds (referents), who holds it
// (referrers), both as trees fetched as they expand, and the shortest chain of references from a
// root down to it. A node that becomes current in a tree (a click, the arrow keys) is previewed: the
// window shows its details and nothing else changes. Activating a node (double-click, Enter, Go to
// Object in its context menu) or clicking a step of the path asks to go to that object: the window
// makes it the current object and shows it here again. Each view has a context menu to go to an object
// and copy its line, address, repr or path from a root; in a tree Ctrl+C copies the node's line.
class ObjectGraphPanel : public QWidget
{
    Q_OBJECT

public:
    // What the Copy actions put on the clipboard.
    enum class CopyKind {
        Line,    // "0x7f… module.Type repr"
        Address, // "0x7f…"
        Repr,    // the structural repr, whole
        Path,    // the path from a root down to the object, one step a line
    };

    explicit ObjectGraphPanel(QWidget* parent = nullptr);
    ~ObjectGraphPanel() override;

    // Roots both trees at object (the current object), opened one level, and finds its path from a root
    // off the GUI thread (the Path tab says it is looking meanwhile; pathShown() when it is shown).
    void showObject(AnalyzedSnapshotPtr analyzed, ObjectIndex object);
    // Whether the path of the object shown is still being looked for.
    bool isFindingPath() const;
    void clear();
    // The object the trees are rooted at; nothing after clear().
    std::optional<ObjectIndex> object() const;

    // What kind copies of object, of the snapshot shown; empty without one.
    QString copyText(ObjectIndex object, CopyKind kind) const;
    // Copy (Ctrl+C while view has the focus), Copy Address, Copy Repr and Copy Path for the object
    // objectOf() names when triggered (nothing: they do nothing), added to view and returned in that
    // order for its context menu.
    QList<QAction*> addCopyActions(QWidget* view, std::function<std::optional<ObjectIndex>()> objectOf);

Q_SIGNALS:
    // A node became current in a tree: the user looks at that object without going to it.
    void objectPreviewed(leakscope::ObjectIndex object);
    // The user asks to go to object: an activated node, a step of the path.
    void objectActivated(leakscope::ObjectIndex object);
    // The path from a root of object, the object shown, is in the Path tab (or why there is none).
    void pathShown(leakscope::ObjectIndex object);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void setUpTree(QTreeView* tree);
    // The Object column takes the width the other columns leave, down to a minimum (then the tree
    // scrolls sideways), until the user sizes it.
    void fitObjectColumn(QTreeView* tree);
    std::optional<ObjectIndex> currentNodeObject(const QTreeView* tree) const;
    void showTreeMenu(QTreeView* tree, const QPoint& position);
    void showPathMenu(const QPoint& position);
    void findPathFromRoot();
    void showPathFromRoot();
    void activateLater(ObjectIndex object);
    QAction* makeCopyAction(CopyKind kind, QObject* parent, std::function<std::optional<ObjectIndex>()> objectOf);

    std::unique_ptr<Ui::ObjectGraphPanel> m_ui;
    ObjectTreeModel* m_referents;
    ObjectTreeModel* m_referrers;
    AnalyzedSnapshotPtr m_analyzed;
    ObjectIndex m_object = kNoObject;
    RootPaths m_path; // of m_object, once found
    bool m_pathPending = false; // m_path is being looked for
    quint64 m_pathRequest = 0; // the last search started; an answer to an earlier one is dropped
    // The trees' columns as first laid out; for ObjectColumn, its minimum.
    std::array<int, ObjectTreeModel::ColumnCount> m_columnWidths{};
    bool m_fittingColumns = false;
};

} // namespace leakscope
