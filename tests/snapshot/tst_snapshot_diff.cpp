// snapshot_diff.h and diff_report.h on synthetic pairs of snapshots: object matching (and telling a
// reused address apart), per-type deltas, new suspects, surplus growth, and the three outputs read back
// through independent parsers.

#include "snapshot/diff_report.h"
#include "snapshot/report.h"
#include "snapshot/snapshot_diff.h"
#include "test_graph.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtTest/QTest>

#include <algorithm>
#include <map>

using namespace leakscope;
using namespace leakscope::test;
using namespace Qt::StringLiterals;

namespace {

constexpr std::uint64_t kStaticRefcount = 999'999'999; // what CPython 3.11 gives its static objects

// Types registered in this order in both snapshots, so a type has the same address in both, as the
// same class object has in one process.
const std::vector<std::string> kTypes = {"builtins.dict", "builtins.list", "builtins.str", "builtins.int",
                                         "builtins.tuple", "builtins.float", "app.Node", "app.Job"};

// Addresses by role, so both snapshots place the same object at the same address whatever its index.
enum : std::uint64_t {
    kRoot = 0x10000,
    kLeakyDict = 0x10100,
    kKey = 0x10200,
    kSmallInt = 0x10300,
    kList = 0x10400,
    kShared = 0x10500,
    kNode = 0x10600, // freed after A; another app.Node takes its place in B
    kNodeChildA = 0x10700,
    kNodeChildB = 0x10800,
    kFloat = 0x10900, // freed after A; another float takes its place in B
    kInterned = 0x10a00,
    kChurnA = 0x20000, // tuples only A has
    kChurnB = 0x30000, // tuples only B has
    kNewcomer = 0x10b00,
    kOrphan = 0x10c00, // a job that lost every referrer: a new suspect
};

// The heap before: a root (an explained candidate, like a module's dict) holds a dict, a list, a node
// and a float; the dict holds a key and a static small int; the list holds one shared object and
// three tuples of passing work.
GraphSpec beforeSpec()
{
    GraphSpec spec;
    spec.types = kTypes;
    spec.objects = {
        {.type = "builtins.dict", .refcount = 1, .size = 640, .edges = {1, 4, 6, 8, 10}, .address = kRoot},
        {.type = "builtins.dict", .refcount = 1, .size = 232, .edges = {2, 3}, .address = kLeakyDict},
        {.type = "builtins.str", .gc = false, .refcount = 1, .size = 52, .repr = "'key'", .address = kKey},
        {.type = "builtins.int", .gc = false, .refcount = kStaticRefcount, .size = 28, .repr = "5",
         .address = kSmallInt},
        {.type = "builtins.list", .refcount = 1, .size = 88, .edges = {5, 11, 12, 13}, .address = kList},
        {.type = "app.Job", .refcount = 1, .size = 48, .address = kShared},
        {.type = "app.Node", .refcount = 1, .size = 48, .edges = {7}, .repr = "Node(a)", .address = kNode},
        {.type = "builtins.str", .gc = false, .refcount = 1, .size = 50, .repr = "'a'", .address = kNodeChildA},
        {.type = "builtins.float", .gc = false, .refcount = 1, .size = 24, .repr = "1.5", .address = kFloat},
        {.type = "builtins.str", .gc = false, .refcount = 4, .size = 60, .repr = "'interned'", .address = kInterned},
        {.type = "builtins.list", .refcount = 1, .size = 56, .edges = {9}, .address = kRoot + 0x80},
        {.type = "builtins.tuple", .refcount = 1, .size = 56, .edges = {9}, .address = kChurnA},
        {.type = "builtins.tuple", .refcount = 1, .size = 56, .edges = {9}, .address = kChurnA + 0x40},
        {.type = "builtins.tuple", .refcount = 1, .size = 56, .edges = {9}, .address = kChurnA + 0x80},
    };
    spec.explanations = {{0, "interpreter-root", "a module's dict"}};
    return spec;
}

// The heap after, with its objects in another order: seven extra references to the dict that nothing
// accounts for; the list now holds the shared object three times and a newcomer (legitimate new
// referrers); the churn tuples were freed and three others allocated; the node and the float were
// freed and objects of the same types took their addresses (with more references than referrers,
// held by a frame, say); one more reference to an interned string from a code object made in between;
// the static int's refcount moved by thousands; one new job is held by nothing in the snapshot.
GraphSpec afterSpec()
{
    GraphSpec spec;
    spec.types = kTypes;
    spec.objects = {
        {.type = "builtins.tuple", .refcount = 1, .size = 56, .edges = {13}, .address = kChurnB},
        {.type = "builtins.tuple", .refcount = 1, .size = 56, .edges = {13}, .address = kChurnB + 0x40},
        {.type = "builtins.tuple", .refcount = 1, .size = 56, .edges = {13}, .address = kChurnB + 0x80},
        {.type = "builtins.list", .refcount = 1, .size = 120, .edges = {4, 4, 4, 11, 0, 1, 2},
         .address = kList},
        {.type = "app.Job", .refcount = 3, .size = 48, .address = kShared},
        {.type = "builtins.dict", .refcount = 1 + 7, .size = 232, .edges = {6, 7}, .address = kLeakyDict},
        {.type = "builtins.str", .gc = false, .refcount = 1, .size = 52, .repr = "'key'", .address = kKey},
        {.type = "builtins.int", .gc = false, .refcount = kStaticRefcount + 4321, .size = 28, .repr = "5",
         .address = kSmallInt},
        {.type = "app.Node", .refcount = 3, .size = 48, .edges = {9}, .repr = "Node(b)", .address = kNode},
        {.type = "builtins.str", .gc = false, .refcount = 1, .size = 50, .repr = "'b'", .address = kNodeChildB},
        {.type = "builtins.float", .gc = false, .refcount = 4, .size = 24, .repr = "2.5", .address = kFloat},
        {.type = "app.Job", .refcount = 1, .size = 48, .address = kNewcomer},
        {.type = "builtins.dict", .refcount = 1, .size = 640, .edges = {5, 3, 8, 10, 14}, .address = kRoot},
        {.type = "builtins.str", .gc = false, .refcount = 4 + 1, .size = 60, .repr = "'interned'",
         .address = kInterned},
        {.type = "builtins.list", .refcount = 1, .size = 56, .edges = {13}, .address = kRoot + 0x80},
        {.type = "app.Job", .refcount = 1, .size = 48, .address = kOrphan},
    };
    spec.explanations = {{12, "interpreter-root", "a module's dict"}};
    return spec;
}

ObjectIndex indexAt(const Snapshot& s, std::uint64_t address)
{
    for (ObjectIndex i = 0; i < s.objectCount(); ++i) {
        if (s.address(i) == address)
            return i;
    }
    return kNoObject;
}

const TypeDeltaRow* typeRow(const SnapshotDiff& diff, std::string_view name)
{
    for (const TypeDeltaRow& row : diff.types()) {
        if (diff.typeName(row) == name)
            return &row;
    }
    return nullptr;
}

QJsonObject parseJson(const std::string& text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(QByteArray::fromStdString(text), &error);
    if (error.error != QJsonParseError::NoError)
        qWarning("JSON error at %d: %s", error.offset, qPrintable(error.errorString()));
    return document.object();
}

// RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. An empty line is
// a record with one empty field.
std::vector<std::vector<std::string>> parseCsv(std::string_view text)
{
    std::vector<std::vector<std::string>> records(1);
    std::string field;
    bool quoted = false, pending = false;
    for (std::size_t k = 0; k < text.size(); ++k) {
        const char c = text[k];
        pending = true;
        if (quoted) {
            if (c == '"' && k + 1 < text.size() && text[k + 1] == '"')
                field += text[++k];
            else if (c == '"')
                quoted = false;
            else
                field += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            records.back().push_back(std::exchange(field, {}));
        } else if (c == '\n') {
            records.back().push_back(std::exchange(field, {}));
            records.emplace_back();
            pending = false;
        } else {
            field += c;
        }
    }
    if (pending)
        records.back().push_back(field);
    else
        records.pop_back();
    return records;
}

QString qs(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

} // namespace

class TestSnapshotDiff : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void overIncrefedDictRanksFirstWithGrowthSeven()
    {
        const Heap a(beforeSpec()), b(afterSpec());
        const SnapshotDiff diff(a.analysis, b.analysis);
        QVERIFY(!diff.surplusGrowth().empty());
        const SurplusGrowthRow& top = diff.surplusGrowth().front();
        QCOMPARE(b.snapshot.address(top.b), std::uint64_t(kLeakyDict));
        QCOMPARE(a.snapshot.address(top.a), std::uint64_t(kLeakyDict));
        QCOMPARE(top.growth, std::int64_t(7));
        QCOMPARE(top.explained, std::int64_t(0));
        QCOMPARE(top.discount, GrowthDiscount::None);
        // Nothing else: the shared object's new referrers, the static int, the churn and the reused
        // addresses show nothing, and the interned string's one reference from a new code object is
        // an atomic object's growth, no evidence.
        for (std::size_t k = 1; k < diff.surplusGrowth().size(); ++k)
            QVERIFY2(diff.surplusGrowth()[k].growth <= 1, b.snapshot.repr(diff.surplusGrowth()[k].b).c_str());
        QCOMPARE(diff.surplusGrowth().size(), std::size_t(1));
        QCOMPARE(diff.discountedGrowth().size(), std::size_t(1));
        const SurplusGrowthRow& interned = diff.discountedGrowth().front();
        QCOMPARE(b.snapshot.address(interned.b), std::uint64_t(kInterned));
        QCOMPARE(interned.growth, std::int64_t(1));
        QCOMPARE(interned.explained, std::int64_t(1));
        QCOMPARE(interned.discount, GrowthDiscount::AtomicObject);
    }

