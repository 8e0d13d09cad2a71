// Prints what GrowthAnalysis::add() costs per round beside one SnapshotDiff of the same two
// snapshots, on synthetic heaps (synthetic_heap.h) that grow by 0.1% per round. A benchmark, not a
// test: it prints figures and checks nothing. Usage: bench_growth [OBJECTS] [ROUNDS]

#include "snapshot/growth.h"
#include "synthetic_heap.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

using namespace leakscope;

namespace {

struct Analysed
{
    explicit Analysed(SnapshotColumns columns)
        : snapshot(std::move(columns))
        , analysis(snapshot)
    {
    }
    Snapshot snapshot;
    HeapAnalysis analysis;
};

double secondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

int main(int argc, char** argv)
{
    const auto objects = static_cast<ObjectIndex>(argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1'000'000);
    const std::size_t rounds = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 5;
    std::vector<std::shared_ptr<const HeapAnalysis>> series;
    for (std::size_t k = 0; k <= rounds; ++k) {
        const auto heap = std::make_shared<Analysed>(
            test::syntheticHeap(static_cast<ObjectIndex>(objects + objects / 1000 * k), "s" + std::to_string(k)));
        series.emplace_back(heap, &heap->analysis);
    }
    std::printf("%u objects, %zu rounds\nround  add_s   diff_s  ratio\n", unsigned(objects), rounds);
    GrowthAnalysis growth;
    growth.add(series[0]);
    double addTotal = 0, diffTotal = 0;
    for (std::size_t k = 1; k <= rounds; ++k) {
        auto start = std::chrono::steady_clock::now();
        const SnapshotDiff diff(*series[k - 1], *series[k]);
        const double diffSeconds = secondsSince(start);
        start = std::chrono::steady_clock::now();
        growth.add(series[k]);
        const double addSeconds = secondsSince(start);
        addTotal += addSeconds;
        diffTotal += diffSeconds;
        std::printf("%5zu  %6.3f  %6.3f  %5.2f   (%zu types, %zu leaked-object rows, %zu surplus rows)\n", k, addSeconds,
                    diffSeconds, addSeconds / diffSeconds, growth.growingTypes().size(), growth.leakedObjects().size(),
                    growth.surplusGrowth().size());
    }
    std::printf("total  %6.3f  %6.3f  %5.2f\n", addTotal, diffTotal, addTotal / diffTotal);
    return 0;
}
