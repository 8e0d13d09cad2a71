#include "type_delta_model.h"

#include "model_text.h"
#include "object_columns.h"
#include "text_filter.h"

namespace leakscope {

TypeDeltaModel::TypeDeltaModel(QObject* parent)
    : ComparisonTableModel(ColumnCount, parent)
{
}

TypeDeltaModel::~TypeDeltaModel() = default;

const TypeDeltaRow& TypeDeltaModel::deltaAt(int row) const
{
    return comparison()->diff().types()[static_cast<std::size_t>(row)];
}

QString TypeDeltaModel::typeNameAt(int row) const
{
    return toQString(comparison()->diff().typeName(deltaAt(row)));
}

bool TypeDeltaModel::rowMatches(int row, const TextFilter& filter) const
{
    return filter.matches(comparison()->diff().typeName(deltaAt(row)));
}

bool TypeDeltaModel::isUnchangedRow(int row) const
{
    return deltaAt(row).unchanged();
}

std::size_t TypeDeltaModel::rows(const SnapshotComparison& comparison) const
{
    return comparison.diff().types().size();
}

std::string_view TypeDeltaModel::libraryPath(const TypeDeltaRow& row) const
{
    const Snapshot& snapshot = row.typeB != kNoType ? comparison()->b().snapshot() : comparison()->a().snapshot();
    return snapshot.string(snapshot.type(row.typeB != kNoType ? row.typeB : row.typeA).library);
}

QVariant TypeDeltaModel::cell(int row, int column, int role) const
{
    const TypeDeltaRow& delta = deltaAt(row);
    if (role == TypeIndexRole)
        return delta.typeB != kNoType ? QVariant::fromValue<quint32>(delta.typeB) : QVariant();

    if (column == TypeColumn || column == LibraryColumn) {
        const bool isType = column == TypeColumn;
        switch (role) {
        case Qt::DisplayRole:
        case SortRole: return isType ? typeNameAt(row) : libraryTitle(libraryPath(delta));
        case Qt::ToolTipRole: {
            if (isType)
                return typeNameAt(row);
            const std::string_view path = libraryPath(delta);
            return path.empty() ? tr("No library: a class defined in Python, or a type whose library was not found")
                                : toQString(path);
        }
        default: return {};
        }
    }

    qint64 value = 0;
    bool isDelta = false;
    switch (column) {
    case CountAColumn: value = static_cast<qint64>(delta.countA); break;
    case CountBColumn: value = static_cast<qint64>(delta.countB); break;
    case CountDeltaColumn:
        value = delta.countDelta();
        isDelta = true;
        break;
    case AddedColumn: value = static_cast<qint64>(delta.added); break;
    case RemovedColumn: value = static_cast<qint64>(delta.removed); break;
    case BytesAColumn: value = static_cast<qint64>(delta.bytesA); break;
    case BytesBColumn: value = static_cast<qint64>(delta.bytesB); break;
    case BytesDeltaColumn:
        value = delta.bytesDelta();
        isDelta = true;
        break;
    case SuspectsAColumn: value = static_cast<qint64>(delta.suspectsA); break;
    case SuspectsBColumn: value = static_cast<qint64>(delta.suspectsB); break;
    default: return {};
    }
    switch (role) {
    case Qt::DisplayRole: return isDelta ? signedText(value) : locale().toString(value);
    case SortRole: return QVariant::fromValue<qlonglong>(value);
    case Qt::TextAlignmentRole: return rightAligned();
    default: return {};
    }
}

QVariant TypeDeltaModel::header(int column, int role) const
{
    if (role == Qt::TextAlignmentRole)
        return column == TypeColumn || column == LibraryColumn ? QVariant() : rightAligned();
    const bool tip = role == Qt::ToolTipRole;
    if (!tip && role != Qt::DisplayRole)
        return {};
    switch (column) {
    case TypeColumn: return tip ? tr("Types are matched by name between the two snapshots") : tr("Type");
    case LibraryColumn: return tip ? tr("The library behind the type") : tr("Library");
    case CountAColumn: return tip ? tr("Objects of the type in the earlier snapshot (A)") : tr("Count A");
    case CountBColumn: return tip ? tr("Objects of the type in the later snapshot (B)") : tr("Count B");
    case CountDeltaColumn: return tip ? tr("Count B − Count A") : tr("Δ Count");
    case AddedColumn: return tip ? tr("Objects of B that are not in A: allocated in between") : tr("New");
    case RemovedColumn: return tip ? tr("Objects of A that are not in B: freed in between") : tr("Freed");
    case BytesAColumn: return tip ? tr("Bytes those objects of A occupy themselves") : tr("Bytes A");
    case BytesBColumn: return tip ? tr("Bytes those objects of B occupy themselves") : tr("Bytes B");
    case BytesDeltaColumn: return tip ? tr("Bytes B − Bytes A") : tr("Δ Bytes");
    case SuspectsAColumn: return tip ? tr("Suspects of the type in A") : tr("Suspects A");
    case SuspectsBColumn: return tip ? tr("Suspects of the type in B") : tr("Suspects B");
    default: return {};
    }
}

} // namespace leakscope