    // Objects that record no references (not tracked: an ndarray, an untracked tuple) hold untracked
    // objects (their dtype) without a referrer in the snapshot. New ones in B account for up to one
    // reference each; beyond that, growth is evidence. A tracked object's growth never is discounted.
    void growthWithinNewUnrecordedHoldersIsNoEvidence_data()
    {
        QTest::addColumn<int>("newArrays");
        QTest::addColumn<int>("dtypeGrowth");
        QTest::addColumn<int>("explained");
        QTest::newRow("each new array holds the dtype") << 6 << 6 << 6;
        QTest::newRow("more growth than new arrays") << 6 << 9 << 6;
        QTest::newRow("no new array") << 0 << 4 << 0;
        QTest::newRow("fewer references than arrays") << 6 << 2 << 2;
    }

    void growthWithinNewUnrecordedHoldersIsNoEvidence()
    {
        QFETCH(int, newArrays);
        QFETCH(int, dtypeGrowth);
        QFETCH(int, explained);
        constexpr std::uint64_t kDtype = 0x40000, kDict = 0x40100, kName = 0x40200, kArrays = 0x50000;
        // An untracked dict (its values are atomic) that nothing unseen held in A.
        constexpr std::uint64_t kUntrackedDict = 0x40300;
        GraphSpec spec;
        spec.objects = {
            {.type = "builtins.list", .edges = {1, 2, 3, 4, 5}, .address = 0x30000},
            {.type = "numpy.dtype[float64]", .gc = false, .refcount = 3, .address = kDtype},
            {.type = "builtins.dict", .refcount = 1, .address = kDict},
            {.type = "builtins.str", .gc = false, .refcount = 4, .repr = "'dtype'", .address = kName},
            {.type = "numpy.ndarray", .gc = false, .address = kArrays},
            {.type = "numpy.ndarray", .gc = false, .address = kArrays + 0x100},
            {.type = "builtins.dict", .gc = false, .refcount = 1, .address = kUntrackedDict},
        };
        spec.objects[0].edges.push_back(6);
        const Heap a(spec);
        for (int k = 0; k < newArrays; ++k) {
            spec.objects[0].edges.push_back(static_cast<ObjectIndex>(spec.objects.size()));
            spec.objects.push_back({.type = "numpy.ndarray", .gc = false, .address = kArrays + 0x1000 + 0x100u * k});
        }
        spec.objects[1].refcount += dtypeGrowth;
        spec.objects[2].refcount += 5; // increfed five times: tracked, so evidence whatever else is new
        spec.objects[3].refcount += 3; // an attribute name: atomic
        spec.objects[6].refcount += 4; // untracked, but with no unseen holder in A: evidence
        const Heap b(spec);
        const SnapshotDiff diff(a.analysis, b.analysis);
        QCOMPARE(diff.newUnrecordedHolders(), std::size_t(newArrays));

        auto rowAt = [&](const std::vector<SurplusGrowthRow>& rows, std::uint64_t address) -> const SurplusGrowthRow* {
            for (const SurplusGrowthRow& row : rows) {
                if (b.snapshot.address(row.b) == address)
                    return &row;
            }
            return nullptr;
        };
        const SurplusGrowthRow* dict = rowAt(diff.surplusGrowth(), kDict);
        QVERIFY(dict);
        QCOMPARE(dict->growth, std::int64_t(5));
        QCOMPARE(dict->explained, std::int64_t(0));
        QVERIFY(!rowAt(diff.surplusGrowth(), kName));
        const SurplusGrowthRow* untrackedDict = rowAt(diff.surplusGrowth(), kUntrackedDict);
        QVERIFY(untrackedDict);
        QCOMPARE(untrackedDict->growth, std::int64_t(4));
        QCOMPARE(untrackedDict->explained, std::int64_t(0));
        const SurplusGrowthRow* name = rowAt(diff.discountedGrowth(), kName);
        QVERIFY(name);
        QCOMPARE(name->discount, GrowthDiscount::AtomicObject);
        QCOMPARE(name->growth, std::int64_t(3));

        const bool evidence = dtypeGrowth > explained;
        const SurplusGrowthRow* dtype = rowAt(evidence ? diff.surplusGrowth() : diff.discountedGrowth(), kDtype);
        QVERIFY(dtype);
        QVERIFY(!rowAt(evidence ? diff.discountedGrowth() : diff.surplusGrowth(), kDtype));
        QCOMPARE(dtype->growth, std::int64_t(dtypeGrowth));
        QCOMPARE(dtype->explained, std::int64_t(explained));
        QCOMPARE(dtype->discount, explained ? GrowthDiscount::UnrecordedHolders : GrowthDiscount::None);
        // The evidence ranks by what is left unexplained: the dict's 5 before a dtype's 3 of 9.
        QCOMPARE(b.snapshot.address(diff.surplusGrowth().front().b),
                 evidence && dtype->unexplained() > 5 ? kDtype : std::uint64_t(kDict));
    }

