// Objects held through references the collector cannot see because their holder is not gc-tracked:
// the items of numpy object arrays, a chain of array .base references through arrays the snapshot
// does not contain, untracked containers; and the callable and arguments that C code holds for a
// frame it entered (_thread for each running thread, type.__call__ for an __init__).
// Each is explained, while a cycle through an array and the items of a leaked array stay suspects.
#include "python_session.h"

#include "capture/heap_capture.h"
#include "snapshot/analysis.h"

#include <QtTest/QtTest>

#include <string>

using namespace leakscope;
using namespace testing;

namespace {

// The explanation of the snapshot object at address, as "kind: detail" ("" when unexplained).
std::string explanationAt(const Snapshot& snapshot, std::uint64_t address)
{
    const auto index = findByAddress(snapshot, address);
    if (!index)
        return "(not in the snapshot)";
    const ExplanationRecord* e = snapshot.explanation(*index);
    return e ? std::string(snapshot.string(e->kind)) + ": " + std::string(snapshot.string(e->detail)) : std::string();
}

// The address of the holder the explanation of the object at address names (0 when none).
std::uint64_t holderAddressOf(const Snapshot& snapshot, std::uint64_t address)
{
    const auto index = findByAddress(snapshot, address);
    const ExplanationRecord* e = index ? snapshot.explanation(*index) : nullptr;
    return e && e->holder != kNoObject ? snapshot.address(e->holder) : 0;
}

bool startsWith(const std::string& text, std::string_view prefix)
{
    return text.rfind(prefix, 0) == 0;
}

} // namespace

