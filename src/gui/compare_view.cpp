#include "compare_view.h"

#include "candidates_view.h"

#include "models/byte_size.h"
#include "models/comparison_filter_proxy.h"
#include "models/new_suspects_model.h"
#include "models/surplus_growth_model.h"
#include "models/type_delta_model.h"
#include "session/session.h"
#include "support/background_work.h"

#include <QtCore/QScopedValueRollback>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QTabWidget>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QVBoxLayout>

namespace leakscope {

namespace {

constexpr int kDebounceMs = 300;

QString changeText(const QLocale& locale, std::uint64_t a, std::uint64_t b)
{
    const qint64 delta = static_cast<qint64>(b) - static_cast<qint64>(a);
    const QString sign = delta > 0 ? locale.positiveSign() : QString();
    return CompareView::tr("%1 → %2 (%3%4)")
        .arg(locale.toString(static_cast<qulonglong>(a)), locale.toString(static_cast<qulonglong>(b)), sign,
            locale.toString(delta));
}

} // namespace

CompareView::CompareView(QWidget* parent)
    : QWidget(parent)
    , m_chooserA(new QComboBox(this))
    , m_chooserB(new QComboBox(this))
    , m_swap(new QToolButton(this))
    , m_summary(new QLabel(this))
    , m_busyBar(new QProgressBar(this))
    , m_filter(new QLineEdit(this))
    , m_regex(new QCheckBox(tr("Regex"), this))
    , m_showUnchanged(new QCheckBox(tr("Unchanged types"), this))
    , m_filterError(new QLabel(this))
    , m_tabs(new QTabWidget(this))
    , m_types(new TypeDeltaModel(this))
    , m_suspects(new NewSuspectsModel(this))
    , m_growth(new SurplusGrowthModel(this))
{
    m_chooserA->setObjectName(QStringLiteral("compareSnapshotA"));
    m_chooserB->setObjectName(QStringLiteral("compareSnapshotB"));
    m_chooserA->setToolTip(tr("A: the earlier snapshot"));
    m_chooserB->setToolTip(tr("B: the later snapshot, whose objects the tables show"));
    m_chooserA->setMinimumContentsLength(16);
    m_chooserB->setMinimumContentsLength(16);
    m_chooserA->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_chooserB->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_swap->setText(tr("⇄"));
    m_swap->setToolTip(tr("Swap A and B"));
    m_swap->setObjectName(QStringLiteral("compareSwap"));
    m_summary->setObjectName(QStringLiteral("compareSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_busyBar->setRange(0, 0); // busy: no known end
    m_busyBar->setMaximumWidth(120);
    m_busyBar->setTextVisible(false);
    m_busyBar->setToolTip(tr("Comparing the snapshots…"));
    m_busyBar->hide();
    m_filter->setObjectName(QStringLiteral("compareFilter"));
    m_filter->setPlaceholderText(tr("Filter by type or repr"));
    m_filter->setClearButtonEnabled(true);
    m_regex->setToolTip(tr("Read the filter as a case-insensitive regular expression"));
    m_showUnchanged->setToolTip(tr("List the types whose objects did not change as well"));
    m_filterError->setObjectName(QStringLiteral("compareFilterError"));
    m_filterError->hide();

    auto* choosers = new QHBoxLayout;
    choosers->addWidget(new QLabel(tr("A:"), this));
    choosers->addWidget(m_chooserA, 1);
    choosers->addWidget(m_swap);
    choosers->addWidget(new QLabel(tr("B:"), this));
    choosers->addWidget(m_chooserB, 1);
    choosers->addWidget(m_busyBar);
    auto* filters = new QHBoxLayout;
    filters->addWidget(m_filter, 1);
    filters->addWidget(m_regex);
    filters->addWidget(m_showUnchanged);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(choosers);
    layout->addWidget(m_summary);
    layout->addLayout(filters);
    layout->addWidget(m_filterError);
    layout->addWidget(m_tabs, 1);

    QAbstractItemModel* models[3] = {m_types, m_suspects, m_growth};
    const QString titles[3] = {tr("Types"), tr("New suspects"), tr("Surplus growth")};
    for (int tab = 0; tab < 3; ++tab) {
        m_proxies[tab] = new ComparisonFilterProxy(this);
        m_tables[tab] = makeTable(models[tab], m_proxies[tab]);
        m_tabs->addTab(m_tables[tab], titles[tab]);
    }
    m_tables[TypesTab]->setObjectName(QStringLiteral("compareTypes"));
    m_tables[NewSuspectsTab]->setObjectName(QStringLiteral("compareNewSuspects"));
    m_tables[SurplusGrowthTab]->setObjectName(QStringLiteral("compareSurplusGrowth"));
    m_proxies[TypesTab]->setHideUnchanged(true);
    m_tables[TypesTab]->setColumnHidden(TypeDeltaModel::BytesAColumn, true);
    m_tables[TypesTab]->setColumnHidden(TypeDeltaModel::SuspectsAColumn, true);

    for (int tab : {NewSuspectsTab, SurplusGrowthTab}) {
        QTableView* table = m_tables[tab];
        connect(table, &QAbstractItemView::activated, this, &CompareView::activateObject);
        connect(table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) { activateObject(current); });
    }
    connect(m_tables[TypesTab], &QAbstractItemView::activated, this, &CompareView::activateType);
    connect(m_tables[TypesTab]->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        &CompareView::activateType);

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kDebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &CompareView::applyFilter);
    connect(m_filter, &QLineEdit::textChanged, this, [this] { m_debounce.start(); });
    connect(m_filter, &QLineEdit::returnPressed, this, &CompareView::applyFilter);
    connect(m_regex, &QCheckBox::toggled, this, &CompareView::applyFilter);
    connect(m_showUnchanged, &QCheckBox::toggled, this, &CompareView::setShowUnchangedTypes);
    connect(m_swap, &QToolButton::clicked, this, &CompareView::swap);
    connect(m_chooserA, &QComboBox::currentIndexChanged, this, &CompareView::startComparison);
    connect(m_chooserB, &QComboBox::currentIndexChanged, this, &CompareView::startComparison);
    updateSummary();
}

CompareView::~CompareView() = default;

QTableView* CompareView::makeTable(QAbstractItemModel* model, ComparisonFilterProxy* proxy)
{
    proxy->setSourceModel(model);
    auto* table = new KeyboardTableView(this);
    table->setModel(proxy);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    table->horizontalHeader()->setSectionsMovable(true);
    // The comparison's own order until the user clicks a header.
    table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    table->setSortingEnabled(true);
    return table;
}

QTableView* CompareView::table(Tab tab) const
{
    return m_tables[tab];
}

ComparisonFilterProxy* CompareView::proxy(Tab tab) const
{
    return m_proxies[tab];
}

void CompareView::setSession(Session* session)
{
    m_session = session;
    connect(session, &Session::snapshotAdded, this, &CompareView::onSnapshotAdded);
    connect(session, &Session::snapshotRemoved, this, &CompareView::onSnapshotRemoved);
    connect(session, &Session::snapshotChanged, this, [this](int index) {
        if (index < m_chooserA->count()) {
            m_chooserA->setItemText(index, m_session->snapshotTitle(index));
            m_chooserB->setItemText(index, m_session->snapshotTitle(index));
        }
        updateSummary();
    });
    // New rules make other suspects: compare again with them.
    connect(session, &Session::reanalysed, this, [this] {
        if (m_comparison && m_comparison->a().ignoreRules() != m_session->rules())
            startComparison();
    });
    fillChoosers();
    const int count = session->snapshotCount();
    if (count >= 2)
        compare(count - 2, count - 1);
    else
        startComparison();
}

void CompareView::fillChoosers()
{
    const QSignalBlocker quietA(m_chooserA), quietB(m_chooserB);
    const int a = m_chooserA->currentIndex(), b = m_chooserB->currentIndex();
    m_chooserA->clear();
    m_chooserB->clear();
    for (int i = 0; m_session && i < m_session->snapshotCount(); ++i) {
        m_chooserA->addItem(m_session->snapshotTitle(i));
        m_chooserB->addItem(m_session->snapshotTitle(i));
    }
    m_chooserA->setCurrentIndex(a < m_chooserA->count() ? a : -1);
    m_chooserB->setCurrentIndex(b < m_chooserB->count() ? b : -1);
}

void CompareView::onSnapshotAdded()
{
    const bool hadPair = snapshotA() >= 0 && snapshotB() >= 0 && snapshotA() != snapshotB();
    fillChoosers();
    const int count = m_session->snapshotCount();
    if (!hadPair && count >= 2)
        compare(count - 2, count - 1);
}

void CompareView::onSnapshotRemoved(int index)
{
    auto shifted = [index](int chosen) { return chosen == index ? -1 : chosen > index ? chosen - 1 : chosen; };
    const int a = shifted(snapshotA()), b = shifted(snapshotB());
    const bool changed = a != snapshotA() || b != snapshotB();
    {
        const QSignalBlocker quietA(m_chooserA), quietB(m_chooserB);
        m_chooserA->removeItem(index);
        m_chooserB->removeItem(index);
        m_chooserA->setCurrentIndex(a);
        m_chooserB->setCurrentIndex(b);
    }
    if (changed)
        startComparison();
}

void CompareView::compare(int a, int b)
{
    {
        const QSignalBlocker quietA(m_chooserA), quietB(m_chooserB);
        m_chooserA->setCurrentIndex(a);
        m_chooserB->setCurrentIndex(b);
    }
    startComparison();
}

void CompareView::swap()
{
    compare(snapshotB(), snapshotA());
}

int CompareView::snapshotA() const
{
    return m_chooserA->currentIndex();
}

int CompareView::snapshotB() const
{
    return m_chooserB->currentIndex();
}

void CompareView::startComparison()
{
    const quint64 job = ++m_job;
    const int a = snapshotA(), b = snapshotB();
    if (!m_session || m_session->snapshotCount() < 2 || a < 0 || b < 0) {
        m_message = tr("Take or open two snapshots to compare them.");
    } else if (a == b) {
        m_message = tr("Choose two different snapshots.");
    } else {
        m_message.clear();
        setBusy(true);
        runInBackground(
            this,
            [sa = m_session->analyzedSnapshot(a), sb = m_session->analyzedSnapshot(b), rules = m_session->rules(), a,
                b] { return compareSnapshots(sa, sb, rules, a, b); },
            [this, job](SnapshotComparisonPtr comparison) {
                if (job != m_job)
                    return; // another comparison was asked for meanwhile
                setBusy(false);
                showComparison(std::move(comparison));
            });
        return;
    }
    setBusy(false);
    showComparison(nullptr);
}

void CompareView::showComparison(SnapshotComparisonPtr comparison)
{
    m_comparison = std::move(comparison);
    const QScopedValueRollback updating(m_updating, true);
    m_types->setComparison(m_comparison);
    m_suspects->setComparison(m_comparison);
    m_growth->setComparison(m_comparison);
    updateSummary();
    Q_EMIT comparisonReady();
}

void CompareView::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    m_busyBar->setVisible(busy);
    Q_EMIT busyChanged(busy);
}

