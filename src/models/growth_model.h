#pragma once

#include "growth_series.h"
#include "item_roles.h"

#include <QtCore/QAbstractItemModel>
#include <QtCore/QLocale>

#include <string>
#include <vector>

namespace leakscope {

class TextFilter;

// What grew in every round of a GrowthSeries, one row per finding, as the command line's growth text
// lists them: first the types whose objects leaked in every round (new suspects each round), each with
// the leaked objects of the last round as children; then the objects whose references grew in every
// round; then the types whose count grew in every round. Columns: the kind, the type, the numbers per
// round ("+1 +1 +1"), their total, and for object rows their address and repr in the last snapshot.
// Object rows (a leaked object, an object whose references grow) answer ObjectIndexRole and the other
// object roles for their object in the series' last snapshot; every cell has its raw value as SortRole.
// Reset only when another series comes. Numbers show in the default QLocale of the time the model was
// made.
class GrowthModel final : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column { KindColumn, TypeColumn, RoundsColumn, TotalColumn, AddressColumn, ReprColumn, ColumnCount };
    Q_ENUM(Column)

    // What a row shows.
    enum class Kind {
        LeakedObjects, // a type whose objects leaked in every round (LeakedObjectsRow)
        GrowingReferences, // an object whose references grew in every round (SurplusSeriesRow)
        GrowingType, // a type whose count grew in every round (GrowingTypeRow)
        LeakedObject, // one leaked object of the last round: a child of a LeakedObjects row
    };
    Q_ENUM(Kind)
    // The row's Kind, as an int, on every cell.
    static constexpr int KindRole = Qt::UserRole + 64;

    explicit GrowthModel(QObject* parent = nullptr);
    ~GrowthModel() override;

    // The only reset; null clears the model.
    void setSeries(GrowthSeriesPtr series);
    const GrowthSeriesPtr& series() const { return m_series; }

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

    // For a valid index of this model.
    Kind kindOf(const QModelIndex& index) const;
    // The object the row shows in the series' last snapshot; kNoObject for a type's row.
    ObjectIndex objectOf(const QModelIndex& index) const;
    // The type the row names ("module.qualname"): its own, or its object's.
    QString typeNameOf(const QModelIndex& index) const;
    static QString kindText(Kind kind);

    // Whether the filter accepts the row of parent: its type name, and for an object row its repr.
    bool rowMatches(int row, const QModelIndex& parent, const TextFilter& filter) const;

private:
    struct Finding
    {
        Kind kind;
        std::size_t index; // into the GrowthAnalysis section of its kind
    };
    bool isValidIndex(const QModelIndex& index) const;
    const Finding& findingOf(const QModelIndex& index) const; // of the row or of its parent
    const LeakedObjectsRow& leakedRow(const Finding& finding) const;
    const SurplusSeriesRow& surplusRow(const Finding& finding) const;
    const GrowingTypeRow& typeRow(const Finding& finding) const;
    const HeapAnalysis& lastAnalysis() const { return m_series->last().analysis(); }
    QVariant findingData(const Finding& finding, int column, int role) const;
    // The finding's numbers per round, and what they are (with its values per snapshot).
    std::vector<std::int64_t> roundsOf(const Finding& finding) const;
    QString roundsToolTip(const Finding& finding) const;
    QVariant objectData(ObjectIndex object, int column, int role) const;
    // "+1 +1 +1", and their sum.
    QString roundsText(const std::vector<std::int64_t>& values) const;
    QString signedText(qint64 value) const;

    GrowthSeriesPtr m_series;
    std::vector<Finding> m_findings;
    QLocale m_locale;
    mutable std::string m_scratch;
};

} // namespace leakscope
