// The explainers on a live interpreter: what the interpreter and thread states, executing frames and
// code objects hold, static types' internals, start-up objects, and the conservative scan's C fields,
// module states and static data; planted leaks stay suspects through all of them.
#include "python_session.h"

#include "capture/explainers.h"
#include "capture/heap_capture.h"
#include "snapshot/analysis.h"
#include "snapshot/text.h"

#include <QtTest/QtTest>

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>

using namespace leakscope;
using namespace testing;

namespace {

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

class TestExplainers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        std::string error;
        QVERIFY2(testing::run("import sys, gc\nsys.path.insert(0, " "'" PLANTLEAK_DIR "')\nimport plantleak\n", &error),
                 error.c_str());
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
        const std::string expected = "held by C field " + formatOffset(e->holderOffset) + " of plantleak.Hider at "
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
                 "held by static data of " + library + " (plantleak_static_refs+8 (0x8))");
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
        QCOMPARE(std::string(snapshot->string(e->detail)),
                 "held by module state " + formatOffset(e->holderOffset) + " of module plantleak.stateful at "
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

QTEST_GUILESS_MAIN(TestExplainers)
#include "tst_explainers.moc"
