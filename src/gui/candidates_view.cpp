#include "candidates_view.h"

#include "gui/filter_bar.h"
#include "models/byte_size.h"
#include "models/candidates_filter_proxy.h"
#include "models/item_roles.h"

#include <QtGui/QKeyEvent>
#include <QtGui/QPainter>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QMenu>

namespace leakscope {

void KeyboardTableView::paintEvent(QPaintEvent* event)
{
    QTableView::paintEvent(event);
    if (!hasFocus())
        return;
    QPainter painter(viewport());
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(palette().color(QPalette::Active, QPalette::Highlight), 2));
    painter.drawRect(viewport()->rect().adjusted(1, 1, -1, -1));
    const QModelIndex current = currentIndex();
    if (!current.isValid())
        return;
    // Dashed in the text colour: visible on the selection's highlight as on a plain row.
    painter.setPen(QPen(palette().color(QPalette::Active, QPalette::Text), 1, Qt::DashLine));
    painter.drawRect(
        QRect(2, rowViewportPosition(current.row()), viewport()->width() - 5, rowHeight(current.row()) - 1));
}

void KeyboardTableView::focusInEvent(QFocusEvent* event)
{
    QTableView::focusInEvent(event);
    viewport()->update(); // the frame goes all around
}

void KeyboardTableView::focusOutEvent(QFocusEvent* event)
{
    QTableView::focusOutEvent(event);
    viewport()->update();
}

void KeyboardTableView::currentChanged(const QModelIndex& current, const QModelIndex& previous)
{
    QTableView::currentChanged(current, previous);
    // The view repaints the current cell; the row's frame spans every column.
    for (const QModelIndex& index : {previous, current}) {
        if (index.isValid())
            viewport()->update(QRect(0, rowViewportPosition(index.row()), viewport()->width(), rowHeight(index.row())));
    }
}

CandidatesView::CandidatesView(QWidget* parent)
    : KeyboardTableView(parent)
    , m_candidates(new CandidatesModel(this))
    , m_proxy(new CandidatesFilterProxy(this))
    , m_hint(new QLabel(viewport()))
{
    m_proxy->setSourceModel(m_candidates);
    // Connected before setModel(), so these run before the view and its selection model move the
    // current row off rows that go: such moves are the model's, not the user's choice.
    for (auto change : {&QAbstractItemModel::rowsAboutToBeRemoved, &QAbstractItemModel::rowsAboutToBeInserted})
        connect(m_proxy, change, this, [this] { m_rowsChanging = true; });
    connect(m_proxy, &QAbstractItemModel::layoutAboutToBeChanged, this, [this] { m_rowsChanging = true; });
    connect(m_proxy, &QAbstractItemModel::modelAboutToBeReset, this, [this] { m_rowsChanging = true; });
    setModel(m_proxy);
    // ...and these after them, once the view has caught up with the rows.
    for (auto change : {&QAbstractItemModel::rowsRemoved, &QAbstractItemModel::rowsInserted})
        connect(m_proxy, change, this, [this] { followWanted(false); });
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, [this] { followWanted(false); });
    // A reset is a new analysis or list mode: the current object's facts may have changed.
    connect(m_proxy, &QAbstractItemModel::modelReset, this, [this] { followWanted(true); });

    setContextMenuPolicy(Qt::CustomContextMenu);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setTabKeyNavigation(false); // Tab goes on to the next pane; the arrows walk the rows
    setSortingEnabled(true);
    verticalHeader()->hide();
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    horizontalHeader()->setStretchLastSection(true);
    sortByColumn(CandidatesModel::SizeColumn, Qt::DescendingOrder);

    m_hint->setObjectName(QStringLiteral("emptyTableHint"));
    m_hint->setAlignment(Qt::AlignCenter);
    m_hint->setWordWrap(true);
    m_hint->setTextFormat(Qt::PlainText);
    m_hint->setAttribute(Qt::WA_TransparentForMouseEvents);
    m_hint->setForegroundRole(QPalette::PlaceholderText);
    m_hint->hide();
    // Once per burst of changes: an incremental filter change removes and inserts rows several times.
    m_hintTimer.setSingleShot(true);
    m_hintTimer.setInterval(0);
    connect(&m_hintTimer, &QTimer::timeout, this, &CandidatesView::updateHint);

    connect(this, &QWidget::customContextMenuRequested, this, &CandidatesView::showContextMenu);
    connect(selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        if (m_rowsChanging)
            return;
        m_wanted = currentObject().value_or(kNoObject);
        announce(false);
    });
    for (auto change : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_proxy, change, this, &CandidatesView::listedRowsChanged);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &CandidatesView::listedRowsChanged);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &CandidatesView::listedRowsChanged);
    connect(this, &CandidatesView::listedRowsChanged, &m_hintTimer, qOverload<>(&QTimer::start));
    // An empty table can stay empty for another reason.
    connect(m_proxy, &CandidatesFilterProxy::filtersChanged, &m_hintTimer, qOverload<>(&QTimer::start));
}

