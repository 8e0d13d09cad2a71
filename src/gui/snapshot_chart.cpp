#include "snapshot_chart.h"

#include "models/model_text.h"
#include "session/session.h"
#include "support/background_work.h"

#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>
#include <QtCore/QSortFilterProxyModel>
#include <QtGui/QCursor>
#include <QtWidgets/QButtonGroup>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QRadioButton>
#include <QtWidgets/QSplitter>
#include <QtWidgets/QTableView>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QToolTip>
#include <QtWidgets/QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace leakscope {

namespace {

constexpr int kMaxTicks = 12;

} // namespace

SnapshotChart::SnapshotChart(QWidget* parent)
    : QWidget(parent)
    , m_model(new TypeSeriesModel(this))
    , m_typesProxy(new QSortFilterProxyModel(this))
    , m_chart(new QChart)
    , m_view(new QChartView(m_chart, this))
    , m_count(new QRadioButton(tr("Objects"), this))
    , m_bytes(new QRadioButton(tr("Bytes"), this))
    , m_defaultTypes(new QToolButton(this))
    , m_typeFilter(new QLineEdit(this))
    , m_typeList(new QTableView(this))
    , m_status(new QLabel(this))
{
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setObjectName(QStringLiteral("snapshotChartView"));
    m_count->setChecked(true);
    m_count->setToolTip(tr("Draw how many objects of each type every snapshot holds"));
    m_bytes->setToolTip(tr("Draw how many bytes the objects of each type occupy in every snapshot"));
    auto* measures = new QButtonGroup(this);
    measures->addButton(m_count);
    measures->addButton(m_bytes);
    m_defaultTypes->setText(tr("Most growth"));
    m_defaultTypes->setToolTip(tr("Draw the %1 types that grew most from the first snapshot to the last")
                                   .arg(TypeSeriesModel::kDefaultChosen));
    m_status->setObjectName(QStringLiteral("snapshotChartStatus"));

    m_typesProxy->setSourceModel(m_model);
    m_typesProxy->setSortRole(SortRole);
    m_typesProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_typesProxy->setFilterKeyColumn(TypeSeriesModel::TypeColumn);
    m_typeFilter->setPlaceholderText(tr("Find a type"));
    m_typeFilter->setClearButtonEnabled(true);
    m_typeList->setObjectName(QStringLiteral("snapshotChartTypes"));
    m_typeList->setModel(m_typesProxy);
    m_typeList->verticalHeader()->hide();
    m_typeList->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_typeList->setWordWrap(false);
    m_typeList->horizontalHeader()->setSortIndicator(TypeSeriesModel::GrowthColumn, Qt::DescendingOrder);
    m_typeList->setSortingEnabled(true);
    m_typeList->horizontalHeader()->setSectionResizeMode(TypeSeriesModel::TypeColumn, QHeaderView::Stretch);

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_count);
    bar->addWidget(m_bytes);
    bar->addWidget(m_defaultTypes);
    bar->addStretch(1);
    bar->addWidget(m_status);
    auto* types = new QWidget(this);
    auto* typesLayout = new QVBoxLayout(types);
    typesLayout->setContentsMargins(0, 0, 0, 0);
    typesLayout->addWidget(m_typeFilter);
    typesLayout->addWidget(m_typeList, 1);
    auto* splitter = new QSplitter(this);
    splitter->addWidget(m_view);
    splitter->addWidget(types);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(splitter, 1);

    connect(m_count, &QRadioButton::toggled, this,
        [this](bool count) { setMeasure(count ? Measure::Count : Measure::Bytes); });
    connect(m_defaultTypes, &QToolButton::clicked, this, [this] { setChosenTypes({}); });
    connect(m_typeFilter, &QLineEdit::textChanged, m_typesProxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_model, &TypeSeriesModel::chosenTypesChanged, this, &SnapshotChart::redraw);
    redraw();
}

SnapshotChart::~SnapshotChart() = default;

void SnapshotChart::setSession(Session* session)
{
    m_session = session;
    connect(session, &Session::snapshotAdded, this, &SnapshotChart::refresh);
    connect(session, &Session::snapshotRemoved, this, &SnapshotChart::refresh);
    connect(session, &Session::snapshotChanged, this, &SnapshotChart::redraw); // a new label
    connect(session, &Session::shownSnapshotChanged, this, &SnapshotChart::markShown);
    refresh();
}

void SnapshotChart::setMeasure(Measure measure)
{
    (measure == Measure::Count ? m_count : m_bytes)->setChecked(true);
    m_model->setMeasure(measure); // redraws through chosenTypesChanged() without an explicit choice
    if (m_model->hasExplicitChoice())
        redraw();
}

SnapshotChart::Measure SnapshotChart::measure() const
{
    return m_model->measure();
}

QStringList SnapshotChart::chosenTypes() const
{
    return m_model->chosenTypes();
}

void SnapshotChart::setChosenTypes(const QStringList& names)
{
    m_model->setChosenTypes(names);
}

