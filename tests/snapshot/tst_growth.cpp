// growth.h on synthetic series of snapshots of one process: what grows in every round is reported
// (a leaked object per round, a reference leaked per round on a live object, a type that keeps
// growing), what does not is not (a cache filled once, growth that misses a round), and the text and
// JSON outputs carry the numbers.

#include "snapshot/growth.h"
#include "test_graph.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtTest/QTest>

#include <memory>

using namespace leakscope;
using namespace leakscope::test;
using namespace Qt::StringLiterals;

namespace {

constexpr std::size_t kRounds = 4;

// Addresses by role, so every snapshot places the same object at the same address.
enum : std::uint64_t {
    kRoot = 0x10000,
    kKey = 0x10100,
    kCounter = 0x10200,
    kHolder = 0x10300,
    kCache = 0x10400,
    kPartialList = 0x10500,
    kItems = 0x20000,
    kEntries = 0x30000,
    kPartials = 0x40000,
    kLeaked = 0x50000,
    kSometimes = 0x60000,
    kDropped = 0x70000,
};

// What a series holds; each part can be left out.
struct Plan
{
    bool leak = false;      // one app.Leaked allocated and orphaned per round
    bool surplus = false;   // the counter dict gains one reference per round that nothing accounts for
    bool cache = false;     // app.Entry: 2 after the warm-up, 5 after round 1, then no more
    bool partial = false;   // app.Partial held and app.Sometimes orphaned in every round but round 3
    bool list = false;      // the holder list gains one app.Item per round
    bool dropped = false;   // the app.Dropped the list held is let go of, and stays alive, each round
};

std::size_t partialCount(std::size_t k)
{
    return k < 3 ? k + 1 : k; // 1 2 3 3 4: no growth in round 3
}

// Snapshot k of a series (0: after the warm-up).
GraphSpec seriesSpec(const Plan& plan, std::size_t k)
{
    GraphSpec spec;
    spec.types = {"builtins.dict", "builtins.list", "builtins.str", "app.Item", "app.Entry", "app.Partial",
                  "app.Leaked", "app.Sometimes", "app.Dropped"};
    spec.origins = {{"app.Leaked", "/opt/app/lib/_leaky.so", "LeakedType", "leaky.c:42"}};
    auto& objects = spec.objects;
    auto add = [&](Obj o) {
        objects.push_back(std::move(o));
        return static_cast<ObjectIndex>(objects.size() - 1);
    };
    const ObjectIndex root = add({.type = "builtins.dict", .size = 640, .address = kRoot});
    spec.explanations = {{root, "interpreter-root", "a module's dict"}};
    const ObjectIndex key = add({.type = "builtins.str", .gc = false, .refcount = 10, .size = 52, .repr = "'key'",
                                 .address = kKey});
    const ObjectIndex counter = add({.type = "builtins.dict", .refcount = plan.surplus ? 3 + k : 3, .size = 232,
                                     .edges = {key}, .repr = "{'key': …}", .address = kCounter});
    const ObjectIndex holder = add({.type = "builtins.list", .size = 88, .address = kHolder});
    const ObjectIndex cache = add({.type = "builtins.dict", .size = 360, .address = kCache});
    const ObjectIndex partialList = add({.type = "builtins.list", .size = 88, .address = kPartialList});
    objects[root].edges = {key, counter, holder, cache, partialList};
    // Every container keeps the key, so that each has a referent in common with itself in the next
    // snapshot however its other contents change.
    for (ObjectIndex container : {holder, cache, partialList})
        objects[container].edges.push_back(key);

    for (std::size_t j = 0; plan.list && j <= k; ++j) {
        const ObjectIndex item = add({.type = "app.Item", .repr = "Item(" + std::to_string(j) + ')',
                                      .address = kItems + 0x40 * j});
        objects[holder].edges.push_back(item);
    }
    // The list held the Dropped of the round before; it holds this round's, and the older ones stay
    // alive with no referrer.
    for (std::size_t j = 0; plan.dropped && j <= k; ++j) {
        const ObjectIndex dropped = add({.type = "app.Dropped", .repr = "Dropped(" + std::to_string(j) + ')',
                                         .address = kDropped + 0x40 * j});
        if (j == k)
            objects[holder].edges.push_back(dropped);
    }
    for (std::size_t j = 0; plan.cache && j < (k == 0 ? 2u : 5u); ++j) {
        const ObjectIndex entry = add({.type = "app.Entry", .repr = "Entry(" + std::to_string(j) + ')',
                                       .address = kEntries + 0x40 * j});
        objects[cache].edges.push_back(entry);
    }
    for (std::size_t j = 0; plan.partial && j < partialCount(k); ++j) {
        const ObjectIndex partial = add({.type = "app.Partial", .repr = "Partial(" + std::to_string(j) + ')',
                                         .address = kPartials + 0x40 * j});
        objects[partialList].edges.push_back(partial);
        add({.type = "app.Sometimes", .repr = "Sometimes(" + std::to_string(j) + ')', .address = kSometimes + 0x40 * j});
    }
    for (std::size_t j = 0; plan.leak && j <= k; ++j) {
        const ObjectIndex leaked = add({.type = "app.Leaked", .size = 48, .repr = "Leaked(" + std::to_string(j) + ')',
                                        .address = kLeaked + 0x40 * j});
        spec.allocations.push_back({leaked, {{"work.py", 12}, {"main.py", 3}}});
    }
    return spec;
}

// An analysis that owns its snapshot, as GrowthAnalysis::add() needs.
std::shared_ptr<const HeapAnalysis> analysed(const GraphSpec& spec)
{
    const auto heap = std::make_shared<Heap>(spec);
    return {heap, &heap->analysis};
}

GrowthAnalysis series(const Plan& plan, std::size_t rounds = kRounds)
{
    GrowthAnalysis growth;
    for (std::size_t k = 0; k <= rounds; ++k)
        growth.add(analysed(seriesSpec(plan, k)));
    return growth;
}

template<typename T>
std::vector<T> repeated(std::size_t count, T value)
{
    return std::vector<T>(count, value);
}

QJsonObject parseJson(const std::string& text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(QByteArray::fromStdString(text), &error);
    if (error.error != QJsonParseError::NoError)
        qWarning("%s", qPrintable(error.errorString()));
    return document.object();
}

QJsonArray numbers(std::initializer_list<int> values)
{
    QJsonArray array;
    for (int value : values)
        array.append(value);
    return array;
}

} // namespace