    void matchingFollowsAddressesNotIndices()
    {
        const Heap a(beforeSpec()), b(afterSpec());
        const ObjectMatching m = matchObjects(a.snapshot, b.snapshot);
        for (std::uint64_t address : {kRoot, kLeakyDict, kKey, kSmallInt, kList, kShared, kInterned}) {
            const ObjectIndex i = indexAt(a.snapshot, address), j = indexAt(b.snapshot, address);
            QCOMPARE(m.bOfA[i], j);
            QCOMPARE(m.aOfB[j], i);
        }
        // The node (other referents) and the float (no referents, another repr) are other objects.
        for (std::uint64_t address : {kNode, kFloat}) {
            QCOMPARE(m.bOfA[indexAt(a.snapshot, address)], kNoObject);
            QCOMPARE(m.aOfB[indexAt(b.snapshot, address)], kNoObject);
        }
        QCOMPARE(m.reusedAddresses, std::size_t(2));
        QCOMPARE(m.matched, std::size_t(8)); // kRoot + 0x80 too
        QCOMPARE(m.bOfA.size(), a.snapshot.objectCount());
        QCOMPARE(m.aOfB.size(), b.snapshot.objectCount());
    }

    void reusedAddressIsToldApart_data()
    {
        QTest::addColumn<bool>("same");
        QTest::addColumn<bool>("leaf");
        QTest::addColumn<QString>("typeB");
        QTest::addColumn<QString>("reprB");
        QTest::addColumn<bool>("shareReferent");
        QTest::addColumn<bool>("otherTraceback");
        QTest::addColumn<bool>("otherTypeAddress");
        // A container keeps at least one referent while it is mutated; a new one at the old address
        // holds other objects.
        QTest::newRow("container, a referent in common") << true << false << "app.Node" << "Node(b)" << true << false << false;
        QTest::newRow("container, nothing in common") << false << false << "app.Node" << "Node(a)" << false << false << false;
        QTest::newRow("leaf, same repr") << true << true << "builtins.float" << "1.5" << false << false << false;
        QTest::newRow("leaf, other repr") << false << true << "builtins.float" << "2.5" << false << false << false;
        QTest::newRow("leaf, no repr recorded") << true << true << "builtins.float" << "" << false << false << false;
        QTest::newRow("other type name") << false << true << "builtins.int" << "1.5" << false << false << false;
        QTest::newRow("same name, another class object") << false << true << "builtins.float" << "1.5" << false << false << true;
        QTest::newRow("other allocation traceback") << false << false << "app.Node" << "Node(a)" << true << true << false;
    }