void SnapshotChart::refresh()
{
    if (!m_session)
        return;
    if (m_busy) {
        m_again = true;
        return;
    }
    // Only the snapshots not counted yet are read; the others' totals are reused.
    std::vector<AnalyzedSnapshotPtr> analyzed;
    std::vector<TypeTotalsPtr> known;
    for (int i = 0; i < m_session->snapshotCount(); ++i) {
        AnalyzedSnapshotPtr snapshot = m_session->analyzedSnapshot(i);
        const auto it = m_totals.find(&snapshot->snapshot());
        known.push_back(it != m_totals.end() ? it->second.second : nullptr);
        analyzed.push_back(std::move(snapshot));
    }
    m_busy = true;
    m_again = false;
    m_status->setText(tr("Counting types…"));
    runInBackground(
        this,
        [analyzed = std::move(analyzed), known = std::move(known)] {
            Counted counted;
            for (std::size_t i = 0; i < analyzed.size(); ++i) {
                counted.snapshots.push_back(analyzed[i]->snapshotPtr());
                counted.totals.push_back(known[i] ? known[i] : typeTotalsOf(*analyzed[i]));
            }
            counted.series = buildTypeSeries(counted.totals);
            return counted;
        },
        [this](Counted counted) { onCounted(std::move(counted)); });
}

void SnapshotChart::onCounted(Counted counted)
{
    m_busy = false;
    m_status->clear();
    if (m_again) { // what was counted is out of date; keep the totals, count the rest
        m_totals.clear();
        for (std::size_t i = 0; i < counted.snapshots.size(); ++i)
            m_totals[counted.snapshots[i].get()] = {counted.snapshots[i], counted.totals[i]};
        refresh();
        return;
    }
    m_totals.clear();
    for (std::size_t i = 0; i < counted.snapshots.size(); ++i)
        m_totals[counted.snapshots[i].get()] = {counted.snapshots[i], counted.totals[i]};
    m_model->setSeries(std::move(counted.series), static_cast<int>(counted.snapshots.size()));
}

QLineSeries* SnapshotChart::seriesOf(const QString& typeName) const
{
    for (QAbstractSeries* series : m_chart->series()) {
        if (series->name() == typeName)
            return qobject_cast<QLineSeries*>(series);
    }
    return nullptr;
}

int SnapshotChart::snapshotAt(qreal x) const
{
    const int index = static_cast<int>(std::lround(x)) - 1;
    return index >= 0 && index < m_model->snapshotCount() ? index : -1;
}

void SnapshotChart::redraw()
{
    m_chart->removeAllSeries();
    for (QAbstractAxis* axis : m_chart->axes())
        m_chart->removeAxis(axis);

    const int snapshots = m_model->snapshotCount();
    auto* xAxis = new QValueAxis(m_chart);
    xAxis->setTitleText(tr("Snapshot"));
    xAxis->setLabelFormat(QStringLiteral("%d"));
    xAxis->setRange(snapshots > 1 ? 1 : 0, std::max(snapshots, 2));
    xAxis->setTickType(QValueAxis::TicksDynamic);
    xAxis->setTickAnchor(1);
    xAxis->setTickInterval(std::max(1, (snapshots + kMaxTicks - 1) / kMaxTicks));
    auto* yAxis = new QValueAxis(m_chart);
    yAxis->setTitleText(measure() == Measure::Count ? tr("Objects") : tr("Bytes"));
    yAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_chart->addAxis(xAxis, Qt::AlignBottom);
    m_chart->addAxis(yAxis, Qt::AlignLeft);

    std::uint64_t top = 1;
    for (int row : m_model->chosenRows()) {
        auto* series = new QLineSeries(m_chart);
        const QString name = toQString(m_model->seriesAt(row).name);
        series->setName(name);
        series->setPointsVisible(true);
        const std::vector<std::uint64_t>& values = m_model->valuesAt(row);
        for (std::size_t i = 0; i < values.size(); ++i) {
            series->append(static_cast<qreal>(i + 1), static_cast<qreal>(values[i]));
            top = std::max(top, values[i]);
        }
        m_chart->addSeries(series);
        series->attachAxis(xAxis);
        series->attachAxis(yAxis);
        connect(series, &QXYSeries::clicked, this, [this](const QPointF& point) {
            if (const int index = snapshotAt(point.x()); index >= 0)
                Q_EMIT snapshotChosen(index);
        });
        connect(series, &QXYSeries::hovered, this,
            [this, name](const QPointF& point, bool state) { onHovered(name, point, state); });
    }
    yAxis->setRange(0, static_cast<qreal>(top) * 1.05);
    yAxis->applyNiceNumbers();
    if (m_session)
        markShown(m_session->shownIndex());
    m_chart->setTitle(snapshots == 0 ? tr("No snapshot yet") : QString());
    Q_EMIT updated();
}

void SnapshotChart::markShown(int index)
{
    for (QAbstractSeries* abstract : m_chart->series()) {
        auto* series = static_cast<QXYSeries*>(abstract);
        series->deselectAllPoints();
        if (index >= 0 && index < series->count())
            series->selectPoint(index);
    }
}

void SnapshotChart::onHovered(const QString& typeName, const QPointF& point, bool state)
{
    const int index = snapshotAt(point.x());
    if (!state || index < 0 || !m_session) {
        QToolTip::hideText();
        return;
    }
    const int row = m_model->rowOfType(typeName);
    const std::uint64_t value = row >= 0 ? m_model->valuesAt(row)[static_cast<std::size_t>(index)] : 0;
    const QString title = m_session->snapshotTitle(index);
    QToolTip::showText(QCursor::pos(),
        tr("Snapshot %1: %2\n%3: %4 %5")
            .arg(index + 1)
            .arg(title.isEmpty() ? m_session->snapshotLabel(index) : title, typeName,
                QLocale().toString(static_cast<qulonglong>(value)),
                measure() == Measure::Count ? tr("objects") : tr("bytes")),
        m_view);
}

} // namespace leakscope