CandidatesView::~CandidatesView() = default;

void CandidatesView::setFilterBar(FilterBar* filterBar)
{
    m_filterBar = filterBar;
    filterBar->setProxy(m_proxy);
    filterBar->setListMode(listMode());
    connect(filterBar, &FilterBar::listModeRequested, this, &CandidatesView::setListMode);
}

void CandidatesView::chooseTypes(const QSet<TypeIndex>& types)
{
    m_proxy->setTypeFilter(types);
    if (m_filterBar)
        m_filterBar->setChosenTypeCount(static_cast<int>(types.size()));
    Q_EMIT listedRowsChanged();
}

void CandidatesView::chooseGroups(const std::vector<CandidateGroupKey>& groups)
{
    m_proxy->setGroupFilter(groups);
    if (m_filterBar)
        m_filterBar->setChosenGroupCount(static_cast<int>(groups.size()));
    Q_EMIT listedRowsChanged();
}

void CandidatesView::chooseLibraries(const QSet<StringId>& libraries)
{
    m_proxy->setLibraryFilter(libraries);
    if (m_filterBar)
        m_filterBar->setChosenLibraryCount(static_cast<int>(libraries.size()));
    Q_EMIT listedRowsChanged();
}

void CandidatesView::chooseCreatedObjects(const std::vector<ObjectIndex>& objects, int creators)
{
    m_proxy->setObjectFilter(objects);
    if (m_filterBar)
        m_filterBar->setChosenCreatorCount(creators);
    Q_EMIT listedRowsChanged();
}

void CandidatesView::setListMode(ListMode mode)
{
    if (m_filterBar)
        m_filterBar->setListMode(mode);
    if (mode == listMode())
        return;
    m_candidates->setListMode(mode); // a reset: followWanted() keeps the current object if listed
    Q_EMIT listModeChanged(mode);
}

void CandidatesView::setAnalysis(AnalyzedSnapshotPtr analyzed)
{
    // An object index names the same object only in the same snapshot.
    const AnalyzedSnapshotPtr& before = m_candidates->analyzedSnapshot();
    if (!analyzed || !before || analyzed->snapshotPtr() != before->snapshotPtr())
        m_wanted = kNoObject;
    m_candidates->setSnapshot(std::move(analyzed));
}

void CandidatesView::fitColumnsToRows()
{
    // Fitted to the rows in view (a bounded sample, whatever the number of candidates), so that the
    // numbers up to Surplus fit beside the details. Explanation and Repr keep the width they have.
    for (int column = CandidatesModel::AddressColumn; column < CandidatesModel::ExplanationColumn; ++column)
        resizeColumnToContents(column);
}

std::optional<ObjectIndex> CandidatesView::currentObject() const
{
    const QModelIndex current = currentIndex();
    if (!m_candidates->analyzedSnapshot() || !current.isValid())
        return std::nullopt;
    return current.data(ObjectIndexRole).value<quint32>();
}

QModelIndex CandidatesView::listedIndexOf(ObjectIndex object) const
{
    const int row = m_candidates->rowOfObject(object);
    return row >= 0 ? m_proxy->mapFromSource(m_candidates->index(row, 0)) : QModelIndex();
}

