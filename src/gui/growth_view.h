#pragma once

#include "models/growth_series.h"

#include <QtCore/QList>
#include <QtCore/QTimer>
#include <QtWidgets/QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QStackedWidget;
class QToolButton;
class QTreeView;

namespace leakscope {

class GrowthFilterProxy;
class GrowthModel;
class Session;

// What grew in every round of a series of snapshots (GrowthAnalysis), as the command line's growth text
// says it: a title (the series' label, or "snapshots 3–7"), the number of rounds and the verdict, then
// one row per finding (leaked objects of a type, with the objects of the last round under it; an object
// whose references grow; a growing type) with its numbers per round and their total. When nothing grew
// in every round it says so instead of showing an empty table; Copy as Text copies the command line's
// text of it. One filter box (debounced; plain text or
// regex) filters the rows. The growth is computed off the GUI thread, with every snapshot analysed with
// the session's current rules, again when the rules change or a snapshot of the series is closed.
// Choosing an object row asks for the object in the series' last snapshot (objectActivated()); choosing
// a type's row names the type (typeActivated()).
class GrowthView : public QWidget
{
    Q_OBJECT

public:
    explicit GrowthView(QWidget* parent = nullptr);
    ~GrowthView() override;

    void setSession(Session* session);
    // Computes the growth over snapshots (session indexes, taken in order of capture, inCaptureOrder():
    // the first the baseline, one round per snapshot after it). title names the series; empty:
    // "snapshots 3–7".
    void analyze(QList<int> snapshots, const QString& title = {});
    // The session's indexes of the snapshots analysed, in order of capture.
    const QList<int>& snapshots() const { return m_snapshots; }

    // The growth shown; null while none is (fewer than two snapshots).
    const GrowthSeriesPtr& series() const { return m_series; }
    // True while a growth is computed.
    bool isBusy() const { return m_busy; }
    QString titleText() const;
    // The rounds and the verdict, or why there is nothing to show.
    QString summaryText() const;
    // The growth shown as the command line prints it (growthText()); empty while none is shown. What
    // Copy as Text puts on the clipboard.
    QString reportText() const;
    // True when the table is shown; false while a sentence stands in its place (nothing grew in every
    // round, or why there is no growth to show).
    bool showsTable() const;

    GrowthModel* model() const { return m_model; }
    GrowthFilterProxy* proxy() const { return m_proxy; }
    QTreeView* tree() const { return m_tree; }
    QLineEdit* filterEdit() const { return m_filter; }

    // The snapshots of a session put in order of capture (the time each was taken; the order given for
    // equal times), each once.
    static QList<int> inCaptureOrder(const Session& session, QList<int> snapshots);

Q_SIGNALS:
    // The user chose an object row: object of snapshot snapshotIndex (the series' last) is to be shown.
    void objectActivated(int snapshotIndex, leakscope::ObjectIndex object);
    // The user chose a type's row: its objects in snapshot snapshotIndex (the series' last).
    void typeActivated(int snapshotIndex, const QString& name);
    // A growth finished and is shown (series() is null when there was none to compute).
    void seriesReady();
    void busyChanged(bool busy);

private:
    void start();
    void showSeries(GrowthSeriesPtr series);
    void setBusy(bool busy);
    void applyFilter();
    void updateTexts();
    // The series' label given, else "snapshots 3–7".
    QString titleOf() const;
    void onSnapshotRemoved(int index);
    void activate(const QModelIndex& index);

    Session* m_session = nullptr;
    QList<int> m_snapshots; // in order of capture
    QString m_givenTitle;
    QLabel* m_title;
    QLabel* m_summary;
    QProgressBar* m_busyBar;
    QToolButton* m_copy;
    QLineEdit* m_filter;
    QCheckBox* m_regex;
    QLabel* m_filterError;
    QStackedWidget* m_pages;
    QTreeView* m_tree;
    QLabel* m_message;
    GrowthModel* m_model;
    GrowthFilterProxy* m_proxy;
    QTimer m_debounce;
    GrowthSeriesPtr m_series;
    quint64 m_job = 0;
    bool m_busy = false;
    // Set while the rows change under the tree (a new growth, a filter): the current row moving then is
    // no choice of the user's.
    bool m_updating = false;
};

} // namespace leakscope
