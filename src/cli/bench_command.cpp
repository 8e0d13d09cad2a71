#include <Python.h>

#include "cli.h"

#include "capture/heap_capture.h"
#include "capture/interpreter.h"
#include "snapshot/analysis.h"
#include "snapshot/checksum.h"
#include "snapshot/dominators.h"
#include "snapshot/snapshot_codec.h"
#include "snapshot/snapshot_file.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>

namespace leakscope::cli {

namespace {

using Clock = std::chrono::steady_clock;

const char kBenchUsage[] =
    "Usage: leakscope-cli bench [--objects N[,N...]] [--heap records|documents|json]\n"
    "                           [--repeat K] [--no-objgraph] [--phases] [--zstd-level L]\n"
    "                           [--zstd-workers W]\n"
    "\n"
    "Builds a heap of about N gc-tracked objects in the embedded Python and prints, per size: objects,\n"
    "references, the capture's seconds (heap walk to finished analysis; median, and the first capture at\n"
    "that size on its own: for the first size, the first of the process, which a one-shot report waits\n"
    "for), the seconds of a gc.collect() on the same heap, the ratios of both captures to it,\n"
    "objgraph.get_leaking_objects() seconds when objgraph imports, snapshot bytes per object, and the\n"
    "peak memory the first capture at that size added to the process, per object (peak_B/obj: the\n"
    "highest resident set during the capture above the one before it, snapshot included). A second\n"
    "line per size gives the snapshot file's size stored as is and zstd-compressed, the seconds to\n"
    "save each (encode, compress, write, fsync, rename) and to load each with its analysis (read,\n"
    "checksum, decompress, decode, HeapAnalysis), medians of K runs, and the seconds of the checksum\n"
    "alone. A third line gives the dominator tree's seconds (DominatorTree: dominators and retained\n"
    "sizes from the snapshot and its analysis; median of K) and the same per object, its processor\n"
    "seconds (median of K; other processes do not inflate them), the bytes its arrays held at most\n"
    "while it was built and the bytes the tree keeps, also per object, the peak resident memory the\n"
    "first build added to the process, the virtual root's children and the objects the candidates\n"
    "do not reach (docs/retained-size.md). Several sizes grow one heap step by step, which shows\n"
    "how the capture scales. The capture and gc.collect() run in turn K times (default 3); times are\n"
    "medians and the ratio is the median of the K pairwise ratios. objgraph runs once.\n"
    "\n"
    "Options:\n"
    "  --objects LIST   gc object counts, k and M suffixes allowed (default 1M)\n"
    "  --heap SHAPE     records (default): class instances with attribute dicts, lists, a linked\n"
    "                   chain, strings and numbers; documents: nested dicts and lists of strings\n"
    "                   and numbers, shaped as json.loads builds them; json: records generated\n"
    "                   as JSON text and parsed with json.loads, the way programs read data\n"
    "  --repeat K       runs per measurement (default 3)\n"
    "  --no-objgraph    skip the objgraph comparison\n"
    "  --phases         also print where the first and the last capture spent their time, the page\n"
    "                   faults and processor seconds of each (counters a busy machine does not skew),\n"
    "                   and the first capture's peak memory in MB with what it still holds after it\n"
    "  --zstd-level L   zstd level of the compressed file (default: the saving default)\n"
    "  --zstd-workers W zstd threads (default 0: the calling thread)\n"
    "  -h, --help       this help\n";

// Two heap shapes, each defining bench_grow(n) to add about n gc objects.
// "records": application objects. The heap grows by records that each bring about four gc objects (instance, list, dict, a slotted
// node) plus strings, ints, floats and tuples as untracked referents.
const char kRecordsHeap[] = R"PY(
import gc as _gc

class BenchRecord:
    def __init__(self, i, parent):
        self.id = i
        self.name = "record-%d" % i
        self.parent = parent
        self.tags = ["t%d" % (i % 10), i]
        self.attrs = {"index": i, "score": i * 0.5, "label": self.name}

class BenchNode:
    __slots__ = ("value", "next")
    def __init__(self, value, next):
        self.value = value
        self.next = next

bench_heap = []

def bench_grow(n):
    was_enabled = _gc.isenabled()
    _gc.disable()
    heap = bench_heap
    parent = heap[-2] if heap else None
    node = heap[-1] if heap else None
    i = len(heap) // 2
    for _ in range(max(0, n) // 4):
        parent = BenchRecord(i, parent)
        node = BenchNode((i, parent.name), node)
        heap.append(parent)
        heap.append(node)
        i += 1
    if was_enabled:
        _gc.enable()
)PY";

// "documents": data shaped as json.loads builds it, but made by dict and list displays: dicts with
// str keys holding lists, strings and numbers; about four gc objects per document (two dicts, two lists).
const char kDocumentsHeap[] = R"PY(
import gc as _gc

bench_heap = []

def bench_grow(n):
    was_enabled = _gc.isenabled()
    _gc.disable()
    heap = bench_heap
    i = len(heap)
    for _ in range(max(0, n) // 4):
        heap.append({"id": i, "user": {"name": "user%d" % i, "tags": ["tag%d" % (i % 7), "x"]},
                     "scores": [i, i + 1, i * 0.25], "active": i % 2 == 0, "note": "document %d" % i})
        i += 1
    if was_enabled:
        _gc.enable()
)PY";

// "json": records as real programs get them, generated as JSON text and parsed with json.loads in
// batches: dicts with str keys (the parser shares repeated keys), lists, strings, ints, floats, bools
// and null. About four gc objects per record (the record, its owner dict, two lists); the owner dict
// stays tracked because it holds a list.
const char kJsonHeap[] = R"PY(
import gc as _gc
import json as _json

bench_heap = []

def _bench_record(i):
    return ('{"id": %d, "name": "item-%d", "price": %d.%02d, "active": %s, "tags": ["t%d", "batch"], '
            '"owner": {"login": "user%d", "roles": ["reader", "r%d"], "manager": null}, "note": "record %d"}'
            % (i, i, i % 1000, i % 100, "true" if i % 2 else "false", i % 10, i % 977, i % 5, i))

def bench_grow(n):
    was_enabled = _gc.isenabled()
    _gc.disable()
    heap = bench_heap
    i = len(heap)
    end = i + max(0, n) // 4
    while i < end:
        batch = min(1000, end - i)
        heap.extend(_json.loads("[" + ",".join([_bench_record(k) for k in range(i, i + batch)]) + "]"))
        i += batch
    if was_enabled:
        _gc.enable()
)PY";

std::size_t parseCount(std::string_view text, bool& ok)
{
    ok = false;
    if (text.empty())
        return 0;
    double scale = 1;
    if (text.back() == 'k' || text.back() == 'K')
        scale = 1e3;
    else if (text.back() == 'm' || text.back() == 'M')
        scale = 1e6;
    if (scale != 1)
        text.remove_suffix(1);
    const std::string number(text);
    char* end = nullptr;
    const double value = std::strtod(number.c_str(), &end);
    if (!end || *end || value <= 0 || value * scale > 1e9)
        return 0;
    ok = true;
    return static_cast<std::size_t>(value * scale);
}

std::size_t gcObjectCount()
{
    PyObject* gc = PyImport_ImportModule("gc");
    PyObject* list = gc ? PyObject_CallMethod(gc, "get_objects", nullptr) : nullptr;
    const std::size_t count = list ? static_cast<std::size_t>(PyList_GET_SIZE(list)) : 0;
    Py_XDECREF(list);
    Py_XDECREF(gc);
    PyErr_Clear();
    return count;
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

template<typename F>
double seconds(F&& run)
{
    const auto start = Clock::now();
    run();
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Seconds of one objgraph.get_leaking_objects(), or a negative value when objgraph does not import.
double timeObjgraph()
{
    PyObject* objgraph = PyImport_ImportModule("objgraph");
    if (!objgraph) {
        PyErr_Clear();
        return -1;
    }
    PyObject* function = PyObject_GetAttrString(objgraph, "get_leaking_objects");
    Py_DECREF(objgraph);
    if (!function) {
        PyErr_Clear();
        return -1;
    }
    const auto start = Clock::now();
    PyObject* result = PyObject_CallNoArgs(function);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    Py_DECREF(function);
    if (!result) {
        PyErr_Clear();
        return -1;
    }
    Py_DECREF(result);
    return seconds;
}

// A private folder for the snapshot files, removed with what it holds.
class ScratchFolder
{
public:
    ScratchFolder()
    {
        const char* tmp = std::getenv("TMPDIR");
        std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/leakscope-bench-XXXXXX";
        if (::mkdtemp(pattern.data()))
            m_path = pattern;
    }
    ~ScratchFolder()
    {
        for (const std::string& file : m_files)
            ::unlink(file.c_str());
        if (!m_path.empty())
            ::rmdir(m_path.c_str());
    }
    ScratchFolder(const ScratchFolder&) = delete;
    ScratchFolder& operator=(const ScratchFolder&) = delete;

    bool ok() const { return !m_path.empty(); }
    std::string file(const std::string& name)
    {
        m_files.push_back(m_path + "/" + name);
        return m_files.back();
    }

private:
    std::string m_path;
    std::vector<std::string> m_files;
};

struct FileFigures
{
    double bytes = 0;
    double saveSeconds = 0;
    double loadSeconds = 0;
};

FileFigures measureFile(const Snapshot& snapshot, const std::string& path, const SnapshotSaveOptions& options,
                        int repeat)
{
    std::vector<double> saves, loads;
    for (int k = 0; k < repeat; ++k) {
        saves.push_back(seconds([&] { saveSnapshotFile(snapshot, path, options); }));
        loads.push_back(seconds([&] {
            const SnapshotPtr loaded = loadSnapshotFile(path);
            const HeapAnalysis analysis(*loaded);
        }));
    }
    struct stat info;
    FileFigures figures;
    figures.bytes = ::stat(path.c_str(), &info) == 0 ? static_cast<double>(info.st_size) : 0;
    figures.saveSeconds = median(saves);
    figures.loadSeconds = median(loads);
    return figures;
}

// Resident memory of the process from /proc/self/status ("VmRSS", "VmHWM"), in bytes; 0 if unknown.
std::uint64_t statusBytes(const char* field)
{
    FILE* status = std::fopen("/proc/self/status", "r");
    if (!status)
        return 0;
    char line[256];
    std::uint64_t kib = 0;
    const std::size_t length = std::strlen(field);
    while (std::fgets(line, sizeof line, status)) {
        if (std::strncmp(line, field, length) == 0 && line[length] == ':') {
            kib = std::strtoull(line + length + 1, nullptr, 10);
            break;
        }
    }
    std::fclose(status);
    return kib * 1024;
}

// The highest resident set between start() and stop() above the one at start(): the kernel's
// high-water mark, reset to the current resident set at start() (writing 5 to clear_refs).
class PeakMemory
{
public:
    void start()
    {
        m_before = statusBytes("VmRSS");
        FILE* clear = std::fopen("/proc/self/clear_refs", "w");
        m_reset = clear && std::fputs("5", clear) >= 0;
        if (clear && std::fclose(clear) != 0)
            m_reset = false;
        // A reset that did not happen leaves a mark above the current set: the peak is unknown then.
        m_reset = m_reset && m_before > 0 && statusBytes("VmHWM") <= m_before + (1u << 20);
    }
    void stop()
    {
        m_after = statusBytes("VmHWM");
        m_held = statusBytes("VmRSS");
    }
    bool valid() const { return m_reset && m_after >= m_before; }
    std::uint64_t bytes() const { return m_after - m_before; }
    // What the process still holds at stop() above the set at start(): the snapshot, mostly.
    std::int64_t heldBytes() const { return static_cast<std::int64_t>(m_held) - static_cast<std::int64_t>(m_before); }

private:
    std::uint64_t m_before = 0;
    std::uint64_t m_after = 0;
    std::uint64_t m_held = 0;
    bool m_reset = false;
};

// The dominator tree of a captured snapshot: the median build time of repeat builds (the analysis
// it starts from is not timed), the arrays' peak and kept bytes, and the first build's resident peak.
void printDominatorFigures(const Snapshot& snapshot, int repeat)
{
    const HeapAnalysis analysis(snapshot);
    std::vector<double> times, processor;
    PeakMemory peak;
    std::size_t arraysPeak = 0, kept = 0, unreached = 0, rootChildren = 0;
    for (int k = 0; k < repeat; ++k) {
        if (k == 0) {
            // Memory the capture freed and the allocator kept would serve the build unseen.
            ::malloc_trim(0);
            peak.start();
        }
        const capture::ProcessCounters before = capture::ProcessCounters::now();
        times.push_back(seconds([&] {
            const DominatorTree tree(snapshot, analysis);
            if (k == 0) {
                peak.stop();
                arraysPeak = tree.constructionPeakBytes();
                kept = tree.memoryBytes();
                unreached = tree.unreachedCount();
                rootChildren = tree.rootChildren().size();
            }
        }));
        processor.push_back(capture::ProcessCounters::now().processorSeconds - before.processorSeconds);
    }
    const double n = static_cast<double>(snapshot.objectCount());
    char peakText[48] = "unknown";
    if (peak.valid())
        std::snprintf(peakText, sizeof peakText, "%.1f MB", static_cast<double>(peak.bytes()) / 1e6);
    std::printf("%10s dominators: %.4f s (%.1f ns/obj), %.4f processor s; arrays peak %.1f MB (%.1f B/obj), kept %.1f MB (%.1f B/obj); "
                "first build's resident peak %s; %zu root children, %zu objects unreached from the candidates\n",
                "", median(times), median(times) * 1e9 / n, median(processor), static_cast<double>(arraysPeak) / 1e6,
                static_cast<double>(arraysPeak) / n, static_cast<double>(kept) / 1e6, static_cast<double>(kept) / n,
                peakText, rootChildren, unreached);
}

void printPhases(const char* which, const capture::CaptureDiagnostics& phases)
{
    std::printf("%10s phases of the %s run: list+tag %.4f s (%llu faults), walk+numbering %.4f s (%llu), "
                "reprs+merge+explain %.4f s (%llu), type origins %.4f s (%llu), allocation sites %.4f s (%llu), "
                "build %.4f s (%llu); %.4f processor s\n",
                "", which, phases.listSeconds, static_cast<unsigned long long>(phases.listFaults), phases.walkSeconds,
                static_cast<unsigned long long>(phases.walkFaults), phases.outsideSeconds,
                static_cast<unsigned long long>(phases.outsideFaults), phases.originSeconds,
                static_cast<unsigned long long>(phases.originFaults), phases.allocationSeconds,
                static_cast<unsigned long long>(phases.allocationFaults), phases.buildSeconds,
                static_cast<unsigned long long>(phases.buildFaults), phases.processorSeconds);
}

} // namespace

int benchCommand(int argc, char** argv)
{
    std::vector<std::size_t> sizes;
    int repeat = 3;
    bool objgraph = true;
    bool showPhases = false;
    const char* heapShape = "records";
    SnapshotSaveOptions zstdOptions;
    for (int i = 0; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            std::fputs(kBenchUsage, stdout);
            return 0;
        }
        if (arg == "--no-objgraph") {
            objgraph = false;
        } else if (arg == "--phases") {
            showPhases = true;
        } else if (arg == "--heap" && i + 1 < argc) {
            heapShape = argv[++i];
            const std::string_view shape = heapShape;
            if (shape != "records" && shape != "documents" && shape != "json") {
                std::fprintf(stderr, "leakscope-cli bench: --heap takes records, documents or json\n");
                return kUsageError;
            }
        } else if ((arg == "--zstd-level" || arg == "--zstd-workers") && i + 1 < argc) {
            char* end = nullptr;
            const long value = std::strtol(argv[++i], &end, 10);
            const bool level = arg == "--zstd-level";
            if (!end || *end || *argv[i] == '\0' || (level ? value < -100 || value > 22 : value < 0 || value > 64)) {
                std::fprintf(stderr, "leakscope-cli bench: %s takes %s\n", level ? "--zstd-level" : "--zstd-workers",
                             level ? "-100 to 22" : "0 to 64");
                return kUsageError;
            }
            (level ? zstdOptions.zstdLevel : zstdOptions.zstdWorkers) = static_cast<int>(value);
        } else if ((arg == "--objects" || arg == "--repeat") && i + 1 < argc) {
            const std::string_view value = argv[++i];
            if (arg == "--repeat") {
                repeat = std::atoi(argv[i]);
                if (repeat < 1 || repeat > 100) {
                    std::fprintf(stderr, "leakscope-cli bench: --repeat takes 1 to 100\n");
                    return kUsageError;
                }
                continue;
            }
            std::size_t start = 0;
            while (start <= value.size()) {
                const auto comma = std::min(value.find(',', start), value.size());
                bool ok = false;
                const std::size_t count = parseCount(value.substr(start, comma - start), ok);
                if (!ok) {
                    std::fprintf(stderr, "leakscope-cli bench: bad object count in '%s'\n", argv[i]);
                    return kUsageError;
                }
                sizes.push_back(count);
                start = comma + 1;
            }
        } else {
            std::fprintf(stderr, "leakscope-cli bench: unknown or incomplete option '%s'\nTry 'leakscope-cli bench --help'.\n",
                         argv[i]);
            return kUsageError;
        }
    }
    if (sizes.empty())
        sizes.push_back(1000000);
    std::sort(sizes.begin(), sizes.end());

    try {
        capture::InterpreterOptions interpreterOptions;
        interpreterOptions.argv = {"leakscope-bench"};
        interpreterOptions.isolated = true; // the same synthetic heap whatever the environment says
        capture::Interpreter interpreter(interpreterOptions);
        std::string error;
        const std::string_view shape = heapShape;
        const char* heapSource = shape == "documents" ? kDocumentsHeap : shape == "json" ? kJsonHeap : kRecordsHeap;
        if (!interpreter.runSource(heapSource, &error)) {
            std::fprintf(stderr, "leakscope-cli bench: cannot build the heap: %s\n", error.c_str());
            return kUsageError;
        }
        ScratchFolder files;
        std::printf("Python %s, %s heap, median of %d runs\n", capture::pythonVersion().c_str(), heapShape, repeat);
        std::printf("%10s %10s %10s %10s %10s %10s %7s %7s %11s %9s %9s %9s %9s %10s\n", "gc_objs", "objects",
                    "edges", "capture_s", "first_s", "gc_s", "ratio", "first_x", "objgraph_s", "x_faster", "ns/obj",
                    "B/obj", "repr_B/obj", "peak_B/obj");
        for (std::size_t target : sizes) {
            // Grow until the collector tracks the target count (tuples of atoms get untracked on collection).
            for (std::size_t have = gcObjectCount(); have < target * 99 / 100; have = gcObjectCount()) {
                if (!interpreter.runSource("bench_grow(" + std::to_string(target - have) + ")", &error)) {
                    std::fprintf(stderr, "leakscope-cli bench: cannot grow the heap: %s\n", error.c_str());
                    return kUsageError;
                }
                interpreter.collectGarbage();
            }

            // gc.collect() and the capture in turn, so that a drift in the machine's speed hits both
            // alike; the ratio is the median of the per-pair ratios. The first capture at each size is
            // also reported on its own: the first of the process, or the first on a heap that grew, is
            // the one a user of `report` waits for, and the median hides what it costs more.
            SnapshotPtr kept;
            capture::CaptureDiagnostics firstPhases, phases;
            std::vector<double> gcTimes, captureTimes, ratios, faults, processor;
            PeakMemory peak;
            for (int k = 0; k < repeat; ++k) {
                gcTimes.push_back(seconds([&] { interpreter.collectGarbage(); }));
                kept.reset();
                if (k == 0)
                    peak.start();
                const capture::ProcessCounters before = capture::ProcessCounters::now();
                captureTimes.push_back(seconds([&] {
                    SnapshotPtr snapshot = capture::captureHeap({}, k == 0 ? &firstPhases : &phases);
                    if (k == 0)
                        peak.stop();
                    const HeapAnalysis analysis(*snapshot);
                    kept = std::move(snapshot);
                }));
                const capture::ProcessCounters after = capture::ProcessCounters::now();
                faults.push_back(static_cast<double>(after.pageFaults - before.pageFaults));
                processor.push_back(after.processorSeconds - before.processorSeconds);
                ratios.push_back(captureTimes.back() / gcTimes.back());
            }
            const double gcSeconds = median(gcTimes);
            const double captureSeconds = median(captureTimes);
            const double ratio = median(ratios);
            const double firstSeconds = captureTimes.front();
            const double objgraphSeconds = objgraph ? timeObjgraph() : -1;
            const Snapshot& s = *kept;
            const double n = static_cast<double>(s.objectCount());
            char objgraphText[16] = "-", fasterText[16] = "-", peakText[16] = "-";
            if (peak.valid())
                std::snprintf(peakText, sizeof peakText, "%.1f", static_cast<double>(peak.bytes()) / n);
            if (objgraphSeconds >= 0) {
                std::snprintf(objgraphText, sizeof objgraphText, "%.4f", objgraphSeconds);
                std::snprintf(fasterText, sizeof fasterText, "%.1f", objgraphSeconds / captureSeconds);
            }
            std::printf("%10zu %10zu %10zu %10.4f %10.4f %10.4f %7.2f %7.2f %11s %9s %9.1f %9.1f %9.1f %10s\n",
                        s.gcObjectCount(), s.objectCount(), s.edgeCount(), captureSeconds, firstSeconds, gcSeconds,
                        ratio, firstSeconds / gcSeconds, objgraphText, fasterText, captureSeconds * 1e9 / n,
                        s.memoryBytes(false) / n, static_cast<double>(s.columns().reprBlob.size()) / n, peakText);
            if (showPhases) {
                std::vector<double> laterFaults(faults.begin() + 1, faults.end());
                std::vector<double> laterProcessor(processor.begin() + 1, processor.end());
                std::printf("%10s counters: first capture %.0f page faults, %.4f processor s", "", faults.front(),
                            processor.front());
                if (!laterFaults.empty())
                    std::printf("; later ones (median) %.0f page faults, %.4f processor s", median(laterFaults),
                                median(laterProcessor));
                if (peak.valid())
                    std::printf("; first capture's memory: peak %.1f MB above the process's resident set before it "
                                "(%.1f MB still held after it)",
                                static_cast<double>(peak.bytes()) / 1e6, static_cast<double>(peak.heldBytes()) / 1e6);
                std::printf("\n");
                printPhases("first", firstPhases);
                if (repeat > 1)
                    printPhases("last", phases);
            }
            if (!files.ok()) {
                std::fprintf(stderr, "leakscope-cli bench: cannot create a scratch folder for the snapshot files\n");
                return kUsageError;
            }
            const std::string encoded = encodeSnapshot(s);
            const double checksumSeconds = seconds([&] { static_cast<void>(xxh64(encoded)); });
            SnapshotSaveOptions asIs;
            asIs.compression = SnapshotCompression::None;
            const FileFigures plain = measureFile(s, files.file("as-is.lssnap"), asIs, repeat);
            const FileFigures packed = measureFile(s, files.file("zstd.lssnap"), zstdOptions, repeat);
            std::printf("%10s file: %.1f MB as is, %.1f MB zstd level %d (%.2fx smaller); save %.4f s as is, %.4f s zstd; "
                        "load+analysis %.4f s as is, %.4f s zstd; checksum %.4f s\n",
                        "", plain.bytes / 1e6, packed.bytes / 1e6, zstdOptions.zstdLevel,
                        packed.bytes > 0 ? plain.bytes / packed.bytes : 0.0, plain.saveSeconds, packed.saveSeconds,
                        plain.loadSeconds, packed.loadSeconds, checksumSeconds);
            printDominatorFigures(s, repeat);
            std::fflush(stdout);
        }
        std::printf("ratio = median of capture/gc.collect() over alternating runs; first_s = the first capture at\n"
                    "this size (of the process, for the first size), first_x = first_s / gc_s; x_faster = objgraph_s / capture_s;\n"
                    "B/obj = snapshot bytes per object without repr text (repr_B/obj); peak_B/obj = the first capture's\n"
                    "peak resident memory above the process's before it, per object, snapshot included (memory an\n"
                    "earlier size's captures freed and the allocator kept is not counted again); file: .lssnap files saved\n"
                    "to and loaded from $TMPDIR (load times are from the page cache).\n");
        return interpreter.finalize();
    } catch (const std::exception& error) {
        std::fprintf(stderr, "leakscope-cli bench: %s\n", error.what());
        return kUsageError;
    }
}

} // namespace leakscope::cli
