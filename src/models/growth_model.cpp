#include "growth_model.h"

#include "model_text.h"
#include "object_columns.h"
#include "text_filter.h"

#include <QtCore/QStringList>

#include <numeric>

namespace leakscope {

namespace {

// Internal ids: 0 for a finding's row, 1 + the finding's row for one of its objects.
constexpr quintptr kFindingRow = 0;

std::vector<std::int64_t> signedValues(const std::vector<std::uint64_t>& values)
{
    return {values.begin(), values.end()};
}

qint64 sumOf(const std::vector<std::int64_t>& values)
{
    return std::accumulate(values.begin(), values.end(), qint64(0));
}

QVariant rightAligned()
{
    return QVariant::fromValue(int(Qt::AlignRight | Qt::AlignVCenter));
}

} // namespace

GrowthModel::GrowthModel(QObject* parent)
    : QAbstractItemModel(parent)
{
}

GrowthModel::~GrowthModel() = default;

void GrowthModel::setSeries(GrowthSeriesPtr series)
{
    beginResetModel();
    m_series = std::move(series);
    m_findings.clear();
    if (m_series) {
        const GrowthAnalysis& growth = m_series->growth();
        for (std::size_t k = 0; k < growth.leakedObjects().size(); ++k)
            m_findings.push_back({Kind::LeakedObjects, k});
        for (std::size_t k = 0; k < growth.surplusGrowth().size(); ++k)
            m_findings.push_back({Kind::GrowingReferences, k});
        for (std::size_t k = 0; k < growth.growingTypes().size(); ++k)
            m_findings.push_back({Kind::GrowingType, k});
    }
    endResetModel();
}

QModelIndex GrowthModel::index(int row, int column, const QModelIndex& parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount || row >= rowCount(parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, kFindingRow);
    return createIndex(row, column, quintptr(parent.row()) + 1);
}

QModelIndex GrowthModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() == kFindingRow)
        return {};
    return createIndex(static_cast<int>(child.internalId() - 1), 0, kFindingRow);
}

int GrowthModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return static_cast<int>(m_findings.size());
    // Only a finding's first column has children, and only a type's leaked objects are children.
    if (parent.column() != 0 || parent.internalId() != kFindingRow || !isValidIndex(parent))
        return 0;
    const Finding& finding = m_findings[static_cast<std::size_t>(parent.row())];
    return finding.kind == Kind::LeakedObjects ? static_cast<int>(leakedRow(finding).objects.size()) : 0;
}

int GrowthModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() && parent.column() != 0 ? 0 : ColumnCount;
}

bool GrowthModel::isValidIndex(const QModelIndex& index) const
{
    if (!index.isValid() || index.model() != this || index.column() < 0 || index.column() >= ColumnCount
        || index.row() < 0)
        return false;
    if (index.internalId() == kFindingRow)
        return static_cast<std::size_t>(index.row()) < m_findings.size();
    const std::size_t parentRow = index.internalId() - 1;
    if (parentRow >= m_findings.size() || m_findings[parentRow].kind != Kind::LeakedObjects)
        return false;
    return static_cast<std::size_t>(index.row()) < leakedRow(m_findings[parentRow]).objects.size();
}

const GrowthModel::Finding& GrowthModel::findingOf(const QModelIndex& index) const
{
    const std::size_t row
        = index.internalId() == kFindingRow ? static_cast<std::size_t>(index.row()) : index.internalId() - 1;
    return m_findings[row];
}

const LeakedObjectsRow& GrowthModel::leakedRow(const Finding& finding) const
{
    return m_series->growth().leakedObjects()[finding.index];
}

const SurplusSeriesRow& GrowthModel::surplusRow(const Finding& finding) const
{
    return m_series->growth().surplusGrowth()[finding.index];
}

const GrowingTypeRow& GrowthModel::typeRow(const Finding& finding) const
{
    return m_series->growth().growingTypes()[finding.index];
}

GrowthModel::Kind GrowthModel::kindOf(const QModelIndex& index) const
{
    return index.internalId() == kFindingRow ? findingOf(index).kind : Kind::LeakedObject;
}

ObjectIndex GrowthModel::objectOf(const QModelIndex& index) const
{
    if (!isValidIndex(index))
        return kNoObject;
    const Finding& finding = findingOf(index);
    if (index.internalId() != kFindingRow)
        return leakedRow(finding).objects[static_cast<std::size_t>(index.row())];
    return finding.kind == Kind::GrowingReferences ? surplusRow(finding).object : kNoObject;
}

