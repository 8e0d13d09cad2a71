// The capture on a live interpreter: planted leaks are found, nothing of the capture's own is
// reported, the heap is left as it was found, and no user code runs.
#include "python_session.h"

#include "capture/explainers.h"
#include "capture/heap_capture.h"
#include "snapshot/analysis.h"

#include <QtTest/QtTest>

#include <QtCore/QFile>
#include <QtCore/QFileInfo>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <set>
#include <tuple>

using namespace leakscope;

namespace {

std::optional<ObjectIndex> findByAddress(const Snapshot& snapshot, std::uint64_t address)
{
    for (ObjectIndex i = 0; i < snapshot.objectCount(); ++i) {
        if (snapshot.address(i) == address)
            return i;
    }
    return std::nullopt;
}

std::vector<ObjectIndex> candidatesWhere(const HeapAnalysis& analysis, const std::function<bool(ObjectIndex)>& match)
{
    std::vector<ObjectIndex> found;
    for (ObjectIndex i : analysis.candidates()) {
        if (match(i))
            found.push_back(i);
    }
    return found;
}

bool reprContains(const Snapshot& s, ObjectIndex i, std::string_view text)
{
    return s.repr(i).find(text) != std::string::npos;
}

std::uint64_t addressOf(const std::string& expression)
{
    return static_cast<std::uint64_t>(testing::evalInt("id(" + expression + ")"));
}

SnapshotPtr collectAndCapture(capture::CaptureDiagnostics* diagnostics = nullptr)
{
    testing::interpreter().collectGarbage();
    return capture::captureHeap({}, diagnostics);
}

// Exposed to Python as capture_from_python(): the outcome of a capture started by Python code.
PyObject* captureFromPython(PyObject*, PyObject*)
{
    try {
        const SnapshotPtr snapshot = capture::captureHeap();
        return PyUnicode_FromString(("ok " + std::to_string(snapshot->objectCount())).c_str());
    } catch (const capture::CaptureError& error) {
        return PyUnicode_FromString(error.what());
    }
}

PyMethodDef captureMethod = {"capture_from_python", captureFromPython, METH_NOARGS, nullptr};

// Exposed to Python as capture_and_keep(): a capture while Python frames run, kept for the test.
SnapshotPtr g_kept;
PyObject* captureAndKeep(PyObject*, PyObject*)
{
    g_kept = capture::captureHeap();
    Py_RETURN_NONE;
}

PyMethodDef keepMethod = {"capture_and_keep", captureAndKeep, METH_NOARGS, nullptr};

// The explanation of the object Python's `expression` evaluates to, as "kind: detail" ("" if none).
std::string explanationOf(const Snapshot& snapshot, const std::string& expression)
{
    const auto index = findByAddress(snapshot, addressOf(expression));
    if (!index)
        return "(not in the snapshot)";
    const ExplanationRecord* e = snapshot.explanation(*index);
    return e ? std::string(snapshot.string(e->kind)) + ": " + std::string(snapshot.string(e->detail)) : std::string();
}

// A global of __main__ (borrowed), or null.
PyObject* mainGlobal(const char* name)
{
    return PyDict_GetItemString(PyModule_GetDict(PyImport_AddModule("__main__")), name);
}

// Whether the first `bytes` of the object's memory (default: its type's basic size) hold a word equal
// to address.
bool memoryHoldsWord(PyObject* object, std::uint64_t address, std::size_t bytes = 0)
{
    if (bytes == 0)
        bytes = static_cast<std::size_t>(Py_TYPE(object)->tp_basicsize);
    for (std::size_t offset = 0; offset + sizeof(std::uint64_t) <= bytes; offset += sizeof(std::uint64_t)) {
        std::uint64_t word;
        std::memcpy(&word, reinterpret_cast<const char*>(object) + offset, sizeof word);
        if (word == address)
            return true;
    }
    return false;
}

// The one candidate whose repr contains text (fails the test through the caller's QCOMPARE otherwise).
std::vector<ObjectIndex> candidatesWithRepr(const HeapAnalysis& analysis, std::string_view text)
{
    const Snapshot& s = analysis.snapshot();
    return candidatesWhere(analysis, [&](ObjectIndex i) { return reprContains(s, i, text); });
}

} // namespace

