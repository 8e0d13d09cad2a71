// What recording native allocation stacks costs: an allocation-heavy Python workload (building and
// dropping small lists, dicts, tuples and str) run in a fresh embedded interpreter without the recorder
// and with it at depths 16 and 64, one child process each (a recorder is installed once per process).
// Prints wall seconds, the ratio to the run without, ns per allocation, and the tables' sizes.
//
//   bench_native_traces [--objects N]        all three runs, and the table
//   bench_native_traces --child DEPTH N      one run, one line of key=value figures (DEPTH 0: no recorder)

#include <Python.h>

#include "capture/interpreter.h"
#include "capture/native_traces.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

using leakscope::capture::NativeTraceRecorder;

// Batches of 10,000 so that the free lists (80 lists, 80 dicts...) serve almost none of them: each
// item is a list, a dict with its keys object, a 3-tuple, a str and a fresh int, all from the object
// domain, plus the tuple holding them.
constexpr const char* kWorkload = R"(
def work(objects):
    batch = 10000
    for start in range(0, objects // 4, batch):
        keep = [([i], {'k': i}, (i, i, i), str(i)) for i in range(start + 1000, start + 1000 + batch)]
        del keep
)";

int runChild(unsigned depth, long objects)
{
    leakscope::capture::InterpreterOptions options;
    options.argv = {""};
    options.installSignalHandlers = false;
    options.isolated = true;
    options.nativeTraceDepth = depth;
    leakscope::capture::Interpreter interpreter(options);
    std::string error;
    if (!interpreter.runSource(kWorkload, &error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
    }
    NativeTraceRecorder* recorder = NativeTraceRecorder::instance();
    const auto before = recorder ? recorder->stats() : leakscope::capture::NativeTraceStats{};
    // Warm the unwinder's cache and the interned stacks the way a long-running script would have.
    if (!interpreter.runSource("work(40000)", &error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
    }
    const auto started = std::chrono::steady_clock::now();
    if (!interpreter.runSource("work(" + std::to_string(objects) + ")", &error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("seconds=%.6f", seconds);
    if (recorder) {
        const auto after = recorder->stats();
        std::printf(" allocations=%llu warm_allocations=%llu live=%zu stacks=%zu stack_frames=%zu table_bytes=%zu "
                    "stack_table_bytes=%zu start_stacks=%zu",
                    static_cast<unsigned long long>(after.allocations),
                    static_cast<unsigned long long>(before.allocations), after.live, after.stacks, after.stackFrames,
                    after.tableBytes, after.stackTableBytes, before.stacks);
    }
    std::printf("\n");
    return 0;
}

std::map<std::string, double> childFigures(const char* self, unsigned depth, long objects)
{
    const std::string command = std::string("'") + self + "' --child " + std::to_string(depth) + " "
        + std::to_string(objects);
    std::map<std::string, double> figures;
    std::FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe)
        return figures;
    char line[4096];
    std::string text;
    while (std::fgets(line, sizeof line, pipe))
        text += line;
    if (::pclose(pipe) != 0)
        return {};
    std::istringstream fields(text);
    std::string field;
    while (fields >> field) {
        const auto equals = field.find('=');
        if (equals != std::string::npos)
            figures[field.substr(0, equals)] = std::strtod(field.c_str() + equals + 1, nullptr);
    }
    return figures;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc == 4 && std::strcmp(argv[1], "--child") == 0)
        return runChild(static_cast<unsigned>(std::strtoul(argv[2], nullptr, 10)), std::strtol(argv[3], nullptr, 10));
    long objects = 2'000'000;
    if (argc == 3 && std::strcmp(argv[1], "--objects") == 0)
        objects = std::strtol(argv[2], nullptr, 10);
    if (objects < 40000) {
        std::fprintf(stderr, "usage: %s [--objects N (at least 40000)]\n", argv[0]);
        return 2;
    }
    // Three rounds, interleaved, the best of each: the machine's noise only ever adds time.
    const std::vector<unsigned> depths = {0, 16, 64};
    std::map<unsigned, std::map<std::string, double>> best;
    for (int round = 0; round < 3; ++round) {
        for (unsigned depth : depths) {
            auto figures = childFigures("/proc/self/exe", depth, objects);
            if (figures.empty()) {
                std::fprintf(stderr, "the run with depth %u failed\n", depth);
                return 1;
            }
            if (!best.count(depth) || figures["seconds"] < best[depth]["seconds"])
                best[depth] = figures;
        }
    }
    const double plain = best[0]["seconds"];
    std::printf("workload: %ld objects (lists, dicts, tuples, str) built and dropped in batches of 10,000 per "
                "type, best of 3\n",
                objects);
    std::printf("%-8s %9s %7s %12s %10s %10s %10s %8s %9s %12s\n", "depth", "seconds", "ratio", "allocations",
                "ns/alloc", "+ns/alloc", "live", "B/live", "stacks", "stack bytes");
    std::printf("%-8s %9.3f %7.2f\n", "off", plain, 1.0);
    for (unsigned depth : {16u, 64u}) {
        auto& figures = best[depth];
        const double allocations = figures["allocations"] - figures["warm_allocations"];
        std::printf("%-8u %9.3f %7.2f %12.0f %10.1f %10.1f %10.0f %8.1f %9.0f %12.0f\n", depth, figures["seconds"],
                    figures["seconds"] / plain, allocations, figures["seconds"] / allocations * 1e9,
                    (figures["seconds"] - plain) / allocations * 1e9, figures["live"],
                    figures["table_bytes"] / figures["live"], figures["stacks"], figures["stack_table_bytes"]);
    }
    return 0;
}