    void reusedAddressIsToldApart()
    {
        QFETCH(bool, same);
        QFETCH(bool, leaf);
        QFETCH(QString, typeB);
        QFETCH(QString, reprB);
        QFETCH(bool, shareReferent);
        QFETCH(bool, otherTraceback);
        QFETCH(bool, otherTypeAddress);

        // Object 0 holds object 1 (at 0x5000) with one more reference than its referrers in B, which
        // would read as growth 2 if it were the same object.
        GraphSpec specA;
        specA.types = {"builtins.float", "builtins.int", "app.Node", "builtins.str"};
        specA.objects = {
            {.type = "builtins.list", .edges = {1}, .address = 0x1000},
            {.type = leaf ? "builtins.float" : "app.Node", .gc = !leaf, .refcount = 1,
             .edges = leaf ? std::vector<ObjectIndex>{} : std::vector<ObjectIndex>{2}, .repr = leaf ? "1.5" : "Node(a)",
             .address = 0x5000},
            {.type = "builtins.str", .gc = false, .refcount = 1, .repr = "'a'", .address = 0x6000},
        };
        specA.allocations = {{1, {{"app.py", 10}}}};
        GraphSpec specB = specA;
        if (otherTypeAddress)
            specB.types = {"builtins.int", "builtins.float", "app.Node", "builtins.str"}; // the class made anew
        specB.objects[1].type = typeB.toStdString();
        specB.objects[1].repr = reprB.toStdString();
        specB.objects[1].refcount = 3;
        if (!leaf) {
            specB.objects.push_back({.type = "builtins.str", .gc = false, .refcount = 1, .repr = "'b'", .address = 0x7000});
            specB.objects[1].edges = shareReferent ? std::vector<ObjectIndex>{3, 2} : std::vector<ObjectIndex>{3};
            if (!shareReferent)
                specB.objects[2].refcount = 0;
        }
        if (otherTraceback)
            specB.allocations = {{1, {{"app.py", 20}}}};

        const Heap a(specA), b(specB);
        const SnapshotDiff diff(a.analysis, b.analysis);
        QCOMPARE(diff.matching().bOfA[1] == 1, same);
        QCOMPARE(diff.matching().reusedAddresses, std::size_t(same ? 0 : 1));
        // A float is atomic: its growth is listed as discounted, a node's as evidence.
        const auto& rows = leaf ? diff.discountedGrowth() : diff.surplusGrowth();
        const bool grew = std::any_of(rows.begin(), rows.end(), [](const SurplusGrowthRow& row) { return row.b == 1; });
        QCOMPARE(grew, same);
        if (same)
            QCOMPARE(rows.front().growth, std::int64_t(2));
        // An object told apart counts as freed in A and new in B.
        const std::uint64_t newOfType = typeRow(diff, typeB.toStdString())->added;
        QCOMPARE(newOfType, std::uint64_t(same ? 0 : 1));
    }

    void theClassOfAnInstanceIsNoCommonReferent()
    {
        // Instances of a heap type refer to their class: two instances at one address share it, and
        // nothing else.
        GraphSpec spec;
        spec.types = {"app.Job"};
        spec.objects = {
            {.type = "builtins.type", .refcount = 2, .address = 0x5500000000ULL}, // app.Job's class object
            {.type = "app.Job", .refcount = 1, .edges = {0, 2}, .address = 0x1000},
            {.type = "builtins.str", .gc = false, .repr = "'x'", .address = 0x2000},
            {.type = "builtins.list", .edges = {1}, .address = 0x3000},
        };
        const Heap a(spec);
        spec.objects[2].address = 0x2100;
        spec.objects[1].refcount = 4;
        const Heap b(spec);
        QCOMPARE(b.snapshot.type(b.snapshot.typeOf(1)).address, b.snapshot.address(0));
        const SnapshotDiff diff(a.analysis, b.analysis);
        QCOMPARE(diff.matching().bOfA[1], kNoObject);
        QCOMPARE(diff.matching().reusedAddresses, std::size_t(1));
        QVERIFY(diff.surplusGrowth().empty());

        // Its class alone, on both sides: the reprs decide.
        spec.objects[1].edges = {0};
        spec.objects[1].repr = "Job(1)";
        const Heap c(spec);
        spec.objects[1].repr = "Job(2)";
        const Heap d(spec);
        QCOMPARE(SnapshotDiff(c.analysis, d.analysis).matching().bOfA[1], kNoObject);
        QCOMPARE(SnapshotDiff(c.analysis, c.analysis).matching().bOfA[1], ObjectIndex(1));
    }

    void staticAndImmortalRefcountsNeverGrow_data()
    {
        QTest::addColumn<QString>("python");
        QTest::addColumn<quint64>("refcountA");
        QTest::addColumn<quint64>("refcountB");
        QTest::addColumn<bool>("grows");
        QTest::newRow("3.11 static object") << "3.11.2" << quint64(kStaticRefcount) << quint64(kStaticRefcount + 9) << false;
        QTest::newRow("3.12 immortal") << "3.12.1" << quint64((1ULL << 30) - 1) << quint64((1ULL << 30) + 6) << false;
        QTest::newRow("3.11, becomes static-sized") << "3.11.2" << quint64(3) << quint64(kStaticRefcount) << false;
        QTest::newRow("3.11 ordinary object") << "3.11.2" << quint64(3) << quint64(12) << true;
        // Before 3.11 no refcount is special: a huge one is a huge number of references.
        QTest::newRow("3.10 huge refcount") << "3.10.12" << quint64(kStaticRefcount) << quint64(kStaticRefcount + 9) << true;
    }

    void staticAndImmortalRefcountsNeverGrow()
    {
        QFETCH(QString, python);
        QFETCH(quint64, refcountA);
        QFETCH(quint64, refcountB);
        QFETCH(bool, grows);
        GraphSpec spec;
        spec.pythonVersion = python.toStdString();
        spec.objects = {
            {.type = "builtins.list", .edges = {1}},
            {.type = "builtins.int", .gc = false, .refcount = refcountA, .repr = "7"},
        };
        const Heap a(spec);
        spec.objects[1].refcount = refcountB;
        const Heap b(spec);
        const SnapshotDiff diff(a.analysis, b.analysis);
        QCOMPARE(diff.matching().matched, std::size_t(2));
        // An int is atomic: its growth, when there is one, is discounted growth.
        QVERIFY(diff.surplusGrowth().empty());
        QCOMPARE(diff.discountedGrowth().size(), std::size_t(grows ? 1 : 0));
        if (grows)
            QCOMPARE(diff.discountedGrowth().front().growth, static_cast<std::int64_t>(refcountB - refcountA));
    }

