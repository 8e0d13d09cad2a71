#pragma once

#include "gui/candidates_view.h"
#include "models/analyzed_snapshot.h"

#include <QtCore/QSet>
#include <QtWidgets/QWidget>

#include <memory>
#include <vector>

class QSortFilterProxyModel;

namespace Ui {
class SummariesPanel;
}

namespace leakscope {

class CreatorSummaryModel;
class ExplanationSummaryModel;
class LibrarySummaryModel;
class TypeSummaryModel;

// A summary table whose rows are chosen on purpose, since choosing them filters the candidates: by a
// click (Ctrl+click, Shift+click for several), Space (chooses or unchooses the current row), Enter
// (chooses it alone) or Shift with a movement key (extends the choice). The other keys that move the
// current row (arrows, Page Up/Down, Home, End, typing a name) leave the choice alone; Tab and
// Shift+Tab leave the table.
class SummaryTableView : public KeyboardTableView
{
    Q_OBJECT

public:
    explicit SummaryTableView(QWidget* parent = nullptr);

protected:
    QItemSelectionModel::SelectionFlags selectionCommand(const QModelIndex& index,
                                                         const QEvent* event = nullptr) const override;
};

// The summaries of the snapshot shown, one tab each: objects per type, candidates per explanation,
// candidates per library, candidates per creating C function (native stacks). Rows chosen in a tab (Ctrl+click for several, Space from the keyboard: see
// SummaryTableView) filter the candidates; the choice is announced as it changes and kept, by name,
// when another analysis is shown.
class SummariesPanel : public QWidget
{
    Q_OBJECT

public:
    enum Tab { TypesTab, ExplanationsTab, LibrariesTab, CreatorsTab };
    Q_ENUM(Tab)

    explicit SummariesPanel(QWidget* parent = nullptr);
    ~SummariesPanel() override;

    // Shows analyzed. The types, groups and libraries chosen stay chosen where analyzed has them
    // (types and libraries by name, groups by key), then every choice is announced once. Groups that
    // analyzed lacks stay chosen: they list nothing, as the filter bar says.
    void setAnalysis(AnalyzedSnapshotPtr analyzed);

    Tab currentTab() const;
    void setCurrentTab(int tab);
    void clearChosenTypes();
    void clearChosenGroups();
    void clearChosenLibraries();
    void clearChosenCreators();
    // Chooses the type named (every row of that name) alone and brings the Types tab forward, as a
    // click on its row does: typesChosen() follows. False, and nothing changed, when the snapshot shown
    // has no type of that name.
    bool chooseTypeNamed(const QString& name);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

Q_SIGNALS:
    void typesChosen(const QSet<leakscope::TypeIndex>& types);
    void groupsChosen(const std::vector<leakscope::CandidateGroupKey>& groups);
    void librariesChosen(const QSet<leakscope::StringId>& libraries);
    // The candidates the chosen creating functions made (creators of them: rows chosen); empty and 0
    // when none is chosen.
    void createdObjectsChosen(const std::vector<leakscope::ObjectIndex>& objects, int creators);

private:
    // The Types table fits its pane, however narrow: every count column shows its numbers in full
    // (and its title when there is room, else as much of it as fits, the rest in its tooltip), and the
    // type names take the width left, elided in the middle with the full name as tooltip.
    void fitTypeColumns();
    QSet<TypeIndex> chosenTypes() const;
    std::vector<CandidateGroupKey> chosenGroups() const;
    QSet<StringId> chosenLibraries() const;
    void announceCreators();
    // Says in the Creators tab why it is empty: no native stacks in the snapshot, and how to get them.
    void updateCreatorsHint();
    // Selects the rows of the types, groups, libraries (by path) and creators (by key) named, without a
    // filter pass per row.
    void restoreChoice(const QStringList& typeNames, const std::vector<CandidateGroupKey>& groups,
                       const QStringList& libraryPaths, const QStringList& creatorKeys);

    std::unique_ptr<Ui::SummariesPanel> m_ui;
    TypeSummaryModel* m_types;
    QSortFilterProxyModel* m_typesSorted;
    ExplanationSummaryModel* m_explanations;
    LibrarySummaryModel* m_libraries;
    CreatorSummaryModel* m_creators;
};

} // namespace leakscope
