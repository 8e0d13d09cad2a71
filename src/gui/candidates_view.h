#pragma once

#include "models/analyzed_snapshot.h"

#include <QtCore/QSet>
#include <QtWidgets/QTableView>

#include <optional>
#include <vector>

namespace leakscope {

class CandidatesFilterProxy;
class CandidatesModel;
class FilterBar;

// The table of leak candidates of the snapshot shown, through the filters of a filter bar and the
// types, groups and libraries chosen in the summaries; biggest first until the user sorts otherwise.
// Its context menu selects the row clicked, then offers the actions given.
class CandidatesView : public QTableView
{
    Q_OBJECT

public:
    explicit CandidatesView(QWidget* parent = nullptr);
    ~CandidatesView() override;

    CandidatesModel* candidates() const { return m_candidates; }
    CandidatesFilterProxy* proxy() const { return m_proxy; }

    // The filter bar whose filters apply, and which shows how many types, groups and libraries are chosen.
    void setFilterBar(FilterBar* filterBar);
    // Lists only the candidates of these types, groups, libraries; none chosen: all.
    void chooseTypes(const QSet<TypeIndex>& types);
    void chooseGroups(const std::vector<CandidateGroupKey>& groups);
    void chooseLibraries(const QSet<StringId>& libraries);

    // Lists the candidates of analyzed.
    void setAnalysis(AnalyzedSnapshotPtr analyzed);
    // Fits the columns up to Surplus to the rows in view, once the filters of a new analysis apply.
    void fitColumnsToRows();
    // The object of the current row; nothing when no row is current.
    std::optional<ObjectIndex> currentObject() const;
    // Makes the row of object current and scrolls to it; false when object is not listed.
    bool selectObject(ObjectIndex object);
    // Makes the first row current; false when nothing is listed.
    bool selectFirst();
    void setContextActions(const QList<QAction*>& actions) { m_contextActions = actions; }

Q_SIGNALS:
    // Another row became current, or none is.
    void currentObjectChanged();
    // The number of rows listed may have changed.
    void listedRowsChanged();

private:
    void showContextMenu(const QPoint& position);

    CandidatesModel* m_candidates;
    CandidatesFilterProxy* m_proxy;
    FilterBar* m_filterBar = nullptr;
    QList<QAction*> m_contextActions;
};

} // namespace leakscope