    void typeDeltasByName()
    {
        const Heap a(beforeSpec()), b(afterSpec());
        const SnapshotDiff diff(a.analysis, b.analysis);

        const TypeDeltaRow* tuple = typeRow(diff, "builtins.tuple");
        QVERIFY(tuple);
        QCOMPARE(tuple->countA, std::uint64_t(3));
        QCOMPARE(tuple->countB, std::uint64_t(3));
        QCOMPARE(tuple->countDelta(), std::int64_t(0));
        QCOMPARE(tuple->added, std::uint64_t(3)); // churn: same count, all different objects
        QCOMPARE(tuple->removed, std::uint64_t(3));
        QVERIFY(!tuple->unchanged());

        const TypeDeltaRow* job = typeRow(diff, "app.Job");
        QCOMPARE(job->countDelta(), std::int64_t(2));
        QCOMPARE(job->bytesDelta(), std::int64_t(96));
        QCOMPARE(job->added, std::uint64_t(2));
        QCOMPARE(job->suspectsB, std::uint64_t(1));
        QCOMPARE(job->removed, std::uint64_t(0));

        const TypeDeltaRow* list = typeRow(diff, "builtins.list");
        QCOMPARE(list->countDelta(), std::int64_t(0));
        QCOMPARE(list->bytesDelta(), std::int64_t(120 - 88));
        QCOMPARE(list->added + list->removed, std::uint64_t(0));

        const TypeDeltaRow* str = typeRow(diff, "builtins.str");
        QCOMPARE(str->countA, std::uint64_t(3));
        QCOMPARE(str->countB, std::uint64_t(3));
        QCOMPARE(str->added, std::uint64_t(1)); // 'b' came, 'a' went
        QCOMPARE(str->removed, std::uint64_t(1));

        // The dict's refcount grew, not its count or size: unchanged; so is a type with no objects.
        QVERIFY(typeRow(diff, "builtins.dict")->unchanged());
        QVERIFY(typeRow(diff, "builtins.float")->countDelta() == 0);
        QCOMPARE(diff.types().size(), kTypes.size());

        // Sorted: the largest count change first, then bytes, then names; the sum of deltas is the
        // change in objects.
        for (std::size_t k = 1; k < diff.types().size(); ++k) {
            const TypeDeltaRow &x = diff.types()[k - 1], &y = diff.types()[k];
            QVERIFY2(!typeOrder(y, x, diff.typeName(y), diff.typeName(x)), std::string(diff.typeName(y)).c_str());
        }
        QCOMPARE(diff.typeName(diff.types().front()), std::string_view("app.Job"));
        std::int64_t total = 0;
        for (const TypeDeltaRow& row : diff.types())
            total += row.countDelta();
        QCOMPARE(total, std::int64_t(b.snapshot.objectCount()) - std::int64_t(a.snapshot.objectCount()));
    }

    void typesMatchByNameWhateverTheirIndex()
    {
        GraphSpec specA;
        specA.objects = {{.type = "app.Alpha"}, {.type = "app.Beta"}, {.type = "app.Beta"}};
        GraphSpec specB;
        specB.types = {"app.Gamma", "app.Beta"};
        specB.objects = {{.type = "app.Beta", .address = 0x9000}, {.type = "app.Gamma"}};
        const Heap a(specA), b(specB);
        const SnapshotDiff diff(a.analysis, b.analysis);
        const TypeDeltaRow* beta = typeRow(diff, "app.Beta");
        QCOMPARE(beta->typeA, TypeIndex(1));
        QCOMPARE(beta->typeB, TypeIndex(1));
        QCOMPARE(beta->countDelta(), std::int64_t(-1));
        QCOMPARE(typeRow(diff, "app.Alpha")->typeB, kNoType);
        QCOMPARE(typeRow(diff, "app.Alpha")->countDelta(), std::int64_t(-1));
        QCOMPARE(typeRow(diff, "app.Gamma")->typeA, kNoType);
        QCOMPARE(typeRow(diff, "app.Gamma")->countDelta(), std::int64_t(1));
        QCOMPARE(diff.typeName(diff.types().front()), std::string_view("app.Gamma")); // growth before shrinking
    }

    void newSuspectsSayWhatTheyWere()
    {
        // A: 0 a suspect in both; 1 referenced by 5; 2 explained; 3 untracked; 4 ignored (by its repr,
        // which changes; a referent in common says it is the same object); 5 the holder (explained).
        // B: 1, 2, 3 and 4 are suspects now; 6, 7 are new suspects of app.Leak.
        const IgnoreRules rules(parseIgnoreRules("repr \"old*\"\n").rules);
        GraphSpec specA;
        specA.objects = {
            {.type = "app.Leak", .address = 0x1000},
            {.type = "app.Held", .address = 0x2000},
            {.type = "app.Quiet", .address = 0x3000},
            {.type = "app.Lazy", .gc = false, .address = 0x4000},
            {.type = "app.Named", .edges = {6}, .repr = "old name", .address = 0x5000},
            {.type = "builtins.dict", .edges = {1}, .address = 0x6000},
            {.type = "builtins.str", .gc = false, .repr = "'n'", .address = 0x8000},
        };
        specA.explanations = {{2, "startup", "made before the script ran"}, {5, "interpreter-root", "root"}};
        GraphSpec specB;
        specB.objects = {
            {.type = "app.Leak", .address = 0x1000},
            {.type = "app.Held", .address = 0x2000},
            {.type = "app.Quiet", .address = 0x3000},
            {.type = "app.Lazy", .address = 0x4000},
            {.type = "app.Named", .edges = {8}, .repr = "new name", .address = 0x5000},
            {.type = "builtins.dict", .address = 0x6000},
            {.type = "app.Leak", .address = 0x7100},
            {.type = "app.Leak", .address = 0x7000},
            {.type = "builtins.str", .gc = false, .repr = "'n'", .address = 0x8000},
        };
        specB.explanations = {{5, "interpreter-root", "root"}};
        const Heap a(specA, &rules), b(specB, &rules);
        const SnapshotDiff diff(a.analysis, b.analysis);

        std::vector<std::pair<std::uint64_t, PriorState>> got;
        for (const NewSuspectRow& row : diff.newSuspects()) {
            QVERIFY(b.analysis.isSuspect(row.b));
            QCOMPARE(row.a, diff.matching().aOfB[row.b]);
            got.emplace_back(b.snapshot.address(row.b), row.before);
        }
        // The type with the most new suspects first, then by type name, then by address.
        const std::vector<std::pair<std::uint64_t, PriorState>> expected = {
            {0x7000, PriorState::Absent},      {0x7100, PriorState::Absent},
            {0x2000, PriorState::Referenced},  {0x4000, PriorState::Untracked},
            {0x5000, PriorState::Ignored},     {0x3000, PriorState::Explained},
        };
        QCOMPARE(got.size(), expected.size());
        for (std::size_t k = 0; k < expected.size(); ++k) {
            QCOMPARE(got[k].first, expected[k].first);
            QCOMPARE(priorStateName(got[k].second), priorStateName(expected[k].second));
        }
    }

