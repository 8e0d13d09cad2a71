// What recording native allocation stacks costs: an allocation-heavy Python workload (building and
// dropping small lists, dicts, tuples and str) run in a fresh embedded interpreter without the recorder
// and with it at depths 16 and 64, one child process each (a recorder is installed once per process).
// Prints wall and CPU seconds of the workload, the ratios to the run without, ns per allocation, the
// table's resizes during the workload and its bytes per entry with a million objects alive, the stacks.
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
#include <ctime>
#include <map>
#include <sstream>
#include <string>
#include <unistd.h>
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

constexpr int kRounds = 5;

double cpuSeconds(clockid_t clock)
{
    timespec now{};
    ::clock_gettime(clock, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// The interpreter reads the libraries' symbols on a helper thread after it starts (type origins): on
// two cores that thread would share the machine with the workload of whichever run it overlapped.
// Waits (10 s at most) until the other threads have used no CPU for 100 ms.
void waitForHelperThreads()
{
    const auto others = [] { return cpuSeconds(CLOCK_PROCESS_CPUTIME_ID) - cpuSeconds(CLOCK_THREAD_CPUTIME_ID); };
    for (int i = 0; i < 100; ++i) {
        const double before = others();
        ::usleep(100'000);
        if (others() - before < 0.001)
            return;
    }
}

bool run(leakscope::capture::Interpreter& interpreter, const std::string& source)
{
    std::string error;
    if (interpreter.runSource(source, &error))
        return true;
    std::fprintf(stderr, "%s\n", error.c_str());
    return false;
}

int runChild(unsigned depth, long objects)
{
    leakscope::capture::InterpreterOptions options;
    options.argv = {""};
    options.installSignalHandlers = false;
    options.isolated = true;
    options.nativeTraceDepth = depth;
    leakscope::capture::Interpreter interpreter(options);
    if (!run(interpreter, kWorkload))
        return 1;
    NativeTraceRecorder* recorder = NativeTraceRecorder::instance();
    // Warm the unwinder's cache and the interned stacks the way a long-running script would have.
    if (!run(interpreter, "work(40000)"))
        return 1;
    waitForHelperThreads();
    const auto before = recorder ? recorder->stats() : leakscope::capture::NativeTraceStats{};
    const auto started = std::chrono::steady_clock::now();
    const double cpuStarted = cpuSeconds(CLOCK_THREAD_CPUTIME_ID);
    if (!run(interpreter, "work(" + std::to_string(objects) + ")"))
        return 1;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("seconds=%.6f cpu_seconds=%.6f", seconds, cpuSeconds(CLOCK_THREAD_CPUTIME_ID) - cpuStarted);
    if (recorder) {
        const auto after = recorder->stats();
        // The table's memory per entry while many objects are alive: a million tuples and ints.
        if (!run(interpreter, "held = [(i, i) for i in range(500000, 1000000)]"))
            return 1;
        const auto holding = recorder->stats();
        std::printf(" allocations=%llu live=%zu stacks=%zu stack_frames=%zu stack_table_bytes=%zu resizes=%llu "
                    "held_live=%zu held_table_bytes=%zu",
            static_cast<unsigned long long>(after.allocations - before.allocations), after.live, after.stacks,
            after.stackFrames, after.stackTableBytes,
            static_cast<unsigned long long>(after.tableResizes - before.tableResizes), holding.live,
            holding.tableBytes);
    }
    std::printf("\n");
    return 0;
}

std::map<std::string, double> childFigures(const char* self, unsigned depth, long objects)
{
    const std::string command
        = std::string("'") + self + "' --child " + std::to_string(depth) + " " + std::to_string(objects);
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
    if (argc == 2 || argc > 3 || objects < 40000) {
        std::fprintf(stderr, "usage: %s [--objects N (at least 40000)]\n", argv[0]);
        return 2;
    }
    char self[4096] = {}; // this executable, for the children: /proc/self/exe would name the shell
    if (::readlink("/proc/self/exe", self, sizeof self - 1) <= 0) {
        std::perror("readlink /proc/self/exe");
        return 1;
    }
    // Rounds interleaved, the best of each: the machine's noise only ever adds time.
    const std::vector<unsigned> depths = {0, 16, 64};
    std::map<unsigned, std::map<std::string, double>> best;
    for (int round = 0; round < kRounds; ++round) {
        for (unsigned depth : depths) {
            auto figures = childFigures(self, depth, objects);
            if (figures.empty()) {
                std::fprintf(stderr, "the run with depth %u failed\n", depth);
                return 1;
            }
            if (!best.count(depth) || figures["seconds"] < best[depth]["seconds"])
                best[depth] = figures;
        }
    }
    const double plain = best[0]["seconds"];
    const double plainCpu = best[0]["cpu_seconds"];
    std::printf("workload: %ld objects (lists, dicts, tuples, str) built and dropped in batches of 10,000 of "
                "each, best of %d runs\n",
        objects, kRounds);
    std::printf("%-5s %8s %6s %8s %6s %12s %9s %10s %8s %10s %8s %7s %12s\n", "depth", "seconds", "ratio", "cpu s",
        "ratio", "allocations", "ns/alloc", "+ns/alloc", "resizes", "held live", "B/live", "stacks", "stack bytes");
    std::printf("%-5s %8.3f %6.2f %8.3f %6.2f\n", "off", plain, 1.0, plainCpu, 1.0);
    for (unsigned depth : {16u, 64u}) {
        auto& figures = best[depth];
        const double allocations = figures["allocations"];
        std::printf("%-5u %8.3f %6.2f %8.3f %6.2f %12.0f %9.1f %10.1f %8.0f %10.0f %8.1f %7.0f %12.0f\n", depth,
            figures["seconds"], figures["seconds"] / plain, figures["cpu_seconds"], figures["cpu_seconds"] / plainCpu,
            allocations, figures["seconds"] / allocations * 1e9, (figures["seconds"] - plain) / allocations * 1e9,
            figures["resizes"], figures["held_live"], figures["held_table_bytes"] / figures["held_live"],
            figures["stacks"], figures["stack_table_bytes"]);
    }
    return 0;
}