void CompareView::setShowUnchangedTypes(bool show)
{
    if (m_showUnchanged->isChecked() != show)
        m_showUnchanged->setChecked(show); // comes back here through toggled()
    const QScopedValueRollback updating(m_updating, true);
    m_proxies[TypesTab]->setHideUnchanged(!show);
}

void CompareView::applyFilter()
{
    m_debounce.stop();
    {
        const QScopedValueRollback updating(m_updating, true);
        for (ComparisonFilterProxy* proxy : m_proxies)
            proxy->setFilterText(m_filter->text(), m_regex->isChecked());
    }
    const ComparisonFilterProxy* first = m_proxies[TypesTab];
    const bool valid = std::all_of(std::begin(m_proxies), std::end(m_proxies),
        [](const ComparisonFilterProxy* proxy) { return proxy->isFilterValid(); });
    m_filterError->setVisible(!valid);
    m_filterError->setText(valid ? QString()
            : first->filterErrorString().isEmpty()
            ? tr("The regular expression took too long on some rows: it matches nothing")
            : first->filterErrorString());
}

QString CompareView::summaryText() const
{
    return m_summary->text();
}

void CompareView::updateSummary()
{
    if (!m_comparison) {
        m_summary->setText(m_busy ? tr("Comparing…") : m_message);
        m_tabs->setTabText(TypesTab, tr("Types"));
        m_tabs->setTabText(NewSuspectsTab, tr("New suspects"));
        m_tabs->setTabText(SurplusGrowthTab, tr("Surplus growth"));
        return;
    }
    const QLocale locale;
    const SnapshotComparison::Totals& a = m_comparison->totalsA();
    const SnapshotComparison::Totals& b = m_comparison->totalsB();
    const SnapshotDiff& diff = m_comparison->diff();
    const qint64 bytesDelta = static_cast<qint64>(b.bytes) - static_cast<qint64>(a.bytes);
    const QString bytes
        = tr("%1 → %2 (%3%4)")
              .arg(formatByteSize(a.bytes), formatByteSize(b.bytes),
                  bytesDelta > 0       ? locale.positiveSign()
                      : bytesDelta < 0 ? locale.negativeSign()
                                       : QString(),
                  formatByteSize(static_cast<std::uint64_t>(bytesDelta < 0 ? -bytesDelta : bytesDelta)));
    m_summary->setText(
        tr("Objects %1 · Bytes %2 · Suspects %3 · %4 new suspects, %5 objects with surplus growth")
            .arg(changeText(locale, a.objects, b.objects), bytes, changeText(locale, a.suspects, b.suspects),
                locale.toString(static_cast<qulonglong>(diff.newSuspects().size())),
                locale.toString(static_cast<qulonglong>(diff.surplusGrowth().size()))));
    const std::size_t changedTypes = diff.types().size() - diff.unchangedTypeCount();
    m_tabs->setTabText(TypesTab, tr("Types (%1 changed)").arg(locale.toString(static_cast<qulonglong>(changedTypes))));
    m_tabs->setTabText(NewSuspectsTab,
        tr("New suspects (%1)").arg(locale.toString(static_cast<qulonglong>(diff.newSuspects().size()))));
    m_tabs->setTabText(SurplusGrowthTab,
        tr("Surplus growth (%1)").arg(locale.toString(static_cast<qulonglong>(diff.surplusGrowth().size()))));
    // What the list leaves out, and why (docs/diff.md, "What growth is not evidence").
    m_tabs->setTabToolTip(SurplusGrowthTab,
        tr("Objects whose refcount grew more than their referrers did. Not listed: %1 objects whose growth "
           "objects that record no references account for: str, int and other atomic objects, and untracked "
           "objects within the %2 new untracked objects of B (numpy arrays, untracked tuples).")
            .arg(locale.toString(static_cast<qulonglong>(diff.discountedGrowth().size())),
                locale.toString(static_cast<qulonglong>(diff.newUnrecordedHolders()))));
}

void CompareView::activateObject(const QModelIndex& index)
{
    if (!index.isValid() || !m_comparison || m_updating)
        return;
    const QVariant object = index.data(ObjectIndexRole);
    if (object.isValid())
        Q_EMIT objectActivated(m_comparison->indexB(), object.value<quint32>());
}

void CompareView::activateType(const QModelIndex& index)
{
    if (!index.isValid() || !m_comparison || m_updating)
        return;
    const int row = m_proxies[TypesTab]->mapToSource(index).row();
    const TypeDeltaRow& delta = m_types->deltaAt(row);
    // A type whose objects were all freed is looked at where it had some.
    if (delta.typeB != kNoType && (delta.countB > 0 || delta.typeA == kNoType))
        Q_EMIT typeActivated(m_comparison->indexB(), delta.typeB, m_types->typeNameAt(row));
    else
        Q_EMIT typeActivated(m_comparison->indexA(), delta.typeA, m_types->typeNameAt(row));
}

} // namespace leakscope
