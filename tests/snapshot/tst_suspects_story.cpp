// The leak suspects story on hand-made heaps whose groups, retained bytes, shares, accumulation
// points and paths are worked out in the comments beside them.

#include "test_graph.h"

#include "snapshot/dominators.h"
#include "snapshot/suspects_story.h"

#include <QtTest/QTest>

#include <chrono>

using namespace leakscope;
using namespace leakscope::test;

namespace {

const char kPlantleak[] = "/usr/lib/python3/dist-packages/plantleak.cpython-311-x86_64-linux-gnu.so";

// 0: an explained root (sys.modules-like) holding 1.
// 2: a leaked app.Leaky (40) -> 3: its __dict__ (60) -> 4: a list (400) -> 5, 6: str (30 each).
// 7: a second app.Leaky (40) holding nothing.
// 8: a leaked list (200) -> 9: a str (100).
// Heap: 100 + 50 + 40 + 60 + 400 + 30 + 30 + 40 + 200 + 100 = 1050 bytes.
GraphSpec leakyHeap()
{
    GraphSpec spec;
    spec.objects = {
        {.type = "builtins.dict", .size = 100, .edges = {1}},
        {.type = "builtins.list", .size = 50},
        {.type = "app.Leaky", .size = 40, .edges = {3}, .labels = {"__dict__"}},
        {.type = "builtins.dict", .size = 60, .edges = {4}, .labels = {"['rows']"}},
        {.type = "builtins.list", .size = 400, .edges = {5, 6}},
        {.type = "builtins.str", .gc = false, .size = 30, .repr = "'a'"},
        {.type = "builtins.str", .gc = false, .size = 30, .repr = "'b'"},
        {.type = "app.Leaky", .size = 40},
        {.type = "builtins.list", .size = 200, .edges = {9}},
        {.type = "builtins.str", .gc = false, .size = 100, .repr = "'row'"},
    };
    spec.explanations = {{.object = 0, .kind = "interpreter-root", .detail = "sys.modules"}};
    spec.origins = {{.type = "app.Leaky", .library = kPlantleak, .symbol = "LeakyType", .source = "plantleak.c:42"}};
    spec.allocations = {{.object = 7, .frames = {{"/srv/app.py", 12}, {"/srv/main.py", 3}}}};
    return spec;
}

} // namespace

