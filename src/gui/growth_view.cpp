#include "growth_view.h"

#include "models/growth_filter_proxy.h"
#include "models/growth_model.h"
#include "session/session.h"
#include "support/background_work.h"

#include <QtCore/QScopedValueRollback>
#include <QtGui/QClipboard>
#include <QtGui/QGuiApplication>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QStackedWidget>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QTreeView>
#include <QtWidgets/QVBoxLayout>

#include <algorithm>

namespace leakscope {

namespace {

constexpr int kDebounceMs = 300;
enum Page { TablePage, MessagePage };

} // namespace

GrowthView::GrowthView(QWidget* parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_summary(new QLabel(this))
    , m_busyBar(new QProgressBar(this))
    , m_copy(new QToolButton(this))
    , m_filter(new QLineEdit(this))
    , m_regex(new QCheckBox(tr("Regex"), this))
    , m_filterError(new QLabel(this))
    , m_pages(new QStackedWidget(this))
    , m_tree(new QTreeView(this))
    , m_message(new QLabel(this))
    , m_model(new GrowthModel(this))
    , m_proxy(new GrowthFilterProxy(this))
{
    m_title->setObjectName(QStringLiteral("growthTitle"));
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setObjectName(QStringLiteral("growthSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_busyBar->setRange(0, 0); // busy: no known end
    m_busyBar->setMaximumWidth(120);
    m_busyBar->setTextVisible(false);
    m_busyBar->setToolTip(tr("Comparing each snapshot with the one before it…"));
    m_busyBar->hide();
    m_copy->setObjectName(QStringLiteral("growthCopy"));
    m_copy->setText(tr("Copy as Text"));
    m_copy->setToolTip(tr("Copy the growth as the command line prints it: the verdict, then each finding with "
                          "its objects' reprs, C origins and allocation sites"));
    m_copy->setEnabled(false);
    m_filter->setObjectName(QStringLiteral("growthFilter"));
    m_filter->setPlaceholderText(tr("Filter by type or repr"));
    m_filter->setClearButtonEnabled(true);
    m_regex->setToolTip(tr("Read the filter as a case-insensitive regular expression"));
    m_filterError->setObjectName(QStringLiteral("growthFilterError"));
    m_filterError->hide();
    m_message->setObjectName(QStringLiteral("growthMessage"));
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_message->setMargin(12);

    m_proxy->setSourceModel(m_model);
    m_tree->setObjectName(QStringLiteral("growthTree"));
    m_tree->setModel(m_proxy);
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setAlternatingRowColors(true);
    m_tree->setUniformRowHeights(true);
    m_tree->setAllColumnsShowFocus(true);
    m_tree->setWordWrap(false);
    m_tree->header()->setStretchLastSection(true);
    m_tree->header()->setSectionsMovable(true);
    // The growth analysis' own order until the user clicks a header.
    m_tree->header()->setSortIndicator(-1, Qt::AscendingOrder);
    m_tree->setSortingEnabled(true);
    m_pages->addWidget(m_tree);
    m_pages->addWidget(m_message);

    auto* heading = new QHBoxLayout;
    heading->addWidget(m_title, 1);
    heading->addWidget(m_busyBar);
    heading->addWidget(m_copy);
    auto* filters = new QHBoxLayout;
    filters->addWidget(m_filter, 1);
    filters->addWidget(m_regex);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(heading);
    layout->addWidget(m_summary);
    layout->addLayout(filters);
    layout->addWidget(m_filterError);
    layout->addWidget(m_pages, 1);

    connect(m_tree, &QAbstractItemView::activated, this, &GrowthView::activate);
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex& current) { activate(current); });
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kDebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &GrowthView::applyFilter);
    connect(m_filter, &QLineEdit::textChanged, this, [this] { m_debounce.start(); });
    connect(m_filter, &QLineEdit::returnPressed, this, &GrowthView::applyFilter);
    connect(m_regex, &QCheckBox::toggled, this, &GrowthView::applyFilter);
    connect(m_copy, &QToolButton::clicked, this, [this] { QGuiApplication::clipboard()->setText(reportText()); });
    updateTexts();
}

GrowthView::~GrowthView() = default;

void GrowthView::setSession(Session* session)
{
    m_session = session;
    connect(session, &Session::snapshotRemoved, this, &GrowthView::onSnapshotRemoved);
    // New rules make other suspects, so other leaked objects: the growth again with them.
    connect(session, &Session::reanalysed, this, [this] {
        if (m_series && m_series->rules() != m_session->rules())
            start();
    });
    updateTexts();
}

QList<int> GrowthView::inCaptureOrder(const Session& session, QList<int> snapshots)
{
    auto takenAt = [&session](int index) {
        const AnalyzedSnapshotPtr analyzed = session.analyzedSnapshot(index);
        return analyzed ? analyzed->snapshot().info().capturedAtMs : 0;
    };
    QList<int> unique;
    for (const int index : std::as_const(snapshots)) {
        if (!unique.contains(index))
            unique << index;
    }
    snapshots = std::move(unique);
    std::stable_sort(snapshots.begin(), snapshots.end(), [&takenAt](int a, int b) { return takenAt(a) < takenAt(b); });
    return snapshots;
}

void GrowthView::analyze(QList<int> snapshots, const QString& title)
{
    m_snapshots = m_session ? inCaptureOrder(*m_session, std::move(snapshots)) : QList<int>();
    m_givenTitle = title;
    start();
}

void GrowthView::start()
{
    const quint64 job = ++m_job;
    std::vector<AnalyzedSnapshotPtr> analyses;
    for (const int index : std::as_const(m_snapshots)) {
        if (AnalyzedSnapshotPtr analyzed = m_session ? m_session->analyzedSnapshot(index) : nullptr)
            analyses.push_back(std::move(analyzed));
    }
    if (analyses.size() < 2 || analyses.size() != static_cast<std::size_t>(m_snapshots.size())) {
        setBusy(false);
        showSeries(nullptr);
        return;
    }
    setBusy(true);
    updateTexts();
    const QString title = titleOf();
    runInBackground(
        this,
        [analyses = std::move(analyses), rules = m_session->rules(), snapshots = m_snapshots, title] {
            return analyzeGrowth(analyses, rules, snapshots, title);
        },
        [this, job](GrowthSeriesPtr series) {
            if (job != m_job)
                return; // another growth was asked for meanwhile
            setBusy(false);
            showSeries(std::move(series));
        });
}

void GrowthView::showSeries(GrowthSeriesPtr series)
{
    m_series = std::move(series);
    {
        const QScopedValueRollback updating(m_updating, true);
        m_model->setSeries(m_series);
        m_tree->expandAll();
    }
    for (int column = 0; column < GrowthModel::ReprColumn; ++column)
        m_tree->resizeColumnToContents(column);
    updateTexts();
    Q_EMIT seriesReady();
}

void GrowthView::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    m_busyBar->setVisible(busy);
    Q_EMIT busyChanged(busy);
}