    void identicalSnapshotsGiveAnEmptyDiff()
    {
        const Heap a(afterSpec()), b(afterSpec());
        const SnapshotDiff diff(a.analysis, b.analysis);
        QCOMPARE(diff.matching().matched, a.snapshot.objectCount());
        QCOMPARE(diff.matching().reusedAddresses, std::size_t(0));
        QVERIFY(diff.newSuspects().empty());
        QVERIFY(diff.surplusGrowth().empty());
        QCOMPARE(diff.unchangedTypeCount(), diff.types().size());

        const QJsonObject json = parseJson(jsonDiffReport(diff, {}));
        QVERIFY(json[u"types"_s].toArray().isEmpty());
        QVERIFY(json[u"new_suspects"_s].toArray().isEmpty());
        QVERIFY(json[u"surplus_growth"_s].toArray().isEmpty());
        const std::string table = tableDiffReport(diff, {});
        QVERIFY(table.find("No type changed") != std::string::npos);
        QVERIFY(table.find("No new suspects.") != std::string::npos);
        QVERIFY(table.find("No surplus growth.") != std::string::npos);
        DiffReportOptions all;
        all.unchangedTypes = true;
        QCOMPARE(qsizetype(parseJson(jsonDiffReport(diff, all))[u"types"_s].toArray().size()), qsizetype(diff.types().size()));
    }

    void emptySnapshots()
    {
        const Heap empty(GraphSpec{}), full(afterSpec());
        {
            const SnapshotDiff diff(empty.analysis, empty.analysis);
            QVERIFY(diff.types().empty());
            QVERIFY(diff.newSuspects().empty() && diff.surplusGrowth().empty());
            QVERIFY(!parseJson(jsonDiffReport(diff, {})).isEmpty());
            QVERIFY(!tableDiffReport(diff, {}).empty());
            QCOMPARE(parseCsv(csvDiffReport(diff, {})).size(), std::size_t(3 + 3 + 2)); // titles, headers, gaps
        }
        const SnapshotDiff grown(empty.analysis, full.analysis);
        QCOMPARE(grown.matching().matched, std::size_t(0));
        QCOMPARE(grown.newSuspects().size(), full.analysis.suspectCount());
        std::uint64_t added = 0;
        for (const TypeDeltaRow& row : grown.types())
            added += row.added;
        QCOMPARE(added, std::uint64_t(full.snapshot.objectCount()));
        const SnapshotDiff emptied(full.analysis, empty.analysis);
        std::uint64_t removed = 0;
        for (const TypeDeltaRow& row : emptied.types())
            removed += row.removed;
        QCOMPARE(removed, std::uint64_t(full.snapshot.objectCount()));
        QVERIFY(emptied.newSuspects().empty());
    }

    void duplicateAddressesMatchNothing()
    {
        // Only a corrupt file has two objects at one address; they must not be paired with anything.
        GraphSpec specA;
        specA.objects = {{.type = "app.X", .address = 0x1000}, {.type = "app.X", .address = 0x1000},
                         {.type = "app.Y", .address = 0x2000}};
        GraphSpec specB;
        specB.objects = {{.type = "app.X", .address = 0x1000}, {.type = "app.Y", .address = 0x2000},
                         {.type = "app.Y", .address = 0x2000}};
        const Heap a(specA), b(specB);
        const ObjectMatching m = matchObjects(a.snapshot, b.snapshot);
        QCOMPARE(m.matched, std::size_t(0));
        QVERIFY(std::all_of(m.bOfA.begin(), m.bOfA.end(), [](ObjectIndex i) { return i == kNoObject; }));
        QVERIFY(std::all_of(m.aOfB.begin(), m.aOfB.end(), [](ObjectIndex i) { return i == kNoObject; }));
    }