class TestGrowth : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void leakedObjectPerRound();
    void referenceLeakedPerRound();
    void droppedObjectsCount();
    void growingListIsNoLeak();
    void onceAndAlmostAreNotReported();
    void fewerThanTwoSnapshots();
    void copiesAreIndependent();
    void textOfAFullSeries();
    void jsonOfAFullSeries();
    void limits();
};

void TestGrowth::leakedObjectPerRound()
{
    const GrowthAnalysis growth = series({.leak = true});
    QCOMPARE(growth.rounds(), kRounds);
    QVERIFY(growth.leaks());
    QCOMPARE(growth.leakedObjects().size(), 1u);
    const LeakedObjectsRow& row = growth.leakedObjects()[0];
    QCOMPARE(row.typeName, std::string("app.Leaked"));
    QCOMPARE(row.perRound, repeated<std::uint64_t>(kRounds, 1));
    // The last round's leaked object, in the last snapshot.
    QCOMPARE(row.objects.size(), 1u);
    QCOMPARE(growth.last()->snapshot().address(row.objects[0]), kLeaked + 0x40 * kRounds);
    QCOMPARE(growth.last()->snapshot().repr(row.objects[0]), "Leaked(4)");
    // The type grows too; no reference is leaked on a live object.
    QCOMPARE(growth.growingTypes().size(), 1u);
    QCOMPARE(growth.growingTypes()[0].typeName, std::string("app.Leaked"));
    QCOMPARE(growth.growingTypes()[0].counts, (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
    QCOMPARE(growth.growingTypes()[0].bytes, (std::vector<std::uint64_t>{48, 96, 144, 192, 240}));
    QCOMPARE(growth.growingTypes()[0].increases(), repeated<std::int64_t>(kRounds, 1));
    QVERIFY(growth.surplusGrowth().empty());
}

void TestGrowth::referenceLeakedPerRound()
{
    const GrowthAnalysis growth = series({.surplus = true});
    QVERIFY(growth.leaks());
    QVERIFY(growth.leakedObjects().empty());
    QVERIFY(growth.growingTypes().empty());
    QCOMPARE(growth.surplusGrowth().size(), 1u);
    const SurplusSeriesRow& row = growth.surplusGrowth()[0];
    QCOMPARE(growth.last()->snapshot().address(row.object), std::uint64_t(kCounter));
    QCOMPARE(row.growth, repeated<std::int64_t>(kRounds, 1));
    QCOMPARE(row.surplus, (std::vector<std::int64_t>{2, 3, 4, 5, 6}));
}

void TestGrowth::droppedObjectsCount()
{
    // Each round lets go of the object the round before kept: a new suspect that was referenced in
    // the snapshot before counts as leaked in the round (docs/growth.md).
    const GrowthAnalysis growth = series({.dropped = true});
    QVERIFY(growth.leaks());
    QCOMPARE(growth.leakedObjects().size(), 1u);
    QCOMPARE(growth.leakedObjects()[0].typeName, std::string("app.Dropped"));
    QCOMPARE(growth.leakedObjects()[0].perRound, repeated<std::uint64_t>(kRounds, 1));
    QCOMPARE(growth.last()->snapshot().address(growth.leakedObjects()[0].objects.at(0)),
             kDropped + 0x40 * (kRounds - 1));
}

void TestGrowth::growingListIsNoLeak()
{
    const GrowthAnalysis growth = series({.list = true});
    QVERIFY(!growth.leaks());
    QCOMPARE(growth.growingTypes().size(), 1u);
    QCOMPARE(growth.growingTypes()[0].typeName, std::string("app.Item"));
    QCOMPARE(growth.growingTypes()[0].counts, (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
    const std::string text = growthText(growth, {});
    QVERIFY2(text.starts_with("no leak over 4 rounds: 1 type grows in every round"), text.c_str());
    QVERIFY2(text.find("app.Item: +1 +1 +1 +1 per round (1 → 5 objects, 16 → 80 bytes)") != std::string::npos,
             text.c_str());
    QVERIFY2(text.find("Leaked objects") == std::string::npos, text.c_str());
    QCOMPARE(parseJson(growthJson(growth, {})).value("leaks"_L1), QJsonValue(false));
}

void TestGrowth::onceAndAlmostAreNotReported()
{
    const GrowthAnalysis growth = series({.cache = true, .partial = true});
    QCOMPARE(growth.rounds(), kRounds);
    QVERIFY(!growth.leaks());
    QVERIFY(growth.growingTypes().empty());
    QVERIFY(growth.leakedObjects().empty());
    QVERIFY(growth.surplusGrowth().empty());
    QCOMPARE(growthText(growth, {}), std::string("no growth in every round over 4 rounds\n"));

    // Up to round 2 the partial growers did grow in every round.
    const GrowthAnalysis early = series({.cache = true, .partial = true}, 2);
    QCOMPARE(early.leakedObjects().size(), 1u);
    QCOMPARE(early.leakedObjects()[0].typeName, std::string("app.Sometimes"));
    QCOMPARE(early.growingTypes().size(), 2u); // app.Partial and app.Sometimes, not app.Entry
    QCOMPARE(early.growingTypes()[0].typeName, std::string("app.Partial"));
    QCOMPARE(early.growingTypes()[1].typeName, std::string("app.Sometimes"));
}

void TestGrowth::fewerThanTwoSnapshots()
{
    GrowthAnalysis growth;
    QCOMPARE(growth.rounds(), 0u);
    QVERIFY(!growth.last());
    QVERIFY(growthText(growth, {}).starts_with("no round measured"));
    QCOMPARE(parseJson(growthJson(growth, {})).value("last_snapshot"_L1), QJsonValue(QJsonValue::Null));
    growth.add(analysed(seriesSpec({.leak = true}, 0)));
    QCOMPARE(growth.rounds(), 0u);
    QVERIFY(growth.last());
    QVERIFY(!growth.leaks());
    QVERIFY(growth.growingTypes().empty());
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, growth.add(nullptr));
    QCOMPARE(growth.rounds(), 0u);
}

void TestGrowth::copiesAreIndependent()
{
    GrowthAnalysis growth = series({.leak = true}, 1);
    const GrowthAnalysis copy = growth;
    growth.add(analysed(seriesSpec({.leak = true}, 2)));
    QCOMPARE(growth.rounds(), 2u);
    QCOMPARE(copy.rounds(), 1u);
    QCOMPARE(copy.leakedObjects()[0].perRound.size(), 1u);
    QCOMPARE(growth.leakedObjects()[0].perRound.size(), 2u);
}

void TestGrowth::textOfAFullSeries()
{
    const Plan all{.leak = true, .surplus = true, .cache = true, .partial = true, .list = true};
    const GrowthAnalysis growth = series(all);
    GrowthReportOptions options;
    options.title = "test_work";
    const std::string text = growthText(growth, options);
    const char* expectedLines[] = {
        "test_work: leaks: 2 findings over 4 rounds\n",
        "\nLeaked objects (new suspects in every round):\n  app.Leaked: +1 +1 +1 +1 per round\n"
        "    0x50100  Leaked(4)\n"
        "      type from LeakedType in _leaky.so (leaky.c:42)\n"
        "      allocated at work.py:12\n",
        "\nObjects whose references grow (surplus):\n"
        "  builtins.dict 0x10200: +1 +1 +1 +1 per round (surplus 2 → 6)  {'key': …}\n",
        "\nTypes growing every round:\n"
        "  app.Item: +1 +1 +1 +1 per round (1 → 5 objects, 16 → 80 bytes)\n"
        "  app.Leaked: +1 +1 +1 +1 per round (1 → 5 objects, 48 → 240 bytes)\n",
    };
    std::size_t at = 0;
    for (const char* expected : expectedLines) {
        const std::size_t found = text.find(expected, at);
        QVERIFY2(found != std::string::npos, (std::string("missing, in order: ") + expected + "\nin:\n" + text).c_str());
        at = found;
    }
    for (const char* absent : {"app.Entry", "app.Partial", "app.Sometimes"})
        QVERIFY2(text.find(absent) == std::string::npos, text.c_str());
}

void TestGrowth::jsonOfAFullSeries()
{
    const Plan all{.leak = true, .surplus = true, .cache = true, .partial = true, .list = true};
    const GrowthAnalysis growth = series(all);
    const QJsonObject json = parseJson(growthJson(growth, {}));
    QCOMPARE(json.value("format"_L1).toString(), u"leakscope-growth"_s);
    QCOMPARE(json.value("version"_L1).toInt(), kGrowthReportVersion);
    QCOMPARE(json.value("rounds"_L1).toInt(), int(kRounds));
    QCOMPARE(json.value("leaks"_L1), QJsonValue(true));

    const QJsonArray leaked = json.value("leaked_objects"_L1).toArray();
    QCOMPARE(leaked.size(), 1);
    QCOMPARE(leaked[0]["type"_L1].toString(), u"app.Leaked"_s);
    QCOMPARE(leaked[0]["per_round"_L1].toArray(), numbers({1, 1, 1, 1}));
    const QJsonObject object = leaked[0]["objects"_L1].toArray().at(0).toObject();
    QCOMPARE(object.value("address"_L1).toString(), u"0x50100"_s);
    QCOMPARE(object.value("repr"_L1).toString(), u"Leaked(4)"_s);
    QCOMPARE(object.value("origin"_L1)["library"_L1].toString(), u"/opt/app/lib/_leaky.so"_s);
    QCOMPARE(object.value("origin"_L1)["symbol"_L1].toString(), u"LeakedType"_s);
    QCOMPARE(object.value("allocated_at"_L1)[0]["file"_L1].toString(), u"work.py"_s);
    QCOMPARE(object.value("allocated_at"_L1)[0]["line"_L1].toInt(), 12);

    const QJsonArray surplus = json.value("surplus_growth"_L1).toArray();
    QCOMPARE(surplus.size(), 1);
    QCOMPARE(surplus[0]["growth"_L1].toArray(), numbers({1, 1, 1, 1}));
    QCOMPARE(surplus[0]["surplus"_L1].toArray(), numbers({2, 3, 4, 5, 6}));
    QCOMPARE(surplus[0]["object"_L1]["address"_L1].toString(), u"0x10200"_s);

    const QJsonArray types = json.value("growing_types"_L1).toArray();
    QCOMPARE(types.size(), 2);
    QCOMPARE(types[0]["type"_L1].toString(), u"app.Item"_s);
    QCOMPARE(types[0]["counts"_L1].toArray(), numbers({1, 2, 3, 4, 5}));
    QCOMPARE(types[0]["increases"_L1].toArray(), numbers({1, 1, 1, 1}));
    QCOMPARE(types[1]["type"_L1].toString(), u"app.Leaked"_s);
    QCOMPARE(types[1]["bytes"_L1].toArray(), numbers({48, 96, 144, 192, 240}));
    QCOMPARE(json.value("totals"_L1)["growing_types"_L1].toInt(), 2);
}

void TestGrowth::limits()
{
    const Plan all{.leak = true, .surplus = true, .list = true, .dropped = true};
    const GrowthAnalysis growth = series(all);
    GrowthReportOptions options;
    options.limit = 1;
    options.objectsPerRow = 0;
    const std::string text = growthText(growth, options);
    QVERIFY2(text.find("  … 1 more row\n") != std::string::npos, text.c_str());
    QVERIFY2(text.find("… 1 more object") != std::string::npos, text.c_str());
    QVERIFY2(text.find("Leaked(4)") == std::string::npos, text.c_str());
    const QJsonObject json = parseJson(growthJson(growth, options));
    QCOMPARE(json.value("leaked_objects"_L1).toArray().size(), 1);
    QCOMPARE(json.value("leaked_objects"_L1)[0]["objects"_L1].toArray().size(), 0);
    QCOMPARE(json.value("totals"_L1)["leaked_objects"_L1].toInt(), 2);
}

QTEST_GUILESS_MAIN(TestGrowth)
#include "tst_growth.moc"
