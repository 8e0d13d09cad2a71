// The capture on a live interpreter: planted leaks are found, nothing of the capture's own is
// reported, the heap is left as it was found, no user code runs; edge labels and type origins.
#include "python_session.h"

#include "capture/heap_capture.h"
#include "capture/script_module.h"
#include "snapshot/analysis.h"

#include <QtTest/QtTest>

#include <QtCore/QFile>
#include <QtCore/QFileInfo>

#include <algorithm>
#include <array>
#include <optional>
#include <set>
#include <tuple>

using namespace leakscope;
using namespace testing;

namespace {

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

// leakscope.snapshot() for scripts the tests run: each capture is kept, with its label.
class KeepingHooks : public capture::ScriptHooks
{
public:
    SnapshotPtr capture(const std::string&) override { return capture::captureHeap(); }
    bool deliver(const capture::ScriptSnapshot& request, const SnapshotPtr& snapshot, capture::ScriptError&) override
    {
        kept.emplace_back(request.label, snapshot);
        return true;
    }
    std::vector<std::pair<std::string, SnapshotPtr>> kept;
};

// The text of a script in tests/scripts.
std::string scriptText(const char* name)
{
    QFile file(QStringLiteral(LEAKSCOPE_TEST_SCRIPTS "/") + QString::fromUtf8(name));
    return file.open(QIODevice::ReadOnly) ? file.readAll().toStdString() : std::string("raise OSError('unreadable')");
}

// The labels of holder's edges, in edge order ("" where there is none).
std::vector<std::string> labelsOf(const Snapshot& s, ObjectIndex holder)
{
    std::vector<std::string> out;
    for (std::uint32_t k = 0; k < s.referents(holder).size(); ++k)
        out.push_back(edgeName(s, holder, k));
    return out;
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

    // Each frame names the function its line is in, from the code of the live functions of its file:
    // a method, a function nested in another (whose function object is gone, its code kept by the
    // outer one's), and a module's top level.
    void allocationFramesNameTheirFunction()
    {
        QVERIFY(testing::run("import tracemalloc\ntracemalloc.start(5)\n"
                             "lab_source = '''\n"
                             "class LabCache:\n"
                             "    def add(self):\n"
                             "        return plantleak.leak_instance()\n"
                             "def lab_outer():\n"
                             "    def inner():\n"
                             "        return plantleak.leak_instance()\n"
                             "    return inner()\n"
                             "LabCache().add()\n"
                             "lab_outer()\n"
                             "plantleak.leak_instance()\n"
                             "'''\n"
                             "exec(compile(lab_source, 'lab_functions.py', 'exec'), globals())\n"));
        const SnapshotPtr traced = collectAndCapture();
        const bool stopped = testing::run("tracemalloc.stop()\n");
        std::set<std::string> innermost;
        std::string callerOfInner;
        const HeapAnalysis analysis(*traced);
        for (ObjectIndex i : analysis.candidates()) {
            const auto frames = traced->allocationSite(i);
            if (traced->typeNameOf(i) != "plantleak.Leaky" || frames.empty()
                || traced->string(frames[0].file) != "lab_functions.py")
                continue;
            const std::string name(traced->string(frames[0].function));
            innermost.insert(name + ":" + std::to_string(frames[0].line));
            if (name == "lab_outer.<locals>.inner" && frames.size() > 1)
                callerOfInner = std::string(traced->string(frames[1].function)) + ":" + std::to_string(frames[1].line);
        }
        QCOMPARE(innermost, (std::set<std::string>{"LabCache.add:4", "lab_outer.<locals>.inner:7", "<module>:11"}));
        QCOMPARE(callerOfInner, std::string("lab_outer:8"));
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

    void emptySlotsAreNotReferences()
    {
        // null_slots.py makes lists and tuples with NULL items; one it fills while a snapshot runs.
        KeepingHooks hooks;
        capture::setScriptHooks(&hooks);
        std::string error;
        const bool ran = testing::run(scriptText("null_slots.py"), &error);
        capture::setScriptHooks(nullptr);
        QVERIFY2(ran, error.c_str());
        QCOMPARE(hooks.kept.size(), std::size_t(1));
        {
            // The tuple PySequence_Tuple made for ten items, none set yet: a candidate holding nothing.
            const Snapshot& s = *hooks.kept[0].second;
            const HeapAnalysis analysis(s);
            const auto filling = candidatesWhere(analysis, [&](ObjectIndex i) {
                return s.typeNameOf(i) == "builtins.tuple"
                    && s.repr(i) == "(<NULL>, <NULL>, <NULL>, <NULL>, <NULL>, <NULL>, <NULL>, <NULL>, <NULL>, <NULL>)";
            });
            QCOMPARE(filling.size(), std::size_t(1));
            QVERIFY(s.referents(filling[0]).empty());
        }

        const SnapshotPtr snapshot = collectAndCapture();
        const Snapshot& s = *snapshot;
        const HeapAnalysis analysis(s);
        // The leaked list: its one item is its one referent, at index 2 although its traverse visited it
        // first and only.
        const auto list = findByAddress(s, static_cast<std::uint64_t>(testing::evalInt("list_address")));
        QVERIFY(list);
        QCOMPARE(s.repr(*list), std::string("[<NULL>, <NULL>, ['null-slots-item'], <NULL>]"));
        QVERIFY(analysis.isSuspect(*list));
        QCOMPARE(s.referents(*list).size(), std::size_t(1));
        QCOMPARE(s.repr(s.referents(*list)[0]), std::string("['null-slots-item']"));
        QCOMPARE(labelsOf(s, *list), std::vector<std::string>{"[2]"});
        const auto tuple = findByAddress(s, static_cast<std::uint64_t>(testing::evalInt("tuple_address")));
        QVERIFY(tuple);
        QCOMPARE(s.repr(*tuple), std::string("(<NULL>, <NULL>)"));
        QVERIFY(s.referents(*tuple).empty());
        QVERIFY(analysis.isSuspect(*tuple));
        // Lists without empty slots keep their positions implicit.
        const auto events = findByAddress(s, addressOf("first_events"));
        QVERIFY(events);
        QVERIFY(s.edgeLabels(*events).empty());
        QCOMPARE(labelsOf(s, *events), (std::vector<std::string>{"[2]", "[1]", "[0]"}));

        // The C TreeBuilders' element stacks (PyList_New(n), filled from the front: None, then the open
        // elements), one of the parser fed "<root><a><b>" and one of iterparse() half-way through its
        // document: empty slots after the items, and each item labelled with its index.
        std::size_t stacks = 0;
        for (ObjectIndex i = 0; i < s.objectCount(); ++i) {
            if (s.typeNameOf(i) != "builtins.list" || !s.repr(i).starts_with("[None, <xml.etree.ElementTree.Element at 0x")
                || !reprContains(s, i, "<NULL>"))
                continue;
            ++stacks;
            const std::vector<std::string> labels = labelsOf(s, i);
            QVERIFY(labels.size() >= 2);
            for (std::size_t k = 0; k < labels.size(); ++k)
                QCOMPARE(labels[k], "[" + std::to_string(labels.size() - 1 - k) + "]");
        }
        QCOMPARE(stacks, std::size_t(2));

        // The bound method nothing refers to names its function and its thread.
        const auto method = findByAddress(s, static_cast<std::uint64_t>(testing::evalInt("method_address")));
        QVERIFY(method);
        QCOMPARE(s.repr(*method), std::string("<bound method Worker.run of <Worker(null-slots-worker, initial daemon)>>"));
    }

    void nullVisitsAreNotReferences()
    {
        // plantleak.Careless's traverse passes its empty field to the visitor as NULL, which CPython's
        // collector would crash on: it is disabled meanwhile.
        QVERIFY(testing::run("careless = plantleak.Careless()\ncareless.first = ['careless-first']\n"
                             "careless_hider = plantleak.Hider()\n"
                             "careless_hidden = plantleak.Careless()\ncareless_hidden.second = ['careless-second']\n"
                             "careless_hider.hide(careless_hidden)\n"
                             "careless_hidden_address = id(careless_hidden)\ndel careless_hidden\n"
                             "gc.disable()\n"));
        interpreter().collectGarbage();
        QVERIFY(testing::run("plantleak.careless_visits(True)\n"));
        const SnapshotPtr snapshot = capture::captureHeap();
        QVERIFY(testing::run("plantleak.careless_visits(False)\ngc.enable()\n"));
        const Snapshot& s = *snapshot;
        const auto careless = findByAddress(s, addressOf("careless"));
        QVERIFY(careless);
        QCOMPARE(s.referents(*careless).size(), std::size_t(1));
        QCOMPARE(s.address(s.referents(*careless)[0]), addressOf("careless.first"));
        QCOMPARE(labelsOf(s, *careless), std::vector<std::string>{".first"});
        // Held only in the Hider's hidden field: a candidate the conservative scan explains, after
        // checking that the candidate does not itself hold the Hider (a walk of its careless traverse).
        const HeapAnalysis analysis(s);
        const auto hidden = findByAddress(s, static_cast<std::uint64_t>(testing::evalInt("careless_hidden_address")));
        QVERIFY(hidden);
        QVERIFY(analysis.isCandidate(*hidden));
        QCOMPARE(s.referents(*hidden).size(), std::size_t(1));
        const ExplanationRecord* explanation = s.explanation(*hidden);
        QVERIFY(explanation);
        QCOMPARE(s.string(explanation->kind), std::string_view("c-field"));
        QVERIFY(testing::run("del careless, careless_hider\n"));
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

};

QTEST_GUILESS_MAIN(TestCapture)
#include "tst_capture.moc"
