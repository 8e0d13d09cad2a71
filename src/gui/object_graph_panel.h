#pragma once

#include "models/analyzed_snapshot.h"

#include <QtWidgets/QWidget>

#include <memory>

namespace Ui {
class ObjectGraphPanel;
}

namespace leakscope {

class ObjectTreeModel;

// Where one object sits in the graph, one tab each: what it holds (referents), who holds it
// (referrers), both as trees fetched as they expand, and the shortest chain of references from a
// root down to it.
class ObjectGraphPanel : public QWidget
{
    Q_OBJECT

public:
    explicit ObjectGraphPanel(QWidget* parent = nullptr);
    ~ObjectGraphPanel() override;

    // Roots both trees at object, opened one level, and finds its path from a root.
    void showObject(AnalyzedSnapshotPtr analyzed, ObjectIndex object);
    void clear();

Q_SIGNALS:
    // A node of a tree became current: the user wants to see that object.
    void objectActivated(leakscope::ObjectIndex object);

private:
    void showPathFromRoot(const AnalyzedSnapshot& analyzed, ObjectIndex object);

    std::unique_ptr<Ui::ObjectGraphPanel> m_ui;
    ObjectTreeModel* m_referents;
    ObjectTreeModel* m_referrers;
};

} // namespace leakscope
