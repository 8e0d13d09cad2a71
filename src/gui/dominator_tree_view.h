#pragma once

#include "models/analyzed_snapshot.h"

#include <QtWidgets/QWidget>

#include <optional>

class QLabel;
class QTreeView;

namespace leakscope {

class DominatorTreeModel;

// The Dominator tree page: the snapshot's objects by what they keep alive (DominatorTreeModel), the
// biggest retainers first, each expandable into the objects only it keeps alive, under a line that
// sums the heap up (objects, bytes, top-level entries, objects the candidates do not reach). Rows are
// fetched as they are expanded or scrolled to. Sorting is by Retained or Share, either way; a click on
// another column's header leaves the order as it was.
//
// Choosing a row (the current row moved by the user: a click, the arrow keys) says so with
// objectChosen(), as the candidates table does, so the window makes it the current object.
class DominatorTreeView : public QWidget
{
    Q_OBJECT

public:
    explicit DominatorTreeView(QWidget* parent = nullptr);
    ~DominatorTreeView() override;

    // The analysis to show; its dominator tree is read only while the page is visible (a hidden page
    // keeps the analysis and takes it up when shown), so a hidden page costs nothing per snapshot.
    void setAnalysis(AnalyzedSnapshotPtr analyzed);
    // Selects object's row without saying so (no objectChosen()) when it is fetched; clears the
    // selection otherwise. The window calls it when the current object changes elsewhere.
    void showObject(ObjectIndex object);

    DominatorTreeModel* model() const { return m_model; }
    QTreeView* tree() const { return m_tree; }
    // The object of the current row; nullopt when none.
    std::optional<ObjectIndex> currentObject() const;
    QString summaryText() const;

Q_SIGNALS:
    void objectChosen(leakscope::ObjectIndex object);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void takeAnalysis();
    void updateSummary();

    DominatorTreeModel* m_model;
    QLabel* m_summary;
    QTreeView* m_tree;
    AnalyzedSnapshotPtr m_pending; // the analysis to show once visible
    bool m_hasPending = false;
    bool m_selecting = false; // the view's current row is moved by showObject(), not by the user
};

} // namespace leakscope