    void jsonReport()
    {
        const Heap a(beforeSpec()), b(afterSpec());
        const SnapshotDiff diff(a.analysis, b.analysis);
        DiffReportOptions options;
        options.nameA = "before.lssnap";
        options.nameB = "after \"2\".lssnap";
        const QJsonObject json = parseJson(jsonDiffReport(diff, options));
        QCOMPARE(json[u"format"_s].toString(), u"leakscope-diff"_s);
        QCOMPARE(json[u"version"_s].toInt(), kDiffReportVersion);
        const QJsonObject headerB = json[u"header"_s][u"b"_s].toObject();
        QCOMPARE(headerB[u"file"_s].toString(), u"after \"2\".lssnap"_s);
        QCOMPARE(headerB[u"objects"_s].toInteger(), qint64(b.snapshot.objectCount()));
        QCOMPARE(json[u"header"_s][u"a"_s][u"suspects"_s].toInteger(), qint64(a.analysis.suspectCount()));
        QCOMPARE(json[u"summary"_s][u"matched"_s].toInteger(), qint64(diff.matching().matched));
        QCOMPARE(json[u"summary"_s][u"reused_addresses"_s].toInteger(), qint64(2));

        // types: the changed ones, in the diff's order, with the keys.
        const QJsonArray types = json[u"types"_s].toArray();
        QCOMPARE(types.size(), qsizetype(diff.types().size() - diff.unchangedTypeCount()));
        QCOMPARE(types[0][u"type"_s].toString(), u"app.Job"_s);
        for (const QJsonValue& value : types) {
            const QJsonObject row = value.toObject();
            for (const char* key : {"type", "count_a", "count_b", "delta", "bytes_delta", "new", "freed"})
                QVERIFY2(row.contains(QLatin1String(key)), key);
            QCOMPARE(row[u"delta"_s].toInteger(), row[u"count_b"_s].toInteger() - row[u"count_a"_s].toInteger());
            QCOMPARE(row[u"bytes_delta"_s].toInteger(), row[u"bytes_b"_s].toInteger() - row[u"bytes_a"_s].toInteger());
            QVERIFY(row[u"delta"_s].toInteger() != 0 || row[u"bytes_delta"_s].toInteger() != 0 || row[u"new"_s].toInteger() != 0);
        }

        // surplus_growth: the over-increfed dict alone; the interned string's growth is discounted.
        const QJsonArray growth = json[u"surplus_growth"_s].toArray();
        QCOMPARE(growth.size(), qsizetype(1));
        QCOMPARE(json[u"summary"_s][u"discounted_growth"_s].toInteger(), qint64(1));
        QVERIFY(!json.contains(u"discounted_growth"_s));
        const QJsonObject top = growth[0].toObject();
        QCOMPARE(top[u"address"_s].toString(), qs(formatAddress(kLeakyDict)));
        QCOMPARE(top[u"type"_s].toString(), u"builtins.dict"_s);
        QCOMPARE(top[u"refcount_a"_s].toInteger(), qint64(1));
        QCOMPARE(top[u"refcount_b"_s].toInteger(), qint64(8));
        QCOMPARE(top[u"referrers_a"_s].toInteger(), qint64(1));
        QCOMPARE(top[u"referrers_b"_s].toInteger(), qint64(1));
        QCOMPARE(top[u"growth"_s].toInteger(), qint64(7));
        QCOMPARE(top[u"explained"_s].toInteger(), qint64(0));
        QVERIFY(top[u"explained_by"_s].isNull());
        QVERIFY(top.contains(u"repr"_s));

        options.sections = DiffDiscountedGrowth;
        const QJsonObject discounted = parseJson(jsonDiffReport(diff, options));
        QVERIFY(!discounted.contains(u"surplus_growth"_s));
        const QJsonArray rows = discounted[u"discounted_growth"_s].toArray();
        QCOMPARE(rows.size(), qsizetype(1));
        QCOMPARE(rows[0][u"address"_s].toString(), qs(formatAddress(kInterned)));
        QCOMPARE(rows[0][u"growth"_s].toInteger(), qint64(1));
        QCOMPARE(rows[0][u"explained"_s].toInteger(), qint64(1));
        QCOMPARE(rows[0][u"explained_by"_s].toString(), u"atomic-object"_s);
    }

    void newSuspectsAreWrittenAsTheReportWritesCandidates()
    {
        const Heap a(beforeSpec()), b(afterSpec());
        const SnapshotDiff diff(a.analysis, b.analysis);
        QVERIFY(!diff.newSuspects().empty());
        const QJsonArray suspects = parseJson(jsonDiffReport(diff, {}))[u"new_suspects"_s].toArray();
        QCOMPARE(suspects.size(), qsizetype(diff.newSuspects().size()));
        // The report's own candidate objects, keyed by address.
        // The diff's candidates have no retained_size (the report's own do): compared without it.
        std::map<QString, QJsonObject> reported;
        for (const QJsonValue& value : parseJson(leakscope::jsonReport(b.analysis, 0))[u"candidates"_s].toArray()) {
            QJsonObject candidate = value.toObject();
            QVERIFY(candidate.contains(u"retained_size"_s));
            candidate.remove(u"retained_size"_s);
            reported[value[u"address"_s].toString()] = candidate;
        }
        for (qsizetype k = 0; k < suspects.size(); ++k) {
            QJsonObject row = suspects[k].toObject();
            QCOMPARE(row[u"in_a"_s].toString(), qs(priorStateName(diff.newSuspects()[k].before)));
            row.remove(u"in_a"_s);
            QCOMPARE(row, reported.at(row[u"address"_s].toString()));
        }

        const auto csv = parseCsv(csvDiffReport(diff, {.sections = DiffNewSuspects}));
        std::string header(csvCandidateHeader());
        header += ",in_a";
        std::string got;
        for (const std::string& field : csv.at(0))
            got += (got.empty() ? "" : ",") + field;
        QCOMPARE(got, header);
        QCOMPARE(csv.size(), diff.newSuspects().size() + 1);

        const std::string table = tableDiffReport(diff, {});
        QVERIFY(table.find(tableCandidateRow(b.analysis, diff.newSuspects().front().b)) != std::string::npos);
    }

