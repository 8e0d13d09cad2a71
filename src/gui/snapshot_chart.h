#pragma once

#include "models/type_series_model.h"

#include <QtWidgets/QWidget>

#include <map>

class QChart;
class QChartView;
class QLineSeries;
class QLabel;
class QLineEdit;
class QRadioButton;
class QSortFilterProxyModel;
class QTableView;
class QToolButton;

namespace leakscope {

class Session;

// The objects (or bytes) of chosen types across every snapshot of a session, in the session's order:
// one line per type, one point per snapshot at x = its number (1 for the first); a point's tooltip names
// its snapshot. The chosen types are those checked in the list beside the chart (TypeSeriesModel): at
// first the five that grew most from the first snapshot to the last. Each snapshot's type totals are
// counted once, off the GUI thread, as snapshots come and go. Clicking a point emits snapshotChosen();
// the points of the snapshot the session shows are drawn selected.
class SnapshotChart : public QWidget
{
    Q_OBJECT

public:
    using Measure = TypeSeriesModel::Measure;

    explicit SnapshotChart(QWidget* parent = nullptr);
    ~SnapshotChart() override;

    void setSession(Session* session);

    void setMeasure(Measure measure);
    Measure measure() const;
    // The types drawn; setChosenTypes({}) goes back to the default choice.
    QStringList chosenTypes() const;
    void setChosenTypes(const QStringList& names);

    QChart* chart() const { return m_chart; }
    QChartView* chartView() const { return m_view; }
    TypeSeriesModel* typesModel() const { return m_model; }
    // The line drawn for a type, or null when it is not drawn.
    QLineSeries* seriesOf(const QString& typeName) const;
    // True while type totals are counted.
    bool isBusy() const { return m_busy; }
    // The snapshot a point at x stands for (x rounded to the nearest snapshot number), or -1.
    int snapshotAt(qreal x) const;

    // Counts the session's snapshots again (only those not counted yet); done by itself when snapshots
    // are added or removed.
    void refresh();

Q_SIGNALS:
    // The user clicked the point of snapshot index (an index of the session's snapshots).
    void snapshotChosen(int index);
    // The lines were drawn anew (new snapshots, another choice or measure).
    void updated();

private:
    struct Counted
    {
        std::vector<SnapshotPtr> snapshots;
        std::vector<TypeTotalsPtr> totals;
        std::vector<TypeSeries> series;
    };
    void onCounted(Counted counted);
    void redraw();
    void markShown(int index);
    void onHovered(const QString& typeName, const QPointF& point, bool state);

    Session* m_session = nullptr;
    TypeSeriesModel* m_model;
    QSortFilterProxyModel* m_typesProxy;
    QChart* m_chart;
    QChartView* m_view;
    QRadioButton* m_count;
    QRadioButton* m_bytes;
    QToolButton* m_defaultTypes;
    QLineEdit* m_typeFilter;
    QTableView* m_typeList;
    QLabel* m_status;
    // Totals counted so far, by snapshot (kept with it, so a snapshot removed and another made at the
    // same address are not confused).
    std::map<const Snapshot*, std::pair<SnapshotPtr, TypeTotalsPtr>> m_totals;
    bool m_busy = false;
    bool m_again = false; // the snapshots changed while counting
};

} // namespace leakscope