class TestCapture : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        std::string error;
        QVERIFY2(testing::run("import sys, gc\nsys.path.insert(0, " "'" PLANTLEAK_DIR "')\nimport plantleak\n", &error),
                 error.c_str());
    }

    void plantedOrphansAreSuspects()
    {
        QVERIFY(testing::run("plantleak.leak_dict()\nplantleak.leak_instance()\nplantleak.leak_list(3)\n"));
        const SnapshotPtr snapshot = collectAndCapture();
        const Snapshot& s = *snapshot;
        const HeapAnalysis analysis(s);

        const auto dicts = candidatesWhere(analysis, [&](ObjectIndex i) { return reprContains(s, i, "'orphan-dict'"); });
        QCOMPARE(dicts.size(), 1u);
        QCOMPARE(s.typeNameOf(dicts[0]), std::string_view("builtins.dict"));
        QVERIFY(analysis.isSuspect(dicts[0]));
        QCOMPARE(analysis.surplus(dicts[0]), 1);

        const auto instances = candidatesWhere(analysis, [&](ObjectIndex i) { return s.typeNameOf(i) == "plantleak.Leaky"; });
        QCOMPARE(instances.size(), 1u);
        QVERIFY(analysis.isSuspect(instances[0]));
        // Its payload is referenced by the instance: present in the snapshot, not a candidate.
        QCOMPARE(s.referents(instances[0]).size(), 1u);
        const ObjectIndex payload = s.referents(instances[0])[0];
        QCOMPARE(s.repr(payload), std::string("'orphan-instance'"));
        QVERIFY(!analysis.isCandidate(payload));

        const auto lists = candidatesWhere(analysis, [&](ObjectIndex i) {
            return s.typeNameOf(i) == "builtins.list" && reprContains(s, i, "'list-child'");
        });
        QCOMPARE(lists.size(), 1u);
        QVERIFY(analysis.isSuspect(lists[0]));
        QCOMPARE(s.referents(lists[0]).size(), 3u);
        for (ObjectIndex child : s.referents(lists[0])) {
            QVERIFY(reprContains(s, child, "'list-child'"));
            QVERIFY(s.isGcTracked(child));
            QVERIFY(!analysis.isCandidate(child));
            QCOMPARE(analysis.referrerCount(child), 1u);
        }
    }

    void extraIncrefShowsAsSurplus()
    {
        QVERIFY(testing::run("held = {'plantleak': 'held', 'tracked': []}\nplantleak.extra_incref(held)\n"
                             "control = {'plantleak': 'control', 'tracked': []}\n"));
        const SnapshotPtr snapshot = collectAndCapture();
        const HeapAnalysis analysis(*snapshot);
        const auto held = findByAddress(*snapshot, addressOf("held"));
        const auto control = findByAddress(*snapshot, addressOf("control"));
        QVERIFY(held && control);
        QVERIFY(!analysis.isCandidate(*held));
        QCOMPARE(analysis.referrerCount(*held), 1u); // __main__'s dict
        QCOMPARE(analysis.surplus(*held), 1);
        QCOMPARE(analysis.surplus(*control), 0);
        // The refcount column is the program's own: the capture's list reference is not in it.
        QCOMPARE(static_cast<std::int64_t>(snapshot->refcount(*control)), testing::evalInt("sys.getrefcount(control) - 1"));
    }

    void captureReportsNoObjectOfItsOwn()
    {
        const SnapshotPtr snapshot = collectAndCapture();
        // Nothing holds (nearly) every gc object, as the capture's list would.
        for (ObjectIndex i = 0; i < snapshot->objectCount(); ++i)
            QVERIFY(snapshot->referents(i).size() < snapshot->gcObjectCount() / 2);
        // Two captures in a row find the same candidates: the first left nothing behind.
        const SnapshotPtr again = collectAndCapture();
        const HeapAnalysis first(*snapshot), second(*again);
        std::set<std::uint64_t> a, b;
        for (ObjectIndex i : first.candidates())
            a.insert(snapshot->address(i));
        for (ObjectIndex i : second.candidates())
            b.insert(again->address(i));
        QCOMPARE(a, b);
    }

    void captureLeavesTheHeapAsItFoundIt()
    {
        const std::int64_t before = testing::evalInt("len(gc.get_objects())");
        collectAndCapture();
        // The gc headers carried snapshot indices during the walk: the collector must still work.
        QVERIFY(testing::run("cycle = []\ncycle.append(cycle)\ndel cycle\n"
                             "found = gc.collect()\nassert found >= 1, found\n"));
        QCOMPARE(testing::evalInt("len(gc.get_objects())"), before);
    }

    void referentsMatchGcGetReferents()
    {
        QVERIFY(testing::run("class Node:\n    pass\nnode = Node()\nnode.name = 'n'\nnode.items = [1, 'two', (3,)]\n"
                             "probe = {'a': node, 'b': [node, node], 'c': 'text'}\n"));
        const SnapshotPtr snapshot = collectAndCapture();
        for (const char* name : {"probe", "node", "node.items", "probe['b']"}) {
            const auto index = findByAddress(*snapshot, addressOf(name));
            QVERIFY2(index, name);
            QCOMPARE(static_cast<std::int64_t>(snapshot->referents(*index).size()),
                     testing::evalInt(std::string("len(gc.get_referents(") + name + "))"));
            const auto referents = snapshot->referents(*index);
            const std::string ids = testing::evalStr(std::string("sorted(id(r) for r in gc.get_referents(") + name + "))");
            std::vector<std::uint64_t> addresses;
            for (ObjectIndex r : referents)
                addresses.push_back(snapshot->address(r));
            std::sort(addresses.begin(), addresses.end());
            std::string expected = "[";
            for (std::size_t k = 0; k < addresses.size(); ++k)
                expected += (k ? ", " : "") + std::to_string(addresses[k]);
            expected += "]";
            QCOMPARE(ids, expected);
        }
        // Untracked referents are in the snapshot but never candidates.
        const auto text = findByAddress(*snapshot, addressOf("probe['c']"));
        QVERIFY(text);
        QVERIFY(!snapshot->isGcTracked(*text));
        QCOMPARE(snapshot->repr(*text), std::string("'text'"));
    }

    void sequencesAreTraversedLastToFirst()
    {
        // The referents tree labels list and tuple items by position, relying on this order.
        QVERIFY(testing::run("seq_items = [[0], [1], [2]]\nseq_tuple = tuple(seq_items)\n"));
        const SnapshotPtr snapshot = collectAndCapture();
        for (const char* name : {"seq_items", "seq_tuple"}) {
            const auto index = findByAddress(*snapshot, addressOf(name));
            QVERIFY(index);
            const auto referents = snapshot->referents(*index);
            QCOMPARE(referents.size(), 3u);
            for (int k = 0; k < 3; ++k) {
                const std::string item = std::string(name) + "[" + std::to_string(2 - k) + "]";
                QCOMPARE(snapshot->address(referents[static_cast<std::size_t>(k)]), addressOf(item));
            }
        }
    }

    void edgesAreLabelled()
    {
        QVERIFY(testing::run(
            "class LabPoint:\n    __slots__ = ('x', 'y')\n"
            "class LabPlain:\n    pass\n"
            "class LabMap(dict):\n    pass\n"
            "lab_leaf = [0]\n"
            "lab_general = {'alpha': lab_leaf, 7: [1], ('t', 1): [2], 'same': lab_leaf}\n"
            "lab_str = {'beta': [3], 'caf\\u00e9': [4]}\n"
            "lab_plain = LabPlain()\nlab_plain.first = [5]\nlab_plain.second = lab_leaf\n"
            "lab_split = LabPlain()\nlab_split.first = [6]\nlab_split_dict = lab_split.__dict__\n"
            "lab_point = LabPoint()\nlab_point.x = [7]\nlab_point.y = lab_leaf\n"
            "def lab_func(a=[9]):\n    return lab_leaf\n"
            "try:\n    raise ValueError('lab')\nexcept ValueError as e:\n    lab_exc = e\n"
            "lab_map = LabMap(k=[10])\n"));
        const SnapshotPtr snapshot = collectAndCapture();
        // Each edge of an object as "address label", sorted, against the same built from Python.
        auto labelled = [&](const char* name) {
            const auto index = findByAddress(*snapshot, addressOf(name));
            std::vector<std::string> edges;
            if (!index)
                return edges;
            const auto referents = snapshot->referents(*index);
            const auto labels = snapshot->edgeLabels(*index);
            for (std::size_t k = 0; k < referents.size(); ++k) {
                edges.push_back(std::to_string(snapshot->address(referents[k])) + " "
                                + std::string(labels.empty() ? std::string_view() : snapshot->string(labels[k])));
            }
            std::sort(edges.begin(), edges.end());
            return edges;
        };
        auto has = [&](const char* name, const std::string& expression, const std::string& label) {
            const std::vector<std::string> edges = labelled(name);
            const std::string wanted = std::to_string(addressOf(expression)) + " " + label;
            const bool found = std::find(edges.begin(), edges.end(), wanted) != edges.end();
            if (!found)
                qWarning("%s has no edge '%s' to %s", name, label.c_str(), expression.c_str());
            return found;
        };
        QVERIFY(has("lab_general", "lab_leaf", "['alpha']"));
        QVERIFY(has("lab_general", "lab_leaf", "['same']"));
        QVERIFY(has("lab_general", "lab_general[7]", "[7]"));
        QVERIFY(has("lab_general", "lab_general[('t', 1)]", "[('t', 1)]"));
        QVERIFY(has("lab_general", "[k for k in lab_general if isinstance(k, tuple)][0]", "(key)"));
        QVERIFY(has("lab_general", "'alpha'", "(key)"));
        // A table of str keys: the traverse visits the values only, each named by its key.
        QCOMPARE(labelled("lab_str").size(), std::size_t(2));
        QVERIFY(has("lab_str", "lab_str['beta']", "['beta']"));
        QVERIFY(has("lab_str", "lab_str['caf\\u00e9']", "['caf\xc3\xa9']"));
        QVERIFY(has("lab_plain", "lab_plain.first", ".first"));
        QVERIFY(has("lab_plain", "lab_leaf", ".second"));
        QVERIFY(has("lab_plain", "LabPlain", ".__class__"));
        QVERIFY(has("lab_split", "lab_split_dict", ".__dict__"));
        QVERIFY(has("lab_split_dict", "lab_split.first", "['first']"));
        QVERIFY(has("lab_point", "lab_point.x", ".x"));
        QVERIFY(has("lab_point", "lab_leaf", ".y"));
        QVERIFY(has("lab_func", "lab_func.__globals__", ".__globals__"));
        QVERIFY(has("lab_func", "lab_func.__defaults__", ".__defaults__"));
        QVERIFY(has("lab_func", "lab_func.__code__", ".__code__"));
        QVERIFY(has("lab_exc", "lab_exc.args", ".args"));
        QVERIFY(has("lab_exc", "lab_exc.__traceback__", ".__traceback__"));
        QVERIFY(has("lab_map", "lab_map['k']", "['k']"));
        QVERIFY(has("LabPlain", "LabPlain.__mro__", ".__mro__"));
        // Every edge of these is named.
        for (const char* name : {"lab_general", "lab_str", "lab_plain", "lab_point", "lab_map"}) {
            for (const std::string& edge : labelled(name))
                QVERIFY2(edge.back() != ' ', (std::string(name) + ": " + edge).c_str());
        }
        // Lists are labelled by position in the views, not in the snapshot.
        const auto leaf = findByAddress(*snapshot, addressOf("lab_leaf"));
        QVERIFY(leaf);
        QVERIFY(snapshot->edgeLabels(*leaf).empty());
    }

    void labelsAreBounded()
    {
        // A dict of more than 4,096 items is not labelled, and a capture labels at most 65,536
        // distinct keys: past that, a dict with a key not labelled yet stays unlabelled as a whole.
        QVERIFY(testing::run("lab_huge = {i: [i] for i in range(5000)}\n"
                             "lab_many = [{k * 100000 + j: [j] for j in range(4000)} for k in range(20)]\n"
                             "lab_small = {'still': [1]}\n"));
        const SnapshotPtr snapshot = collectAndCapture();
        const auto huge = findByAddress(*snapshot, addressOf("lab_huge"));
        QVERIFY(huge);
        QVERIFY(snapshot->edgeLabels(*huge).empty());
        int labelled = 0;
        for (int k = 0; k < 20; ++k) {
            const auto dict = findByAddress(*snapshot, addressOf("lab_many[" + std::to_string(k) + "]"));
            QVERIFY(dict);
            labelled += snapshot->edgeLabels(*dict).empty() ? 0 : 1;
        }
        QVERIFY2(labelled > 0 && labelled <= 16, std::to_string(labelled).c_str());
        // Dicts walked before the quota ran out keep their labels: sys.modules is older than these, and
        // the collector's oldest generation lists older objects first.
        const auto modules = findByAddress(*snapshot, addressOf("sys.modules"));
        QVERIFY(modules);
        QVERIFY(!snapshot->edgeLabels(*modules).empty());
        QVERIFY(testing::run("del lab_huge, lab_many, lab_small\n"));
    }

    void interpreterAndThreadRootsAreExplained()
    {
        QVERIFY(testing::run("import atexit, contextvars\n"
                             "def lab_make_callback():\n    return lambda: None\n"
                             "lab_exit = lab_make_callback()\natexit.register(lab_exit)\n"
                             "lab_exit_id = id(lab_exit)\ndel lab_exit\n"
                             "lab_var = contextvars.ContextVar('lab_var')\nlab_var.set([1])\n"));
        const SnapshotPtr snapshot = collectAndCapture();
        const std::string exit = explanationOf(*snapshot, "__import__('ctypes').cast(lab_exit_id, __import__('ctypes').py_object).value");
        QVERIFY2(exit.starts_with("interpreter-root: ") && exit.find("atexit") != std::string::npos, exit.c_str());
        // The thread's current contextvars context is held by its thread state alone.
        bool contextExplained = false;
        const HeapAnalysis analysis(*snapshot);
        for (ObjectIndex i : analysis.candidates()) {
            const ExplanationRecord* e = snapshot->explanation(i);
            if (snapshot->typeNameOf(i) == "_contextvars.Context" && e && snapshot->string(e->kind) == "thread-state")
                contextExplained = snapshot->string(e->detail).find("contextvars context") != std::string_view::npos;
        }
        QVERIFY(contextExplained);
        QVERIFY(testing::run("atexit.unregister(__import__('ctypes').cast(lab_exit_id, __import__('ctypes').py_object).value)\n"));
    }

    void framesAndCodeConstantsAreExplained()
    {
        PyObject* function = PyCFunction_New(&keepMethod, nullptr);
        QVERIFY(function);
        QCOMPARE(PyDict_SetItemString(PyModule_GetDict(PyImport_AddModule("__main__")), "capture_and_keep", function), 0);
        Py_DECREF(function);
        QVERIFY(testing::run("def lab_membership(x):\n    return x in {'red', 'green', 'blue'}\n"
                             "def lab_frame_probe():\n"
                             "    orphan_local = [object()]\n"
                             "    global lab_local_id\n"
                             "    lab_local_id = id(orphan_local)\n"
                             "    capture_and_keep()\n"
                             "    return len(orphan_local)\n"
                             "gc.collect()\n"
                             "lab_frame_probe()\n"));
        const SnapshotPtr snapshot = std::exchange(g_kept, nullptr);
        QVERIFY(snapshot);
        const auto local = findByAddress(*snapshot, static_cast<std::uint64_t>(testing::evalInt("lab_local_id")));
        QVERIFY(local);
        const ExplanationRecord* e = snapshot->explanation(*local);
        QVERIFY(e);
        QCOMPARE(std::string(snapshot->string(e->kind)), std::string("frame"));
        const std::string detail(snapshot->string(e->detail));
        QVERIFY2(detail.starts_with("held by local variable 'orphan_local' of the executing frame lab_frame_probe() at ")
                     && detail.find("(the capturing thread)") != std::string::npos,
                 detail.c_str());

        // The constants of a code object: a tuple the collector keeps tracked because it holds a
        // frozenset (the constant of `x in {...}`), held by the code object alone.
        const std::string constant = "lab_membership.__code__.co_consts";
        const auto index = findByAddress(*snapshot, addressOf(constant));
        QVERIFY(index);
        const ExplanationRecord* c = snapshot->explanation(*index);
        QVERIFY(c);
        QCOMPARE(std::string(snapshot->string(c->kind)), std::string("code-constant"));
        QVERIFY2(std::string(snapshot->string(c->detail)).starts_with("co_consts of the code object lab_membership() in "),
                 std::string(snapshot->string(c->detail)).c_str());
        QVERIFY(c->holder != kNoObject);
        QCOMPARE(snapshot->address(c->holder), addressOf("lab_membership.__code__"));
    }

    void typeOriginsAreResolved()
    {
        QVERIFY(testing::run("import _struct\nclass LabDefinedInPython:\n    pass\n"
                             "lab_origin_objects = [plantleak.Leaky(), _struct.Struct('i'), LabDefinedInPython()]\n"));
        const SnapshotPtr snapshot = collectAndCapture();
        auto originOf = [&](std::string_view typeName) {
            for (TypeIndex t = 0; t < snapshot->typeCount(); ++t) {
                if (snapshot->typeName(t) == typeName)
                    return std::array<std::string, 3>{std::string(snapshot->string(snapshot->type(t).library)),
                                                      std::string(snapshot->string(snapshot->type(t).symbol)),
                                                      std::string(snapshot->string(snapshot->type(t).source))};
            }
            return std::array<std::string, 3>{"(type not in the snapshot)", "", ""};
        };

        // The fixture's static type, built with -g: its .so, the type object's symbol, the line of its
        // tp_dealloc (the entry of Leaky_dealloc maps to its declaration or the line after).
        const auto leaky = originOf("plantleak.Leaky");
        QVERIFY2(leaky[0].ends_with("/plantleak.cpython-311-x86_64-linux-gnu.so"), leaky[0].c_str());
        QCOMPARE(leaky[1], std::string("LeakyType"));
        QFile source(QStringLiteral(PLANTLEAK_SOURCE));
        QVERIFY(source.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = source.readAll().split('\n');
        int declared = 0;
        for (int k = 0; k < lines.size() && !declared; ++k) {
            if (lines[k].startsWith("static void Leaky_dealloc("))
                declared = k + 1;
        }
        QVERIFY(declared > 0);
        const std::string prefix = std::string(PLANTLEAK_SOURCE) + ":";
        QVERIFY2(leaky[2].starts_with(prefix), leaky[2].c_str());
        const int line = std::stoi(leaky[2].substr(prefix.size()));
        QVERIFY2(line >= declared && line <= declared + 2, leaky[2].c_str());

        // A static type of the interpreter: libpython and its symbol (found through a copy relocation,
        // if the executable has one); with python3-dbg's debug file, a line in Objects/.
        const auto dict = originOf("builtins.dict");
        QVERIFY2(dict[0].find("libpython3.11") != std::string::npos, dict[0].c_str());
        QCOMPARE(dict[1], std::string("PyDict_Type"));
        if (QFileInfo::exists(QStringLiteral("/usr/share/doc/python3.11-dbg")))
            QVERIFY2(dict[2].find("/Objects/dictobject.c:") != std::string::npos, dict[2].c_str());
        else
            QVERIFY2(dict[2].empty() || dict[2].find("/Objects/") != std::string::npos, dict[2].c_str());

        // A heap type made by C code (PyType_FromModuleAndSpec, in libpython on Debian): found by its
        // own tp_dealloc. A class statement's type has no library, and nothing is invented for it.
        const auto structType = originOf("_struct.Struct");
        QVERIFY2(!structType[0].empty(), structType[1].c_str());
        QVERIFY2(structType[1].empty() || structType[1] == "s_dealloc", structType[1].c_str());
        const auto python = originOf("__main__.LabDefinedInPython");
        QCOMPARE(python, (std::array<std::string, 3>{"", "", ""}));
    }

    void allocationSitesNeedTracemalloc()
    {
        // The test interpreter does not trace allocations: the snapshot says so and records none.
        const SnapshotPtr snapshot = collectAndCapture();
        QCOMPARE(snapshot->info().tracemallocDepth, 0u);
        QVERIFY(snapshot->columns().allocOwners.empty());
        // Traced from here on: candidates made afterwards carry the line that allocated them.
        QVERIFY(testing::run("import tracemalloc\ntracemalloc.start(5)\n"
                             "def lab_alloc():\n    return plantleak.leak_instance()\n"
                             "lab_alloc()\n"));
        const SnapshotPtr traced = collectAndCapture();
        const bool stopped = testing::run("tracemalloc.stop()\n");
        QCOMPARE(traced->info().tracemallocDepth, 5u);
        bool found = false;
        const HeapAnalysis analysis(*traced);
        for (ObjectIndex i : analysis.candidates()) {
            const auto frames = traced->allocationSite(i);
            if (traced->typeNameOf(i) != "plantleak.Leaky" || frames.empty())
                continue;
            // Innermost first: the line in lab_alloc() that called into C.
            QCOMPARE(std::string(traced->string(frames[0].file)), std::string("<string>"));
            QCOMPARE(frames[0].line, 4u);
            found = true;
        }
        QVERIFY(found);
        QVERIFY(stopped);
    }

    void noUserCodeRuns()
    {
        QVERIFY(testing::run(
            "touched = []\n"
            "class Hostile:\n"
            "    def __repr__(self): touched.append('repr'); raise RuntimeError('repr')\n"
            "    def __eq__(self, other): touched.append('eq'); return False\n"
            "    def __hash__(self): touched.append('hash'); return 1\n"
            "    def __getattr__(self, name): touched.append(name); raise AttributeError(name)\n"
            "    def __sizeof__(self): touched.append('sizeof'); return 1\n"
            "class HostileDict(dict):\n"
            "    def __repr__(self): touched.append('dict repr'); return 'x'\n"
            "    def __iter__(self): touched.append('iter'); return iter(())\n"
            "class HostileStr(str):\n"
            "    def __str__(self): touched.append('str'); return 'x'\n"
            "hostile = [Hostile(), HostileDict(a=Hostile()), HostileStr('s'), {Hostile(): 1}]\n"
            "plantleak.extra_incref([Hostile(), HostileDict(b=2)])\n"
            "huge = ['x' * 10_000_000]\n"
            "touched.clear()  # building the set above hashed a Hostile\n"));
        const SnapshotPtr snapshot = collectAndCapture();
        const std::string touched = testing::evalStr("touched");
        QVERIFY2(touched == "[]", touched.c_str());
        const auto huge = findByAddress(*snapshot, addressOf("huge"));
        QVERIFY(huge);
        QVERIFY(snapshot->repr(*huge).size() < 400); // 120 code points at most
        QVERIFY(snapshot->size(*snapshot->referents(*huge).begin()) >= 10'000'000);
        const auto hostile = findByAddress(*snapshot, addressOf("hostile"));
        QVERIFY(hostile);
        QVERIFY(reprContains(*snapshot, *hostile, "HostileDict({'a': <Hostile at 0x"));
        QVERIFY(reprContains(*snapshot, *hostile, "HostileStr('s')"));
    }

    void typeTableNamesTypes()
    {
        QVERIFY(testing::run("class Outer:\n    class Inner:\n        pass\ninner = Outer.Inner()\nleaky = plantleak.Leaky()\n"));
        const SnapshotPtr snapshot = collectAndCapture();
        const auto inner = findByAddress(*snapshot, addressOf("inner"));
        const auto leaky = findByAddress(*snapshot, addressOf("leaky"));
        QVERIFY(inner && leaky);
        const TypeRecord& innerType = snapshot->type(snapshot->typeOf(*inner));
        QCOMPARE(snapshot->typeNameOf(*inner), std::string_view("__main__.Outer.Inner"));
        QCOMPARE(snapshot->string(innerType.module), std::string_view("__main__"));
        QVERIFY(innerType.flags & HeapType);
        QCOMPARE(innerType.address, addressOf("Outer.Inner"));
        const TypeRecord& leakyType = snapshot->type(snapshot->typeOf(*leaky));
        QCOMPARE(snapshot->typeNameOf(*leaky), std::string_view("plantleak.Leaky"));
        QVERIFY(!(leakyType.flags & HeapType));
        QCOMPARE(snapshot->repr(*leaky), "<plantleak.Leaky at " + formatAddress(addressOf("leaky")) + ">");
    }

    void typeInternalsAreExplained()
    {
        const SnapshotPtr snapshot = collectAndCapture();
        const HeapAnalysis analysis(*snapshot);
        // int's tp_dict is held by the static PyLong_Type struct only.
        bool sawTypeDict = false;
        for (ObjectIndex i : analysis.candidates()) {
            const ExplanationRecord* e = snapshot->explanation(i);
            if (e && snapshot->string(e->kind) == "type-internals"
                && snapshot->string(e->detail) == "tp_dict of static type builtins.int (held by the C struct)") {
                sawTypeDict = true;
                QVERIFY(reprContains(*snapshot, i, "'__repr__'"));
                QVERIFY(!analysis.isSuspect(i));
            }
        }
        QVERIFY(sawTypeDict);
    }

    void baselineExplainsStartupCandidates()
    {
        const capture::Baseline baseline = capture::baselineOf(*collectAndCapture());
        QVERIFY(!baseline.candidates.empty());
        QVERIFY(testing::run("plantleak.extra_incref({'plantleak': 'after-baseline', 'tracked': []})\n"));
        capture::CaptureOptions options;
        options.baseline = &baseline;
        testing::interpreter().collectGarbage();
        const SnapshotPtr snapshot = capture::captureHeap(options);
        const HeapAnalysis analysis(*snapshot);
        std::size_t explainedByStartup = 0, plantedAfter = 0;
        for (ObjectIndex i : analysis.candidates()) {
            const ExplanationRecord* e = snapshot->explanation(i);
            if (e && snapshot->string(e->kind) == "startup") {
                ++explainedByStartup;
                // Orphans planted by earlier tests predate the baseline: explained, as they should be.
                QVERIFY(!reprContains(*snapshot, i, "'after-baseline'"));
            }
            if (reprContains(*snapshot, i, "'after-baseline'")) {
                ++plantedAfter;
                QVERIFY(analysis.isSuspect(i));
            }
        }
        QCOMPARE(plantedAfter, 1u);
        QVERIFY(explainedByStartup > 0);
    }

    void captureDuringCollectionIsRefused()
    {
        PyObject* function = PyCFunction_New(&captureMethod, nullptr);
        QVERIFY(function);
        QCOMPARE(PyDict_SetItemString(PyModule_GetDict(PyImport_AddModule("__main__")), "capture_from_python", function), 0);
        Py_DECREF(function);
        // A finalizer in a cycle runs inside the collection, when headers hold the collector's counts.
        QVERIFY(testing::run("outcomes = []\n"
                             "class Finalized:\n"
                             "    def __del__(self): outcomes.append(capture_from_python())\n"
                             "cycle = Finalized()\ncycle.me = cycle\ndel cycle\ngc.collect()\n"
                             "outcomes.append(capture_from_python())\n"));
        const std::string outcomes = testing::evalStr("outcomes");
        QVERIFY2(outcomes.find("cannot capture while the garbage collector runs") != std::string::npos, outcomes.c_str());
        QVERIFY2(testing::evalStr("outcomes[1]").rfind("ok ", 0) == 0, outcomes.c_str());
        // And the collector still works afterwards.
        QVERIFY(testing::run("cycle = []\ncycle.append(cycle)\ndel cycle\nassert gc.collect() >= 1\n"));
    }

    void frozenObjectsAreStillSeen()
    {
        QVERIFY(testing::run("frozen_holder = {'frozen': [1, 2]}\ngc.freeze()\n"));
        const SnapshotPtr snapshot = collectAndCapture();
        QVERIFY(testing::run("gc.unfreeze()\n"));
        // gc.get_objects() skips the permanent generation; the capture walks it like the others.
        const auto holder = findByAddress(*snapshot, addressOf("frozen_holder"));
        QVERIFY(holder);
        QVERIFY(snapshot->isGcTracked(*holder));
        QCOMPARE(snapshot->referents(*holder).size(), 1u);
        const HeapAnalysis analysis(*snapshot);
        QVERIFY(!analysis.isCandidate(*holder)); // __main__'s dict, frozen too, refers to it
    }

    void untraversedFieldExplainsItsObject()
    {
        QVERIFY(testing::run("field_holder = plantleak.Hider()\n"
                             "field_holder.hide({'plantleak': 'hidden-in-field', 'tracked': []})\n"));
        const SnapshotPtr snapshot = collectAndCapture();
        const HeapAnalysis analysis(*snapshot);
        const auto held = candidatesWithRepr(analysis, "'hidden-in-field'");
        QCOMPARE(held.size(), 1u);
        const ExplanationRecord* e = snapshot->explanation(held[0]);
        QVERIFY(e);
        QCOMPARE(snapshot->string(e->kind), std::string_view("c-field"));
        const auto holder = findByAddress(*snapshot, addressOf("field_holder"));
        QVERIFY(holder);
        QCOMPARE(e->holder, *holder);
        QCOMPARE(static_cast<std::int64_t>(e->holderOffset), testing::evalInt("plantleak.HIDER_HIDDEN_OFFSET"));
        const std::string expected = "held by C field +" + std::to_string(e->holderOffset) + " of plantleak.Hider at "
            + formatAddress(addressOf("field_holder")) + ", which its tp_traverse does not report";
        QCOMPARE(std::string(snapshot->string(e->detail)), expected);
        QVERIFY(!analysis.isSuspect(held[0]));
    }

    void staticDataExplainsItsObject()
    {
        QVERIFY(testing::run("plantleak.hide_in_static({'plantleak': 'hidden-in-static', 'tracked': []})\n"));
        const SnapshotPtr snapshot = collectAndCapture();
        const HeapAnalysis analysis(*snapshot);
        const auto held = candidatesWithRepr(analysis, "'hidden-in-static'");
        QCOMPARE(held.size(), 1u);
        const ExplanationRecord* e = snapshot->explanation(held[0]);
        QVERIFY(e);
        QCOMPARE(snapshot->string(e->kind), std::string_view("c-static"));
        QCOMPARE(e->holder, kNoObject);
        const std::string library = testing::evalStr("plantleak.__file__.rsplit('/', 1)[1]");
        QVERIFY(library.rfind("plantleak.", 0) == 0);
        // plantleak_static_refs[1]: the second pointer of the exported array.
        QCOMPARE(std::string(snapshot->string(e->detail)),
                 "held by static data of " + library + " (plantleak_static_refs+0x8)");
        QVERIFY(!analysis.isSuspect(held[0]));
    }

    void moduleStateExplainsItsObject()
    {
        QVERIFY(testing::run("plantleak.stateful.hide({'plantleak': 'hidden-in-state', 'tracked': []})\n"));
        const SnapshotPtr snapshot = collectAndCapture();
        const HeapAnalysis analysis(*snapshot);
        const auto held = candidatesWithRepr(analysis, "'hidden-in-state'");
        QCOMPARE(held.size(), 1u);
        const ExplanationRecord* e = snapshot->explanation(held[0]);
        QVERIFY(e);
        QCOMPARE(snapshot->string(e->kind), std::string_view("module-state"));
        const auto module = findByAddress(*snapshot, addressOf("plantleak.stateful"));
        QVERIFY(module);
        QCOMPARE(e->holder, *module);
        QCOMPARE(static_cast<std::int64_t>(e->holderOffset), testing::evalInt("plantleak.STATEFUL_HIDDEN_OFFSET"));
        const std::string offset = std::to_string(e->holderOffset);
        QCOMPARE(std::string(snapshot->string(e->detail)),
                 "held by module state +" + offset + " of module plantleak.stateful at "
                     + formatAddress(addressOf("plantleak.stateful")) + ", which its m_traverse does not report");
    }

    void leakedReferencesStaySuspectsUnderTheScan()
    {
        // A leaked reference leaves no word anywhere: the orphans stay suspects while the same capture
        // explains an object held by an untraversed field.
        QVERIFY(testing::run("plantleak.leak_dict()\nplantleak.leak_instance()\nplantleak.leak_list(2)\n"
                             "scan_witness = plantleak.Hider()\nscan_witness.hide(['scan-witness', []])\n"));
        const SnapshotPtr snapshot = collectAndCapture();
        const Snapshot& s = *snapshot;
        const HeapAnalysis analysis(s);
        const auto witness = candidatesWithRepr(analysis, "'scan-witness'");
        QCOMPARE(witness.size(), 1u);
        QVERIFY(s.explanation(witness[0]));
        QCOMPARE(s.string(s.explanation(witness[0])->kind), std::string_view("c-field"));
        const auto planted = candidatesWhere(analysis, [&](ObjectIndex i) {
            return reprContains(s, i, "'orphan-dict'") || s.typeNameOf(i) == "plantleak.Leaky"
                || (s.typeNameOf(i) == "builtins.list" && reprContains(s, i, "'list-child'"));
        });
        QVERIFY(planted.size() >= 3); // earlier tests planted some too
        for (ObjectIndex i : planted) {
            const ExplanationRecord* e = s.explanation(i);
            QVERIFY2(!e, e ? std::string(s.string(e->detail)).c_str() : "");
            QVERIFY(analysis.isSuspect(i));
        }
    }

    void weakReferencesExplainNothing()
    {
        // A weakref's wr_object points at its referent and the referent's list head points at the
        // weakref; neither is a reference.
        QVERIFY(testing::run("import weakref\n"
                             "class WeakTarget:\n    pass\n"
                             "weak_orphan = WeakTarget()\nweak_orphan.tracked = ['weak-orphan']\n"
                             "plantleak.extra_incref(weak_orphan)\n"
                             "weak_to_orphan = weakref.ref(weak_orphan)\n"
                             "weak_orphan_address = id(weak_orphan)\ndel weak_orphan\n"
                             "weak_anchor = WeakTarget()\nplantleak.extra_incref(weakref.ref(weak_anchor))\n"
                             // object's list head is in libpython's static data (other types' heads
                             // are the weakref their base's tp_subclasses holds).
                             "plantleak.extra_incref(weakref.ref(object))\n"));
        const SnapshotPtr snapshot = collectAndCapture();
        const HeapAnalysis analysis(*snapshot);
        const auto orphan = findByAddress(*snapshot, static_cast<std::uint64_t>(testing::evalInt("weak_orphan_address")));
        const auto leakedWeakref = findByAddress(*snapshot, addressOf("weakref.ref(weak_anchor)"));
        const auto staticHeadWeakref = findByAddress(*snapshot, addressOf("weakref.ref(object)"));
        QVERIFY(orphan && leakedWeakref && staticHeadWeakref);
        // The words are there to be found...
        QVERIFY(memoryHoldsWord(mainGlobal("weak_to_orphan"), snapshot->address(*orphan)));
        QVERIFY(memoryHoldsWord(mainGlobal("weak_anchor"), snapshot->address(*leakedWeakref)));
        QCOMPARE(reinterpret_cast<std::uint64_t>(PyBaseObject_Type.tp_weaklist), snapshot->address(*staticHeadWeakref));
        // ...and explain nothing.
        for (ObjectIndex i : {*orphan, *leakedWeakref, *staticHeadWeakref}) {
            QVERIFY(analysis.isCandidate(i));
            const ExplanationRecord* e = snapshot->explanation(i);
            QVERIFY2(!e, e ? std::string(snapshot->string(e->detail)).c_str() : "");
            QVERIFY(analysis.isSuspect(i));
        }
    }

    void staleCopiesExplainNothing()
    {
        // A set keeps its first keys in its inline table after growing out of it; a finished
        // generator keeps its function and old locals in its cleared frame. They still hold the
        // leaked objects' addresses, as dead words.
        QVERIFY(testing::run("class Stale:\n    pass\n"
                             "in_set = Stale()\nin_set.tracked = ['stale-in-set']\n"
                             "stale_set = {in_set}\nstale_set.update(range(100))\nstale_set.discard(in_set)\n"
                             "plantleak.extra_incref(in_set)\n"
                             "in_gen = Stale()\nin_gen.tracked = ['stale-in-generator']\n"
                             // Its own globals, so that the function holds nothing that holds the generator.
                             "gen_globals = {}\n"
                             "exec('def stale_generator(x):\\n    y = [x]\\n    yield y\\n', gen_globals)\n"
                             "gen_function = gen_globals.pop('stale_generator')\ndel gen_globals\n"
                             "stale_gen = gen_function(in_gen)\nlist(stale_gen)\n"
                             "plantleak.extra_incref(in_gen)\nplantleak.extra_incref(gen_function)\n"
                             "stale_addresses = [id(in_set), id(in_gen), id(gen_function)]\n"
                             "del in_set, in_gen, gen_function\n"));
        const SnapshotPtr snapshot = collectAndCapture();
        const HeapAnalysis analysis(*snapshot);
        // The generator's frame starts with its function; its first local follows the fixed part.
        const std::size_t generatorBytes = static_cast<std::size_t>(PyGen_Type.tp_basicsize) + sizeof(PyObject*);
        const std::tuple<const char*, int, std::size_t> cases[] = {
            {"stale_set", 0, 0}, {"stale_gen", 1, generatorBytes}, {"stale_gen", 2, generatorBytes}};
        for (const auto& [holder, k, bytes] : cases) {
            const auto address = static_cast<std::uint64_t>(testing::evalInt("stale_addresses[" + std::to_string(k) + "]"));
            QVERIFY2(memoryHoldsWord(mainGlobal(holder), address, bytes), holder);
            const auto orphan = findByAddress(*snapshot, address);
            QVERIFY(orphan);
            QVERIFY(analysis.isCandidate(*orphan));
            const ExplanationRecord* e = snapshot->explanation(*orphan);
            QVERIFY2(!e, e ? std::string(snapshot->string(e->detail)).c_str() : holder);
            QVERIFY(analysis.isSuspect(*orphan));
        }
    }

    void candidatesHoldingOnlyEachOtherKeepASuspect()
    {
        // Two objects holding each other through untraversed fields: a leak the collector cannot
        // see. One stays a suspect and explains the other. A parent held back by its child's
        // untraversed field stays a suspect: what it holds cannot vouch for it.
        QVERIFY(testing::run("loop_a = plantleak.Hider()\nloop_b = plantleak.Hider()\n"
                             "loop_a.hide(loop_b)\nloop_b.hide(loop_a)\n"
                             "loop_addresses = [id(loop_a), id(loop_b)]\ndel loop_a, loop_b\n"
                             "parent = plantleak.Hider()\nchild = plantleak.Hider()\n"
                             "parent.show(child)\nchild.hide(parent)\n"
                             "family_addresses = [id(parent), id(child)]\ndel parent, child\n"));
        const SnapshotPtr snapshot = collectAndCapture();
        const HeapAnalysis analysis(*snapshot);
        const auto a = findByAddress(*snapshot, static_cast<std::uint64_t>(testing::evalInt("loop_addresses[0]")));
        const auto b = findByAddress(*snapshot, static_cast<std::uint64_t>(testing::evalInt("loop_addresses[1]")));
        QVERIFY(a && b);
        QVERIFY(analysis.isCandidate(*a) && analysis.isCandidate(*b));
        QCOMPARE(int(analysis.isSuspect(*a)) + int(analysis.isSuspect(*b)), 1);
        const ObjectIndex suspect = analysis.isSuspect(*a) ? *a : *b;
        const ObjectIndex held = suspect == *a ? *b : *a;
        const ExplanationRecord* e = snapshot->explanation(held);
        QVERIFY(e);
        QCOMPARE(snapshot->string(e->kind), std::string_view("c-field"));
        QCOMPARE(e->holder, suspect);

        const auto parent = findByAddress(*snapshot, static_cast<std::uint64_t>(testing::evalInt("family_addresses[0]")));
        const auto child = findByAddress(*snapshot, static_cast<std::uint64_t>(testing::evalInt("family_addresses[1]")));
        QVERIFY(parent && child);
        QVERIFY(!analysis.isCandidate(*child)); // the parent reports it
        QVERIFY(memoryHoldsWord(reinterpret_cast<PyObject*>(snapshot->address(*child)), snapshot->address(*parent)));
        const ExplanationRecord* p = snapshot->explanation(*parent);
        QVERIFY2(!p, p ? std::string(snapshot->string(p->detail)).c_str() : "");
        QVERIFY(analysis.isSuspect(*parent));
    }
};

QTEST_GUILESS_MAIN(TestCapture)
#include "tst_capture.moc"
