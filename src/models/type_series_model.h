#pragma once

#include "analyzed_snapshot.h"
#include "item_roles.h"

#include <QtCore/QAbstractTableModel>
#include <QtCore/QLocale>
#include <QtCore/QStringList>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

namespace leakscope {

// The objects and bytes of each type name in one snapshot (types that share a name are added up),
// ordered by name.
struct TypeTotal
{
    std::string name;
    std::uint64_t count = 0;
    std::uint64_t bytes = 0;
};
using TypeTotals = std::vector<TypeTotal>;
using TypeTotalsPtr = std::shared_ptr<const TypeTotals>;

// From the analysis' type summary: O(N) plus sorting the types. Never null.
TypeTotalsPtr typeTotalsOf(const AnalyzedSnapshot& analyzed);

// One type name across a series of snapshots, in their order: 0 where a snapshot has none.
struct TypeSeries
{
    std::string name;
    std::vector<std::uint64_t> counts;
    std::vector<std::uint64_t> bytes;

    // Last minus first (0 for fewer than two snapshots).
    std::int64_t countGrowth() const { return growthOf(counts); }
    std::int64_t bytesGrowth() const { return growthOf(bytes); }

private:
    static std::int64_t growthOf(const std::vector<std::uint64_t>& values)
    {
        return values.size() < 2 ? 0
                                 : static_cast<std::int64_t>(values.back()) - static_cast<std::int64_t>(values.front());
    }
};

// Every type name of the snapshots (null entries count as empty snapshots), by name. O(total types).
std::vector<TypeSeries> buildTypeSeries(const std::vector<TypeTotalsPtr>& snapshots);

// The types across the snapshots of a session, for choosing which ones a chart draws: one row per type
// name, with its value in the first and the last snapshot and the growth between them, in the measure
// chosen (objects or bytes); by name until sorted. The Type column is checkable: the types checked are
// the chosen ones. Until the user checks or unchecks one (or setChosenTypes()), the chosen types are
// the kDefaultChosen that grew most in the measure (ties: the larger last value, then the name); an
// explicit choice is kept by name across new series.
class TypeSeriesModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { TypeColumn, FirstColumn, LastColumn, GrowthColumn, ColumnCount };
    Q_ENUM(Column)
    enum class Measure { Count, Bytes };
    Q_ENUM(Measure)
    static constexpr int kDefaultChosen = 5;

    explicit TypeSeriesModel(QObject* parent = nullptr);
    ~TypeSeriesModel() override;

    // The only reset. series as buildTypeSeries() makes them, each with snapshotCount values.
    void setSeries(std::vector<TypeSeries> series, int snapshotCount);
    int snapshotCount() const { return m_snapshotCount; }

    // Changes the numbers shown (no reset) and, without an explicit choice, the types chosen.
    void setMeasure(Measure measure);
    Measure measure() const { return m_measure; }

    // row must be in range.
    const TypeSeries& seriesAt(int row) const { return m_series[static_cast<std::size_t>(row)]; }
    // The row's values in the measure, one per snapshot.
    const std::vector<std::uint64_t>& valuesAt(int row) const;
    // The row of a type name, or -1.
    int rowOfType(const QString& name) const;

    // The rows chosen, in the order of the default choice (most growth first).
    std::vector<int> chosenRows() const;
    QStringList chosenTypes() const;
    bool isChosen(int row) const;
    // An explicit choice, by name (names of no row are kept for later series); empty goes back to the
    // default.
    void setChosenTypes(const QStringList& names);
    bool hasExplicitChoice() const { return m_explicit; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

Q_SIGNALS:
    // The types chosen may have changed.
    void chosenTypesChanged();

private:
    // Rows by default rank (most growth in the measure first).
    std::vector<int> rankedRows() const;
    void updateDefaultChoice();
    void announceChoice();
    std::int64_t growthAt(int row) const;

    std::vector<TypeSeries> m_series;
    int m_snapshotCount = 0;
    Measure m_measure = Measure::Count;
    std::vector<int> m_ranked; // rows by default rank
    std::vector<char> m_inDefault; // per row: among the default choice
    bool m_explicit = false;
    std::unordered_set<std::string> m_chosen; // the explicit choice, by name
    QLocale m_locale;
};

} // namespace leakscope