class TestSuspectsStory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void groupsByTypeRankedByRetainedBytes()
    {
        const Heap heap(leakyHeap());
        const DominatorTree tree(heap.snapshot, heap.analysis);
        QCOMPARE(tree.totalBytes(), std::uint64_t(1050));
        const SuspectsStory story = buildSuspectsStory(heap.analysis, tree);

        QCOMPARE(story.objects, std::size_t(3)); // 2, 7 and 8; the explained root is no suspect
        QCOMPARE(story.heapBytes, std::uint64_t(1050));
        QCOMPARE(story.retainedBytes, std::uint64_t(560 + 40 + 300));
        QCOMPARE(story.totalGroups, std::size_t(2));
        QCOMPARE(story.groups.size(), std::size_t(2));

        const SuspectGroup& leaky = story.groups[0];
        QCOMPARE(leaky.kind, SuspectGroup::Kind::TypeAndLibrary);
        QCOMPARE(heap.snapshot.typeName(leaky.type), std::string_view("app.Leaky"));
        QCOMPARE(leaky.count, std::size_t(2));
        QCOMPARE(toVector(leaky.members), (std::vector<ObjectIndex>{2, 7})); // 560 before 40
        QCOMPARE(leaky.retainedBytes, std::uint64_t(600));
        QCOMPARE(leaky.heapShare, 600.0 / 1050.0);
        QCOMPARE(leaky.library, std::string(kPlantleak));
        QCOMPARE(leaky.symbol, std::string("LeakyType"));
        QCOMPARE(leaky.source, std::string("plantleak.c:42"));
        QCOMPARE(leaky.holder, kNoObject);
        QCOMPARE(leaky.representative, ObjectIndex(2));
        QCOMPARE(leaky.representativeRetained, std::uint64_t(560));
        // 2 retains 560; its dict 520 > 280 and the dict's list 460 > 280, the list's strs 30 each.
        QCOMPARE(leaky.accumulationPoint, ObjectIndex(4));
        QCOMPARE(leaky.accumulationRetained, std::uint64_t(460));
        QCOMPARE(toVector(leaky.pathFromRoot), (std::vector<ObjectIndex>{2, 3, 4}));
        QVERIFY(leaky.nothingRefersToRepresentative);
        // 2 has no allocation site; 7, the next member, has.
        QCOMPARE(leaky.allocatedMember, ObjectIndex(7));
        QCOMPARE(leaky.allocationSite.size(), std::size_t(2));
        QCOMPARE(heap.snapshot.string(leaky.allocationSite[0].file), std::string_view("/srv/app.py"));
        QCOMPARE(leaky.allocationSite[0].line, std::uint32_t(12));
        // What the two retain: the list, the two Leaky, the two strs, the dict (equal bytes: more objects first).
        QCOMPARE(leaky.retainedTypes.size(), std::size_t(4));
        const std::pair<const char*, std::uint64_t> types[]
            = {{"builtins.list", 400}, {"app.Leaky", 80}, {"builtins.str", 60}, {"builtins.dict", 60}};
        const std::uint64_t objects[] = {1, 2, 2, 1};
        for (std::size_t k = 0; k < 4; ++k) {
            QCOMPARE(heap.snapshot.typeName(leaky.retainedTypes[k].type), std::string_view(types[k].first));
            QCOMPARE(leaky.retainedTypes[k].bytes, types[k].second);
            QCOMPARE(leaky.retainedTypes[k].objects, objects[k]);
        }

        const SuspectGroup& list = story.groups[1];
        QCOMPARE(heap.snapshot.typeName(list.type), std::string_view("builtins.list"));
        QCOMPARE(toVector(list.members), (std::vector<ObjectIndex>{8}));
        QCOMPARE(list.retainedBytes, std::uint64_t(300));
        QVERIFY(list.library.empty());
        // 9 retains 100 of 300: not most of it, so the list itself is where the bytes sit.
        QCOMPARE(list.accumulationPoint, ObjectIndex(8));
        QCOMPARE(toVector(list.pathFromRoot), (std::vector<ObjectIndex>{8}));
        QCOMPARE(list.allocatedMember, kNoObject);
        QVERIFY(list.allocationSite.empty());

        QCOMPARE(groupSentence(heap.snapshot, leaky),
            std::string("2 instances of app.Leaky, defined in plantleak.cpython-311-x86_64-linux-gnu.so, retain "
                        "600 B (57.1% of the heap); nothing in the heap refers to them."));
        QCOMPARE(accumulationSentence(heap.snapshot, leaky),
            std::string("In the biggest (560 B), most (460 B) accumulates in builtins.list at 0x7f0000001100, 2 "
                        "references below it."));
        QCOMPARE(groupSentence(heap.snapshot, list),
            std::string("1 instance of builtins.list retains 300 B (28.6% of the heap); nothing in the heap refers "
                        "to it."));
        QVERIFY(accumulationSentence(heap.snapshot, list).empty());
    }

    void accumulationShareAndLimits()
    {
        const Heap heap(leakyHeap());
        const DominatorTree tree(heap.snapshot, heap.analysis);
        SuspectsStoryOptions options;
        // 90% of 560 is 504: the dict (520) still holds most of it, its list (460) no longer does.
        options.accumulationShare = 0.9;
        options.maxGroups = 1;
        options.maxMembers = 1;
        const SuspectsStory story = buildSuspectsStory(heap.analysis, tree, options);
        QCOMPARE(story.totalGroups, std::size_t(2));
        QCOMPARE(story.groups.size(), std::size_t(1));
        const SuspectGroup& leaky = story.groups[0];
        QCOMPARE(leaky.accumulationPoint, ObjectIndex(3));
        QCOMPARE(toVector(leaky.pathFromRoot), (std::vector<ObjectIndex>{2, 3}));
        QCOMPARE(toVector(leaky.members), (std::vector<ObjectIndex>{2}));
        QCOMPARE(leaky.count, std::size_t(2)); // still the whole group's
        QCOMPARE(leaky.retainedBytes, std::uint64_t(600));
        QCOMPARE(leaky.allocatedMember, kNoObject); // 7 was cut off with the members
        // retainedTypes still counts every member, 7 included; only one row kept.
        options.maxRetainedTypes = 1;
        const SuspectsStory cut = buildSuspectsStory(heap.analysis, tree, options);
        QCOMPARE(cut.groups[0].retainedTypes.size(), std::size_t(1));
        QCOMPARE(cut.groups[0].retainedTypes[0].bytes, std::uint64_t(400));
        QCOMPARE(story.groups[0].retainedTypes[1].objects, std::uint64_t(2)); // both Leaky
    }

    void commonHolderGroups()
    {
        // 0: a suspect holder (10) -> 1, 2, 3: app.Item (100, 200, 50).
        // 4: app.Item (70), held by the suspect 5 (10).
        // 6 <-> 7 and 7 <-> 9: a cycle nothing reaches; 6 (500) is the lowest index, so the tree's root
        // child, dominating 7 (10) and 9 (10). 6's one referrer is 7, which dominates 9: holder 7.
        GraphSpec spec;
        spec.objects = {
            {.type = "app.Holder", .size = 10, .edges = {1, 2, 3}},
            {.type = "app.Item", .size = 100},
            {.type = "app.Item", .size = 200},
            {.type = "app.Item", .size = 50},
            {.type = "app.Item", .size = 70},
            {.type = "app.Holder", .size = 10, .edges = {4}},
            {.type = "app.Node", .size = 500, .edges = {7}},
            {.type = "app.Node", .size = 10, .edges = {6, 9}},
            {.type = "app.Other", .size = 40},
            {.type = "app.Node", .size = 10, .edges = {7}},
        };
        const Heap heap(spec);
        const DominatorTree tree(heap.snapshot, heap.analysis);
        QCOMPARE(tree.immediateDominator(6), kNoObject);
        const std::vector<ObjectIndex> objects{1, 2, 3, 4, 6, 9, 9, 1000};
        SuspectsStoryOptions options;
        options.objects = objects;
        const SuspectsStory story = buildSuspectsStory(heap.analysis, tree, options);
        QCOMPARE(story.objects, std::size_t(6)); // the duplicate and the index out of range dropped
        QCOMPARE(story.totalGroups, std::size_t(3));

        // 6 retains 6, 7 and 9: 520, and 9 under it is not counted again.
        const SuspectGroup& cycle = story.groups[0];
        QCOMPARE(cycle.kind, SuspectGroup::Kind::CommonHolder);
        QCOMPARE(cycle.holder, ObjectIndex(7));
        QCOMPARE(toVector(cycle.members), (std::vector<ObjectIndex>{6, 9}));
        QCOMPARE(cycle.retainedBytes, std::uint64_t(520));
        QVERIFY(!cycle.mixedTypes);
        QVERIFY(!cycle.nothingRefersToRepresentative);
        QCOMPARE(cycle.accumulationPoint, ObjectIndex(6)); // 7 retains 20 of 520
        QVERIFY(cycle.pathFromRoot.empty()); // only the cycle holds it
        // 9 lies inside 6's retained set: counted once.
        QCOMPARE(cycle.retainedTypes.size(), std::size_t(1));
        QCOMPARE(cycle.retainedTypes[0].objects, std::uint64_t(3));
        QCOMPARE(cycle.retainedTypes[0].bytes, std::uint64_t(520));
        QCOMPARE(groupSentence(heap.snapshot, cycle),
            std::string("2 objects of type app.Node held by app.Node at 0x7f00000011c0 retain 520 B (52.0% of "
                        "the heap); no root reaches the biggest: it is held only by a cycle."));

        const SuspectGroup& items = story.groups[1];
        QCOMPARE(items.kind, SuspectGroup::Kind::CommonHolder);
        QCOMPARE(items.holder, ObjectIndex(0));
        QCOMPARE(toVector(items.members), (std::vector<ObjectIndex>{2, 1, 3}));
        QCOMPARE(items.retainedBytes, std::uint64_t(350));
        QCOMPARE(toVector(items.pathFromRoot), (std::vector<ObjectIndex>{0, 2}));
        QVERIFY(!items.nothingRefersToRepresentative);

        // 4 alone under 5: no holder group of one, so by its type.
        const SuspectGroup& lone = story.groups[2];
        QCOMPARE(lone.kind, SuspectGroup::Kind::TypeAndLibrary);
        QCOMPARE(toVector(lone.members), (std::vector<ObjectIndex>{4}));
        QCOMPARE(toVector(lone.pathFromRoot), (std::vector<ObjectIndex>{5, 4}));
        QCOMPARE(story.retainedBytes, std::uint64_t(520 + 350 + 70));
    }

    void mixedHolderGroupAndPathLimit()
    {
        // A root 0 -> 1 -> 2 -> 3, and 3 holds 4 (app.A) and 5 (app.B).
        GraphSpec spec;
        spec.objects = {
            {.size = 10, .edges = {1}},
            {.size = 10, .edges = {2}},
            {.size = 10, .edges = {3}},
            {.size = 10, .edges = {4, 5}},
            {.type = "app.A", .size = 30},
            {.type = "app.B", .size = 20},
        };
        const Heap heap(spec);
        const DominatorTree tree(heap.snapshot, heap.analysis);
        const std::vector<ObjectIndex> objects{4, 5};
        SuspectsStoryOptions options;
        options.objects = objects;
        SuspectsStory story = buildSuspectsStory(heap.analysis, tree, options);
        QCOMPARE(story.groups.size(), std::size_t(1));
        QVERIFY(story.groups[0].mixedTypes);
        QCOMPARE(toVector(story.groups[0].pathFromRoot), (std::vector<ObjectIndex>{0, 1, 2, 3, 4}));
        QCOMPARE(groupSentence(heap.snapshot, story.groups[0]),
            std::string("2 objects held by builtins.object at 0x7f00000010c0 retain 50 B (55.6% of the heap); "
                        "the biggest is reached from builtins.object at 0x7f0000001000."));
        options.maxPathLength = 3; // the root is 4 references up
        story = buildSuspectsStory(heap.analysis, tree, options);
        QVERIFY(story.groups[0].pathFromRoot.empty());
    }

    void emptyStory()
    {
        GraphSpec spec;
        spec.objects = {{.size = 10}};
        spec.explanations = {{.object = 0, .kind = "interpreter-root", .detail = "sys.modules"}};
        const Heap heap(spec);
        const DominatorTree tree(heap.snapshot, heap.analysis);
        const SuspectsStory story = buildSuspectsStory(heap.analysis, tree);
        QCOMPARE(story.objects, std::size_t(0));
        QVERIFY(story.groups.empty());
        QCOMPARE(story.heapBytes, std::uint64_t(10));
    }

    void byteSizes()
    {
        QCOMPARE(formatByteSize(0), std::string("0 B"));
        QCOMPARE(formatByteSize(1023), std::string("1023 B"));
        QCOMPARE(formatByteSize(1024), std::string("1.0 KB"));
        QCOMPARE(formatByteSize(1536), std::string("1.5 KB"));
        QCOMPARE(formatByteSize(1048575), std::string("1.0 MB"));
        QCOMPARE(formatByteSize(3ULL << 30), std::string("3.0 GB"));
    }

    // A story over every object of a 200,000-object chain: one group, whose bytes are the head's alone
    // (each member dominates the next). Deciding that walks each dominator once, not once per member
    // below it (which would be 2 * 10^10 steps). Not a timed assertion: the figure is printed.
    void storyOverADeepChain()
    {
        GraphSpec spec;
        const ObjectIndex n = 200000;
        spec.objects.resize(n);
        for (ObjectIndex i = 0; i + 1 < n; ++i)
            spec.objects[i].edges = {i + 1};
        const Heap heap(spec);
        const DominatorTree tree(heap.snapshot, heap.analysis);
        std::vector<ObjectIndex> all(n);
        for (ObjectIndex i = 0; i < n; ++i)
            all[i] = i;
        SuspectsStoryOptions options;
        options.objects = all;
        const auto start = std::chrono::steady_clock::now();
        const SuspectsStory story = buildSuspectsStory(heap.analysis, tree, options);
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        qInfo("story over a chain of %u objects: %.1f ms", n, ms);
        QCOMPARE(story.totalGroups, std::size_t(1));
        QCOMPARE(story.retainedBytes, std::uint64_t(16) * n);
        const SuspectGroup& g = story.groups[0];
        QCOMPARE(g.count, std::size_t(n));
        QCOMPARE(g.retainedBytes, std::uint64_t(16) * n);
        QCOMPARE(g.representative, ObjectIndex(0));
        // Down the chain while the next object retains more than half of the head's 3,200,000 bytes:
        // object k retains 16 * (n - k), more than 1,600,000 up to k = 99,999.
        QCOMPARE(g.accumulationPoint, ObjectIndex(99999));
        QVERIFY(g.pathFromRoot.empty()); // the root is 99,999 references up, past maxPathLength
        QCOMPARE(g.retainedTypes.size(), std::size_t(1));
        QCOMPARE(g.retainedTypes[0].objects, std::uint64_t(n));
        QCOMPARE(g.retainedTypes[0].bytes, std::uint64_t(16) * n);
    }

    // Not a timed assertion: the figure is printed. 100,000 suspects of 100 types, each holding a dict.
    void manySuspects()
    {
        GraphSpec spec;
        const ObjectIndex n = 100000;
        spec.objects.reserve(2 * n);
        for (ObjectIndex i = 0; i < n; ++i)
            spec.objects.push_back({.type = "app.T" + std::to_string(i % 100), .size = 48, .edges = {n + i}});
        for (ObjectIndex i = 0; i < n; ++i)
            spec.objects.push_back({.type = "builtins.dict", .size = 100 + i % 7});
        const Heap heap(spec);
        const DominatorTree tree(heap.snapshot, heap.analysis);
        const auto start = std::chrono::steady_clock::now();
        const SuspectsStory story = buildSuspectsStory(heap.analysis, tree);
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        qInfo("story over %zu suspects (%zu groups): %.1f ms", story.objects, story.totalGroups, ms);
        QCOMPARE(story.objects, std::size_t(n));
        QCOMPARE(story.totalGroups, std::size_t(100));
        QCOMPARE(story.groups.size(), std::size_t(10));
        QCOMPARE(story.retainedBytes, tree.totalBytes());
        QCOMPARE(story.groups[0].members.size(), std::size_t(100));
        QCOMPARE(story.groups[0].count, std::size_t(1000));
    }
};

QTEST_GUILESS_MAIN(TestSuspectsStory)
#include "tst_suspects_story.moc"