QString GrowthModel::typeNameOf(const QModelIndex& index) const
{
    if (!isValidIndex(index))
        return {};
    if (const ObjectIndex object = objectOf(index); object != kNoObject)
        return toQString(lastAnalysis().snapshot().typeNameOf(object));
    const Finding& finding = findingOf(index);
    return toQString(finding.kind == Kind::LeakedObjects ? leakedRow(finding).typeName : typeRow(finding).typeName);
}

QString GrowthModel::kindText(Kind kind)
{
    switch (kind) {
    case Kind::LeakedObjects: return tr("Leaked objects");
    case Kind::GrowingReferences: return tr("Growing references");
    case Kind::GrowingType: return tr("Growing type");
    case Kind::LeakedObject: return tr("Leaked object");
    }
    return {};
}

QString GrowthModel::signedText(qint64 value) const
{
    const QString number = m_locale.toString(value);
    return value > 0 ? m_locale.positiveSign() + number : number;
}

QString GrowthModel::roundsText(const std::vector<std::int64_t>& values) const
{
    QStringList parts;
    parts.reserve(static_cast<qsizetype>(values.size()));
    for (const std::int64_t value : values)
        parts << signedText(value);
    return parts.join(QLatin1Char(' '));
}

QVariant GrowthModel::data(const QModelIndex& index, int role) const
{
    if (!isValidIndex(index))
        return {};
    const Kind kind = kindOf(index);
    if (role == KindRole)
        return static_cast<int>(kind);
    const ObjectIndex object = objectOf(index);
    if (object != kNoObject) {
        if (QVariant value = objectRoleData(lastAnalysis(), object, role); value.isValid())
            return value;
    }
    if (kind == Kind::LeakedObject) {
        if (index.column() == KindColumn) {
            switch (role) {
            case Qt::DisplayRole: return kindText(kind);
            case SortRole: return static_cast<int>(kind);
            default: return {};
            }
        }
        return objectData(object, index.column(), role);
    }
    return findingData(findingOf(index), index.column(), role);
}

std::vector<std::int64_t> GrowthModel::roundsOf(const Finding& finding) const
{
    switch (finding.kind) {
    case Kind::LeakedObjects: return signedValues(leakedRow(finding).perRound);
    case Kind::GrowingReferences: return surplusRow(finding).growth;
    case Kind::GrowingType: return typeRow(finding).increases();
    case Kind::LeakedObject: break;
    }
    return {};
}

QString GrowthModel::roundsToolTip(const Finding& finding) const
{
    QStringList values;
    switch (finding.kind) {
    case Kind::LeakedObjects:
        return tr("New suspects of this type in each round; the last round's are listed under it");
    case Kind::GrowingReferences:
        for (const std::int64_t value : surplusRow(finding).surplus)
            values << m_locale.toString(value);
        return tr("References that no referrer accounts for, gained in each round; its surplus in each snapshot: %1")
            .arg(values.join(QStringLiteral(", ")));
    case Kind::GrowingType:
        for (const std::uint64_t value : typeRow(finding).counts)
            values << m_locale.toString(static_cast<qulonglong>(value));
        return tr("Objects of this type gained in each round; their count in each snapshot: %1")
            .arg(values.join(QStringLiteral(", ")));
    case Kind::LeakedObject: break;
    }
    return {};
}

