#include "attach_dialog.h"

#include "models/process_list_model.h"

#include <QtCore/QTimer>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QDialogButtonBox>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QStyledItemDelegate>
#include <QtWidgets/QTableView>
#include <QtWidgets/QVBoxLayout>

namespace leakscope {

namespace {

// Draws the rows the self-test refuses as disabled; they stay selectable so the dialog can say why.
class ProcessRowDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        if (!index.data(ProcessListModel::AttachableRole).toBool())
            option->state &= ~QStyle::State_Enabled;
    }
};

} // namespace

AttachDialog::AttachDialog(QWidget* parent)
    : QDialog(parent)
    , m_model(new ProcessListModel(this))
    , m_proxy(new ProcessFilterProxy(this))
    , m_filter(new QLineEdit(this))
    , m_showAll(new QCheckBox(tr("Show &all"), this))
    , m_table(new QTableView(this))
    , m_note(new QLabel(this))
    , m_buttons(new QDialogButtonBox(this))
    , m_timer(new QTimer(this))
{
    setWindowTitle(tr("Attach to Process"));
    m_filter->setPlaceholderText(tr("Filter by pid, user or command"));
    m_filter->setClearButtonEnabled(true);
    m_showAll->setToolTip(tr("Also list the Python processes LeakScope cannot attach to, with the reason"));

    m_proxy->setSourceModel(m_model);
    m_table->setModel(m_proxy);
    m_table->setItemDelegate(new ProcessRowDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(ProcessListModel::PidColumn, Qt::AscendingOrder);
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(ProcessListModel::CommandColumn, QHeaderView::Stretch);

    m_note->setWordWrap(true);
    m_note->setTextInteractionFlags(Qt::TextSelectableByMouse);

    QPushButton* attach = m_buttons->addButton(tr("&Attach"), QDialogButtonBox::AcceptRole);
    attach->setDefault(true);
    attach->setEnabled(false);
    m_buttons->addButton(QDialogButtonBox::Cancel);

    auto* top = new QHBoxLayout;
    top->addWidget(m_filter, 1);
    top->addWidget(m_showAll);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_note);
    layout->addWidget(m_buttons);
    resize(760, 420);

    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_proxy->setFilterText(text);
        // One row left: it is the one meant.
        if (m_proxy->rowCount() == 1 && !m_table->selectionModel()->hasSelection())
            m_table->selectRow(0);
        updateSelection();
    });
    connect(m_showAll, &QCheckBox::toggled, this, [this](bool all) {
        m_model->setShowAll(all);
        refresh();
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &AttachDialog::updateSelection);
    // A refresh can change the selected row's verdict without changing the selection.
    connect(m_model, &QAbstractItemModel::dataChanged, this, &AttachDialog::updateSelection);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &AttachDialog::updateSelection);
    connect(m_table, &QAbstractItemView::doubleClicked, this, [this] {
        if (attachButton()->isEnabled())
            accept();
    });
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (attachButton()->isEnabled())
            accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    m_timer->setInterval(kRefreshMs);
    connect(m_timer, &QTimer::timeout, this, &AttachDialog::refresh);
    refresh();
    m_filter->setFocus();
}

AttachDialog::~AttachDialog() = default;

QPushButton* AttachDialog::attachButton() const
{
    return qobject_cast<QPushButton*>(m_buttons->buttons().value(0));
}

void AttachDialog::refresh()
{
    m_model->refresh();
    updateSelection();
}

void AttachDialog::showEvent(QShowEvent* event)
{
    QDialog::showEvent(event);
    m_timer->start();
}

void AttachDialog::hideEvent(QHideEvent* event)
{
    m_timer->stop();
    QDialog::hideEvent(event);
}

QModelIndex AttachDialog::currentSourceIndex() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? QModelIndex() : m_proxy->mapToSource(rows.first());
}

void AttachDialog::updateSelection()
{
    const QModelIndex index = currentSourceIndex();
    const bool attachable = index.isValid() && index.data(ProcessListModel::AttachableRole).toBool();
    attachButton()->setEnabled(attachable);
    if (!index.isValid())
        m_note->setText(m_model->rowCount() == 0 ? tr("No Python process that LeakScope can attach to is running.")
                                                  : tr("Choose the process to attach to."));
    else if (!attachable)
        m_note->setText(tr("Cannot attach: %1").arg(index.data(ProcessListModel::ReasonRole).toString()));
    else
        m_note->setText(tr("LeakScope loads its agent into the process (with gdb) and takes snapshots on "
                           "request; Detach leaves the process running."));
}

qint64 AttachDialog::selectedPid() const
{
    const QModelIndex index = currentSourceIndex();
    return index.isValid() ? index.data(ProcessListModel::PidRole).toLongLong() : 0;
}

QString AttachDialog::selectedCommand() const
{
    const QModelIndex index = currentSourceIndex();
    return index.isValid() ? m_model->processRow(index.row()).command : QString();
}

bool AttachDialog::selectPid(qint64 pid)
{
    const int row = m_model->rowOfPid(pid);
    if (row < 0)
        return false;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    if (!index.isValid())
        return false;
    m_table->selectRow(index.row());
    m_table->scrollTo(index);
    return true;
}

} // namespace leakscope