void GrowthView::applyFilter()
{
    m_debounce.stop();
    {
        const QScopedValueRollback updating(m_updating, true);
        m_proxy->setFilterText(m_filter->text(), m_regex->isChecked());
        m_tree->expandAll();
    }
    const bool valid = m_proxy->isFilterValid();
    m_filterError->setVisible(!valid);
    m_filterError->setText(valid ? QString()
            : m_proxy->filterErrorString().isEmpty()
            ? tr("The regular expression took too long on some rows: it matches nothing")
            : m_proxy->filterErrorString());
}

QString GrowthView::titleText() const
{
    return m_title->text();
}

QString GrowthView::summaryText() const
{
    return m_summary->text();
}

QString GrowthView::reportText() const
{
    if (!m_series)
        return {};
    GrowthReportOptions options;
    options.title = titleOf().toStdString();
    return QString::fromStdString(growthText(m_series->growth(), options));
}

bool GrowthView::showsTable() const
{
    return m_pages->currentIndex() == TablePage;
}

QString GrowthView::titleOf() const
{
    // Computed again each time: closing a snapshot before the series renumbers the snapshots.
    return m_givenTitle.isEmpty() ? growthSeriesTitle(m_snapshots) : m_givenTitle;
}

void GrowthView::updateTexts()
{
    const QString title = titleOf();
    m_title->setText(title.isEmpty() ? tr("Growth") : tr("Growth over %1").arg(title));
    if (m_session) {
        QStringList titles;
        for (const int index : std::as_const(m_snapshots))
            titles << m_session->snapshotTitle(index);
        m_title->setToolTip(titles.join(QLatin1Char('\n')));
    }
    QString summary;
    QString message;
    if (m_busy) {
        summary = tr("Comparing each snapshot with the one before it…");
        message = summary;
    } else if (!m_series) {
        summary = m_snapshots.size() == 1 ? tr("One snapshot is no series: growth needs two or more.") : QString();
        message = tr("Select two or more snapshots of one workload in the snapshot list (the first taken after "
                     "a warm-up, one more after each round), then choose Growth over Selected Snapshots. A "
                     "series the script takes with leakscope.iterate() shows here by itself.");
    } else {
        summary = m_series->verdict();
        if (m_series->isEmpty())
            message = tr("Nothing grew in every round.");
    }
    m_copy->setEnabled(m_series && !m_busy);
    m_summary->setText(summary);
    m_message->setText(message);
    m_pages->setCurrentIndex(message.isEmpty() ? TablePage : MessagePage);
}

void GrowthView::onSnapshotRemoved(int index)
{
    const bool member = m_snapshots.removeAll(index) > 0;
    for (int& snapshot : m_snapshots) {
        if (snapshot > index)
            --snapshot;
    }
    if (member)
        start(); // the growth over the snapshots that are left
    else
        updateTexts();
}

void GrowthView::activate(const QModelIndex& index)
{
    // While busy, the series shown may be of other snapshots than m_snapshots.
    if (!index.isValid() || !m_series || m_updating || m_busy || m_snapshots.isEmpty())
        return;
    const QModelIndex source = m_proxy->mapToSource(index);
    const int last = m_snapshots.last();
    if (const ObjectIndex object = m_model->objectOf(source); object != kNoObject)
        Q_EMIT objectActivated(last, object);
    else
        Q_EMIT typeActivated(last, m_model->typeNameOf(source));
}

} // namespace leakscope