    void csvSections()
    {
        const Heap a(beforeSpec()), b(afterSpec());
        const SnapshotDiff diff(a.analysis, b.analysis);
        // One section: a plain table a spreadsheet opens as is.
        const auto growth = parseCsv(csvDiffReport(diff, {.sections = DiffSurplusGrowth}));
        const std::vector<std::string> growthHeader{"address", "type", "refcount_a", "refcount_b", "referrers_a",
                                                    "referrers_b", "growth", "repr", "explained", "explained_by"};
        QCOMPARE(growth.size(), std::size_t(2));
        QCOMPARE(growth[0], growthHeader);
        QCOMPARE(growth[1][0], formatAddress(kLeakyDict));
        QCOMPARE(growth[1][6], std::string("7"));
        QCOMPARE(growth[1][8], std::string("0"));
        QCOMPARE(growth[1][9], std::string());
        const auto discounted = parseCsv(csvDiffReport(diff, {.sections = DiffDiscountedGrowth}));
        QCOMPARE(discounted.size(), std::size_t(2));
        QCOMPARE(discounted[0], growthHeader);
        QCOMPARE(discounted[1][0], formatAddress(kInterned));
        QCOMPARE(discounted[1][9], std::string("atomic-object"));
        const auto types = parseCsv(csvDiffReport(diff, {.sections = DiffTypes}));
        QCOMPARE(types.size(), diff.types().size() - diff.unchangedTypeCount() + 1);
        QCOMPARE(types[1][0], std::string("app.Job"));
        QCOMPARE(types[1][3], std::string("2"));

        // All three: each after a "# name" line, separated by empty lines.
        const auto all = parseCsv(csvDiffReport(diff, {}));
        std::vector<std::string> titles;
        for (std::size_t k = 0; k < all.size(); ++k) {
            if (all[k].size() == 1 && all[k][0].rfind("# ", 0) == 0) {
                titles.push_back(all[k][0]);
                QVERIFY(k == 0 || all[k - 1] == std::vector<std::string>{""});
            }
        }
        QCOMPARE(titles, (std::vector<std::string>{"# types", "# new-suspects", "# surplus-growth"}));
    }

    void limitCapsEverySection()
    {
        const Heap a(beforeSpec()), b(afterSpec());
        const SnapshotDiff diff(a.analysis, b.analysis);
        DiffReportOptions options;
        options.limit = 1;
        const QJsonObject json = parseJson(jsonDiffReport(diff, options));
        QCOMPARE(json[u"types"_s].toArray().size(), qsizetype(1));
        QCOMPARE(json[u"surplus_growth"_s].toArray().size(), qsizetype(1));
        QCOMPARE(json[u"new_suspects"_s].toArray().size(), qsizetype(1));
        // The totals stay whole.
        const qint64 changed = static_cast<qint64>(diff.types().size() - diff.unchangedTypeCount());
        QVERIFY(changed > 1);
        QCOMPARE(json[u"summary"_s][u"types_changed"_s].toInteger(), changed);
        const std::string table = tableDiffReport(diff, options);
        QVERIFY(table.find(" more (--limit 0 lists them all)") != std::string::npos);
        QVERIFY(table.find(formatAddress(kInterned)) == std::string::npos);

        options.sections = DiffTypes;
        const QJsonObject typesOnly = parseJson(jsonDiffReport(diff, options));
        QVERIFY(typesOnly.contains(u"types"_s));
        QVERIFY(!typesOnly.contains(u"new_suspects"_s) && !typesOnly.contains(u"surplus_growth"_s));
    }

    void tableShowsTheGrowthFirst()
    {
        const Heap a(beforeSpec()), b(afterSpec());
        const SnapshotDiff diff(a.analysis, b.analysis);
        const std::string table = tableDiffReport(diff, {.nameA = "one.lssnap", .nameB = "two.lssnap"});
        QVERIFY(table.rfind("A  one.lssnap: 'synthetic'", 0) == 0);
        const auto section = table.find("Surplus growth: 1 object ");
        QVERIFY(section != std::string::npos);
        const auto dict = table.find(formatAddress(kLeakyDict), section);
        QVERIFY(dict != std::string::npos);
        QVERIFY(table.find("+7", dict) != std::string::npos);
        // The interned string's growth is counted, not listed, unless asked for.
        QVERIFY(table.find(formatAddress(kInterned)) == std::string::npos);
        QVERIFY(table.find("Not shown: 1 object ", dict) != std::string::npos);
        QVERIFY(table.find("unchanged types not shown") != std::string::npos);

        const std::string all = tableDiffReport(diff, {.sections = DiffAllSections | DiffDiscountedGrowth});
        const auto discounted = all.find("Discounted growth: 1 object ");
        QVERIFY(discounted != std::string::npos);
        QVERIFY(all.find("Not shown:") == std::string::npos);
        const auto interned = all.find(formatAddress(kInterned), discounted);
        QVERIFY(interned != std::string::npos);
        QVERIFY(all.find("atomic-object", interned) != std::string::npos);
    }

    void parseSections()
    {
        QCOMPARE(parseDiffSection("types"), std::optional(DiffTypes));
        QCOMPARE(parseDiffSection("new-suspects"), std::optional(DiffNewSuspects));
        QCOMPARE(parseDiffSection("surplus-growth"), std::optional(DiffSurplusGrowth));
        QCOMPARE(parseDiffSection("discounted-growth"), std::optional(DiffDiscountedGrowth));
        for (const char* bad : {"", "Types", "growth", "new_suspects"})
            QVERIFY2(!parseDiffSection(bad).has_value(), bad);
    }

    // Not a timing assertion: prints how long a diff of two large heaps takes, and checks its result.
    void scale()
    {
        constexpr ObjectIndex n = 200'000;
        GraphSpec spec;
        spec.objects.reserve(n);
        for (ObjectIndex i = 0; i < n; ++i)
            spec.objects.push_back({.type = i % 3 ? "builtins.dict" : "app.Item", .refcount = i ? 1u : 0u,
                                    .edges = i + 1 < n ? std::vector<ObjectIndex>{i + 1} : std::vector<ObjectIndex>{}});
        const Heap a(spec);
        for (ObjectIndex i = 1; i < n; i += 1000)
            spec.objects[i].refcount += 2;
        const Heap b(spec);
        QElapsedTimer timer;
        timer.start();
        const SnapshotDiff diff(a.analysis, b.analysis);
        qInfo("diff of two heaps of %u objects: %lld ms", n, static_cast<long long>(timer.elapsed()));
        QCOMPARE(diff.matching().matched, std::size_t(n));
        QCOMPARE(diff.surplusGrowth().size(), std::size_t(n / 1000));
        QCOMPARE(diff.surplusGrowth().front().growth, std::int64_t(2));
    }
};

QTEST_APPLESS_MAIN(TestSnapshotDiff)
#include "tst_snapshot_diff.moc"
