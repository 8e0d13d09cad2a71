#include "gui/dominator_tree_view.h"

#include "models/dominator_tree_model.h"

#include <QtCore/QLocale>
#include <QtCore/QScopedValueRollback>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QTreeView>
#include <QtWidgets/QVBoxLayout>

namespace leakscope {

DominatorTreeView::DominatorTreeView(QWidget* parent)
    : QWidget(parent)
    , m_model(new DominatorTreeModel(this))
    , m_summary(new QLabel(this))
    , m_tree(new QTreeView(this))
{
    m_summary->setObjectName(QStringLiteral("dominatorSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);
    m_tree->setObjectName(QStringLiteral("dominatorTree"));
    m_tree->setModel(m_model);
    m_tree->setUniformRowHeights(true); // a million top-level rows scroll without measuring each
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setTabKeyNavigation(false);
    m_tree->setSortingEnabled(true);
    m_tree->sortByColumn(DominatorTreeModel::RetainedColumn, Qt::DescendingOrder);
    QHeaderView* header = m_tree->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(DominatorTreeModel::ObjectColumn, QHeaderView::Stretch);
    for (int column = DominatorTreeModel::RetainedColumn; column < DominatorTreeModel::ColumnCount; ++column)
        header->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    // The widths follow the rows on screen: measuring a thousand rows, Qt's default, took 120 ms of the
    // event loop at each layout once a path of a thousand rows was expanded.
    header->setResizeContentsPrecision(0);
    // Only Retained and Share sort; a click elsewhere puts the indicator back where the order is.
    connect(header, &QHeaderView::sortIndicatorChanged, this, [this, header](int column, Qt::SortOrder) {
        if (!DominatorTreeModel::isSortable(column))
            header->setSortIndicator(DominatorTreeModel::RetainedColumn, m_model->sortOrder());
    });

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_summary);
    layout->addWidget(m_tree, 1);

    connect(m_tree->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& now) {
        if (m_selecting || !now.isValid())
            return;
        if (const std::optional<ObjectIndex> object = m_model->objectAt(now))
            Q_EMIT objectChosen(*object);
    });
    updateSummary();
}

DominatorTreeView::~DominatorTreeView() = default;

void DominatorTreeView::setAnalysis(AnalyzedSnapshotPtr analyzed)
{
    m_pending = std::move(analyzed);
    m_hasPending = true;
    if (isVisible())
        takeAnalysis();
}

void DominatorTreeView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_hasPending)
        takeAnalysis();
}

void DominatorTreeView::takeAnalysis()
{
    m_hasPending = false;
    const QScopedValueRollback selecting(m_selecting, true); // a reset moves the current row, not the user
    m_model->setSnapshot(std::move(m_pending));
    m_pending = nullptr;
    updateSummary();
}

void DominatorTreeView::showObject(ObjectIndex object)
{
    const QScopedValueRollback selecting(m_selecting, true);
    const QModelIndex index = m_model->indexOfObject(object);
    if (!index.isValid()) {
        m_tree->selectionModel()->clear();
        return;
    }
    m_tree->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_tree->scrollTo(index);
}

std::optional<ObjectIndex> DominatorTreeView::currentObject() const
{
    return m_model->objectAt(m_tree->currentIndex());
}

QString DominatorTreeView::summaryText() const
{
    return m_summary->text();
}

void DominatorTreeView::updateSummary()
{
    const DominatorTree* tree = m_model->tree();
    if (!tree) {
        m_summary->setText(tr("No snapshot with retained sizes is shown."));
        return;
    }
    const QLocale locale;
    QString text = tr("%L1 objects, %2 in all; %L3 at the top level, each keeping alive what is under it")
                       .arg(tree->objectCount())
                       .arg(locale.formattedDataSize(static_cast<qint64>(tree->totalBytes())))
                       .arg(tree->rootChildren().size());
    if (const std::size_t unreached = tree->unreachedCount())
        text += tr("; %L1 reached from no candidate (held by C code or objects outside the snapshot)").arg(unreached);
    m_summary->setText(text + QLatin1Char('.'));
}

} // namespace leakscope