bool CandidatesView::selectObject(ObjectIndex object)
{
    const QModelIndex listed = listedIndexOf(object);
    if (!listed.isValid())
        return false;
    selectionModel()->setCurrentIndex(listed, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    scrollTo(listed);
    return true;
}

bool CandidatesView::selectFirst()
{
    const QModelIndex first = m_proxy->index(0, 0);
    if (!first.isValid())
        return false;
    selectionModel()->setCurrentIndex(first, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    return true;
}

void CandidatesView::followWanted(bool reannounce)
{
    if (m_wanted != kNoObject && currentObject() != m_wanted) {
        // Still changing: these moves keep m_wanted.
        const QModelIndex listed = listedIndexOf(m_wanted);
        if (listed.isValid()) {
            selectionModel()->setCurrentIndex(listed, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            scrollTo(listed);
        } else if (currentIndex().isValid() || selectionModel()->hasSelection()) {
            selectionModel()->clear(); // a neighbour the view chose, not the user
        }
    } else if (currentIndex().isValid()) {
        scrollTo(currentIndex()); // through a re-sort too
    }
    m_rowsChanging = false;
    announce(reannounce);
}

void CandidatesView::announce(bool force)
{
    const std::optional<ObjectIndex> now = currentObject();
    if (!force && now == m_announced)
        return;
    m_announced = now;
    Q_EMIT currentObjectChanged();
}

QString CandidatesView::emptyTableHint() const
{
    const AnalyzedSnapshotPtr& analyzed = m_candidates->analyzedSnapshot();
    if (!analyzed || m_proxy->rowCount() > 0)
        return {};
    const bool all = listMode() == ListMode::AllObjects;
    if (m_candidates->rowCount() == 0) {
        return all ? tr("The snapshot holds no objects")
                   : tr("No leak candidates: every gc-tracked object of the snapshot is referred to by another one");
    }
    if (!m_proxy->isFilterValid())
        return tr("The regular expression cannot be used: %1 — fix it, or clear it (Esc)")
            .arg(m_proxy->filterErrorString());

    using P = CandidatesFilterProxy;
    const bool groupsChosen = !m_proxy->groupFilter().empty();
    const bool suspectsOnly = !all && !groupsChosen && !m_proxy->showExplained();
    const QString text = m_proxy->filterText();
    const bool typesChosen = !m_proxy->typeFilter().isEmpty();
    const bool librariesChosen = !m_proxy->libraryFilter().isEmpty();
    const bool creatorsChosen = !m_proxy->objectFilter().empty();
    const bool otherFilters = !text.isEmpty() || typesChosen || librariesChosen || creatorsChosen || groupsChosen
                           || m_proxy->minimumSize() > 0;

    if (suspectsOnly) {
        // The suspects-only choice first: what most often empties the table, and a tick away.
        if (const int hidden = m_proxy->countAcceptedWithout(P::GroupCriterion); hidden > 0) {
            const QString candidates = hidden == 1 ? tr("1 explained or ignored candidate")
                                                   : tr("%L1 explained or ignored candidates").arg(hidden);
            return otherFilters ? tr("No suspect passes the filters — %1 %2: tick Show explained")
                                      .arg(candidates, hidden == 1 ? tr("does") : tr("do"))
                                : tr("0 suspects — %1: tick Show explained").arg(candidates);
        }
    }
    const QString what = all ? tr("object") : suspectsOnly ? tr("suspect") : tr("candidate");
    if (!text.isEmpty() && m_proxy->countAcceptedWithout(P::TextCriterion) > 0)
        return tr("No %1 matches the filter “%2” — clear it (Esc)").arg(what, text);
    if (m_proxy->minimumSize() > 0 && m_proxy->countAcceptedWithout(P::SizeCriterion) > 0) {
        const QString size = formatByteSize(m_proxy->minimumSize());
        return tr("No %1 of at least %2 — lower Min size")
            .arg(what, size.endsWith(u'B') ? size : tr("%1 bytes").arg(size));
    }
    if (typesChosen && m_proxy->countAcceptedWithout(P::TypeCriterion) > 0)
        return tr("No %1 of the chosen types — the types button clears the choice").arg(what);
    if (librariesChosen && m_proxy->countAcceptedWithout(P::LibraryCriterion) > 0)
        return tr("No %1 of the chosen libraries — the libraries button clears the choice").arg(what);
    if (creatorsChosen && m_proxy->countAcceptedWithout(P::ObjectCriterion) > 0)
        return tr("No %1 made by the chosen C functions — the creators button clears the choice").arg(what);
    if (groupsChosen && m_proxy->countAcceptedWithout(P::GroupCriterion) > 0)
        return tr("No %1 in the chosen groups — the groups button clears the choice").arg(what);
    return tr("No %1 passes all the filters at once — clear some of them").arg(what);
}

void CandidatesView::updateHint()
{
    if (m_filterBar)
        m_filterBar->updateTextError(); // a regular expression may have hit its limit while filtering
    const QString hint = emptyTableHint();
    m_hint->setText(hint);
    m_hint->setGeometry(viewport()->rect().adjusted(12, 12, -12, -12));
    m_hint->setVisible(!hint.isEmpty());
}

void CandidatesView::resizeEvent(QResizeEvent* event)
{
    QTableView::resizeEvent(event);
    m_hint->setGeometry(viewport()->rect().adjusted(12, 12, -12, -12));
}

void CandidatesView::keyPressEvent(QKeyEvent* event)
{
    // As the empty table's hint says: Esc clears the text filter from the table too.
    if (event->key() == Qt::Key_Escape && event->modifiers() == Qt::NoModifier && m_filterBar
        && !m_filterBar->text().isEmpty()) {
        m_filterBar->clearText();
        event->accept();
        return;
    }
    QTableView::keyPressEvent(event);
}

void CandidatesView::showContextMenu(const QPoint& position)
{
    const QModelIndex index = indexAt(position);
    if (index.isValid() && index.row() != currentIndex().row())
        selectRow(index.row());
    QMenu menu(this);
    menu.addActions(m_contextActions);
    menu.exec(viewport()->mapToGlobal(position));
}

} // namespace leakscope
