#include "type_series_model.h"

#include "model_text.h"

#include <algorithm>

namespace leakscope {

namespace {

// A cell of this flat model; no warning for others (views and testers ask about invalid ones).
bool isRowIndex(const QModelIndex& index)
{
    return index.isValid() && !index.parent().isValid() && index.row() >= 0 && index.row() < index.model()->rowCount()
        && index.column() >= 0 && index.column() < index.model()->columnCount();
}

} // namespace

TypeTotalsPtr typeTotalsOf(const AnalyzedSnapshot& analyzed)
{
    const Snapshot& snapshot = analyzed.snapshot();
    auto totals = std::make_shared<TypeTotals>();
    for (const TypeSummaryRow& row : analyzed.analysis().typeSummary())
        totals->push_back({std::string(snapshot.typeName(row.type)), row.count, row.bytes});
    std::sort(totals->begin(), totals->end(), [](const TypeTotal& x, const TypeTotal& y) { return x.name < y.name; });
    // Types that share a name (a class defined anew on each call) are one series.
    std::size_t kept = 0;
    for (std::size_t i = 0; i < totals->size(); ++i) {
        TypeTotal& total = (*totals)[i];
        if (kept > 0 && (*totals)[kept - 1].name == total.name) {
            (*totals)[kept - 1].count += total.count;
            (*totals)[kept - 1].bytes += total.bytes;
        } else {
            if (kept != i)
                (*totals)[kept] = std::move(total);
            ++kept;
        }
    }
    totals->resize(kept);
    return totals;
}

std::vector<TypeSeries> buildTypeSeries(const std::vector<TypeTotalsPtr>& snapshots)
{
    // A merge of sorted lists: every name once, in order.
    std::vector<std::string_view> names;
    for (const TypeTotalsPtr& totals : snapshots) {
        if (totals) {
            for (const TypeTotal& total : *totals)
                names.push_back(total.name);
        }
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());

    std::vector<TypeSeries> series(names.size());
    for (std::size_t t = 0; t < names.size(); ++t) {
        series[t].name = std::string(names[t]);
        series[t].counts.assign(snapshots.size(), 0);
        series[t].bytes.assign(snapshots.size(), 0);
    }
    for (std::size_t s = 0; s < snapshots.size(); ++s) {
        if (!snapshots[s])
            continue;
        std::size_t t = 0;
        for (const TypeTotal& total : *snapshots[s]) {
            while (names[t] != total.name)
                ++t;
            series[t].counts[s] = total.count;
            series[t].bytes[s] = total.bytes;
        }
    }
    return series;
}

TypeSeriesModel::TypeSeriesModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

TypeSeriesModel::~TypeSeriesModel() = default;

void TypeSeriesModel::setSeries(std::vector<TypeSeries> series, int snapshotCount)
{
    beginResetModel();
    m_series = std::move(series);
    m_snapshotCount = snapshotCount;
    updateDefaultChoice();
    endResetModel();
    Q_EMIT chosenTypesChanged();
}

void TypeSeriesModel::setMeasure(Measure measure)
{
    if (measure == m_measure)
        return;
    m_measure = measure;
    updateDefaultChoice();
    if (!m_series.empty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    Q_EMIT headerDataChanged(Qt::Horizontal, FirstColumn, GrowthColumn);
    if (!m_explicit)
        Q_EMIT chosenTypesChanged();
}

const std::vector<std::uint64_t>& TypeSeriesModel::valuesAt(int row) const
{
    const TypeSeries& series = seriesAt(row);
    return m_measure == Measure::Count ? series.counts : series.bytes;
}

std::int64_t TypeSeriesModel::growthAt(int row) const
{
    const TypeSeries& series = seriesAt(row);
    return m_measure == Measure::Count ? series.countGrowth() : series.bytesGrowth();
}

int TypeSeriesModel::rowOfType(const QString& name) const
{
    const std::string key = name.toStdString();
    const auto it = std::lower_bound(m_series.begin(), m_series.end(), key,
        [](const TypeSeries& series, const std::string& k) { return series.name < k; });
    return it != m_series.end() && it->name == key ? static_cast<int>(it - m_series.begin()) : -1;
}

std::vector<int> TypeSeriesModel::rankedRows() const
{
    std::vector<int> rows(m_series.size());
    for (std::size_t i = 0; i < rows.size(); ++i)
        rows[i] = static_cast<int>(i);
    std::stable_sort(rows.begin(), rows.end(), [this](int x, int y) {
        const std::int64_t growthX = growthAt(x), growthY = growthAt(y);
        if (growthX != growthY)
            return growthX > growthY;
        const std::vector<std::uint64_t>&valuesX = valuesAt(x), &valuesY = valuesAt(y);
        const std::uint64_t lastX = valuesX.empty() ? 0 : valuesX.back();
        const std::uint64_t lastY = valuesY.empty() ? 0 : valuesY.back();
        return lastX > lastY; // then by name: the rows are in name order
    });
    return rows;
}

void TypeSeriesModel::updateDefaultChoice()
{
    m_ranked = rankedRows();
    m_inDefault.assign(m_series.size(), 0);
    for (std::size_t i = 0; i < m_ranked.size() && i < static_cast<std::size_t>(kDefaultChosen); ++i)
        m_inDefault[static_cast<std::size_t>(m_ranked[i])] = 1;
    if (!m_explicit)
        announceChoice();
}

void TypeSeriesModel::announceChoice()
{
    if (!m_series.empty())
        Q_EMIT dataChanged(index(0, TypeColumn), index(rowCount() - 1, TypeColumn), {Qt::CheckStateRole});
}

bool TypeSeriesModel::isChosen(int row) const
{
    return m_explicit ? m_chosen.count(seriesAt(row).name) > 0 : m_inDefault[static_cast<std::size_t>(row)] != 0;
}

std::vector<int> TypeSeriesModel::chosenRows() const
{
    std::vector<int> rows;
    for (int row : m_ranked) {
        if (isChosen(row))
            rows.push_back(row);
    }
    return rows;
}

QStringList TypeSeriesModel::chosenTypes() const
{
    QStringList names;
    for (int row : chosenRows())
        names.append(toQString(seriesAt(row).name));
    return names;
}

void TypeSeriesModel::setChosenTypes(const QStringList& names)
{
    m_explicit = !names.isEmpty();
    m_chosen.clear();
    for (const QString& name : names)
        m_chosen.insert(name.toStdString());
    announceChoice();
    Q_EMIT chosenTypesChanged();
}

int TypeSeriesModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_series.size());
}

int TypeSeriesModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TypeSeriesModel::data(const QModelIndex& index, int role) const
{
    if (!isRowIndex(index))
        return {};
    const int row = index.row();
    if (index.column() == TypeColumn) {
        switch (role) {
        case Qt::DisplayRole:
        case Qt::ToolTipRole:
        case SortRole: return toQString(seriesAt(row).name);
        case Qt::CheckStateRole: return isChosen(row) ? Qt::Checked : Qt::Unchecked;
        default: return {};
        }
    }
    const std::vector<std::uint64_t>& values = valuesAt(row);
    qint64 value = 0;
    switch (index.column()) {
    case FirstColumn: value = values.empty() ? 0 : static_cast<qint64>(values.front()); break;
    case LastColumn: value = values.empty() ? 0 : static_cast<qint64>(values.back()); break;
    case GrowthColumn: value = growthAt(row); break;
    default: return {};
    }
    switch (role) {
    case Qt::DisplayRole: {
        const QString number = m_locale.toString(value);
        return index.column() == GrowthColumn && value > 0 ? m_locale.positiveSign() + number : number;
    }
    case SortRole: return QVariant::fromValue<qlonglong>(value);
    case Qt::TextAlignmentRole: return QVariant::fromValue(int(Qt::AlignRight | Qt::AlignVCenter));
    default: return {};
    }
}

bool TypeSeriesModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::CheckStateRole || index.column() != TypeColumn || !isRowIndex(index))
        return false;
    const bool check = value.value<Qt::CheckState>() == Qt::Checked;
    if (check == isChosen(index.row()))
        return true;
    if (!m_explicit) { // the default choice becomes the user's, then changes
        m_chosen.clear();
        for (int row : chosenRows())
            m_chosen.insert(seriesAt(row).name);
        m_explicit = true;
    }
    if (check)
        m_chosen.insert(seriesAt(index.row()).name);
    else
        m_chosen.erase(seriesAt(index.row()).name);
    Q_EMIT dataChanged(index, index, {Qt::CheckStateRole});
    Q_EMIT chosenTypesChanged();
    return true;
}

QVariant TypeSeriesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    const bool bytes = m_measure == Measure::Bytes;
    if (role == Qt::DisplayRole) {
        switch (section) {
        case TypeColumn: return tr("Type");
        case FirstColumn: return bytes ? tr("Bytes first") : tr("First");
        case LastColumn: return bytes ? tr("Bytes last") : tr("Last");
        case GrowthColumn: return tr("Growth");
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case TypeColumn: return tr("Checked types are drawn");
        case FirstColumn:
            return bytes ? tr("Bytes of the type in the first snapshot")
                         : tr("Objects of the type in the first snapshot");
        case LastColumn:
            return bytes ? tr("Bytes of the type in the last snapshot")
                         : tr("Objects of the type in the last snapshot");
        case GrowthColumn: return tr("Last − first");
        default: return {};
        }
    }
    if (role == Qt::TextAlignmentRole && section != TypeColumn)
        return QVariant::fromValue(int(Qt::AlignRight | Qt::AlignVCenter));
    return {};
}

Qt::ItemFlags TypeSeriesModel::flags(const QModelIndex& index) const
{
    if (!isRowIndex(index))
        return Qt::NoItemFlags;
    Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
    if (index.column() == TypeColumn)
        flags |= Qt::ItemIsUserCheckable;
    return flags;
}

} // namespace leakscope
