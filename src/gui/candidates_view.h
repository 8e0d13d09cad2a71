#pragma once

#include "models/analyzed_snapshot.h"
#include "models/candidates_model.h"

#include <QtCore/QSet>
#include <QtCore/QTimer>
#include <QtWidgets/QTableView>

#include <optional>
#include <vector>

class QLabel;

namespace leakscope {

class CandidatesFilterProxy;
class FilterBar;

// A table that shows where the keyboard is while it has the focus: a frame around the viewport and a
// dashed one around the current row, which selection colours alone do not show (the current row need
// not be selected, and an inactive selection looks alike in many styles).
class KeyboardTableView : public QTableView
{
    Q_OBJECT

public:
    using QTableView::QTableView;

protected:
    void paintEvent(QPaintEvent* event) override;
    void focusInEvent(QFocusEvent* event) override;
    void focusOutEvent(QFocusEvent* event) override;
    void currentChanged(const QModelIndex& current, const QModelIndex& previous) override;
};

// The table of leak candidates of the snapshot shown — or of all its objects (ListMode) — through the
// filters of a filter bar and the types, groups and libraries chosen in the summaries; biggest first
// until the user sorts otherwise. Its context menu selects the row clicked, then offers the actions
// given.
//
// The current row follows its object: through re-sorts, filter changes, a change of list mode and a
// new analysis of the same snapshot (other rules), it stays on that object while it is listed; a
// change that hides it leaves no row current, and one that lists it again makes it current again,
// until the user makes another row current. While nothing is listed, a line over the empty table
// (objectName emptyTableHint) says which filter hides the rows and how to undo it.
class CandidatesView : public KeyboardTableView
{
    Q_OBJECT

public:
    using ListMode = CandidatesModel::ListMode;

    explicit CandidatesView(QWidget* parent = nullptr);
    ~CandidatesView() override;

    CandidatesModel* candidates() const { return m_candidates; }
    CandidatesFilterProxy* proxy() const { return m_proxy; }

    // The filter bar whose filters apply, which shows how many types, groups and libraries are chosen,
    // and whose All objects box and action switch the list mode.
    void setFilterBar(FilterBar* filterBar);
    // Lists only the objects of these types, groups, libraries; none chosen: all.
    void chooseTypes(const QSet<TypeIndex>& types);
    void chooseGroups(const std::vector<CandidateGroupKey>& groups);
    void chooseLibraries(const QSet<StringId>& libraries);
    // Lists only these objects of the snapshot shown: those the creating C functions chosen (creators
    // of them) made. Empty objects and creators 0: all.
    void chooseCreatedObjects(const std::vector<ObjectIndex>& objects, int creators);

    // Candidates (the default) or every object of the snapshot, with the same filters (see
    // CandidatesFilterProxy for what groups and "show explained" mean for objects that are not
    // candidates). The current object stays current when it is listed in the new mode.
    void setListMode(ListMode mode);
    ListMode listMode() const { return m_candidates->listMode(); }

    // Lists the candidates (or objects) of analyzed.
    void setAnalysis(AnalyzedSnapshotPtr analyzed);
    // Fits the columns up to Surplus to the rows in view, once the filters of a new analysis apply.
    void fitColumnsToRows();
    // The object of the current row; nothing when no row is current.
    std::optional<ObjectIndex> currentObject() const;
    // Makes the row of object current and scrolls to it; false (and nothing changed) when object is not listed.
    bool selectObject(ObjectIndex object);
    // Makes the first row current; false when nothing is listed.
    bool selectFirst();
    void setContextActions(const QList<QAction*>& actions) { m_contextActions = actions; }
    const QList<QAction*>& contextActions() const { return m_contextActions; }
    // Why nothing is listed, as the line over the empty table says it; empty while rows are listed or
    // no snapshot is shown.
    QString emptyTableHint() const;

Q_SIGNALS:
    // Another row became current, none is, or the current object was analysed again.
    void currentObjectChanged();
    // The number of rows listed may have changed.
    void listedRowsChanged();
    // setListMode() changed the mode, or the filter bar did.
    void listModeChanged(leakscope::CandidatesModel::ListMode mode);

protected:
    void keyPressEvent(QKeyEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void showContextMenu(const QPoint& position);
    QModelIndex listedIndexOf(ObjectIndex object) const;
    // After the rows changed under the view: makes the wanted object current again, or no row when it
    // is not listed (the view moves the current row to a neighbour when its row goes), then announces.
    void followWanted(bool reannounce);
    void announce(bool force);
    void updateHint();

    CandidatesModel* m_candidates;
    CandidatesFilterProxy* m_proxy;
    FilterBar* m_filterBar = nullptr;
    QList<QAction*> m_contextActions;
    // The object the user (or selectObject()) made current last; kNoObject: none.
    ObjectIndex m_wanted = kNoObject;
    std::optional<ObjectIndex> m_announced;
    bool m_rowsChanging = false; // current row moves now are the model's, not the user's
    QLabel* m_hint;
    QTimer m_hintTimer;
};

} // namespace leakscope
