// Figures, not a test: the comparison of two synthetic snapshots (the later one a fifth bigger) through
// the Compare view's models, and the type totals the snapshot chart counts per snapshot. Prints
// milliseconds; run by hand: bench_comparison [objects].

#include "synthetic_snapshot.h"

#include "models/comparison_filter_proxy.h"
#include "models/new_suspects_model.h"
#include "models/surplus_growth_model.h"
#include "models/type_delta_model.h"
#include "models/type_series_model.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QElapsedTimer>

#include <cstdio>
#include <cstdlib>

using namespace leakscope;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const std::size_t objects = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 300000;
    const AnalyzedSnapshotPtr a = analyzeSnapshot(bench::syntheticObjectGraph(objects));
    const AnalyzedSnapshotPtr b = analyzeSnapshot(bench::syntheticObjectGraph(objects + objects / 5));

    QElapsedTimer timer;
    timer.start();
    const SnapshotComparisonPtr comparison = compareSnapshots(a, b, nullptr, 0, 1);
    std::printf("compare %zu vs %zu objects: %lld ms\n", a->snapshot().objectCount(), b->snapshot().objectCount(),
        static_cast<long long>(timer.restart()));

    TypeDeltaModel types;
    NewSuspectsModel suspects;
    SurplusGrowthModel growth;
    types.setComparison(comparison);
    suspects.setComparison(comparison);
    growth.setComparison(comparison);
    std::printf("models reset: %lld ms (%d types, %d new suspects, %d with surplus growth)\n",
        static_cast<long long>(timer.restart()), types.rowCount(), suspects.rowCount(), growth.rowCount());

    ComparisonFilterProxy proxy;
    proxy.setSourceModel(&suspects);
    timer.restart();
    proxy.sort(NewSuspectsModel::SizeColumn);
    std::printf(
        "sort new suspects by size: %lld ms (%d rows)\n", static_cast<long long>(timer.restart()), proxy.rowCount());
    proxy.setFilterText(QStringLiteral("cache"));
    std::printf(
        "filter them by type or repr: %lld ms (%d rows)\n", static_cast<long long>(timer.restart()), proxy.rowCount());

    const TypeTotalsPtr totalsA = typeTotalsOf(*a);
    const TypeTotalsPtr totalsB = typeTotalsOf(*b);
    std::printf("type totals of both: %lld ms\n", static_cast<long long>(timer.restart()));
    TypeSeriesModel series;
    series.setSeries(buildTypeSeries({totalsA, totalsB}), 2);
    std::printf("type series: %lld ms (%d types)\n", static_cast<long long>(timer.restart()), series.rowCount());
    return 0;
}
