#include "snapshot_list_model.h"

#include <QtCore/QDateTime>
#include <QtCore/QLocale>

#include <utility>

namespace leakscope {

SnapshotListModel::SnapshotListModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void SnapshotListModel::insertSnapshot(int row, const SnapshotListRow& snapshot)
{
    if (row < 0 || row > m_rows.size())
        return;
    beginInsertRows({}, row, row);
    m_rows.insert(row, snapshot);
    if (m_shownRow >= row)
        ++m_shownRow;
    endInsertRows();
}

void SnapshotListModel::updateSnapshot(int row, const SnapshotListRow& snapshot)
{
    if (row < 0 || row >= m_rows.size())
        return;
    m_rows[row] = snapshot;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void SnapshotListModel::removeSnapshot(int row)
{
    if (row < 0 || row >= m_rows.size())
        return;
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    if (m_shownRow == row)
        m_shownRow = -1;
    else if (m_shownRow > row)
        --m_shownRow;
    endRemoveRows();
}

void SnapshotListModel::setShownRow(int row)
{
    if (row < -1 || row >= m_rows.size())
        row = -1;
    if (row == m_shownRow)
        return;
    const int before = std::exchange(m_shownRow, row);
    for (const int changed : {before, row}) {
        if (changed >= 0)
            Q_EMIT dataChanged(index(changed, 0), index(changed, ColumnCount - 1), {IsShownRole});
    }
}

int SnapshotListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int SnapshotListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

bool SnapshotListModel::valid(const QModelIndex& index) const
{
    return index.isValid() && index.model() == this && !index.parent().isValid() && index.row() < m_rows.size()
        && index.column() < ColumnCount;
}

QString SnapshotListModel::takenText(qint64 capturedAtMs, qint64 nowMs)
{
    if (capturedAtMs <= 0)
        return {};
    const QDateTime taken = QDateTime::fromMSecsSinceEpoch(capturedAtMs);
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(nowMs);
    return taken.date() == now.date() ? taken.toString(QStringLiteral("HH:mm:ss"))
                                      : taken.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

QVariant SnapshotListModel::data(const QModelIndex& index, int role) const
{
    if (!valid(index))
        return {};
    const SnapshotListRow& row = m_rows[index.row()];
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        switch (column) {
        case LabelColumn: return row.label;
        case TakenColumn:
            return role == Qt::EditRole ? QVariant(row.capturedAtMs)
                                        : QVariant(takenText(row.capturedAtMs, QDateTime::currentMSecsSinceEpoch()));
        case ObjectsColumn:
            return role == Qt::EditRole ? QVariant(row.objects) : QVariant(QLocale().toString(row.objects));
        case SuspectsColumn:
            return role == Qt::EditRole ? QVariant(row.suspects) : QVariant(QLocale().toString(row.suspects));
        case FileColumn:
            if (row.file.isEmpty() || !row.saved)
                return tr("not saved");
            return row.file.section(u'/', -1);
        case OriginColumn: return row.origin;
        }
        return {};
    case SortRole:
        switch (column) {
        case LabelColumn: return row.label;
        case TakenColumn: return row.capturedAtMs;
        case ObjectsColumn: return row.objects;
        case SuspectsColumn: return row.suspects;
        case FileColumn: return row.saved ? row.file : QString();
        case OriginColumn: return row.origin;
        }
        return {};
    case Qt::ToolTipRole:
        switch (column) {
        case TakenColumn:
            return row.capturedAtMs > 0
                ? QVariant(QDateTime::fromMSecsSinceEpoch(row.capturedAtMs).toString(Qt::ISODate))
                : QVariant();
        case FileColumn:
            if (row.saved && !row.file.isEmpty())
                return row.file;
            return tr("Not saved: closing it loses it. Save Snapshot As… keeps it in a file.");
        case LabelColumn: return tr("%1 (F2 renames it)").arg(row.label);
        default: return {};
        }
    case IsShownRole: return index.row() == m_shownRow;
    case IsSavedRole: return row.saved;
    case Qt::TextAlignmentRole:
        if (column == ObjectsColumn || column == SuspectsColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default: return {};
    }
}

bool SnapshotListModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!valid(index) || index.column() != LabelColumn || role != Qt::EditRole)
        return false;
    const QString label = value.toString().simplified();
    if (label.isEmpty() || label == m_rows[index.row()].label)
        return false;
    Q_EMIT renameRequested(index.row(), label);
    return true;
}

QVariant SnapshotListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case LabelColumn: return tr("Label");
        case TakenColumn: return tr("Taken");
        case ObjectsColumn: return tr("Objects");
        case SuspectsColumn: return tr("Suspects");
        case FileColumn: return tr("File");
        case OriginColumn: return tr("Run / process");
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case LabelColumn: return tr("The snapshot's name in this session (F2 renames it)");
        case TakenColumn: return tr("When the heap was captured");
        case ObjectsColumn: return tr("Objects in the snapshot");
        case SuspectsColumn: return tr("Candidates that no explanation covers and no ignore rule matches");
        case FileColumn: return tr("The file that holds it, or \"not saved\"");
        case OriginColumn: return tr("The script, run and process it was taken from, or the file it was opened from");
        }
    }
    if (role == Qt::TextAlignmentRole && (section == ObjectsColumn || section == SuspectsColumn))
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

Qt::ItemFlags SnapshotListModel::flags(const QModelIndex& index) const
{
    if (!valid(index))
        return Qt::NoItemFlags;
    Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
    if (index.column() == LabelColumn)
        flags |= Qt::ItemIsEditable;
    return flags;
}

} // namespace leakscope
