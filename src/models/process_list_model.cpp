#include "process_list_model.h"

#include <QtCore/QElapsedTimer>

#include <algorithm>

namespace leakscope {

namespace {

QString fromStd(const std::string& text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

// The processes leakscope-cli ps lists: those the self-test passes, and with showAll the Python ones it
// refuses (by their own name when their files cannot be read).
bool listed(const attach::CheckResult& check, bool showAll)
{
    using attach::Verdict;
    if (check.ok())
        return true;
    if (!showAll)
        return false;
    switch (check.verdict) {
    case Verdict::NoSuchProcess:
    case Verdict::SelfProcess:
    case Verdict::NotPython:
        return false;
    case Verdict::Unreadable:
    case Verdict::OtherUser:
        return check.process.python.isPython || check.process.name.rfind("python", 0) == 0;
    default:
        return true;
    }
}

} // namespace

ProcessListModel::ProcessListModel(QObject* parent)
    : QAbstractTableModel(parent)
    , m_system(attach::currentSystem())
{
}

void ProcessListModel::setShowAll(bool showAll)
{
    m_showAll = showAll;
}

QList<ProcessRow> ProcessListModel::readRows(const attach::SystemView& system, bool showAll)
{
    QList<ProcessRow> rows;
    for (const pid_t pid : attach::listPids(system.procRoot)) {
        const attach::CheckResult check = attach::checkAttach(pid, system);
        if (!listed(check, showAll))
            continue;
        const attach::ProcessInfo& p = check.process;
        ProcessRow row;
        row.pid = pid;
        row.user = fromStd(p.user);
        row.python = fromStd(p.python.version);
        row.command = p.commandLine.empty() ? u'[' + fromStd(p.name) + u']' : fromStd(p.commandLine);
        row.attachable = check.ok();
        if (!row.attachable)
            row.reason = fromStd(check.message);
        rows.append(std::move(row));
    }
    return rows; // listPids() gives increasing pids
}

double ProcessListModel::refresh()
{
    QElapsedTimer clock;
    clock.start();
    setRows(readRows(m_system, m_showAll));
    return static_cast<double>(clock.nsecsElapsed()) / 1e6;
}

void ProcessListModel::setRows(const QList<ProcessRow>& rows)
{
    int r = 0;
    qsizetype j = 0;
    while (r < m_rows.size() || j < rows.size()) {
        if (j == rows.size() || (r < m_rows.size() && m_rows[r].pid < rows[j].pid)) {
            // A run of rows whose processes are gone goes in one removal.
            int last = r;
            while (last + 1 < m_rows.size() && (j == rows.size() || m_rows[last + 1].pid < rows[j].pid))
                ++last;
            beginRemoveRows({}, r, last);
            m_rows.remove(r, last - r + 1);
            endRemoveRows();
        } else if (r == m_rows.size() || m_rows[r].pid > rows[j].pid) {
            // A run of new pids before the next kept row goes in one insertion.
            qsizetype end = j + 1;
            while (end < rows.size() && (r == m_rows.size() || rows[end].pid < m_rows[r].pid))
                ++end;
            beginInsertRows({}, r, r + static_cast<int>(end - j) - 1);
            for (qsizetype k = j; k < end; ++k)
                m_rows.insert(r + static_cast<int>(k - j), rows[k]);
            endInsertRows();
            r += static_cast<int>(end - j);
            j = end;
        } else {
            if (!(m_rows[r] == rows[j])) {
                m_rows[r] = rows[j];
                Q_EMIT dataChanged(index(r, 0), index(r, ColumnCount - 1));
            }
            ++r;
            ++j;
        }
    }
}

int ProcessListModel::rowOfPid(qint64 pid) const
{
    const auto it = std::lower_bound(m_rows.cbegin(), m_rows.cend(), pid,
                                     [](const ProcessRow& row, qint64 p) { return row.pid < p; });
    return it != m_rows.cend() && it->pid == pid ? static_cast<int>(it - m_rows.cbegin()) : -1;
}

int ProcessListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ProcessListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ProcessListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ProcessRow& row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case PidColumn: return QString::number(row.pid);
        case UserColumn: return row.user;
        case PythonColumn: return row.python.isEmpty() ? QStringLiteral("?") : row.python;
        case CommandColumn: return row.command;
        }
        return {};
    case SortRole:
        switch (index.column()) {
        case PidColumn: return static_cast<qlonglong>(row.pid);
        case UserColumn: return row.user;
        case PythonColumn: return row.python;
        case CommandColumn: return row.command;
        }
        return {};
    case Qt::ToolTipRole:
        return row.attachable ? (index.column() == CommandColumn ? row.command : QVariant()) : QVariant(row.reason);
    case Qt::TextAlignmentRole:
        return index.column() == PidColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case AttachableRole: return row.attachable;
    case ReasonRole: return row.reason;
    case PidRole: return static_cast<qlonglong>(row.pid);
    default: return {};
    }
}

QVariant ProcessListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case PidColumn: return tr("PID");
    case UserColumn: return tr("User");
    case PythonColumn: return tr("Python");
    case CommandColumn: return tr("Command");
    }
    return {};
}

Qt::ItemFlags ProcessListModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    // Rows that cannot be attached to stay selectable, so that the dialog can say why; the view draws
    // them disabled (AttachableRole).
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

} // namespace leakscope

namespace leakscope {

ProcessFilterProxy::ProcessFilterProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(SortRole);
    setDynamicSortFilter(true);
}

void ProcessFilterProxy::setFilterText(const QString& text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_text)
        return;
#if QT_VERSION >= QT_VERSION_CHECK(6, 10, 0)
    beginFilterChange();
    m_text = trimmed;
    endFilterChange(QSortFilterProxyModel::Direction::Rows);
#else
    m_text = trimmed;
    invalidateRowsFilter();
#endif
}

bool ProcessFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (m_text.isEmpty())
        return true;
    const QAbstractItemModel* model = sourceModel();
    for (const int column : {ProcessListModel::PidColumn, ProcessListModel::UserColumn, ProcessListModel::CommandColumn}) {
        const QString text = model->index(sourceRow, column, sourceParent).data(Qt::DisplayRole).toString();
        if (text.contains(m_text, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace leakscope