class TestUntrackedHolders : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        std::string error;
        QVERIFY2(testing::run("import sys, gc, ctypes\nsys.path.insert(0, '" PLANTLEAK_DIR "')\nimport plantleak\n", &error),
                 error.c_str());
        m_numpy = testing::run("import numpy as np\n");
        PyErr_Clear();
    }

    void objectArrayItemsAreExplained()
    {
        if (!m_numpy)
            QSKIP("numpy is not installed (python3-numpy)");
        QVERIFY(testing::run("arr = np.empty(6, dtype=object)\n"
                             "for k in range(6):\n    arr[k] = ['array-item', k]\n"
                             "grid = np.empty((2, 3), dtype=object)\n"
                             "for r in range(2):\n    for c in range(3):\n        grid[r, c] = ['grid-item', r, c]\n"
                             "grid_t = grid.T\n"
                             "rec = np.zeros(2, dtype=[('n', 'i8'), ('o', object)])\n"
                             "rec[1] = (7, ['record-field'])\n"
                             "item_ids = [id(x) for x in arr]\n"
                             "grid_id = id(grid[1, 2])\nrec_id = id(rec[1]['o'])\n"));
        const SnapshotPtr snapshot = collectAndCapture();
        for (int k = 0; k < 6; ++k) {
            const auto address = static_cast<std::uint64_t>(evalInt("item_ids[" + std::to_string(k) + "]"));
            const std::string e = explanationAt(*snapshot, address);
            QVERIFY2(startsWith(e, "array-item: held by element [" + std::to_string(k) + "] of numpy.ndarray at "),
                     e.c_str());
            QCOMPARE(holderAddressOf(*snapshot, address), static_cast<std::uint64_t>(evalInt("id(arr)")));
        }
        // In the owner of the data (grid), not its transposed view, at its own coordinates.
        const auto gridItem = static_cast<std::uint64_t>(evalInt("grid_id"));
        const std::string e = explanationAt(*snapshot, gridItem);
        QVERIFY2(startsWith(e, "array-item: held by element [1, 2] of numpy.ndarray"), e.c_str());
        QCOMPARE(holderAddressOf(*snapshot, gridItem), static_cast<std::uint64_t>(evalInt("id(grid)")));
        const std::string field = explanationAt(*snapshot, static_cast<std::uint64_t>(evalInt("rec_id")));
        QVERIFY2(startsWith(field, "array-item: held by the object field at +8 (0x8) of element [1] of numpy.ndarray"),
                 field.c_str());
        QVERIFY(testing::run("del arr, grid, grid_t, rec\n"));
    }

    void baseChainsThroughArraysOutsideTheSnapshotAreFollowed()
    {
        if (!m_numpy)
            QSKIP("numpy is not installed (python3-numpy)");
        // view.base is an array nothing tracked refers to; its .base is the memoryview.
        QVERIFY(testing::run("def make_view():\n"
                             "    view = memoryview(bytearray(64))\n"
                             "    middle = np.frombuffer(view, dtype=np.uint8)\n"
                             "    return middle[::2], id(middle.base), id(middle)\n"
                             "outer, view_id, middle_id = make_view()\n"
                             "assert type(outer.base.base) is memoryview\n"));
        const SnapshotPtr snapshot = collectAndCapture();
        QVERIFY(!findByAddress(*snapshot, static_cast<std::uint64_t>(evalInt("middle_id"))));
        const auto view = static_cast<std::uint64_t>(evalInt("view_id"));
        const std::string e = explanationAt(*snapshot, view);
        QVERIFY2(startsWith(e, "untracked-holder: held by the .base of numpy.ndarray at ")
                     && e.find("not in the snapshot: the .base of numpy.ndarray") != std::string::npos,
                 e.c_str());
        QCOMPARE(holderAddressOf(*snapshot, view), static_cast<std::uint64_t>(evalInt("id(outer)")));
        QVERIFY(testing::run("del outer\n"));
    }

    void cyclesThroughArraysAndLeakedArraysStaySuspects()
    {
        if (!m_numpy)
            QSKIP("numpy is not installed (python3-numpy)");
        QVERIFY(testing::run("class ArrayNode:\n    pass\n"
                             "def make_cycle():\n"
                             "    node = ArrayNode()\n    node.arr = np.empty(1, dtype=object)\n    node.arr[0] = node\n"
                             "    return id(node)\n"
                             "cycle_id = make_cycle()\n"
                             "def leak_array():\n"
                             "    leaked = np.empty(2, dtype=object)\n    leaked[0] = ['in-leaked-array']\n"
                             "    plantleak.extra_incref(leaked)\n    return id(leaked[0])\n"
                             "leaked_item_id = leak_array()\n"));
        const SnapshotPtr snapshot = collectAndCapture();
        const HeapAnalysis analysis(*snapshot);
        for (const char* name : {"cycle_id", "leaked_item_id"}) {
            const auto index = findByAddress(*snapshot, static_cast<std::uint64_t>(evalInt(name)));
            QVERIFY2(index, name);
            QVERIFY2(analysis.isSuspect(*index), (std::string(name) + ": " + explanationAt(*snapshot, snapshot->address(*index))).c_str());
        }
    }

    void untrackedContainersAreFollowed()
    {
        QVERIFY(testing::run("hidden_holder = [['in-untracked-list'], ['second']]\n"
                             "ctypes.pythonapi.PyObject_GC_UnTrack(ctypes.py_object(hidden_holder))\n"
                             "assert not gc.is_tracked(hidden_holder)\n"
                             "hidden_item_id = id(hidden_holder[0])\n"));
        const SnapshotPtr snapshot = collectAndCapture();
        const auto item = static_cast<std::uint64_t>(evalInt("hidden_item_id"));
        const std::string e = explanationAt(*snapshot, item);
        QVERIFY2(startsWith(e, "untracked-holder: held by builtins.list at ")
                     && e.find("which the collector does not track") != std::string::npos,
                 e.c_str());
        QCOMPARE(holderAddressOf(*snapshot, item), static_cast<std::uint64_t>(evalInt("id(hidden_holder)")));
        QVERIFY(testing::run("ctypes.pythonapi.PyObject_GC_Track(ctypes.py_object(hidden_holder))\ndel hidden_holder\n"));
    }

    void threadStartupStateIsExplained()
    {
        QVERIFY(testing::run("import threading, _thread\n"
                             "go = threading.Event()\n"
                             "worker = threading.Thread(target=go.wait, name='lab-worker', daemon=True)\n"
                             "worker.start()\n"
                             "def raw_entry(box, items):\n    go.wait()\n"
                             "raw_args = (object(), ['raw-argument'])\n"
                             "raw_args_id = id(raw_args)\n"
                             "_thread.start_new_thread(raw_entry, raw_args)\n"
                             "del raw_args\n"
                             // type.__call__ holds the argument tuple while __init__ runs.
                             "class Waiting:\n    def __init__(self, first, second):\n        go.wait()\n"
                             "ctor_thread = threading.Thread(target=lambda: Waiting(['ctor-a'], ['ctor-b']), daemon=True)\n"
                             "ctor_thread.start()\n"
                             "import time\ntime.sleep(0.2)\n"));
        const SnapshotPtr snapshot = collectAndCapture();
        QVERIFY(testing::run("go.set()\nworker.join()\nctor_thread.join()\n"));
        const HeapAnalysis analysis(*snapshot);
        const auto methods = candidatesWhere(analysis, [&](ObjectIndex i) {
            const ExplanationRecord* e = snapshot->explanation(i);
            return snapshot->typeNameOf(i) == "builtins.method" && e
                && snapshot->string(e->detail).find("<Thread(lab-worker, started daemon ") != std::string_view::npos;
        });
        QCOMPARE(methods.size(), std::size_t(1));
        const ExplanationRecord* m = snapshot->explanation(methods[0]);
        QCOMPARE(snapshot->string(m->kind), std::string_view("thread-state"));
        QVERIFY(snapshot->string(m->detail).starts_with("held by _thread's start-up state for thread "));
        QVERIFY(snapshot->string(m->detail).find(": the callable of the thread, <bound method Thread._bootstrap of <Thread(lab-worker, started daemon ")
                != std::string_view::npos);
        const std::string args = explanationAt(*snapshot, static_cast<std::uint64_t>(evalInt("raw_args_id")));
        QVERIFY2(startsWith(args, "thread-state: held by _thread's start-up state for thread ")
                     && args.ends_with(": the argument tuple of the thread, raw_entry"),
                 args.c_str());
        const auto constructorArgs = candidatesWhere(analysis, [&](ObjectIndex i) {
            return snapshot->typeNameOf(i) == "builtins.tuple" && reprContains(*snapshot, i, "'ctor-a'");
        });
        QCOMPARE(constructorArgs.size(), std::size_t(1));
        const std::string ctor = explanationAt(*snapshot, snapshot->address(constructorArgs[0]));
        QVERIFY2(startsWith(ctor, "frame: held by the C code that called Waiting.__init__ on thread ")
                     && ctor.ends_with(", still executing: the argument tuple"),
                 ctor.c_str());
        // No method or argument tuple of a running thread is left a suspect.
        for (ObjectIndex i : analysis.candidates()) {
            const std::string_view type = snapshot->typeNameOf(i);
            QVERIFY2(!analysis.isSuspect(i) || (type != "builtins.method" && type != "builtins.tuple"),
                     std::string(type).c_str());
        }
    }

private:
    bool m_numpy = false;
};

QTEST_GUILESS_MAIN(TestUntrackedHolders)
#include "tst_untracked_holders.moc"