QVariant GrowthModel::findingData(const Finding& finding, int column, int role) const
{
    switch (column) {
    case KindColumn:
        switch (role) {
        case Qt::DisplayRole: return kindText(finding.kind);
        case SortRole: return static_cast<int>(finding.kind);
        case Qt::ToolTipRole:
            switch (finding.kind) {
            case Kind::LeakedObjects:
                return tr("Objects of this type that nothing refers to appeared in every round: leaked references");
            case Kind::GrowingReferences:
                return tr("This object gained references in every round that no object in the snapshot accounts "
                          "for: a reference leaked on a live object, once per round");
            default:
                return tr("This type's count grew in every round, but its new objects are referenced: no leak by "
                          "itself (a list that grows, say)");
            }
        default: return {};
        }
    case TypeColumn:
        if (finding.kind == Kind::GrowingReferences)
            return objectData(surplusRow(finding).object, column, role);
        switch (role) {
        case Qt::DisplayRole:
        case SortRole:
            return toQString(
                finding.kind == Kind::LeakedObjects ? leakedRow(finding).typeName : typeRow(finding).typeName);
        default: return {};
        }
    case RoundsColumn:
        switch (role) {
        case Qt::DisplayRole: return roundsText(roundsOf(finding));
        // The last round's number: what a sort by rounds compares.
        case SortRole: {
            const std::vector<std::int64_t> rounds = roundsOf(finding);
            return QVariant::fromValue<qlonglong>(rounds.empty() ? 0 : rounds.back());
        }
        case Qt::ToolTipRole: return roundsToolTip(finding);
        default: return {};
        }
    case TotalColumn:
        switch (role) {
        case Qt::DisplayRole: return signedText(sumOf(roundsOf(finding)));
        case SortRole: return QVariant::fromValue<qlonglong>(sumOf(roundsOf(finding)));
        case Qt::TextAlignmentRole: return rightAligned();
        default: return {};
        }
    case AddressColumn:
    case ReprColumn:
        if (finding.kind == Kind::GrowingReferences)
            return objectData(surplusRow(finding).object, column, role);
        if (finding.kind == Kind::LeakedObjects && column == ReprColumn) {
            const std::size_t listed = leakedRow(finding).objects.size();
            switch (role) {
            case Qt::DisplayRole:
                return listed == 1 ? tr("1 object of the last round")
                                   : tr("%1 objects of the last round").arg(m_locale.toString(qulonglong(listed)));
            case SortRole: return QString();
            default: return {};
            }
        }
        return role == SortRole
            ? QVariant(column == AddressColumn ? QVariant::fromValue<qulonglong>(0) : QVariant(QString()))
            : QVariant();
    default: return {};
    }
}

QVariant GrowthModel::objectData(ObjectIndex object, int column, int role) const
{
    // Reprs can be megabytes long: the cell shows the start, the tooltip a longer part.
    constexpr qsizetype kShownCodePoints = 300;
    constexpr qsizetype kToolTipCodePoints = 2000;
    const HeapAnalysis& analysis = lastAnalysis();
    switch (column) {
    case TypeColumn: return fieldData(analysis, object, ObjectField::Type, role, m_locale);
    case AddressColumn: return fieldData(analysis, object, ObjectField::Address, role, m_locale);
    case ReprColumn:
        switch (role) {
        case Qt::DisplayRole: return reprText(analysis.snapshot(), object, kShownCodePoints, m_scratch);
        case SortRole: return reprText(analysis.snapshot(), object, -1, m_scratch);
        case Qt::ToolTipRole: return reprText(analysis.snapshot(), object, kToolTipCodePoints, m_scratch);
        default: return {};
        }
    case RoundsColumn:
    case TotalColumn:
        // An object of the last round has no numbers of its own; it sorts with the rows that have none.
        return role == SortRole ? QVariant::fromValue<qlonglong>(0) : QVariant();
    default: return {};
    }
}

QVariant GrowthModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (section == AddressColumn)
        return fieldHeaderData(ObjectField::Address, role);
    if (role == Qt::DisplayRole) {
        switch (section) {
        case KindColumn: return tr("Finding");
        case TypeColumn: return tr("Type");
        case RoundsColumn: return tr("Per round");
        case TotalColumn: return tr("Total");
        case ReprColumn: return tr("Repr");
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case KindColumn:
            return tr("What grew in every round: leaked objects of a type, the references to one "
                      "object, or the count of a type");
        case RoundsColumn: return tr("How much it grew in each measured round, from the first to the last");
        case TotalColumn: return tr("How much it grew over every round together");
        default: return {};
        }
    }
    if (role == Qt::TextAlignmentRole && section == TotalColumn)
        return rightAligned();
    return {};
}

Qt::ItemFlags GrowthModel::flags(const QModelIndex& index) const
{
    if (!isValidIndex(index))
        return Qt::NoItemFlags;
    Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (kindOf(index) != Kind::LeakedObjects)
        flags |= Qt::ItemNeverHasChildren;
    return flags;
}

bool GrowthModel::rowMatches(int row, const QModelIndex& parent, const TextFilter& filter) const
{
    const QModelIndex cell = index(row, 0, parent);
    if (!cell.isValid())
        return false;
    const ObjectIndex object = objectOf(cell);
    if (object == kNoObject) {
        const Finding& finding = findingOf(cell);
        return filter.matches(
            finding.kind == Kind::LeakedObjects ? leakedRow(finding).typeName : typeRow(finding).typeName);
    }
    const Snapshot& snapshot = lastAnalysis().snapshot();
    return filter.matches(snapshot.typeNameOf(object)) || filter.matches(displayRepr(snapshot, object, m_scratch));
}

} // namespace leakscope
