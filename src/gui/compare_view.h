#pragma once

#include "models/snapshot_comparison.h"

#include <QtCore/QTimer>
#include <QtWidgets/QWidget>

class QAbstractItemModel;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QTabWidget;
class QTableView;
class QToolButton;

namespace leakscope {

class ComparisonFilterProxy;
class NewSuspectsModel;
class Session;
class SurplusGrowthModel;
class TypeDeltaModel;

// Two snapshots of a session side by side, as a heap profiler's comparison view: choosers for A (the
// earlier) and B (the later) with a swap button, a summary line (objects, bytes and suspects from A to
// B) and three tables: the per-type deltas, the new suspects of B and the objects of both whose surplus
// grew. One filter box (debounced; plain text or regex) filters all three. The diff is computed off the
// GUI thread, with both snapshots analysed with the session's current rules, again when the rules
// change. Choosing a row of an object table asks for the object in B (objectActivated()); choosing a
// type row names the type (typeActivated()).
class CompareView : public QWidget
{
    Q_OBJECT

public:
    explicit CompareView(QWidget* parent = nullptr);
    ~CompareView() override;

    // The session whose snapshots are compared. With two or more, the last two are chosen at once;
    // when the second arrives later, it is compared with the first.
    void setSession(Session* session);
    // Chooses a and b (indices of the session's snapshots) and compares them.
    void compare(int a, int b);
    // Swaps A and B and compares again.
    void swap();
    int snapshotA() const;
    int snapshotB() const;

    // The comparison shown; null while none is (fewer than two snapshots, the same one twice).
    const SnapshotComparisonPtr& comparison() const { return m_comparison; }
    // True while a comparison is computed.
    bool isBusy() const { return m_busy; }
    QString summaryText() const;

    enum Tab { TypesTab, NewSuspectsTab, SurplusGrowthTab };
    QTabWidget* tabs() const { return m_tabs; }
    QTableView* table(Tab tab) const;
    TypeDeltaModel* typeDeltas() const { return m_types; }
    NewSuspectsModel* newSuspects() const { return m_suspects; }
    SurplusGrowthModel* surplusGrowth() const { return m_growth; }
    ComparisonFilterProxy* proxy(Tab tab) const;
    QLineEdit* filterEdit() const { return m_filter; }
    // Whether the types table lists the types that did not change (off by default).
    void setShowUnchangedTypes(bool show);

Q_SIGNALS:
    // The user chose an object of snapshot snapshotIndex (B) in the new suspects or surplus growth:
    // its details and trees are to be shown.
    void objectActivated(int snapshotIndex, leakscope::ObjectIndex object);
    // The user chose a type row: type is its index in snapshot snapshotIndex (B, or A for a type of
    // which B has no object left), name its name.
    void typeActivated(int snapshotIndex, quint32 type, const QString& name);
    // A comparison finished and is shown (comparison() is null when it could not be made).
    void comparisonReady();
    void busyChanged(bool busy);

private:
    QTableView* makeTable(QAbstractItemModel* model, ComparisonFilterProxy* proxy);
    void fillChoosers();
    void onSnapshotAdded();
    void onSnapshotRemoved(int index);
    void startComparison();
    void showComparison(SnapshotComparisonPtr comparison);
    void setBusy(bool busy);
    void applyFilter();
    void updateSummary();
    void activateObject(const QModelIndex& index);
    void activateType(const QModelIndex& index);

    Session* m_session = nullptr;
    QComboBox* m_chooserA;
    QComboBox* m_chooserB;
    QToolButton* m_swap;
    QLabel* m_summary;
    QProgressBar* m_busyBar;
    QLineEdit* m_filter;
    QCheckBox* m_regex;
    QCheckBox* m_showUnchanged;
    QLabel* m_filterError;
    QTabWidget* m_tabs;
    TypeDeltaModel* m_types;
    NewSuspectsModel* m_suspects;
    SurplusGrowthModel* m_growth;
    ComparisonFilterProxy* m_proxies[3];
    QTableView* m_tables[3];
    QTimer m_debounce;
    SnapshotComparisonPtr m_comparison;
    quint64 m_job = 0;
    bool m_busy = false;
    // Set while the rows change under the tables (a new comparison, a filter): the current row moving
    // then is no choice of the user's.
    bool m_updating = false;
    QString m_message; // why nothing is compared; empty while a comparison is shown
};

} // namespace leakscope
