// report.h: candidate order, and the JSON, CSV and table reports checked through independent parsers
// (QJsonDocument, a small RFC 4180 reader) rather than by comparing whole strings.

#include "snapshot/findings.h"
#include "snapshot/report.h"
#include "snapshot/text.h"
#include "test_graph.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtTest/QTest>

#include <algorithm>
#include <clocale>
#include <map>

using namespace leakscope;
using namespace leakscope::test;
using namespace Qt::StringLiterals;

namespace {

constexpr std::uint64_t kHugeSize = 1ULL << 40;
constexpr std::uint64_t kHugeRefcount = (1ULL << 33) + 1;
const std::string kNastyRepr = "\"q\", \\ \n\xff end";
const std::string kLongType = "ext.Zz_AVeryLongTypeNameThatKeepsGoingOn";
const std::string kExplainedDetail = "a \"quoted\", detail";

// Objects 0, 1, 2 and 8 are suspects, 3 and 4 explained candidates, 5 and 7 have referrers, 6 is
// untracked. Addresses are deliberately out of index order, and type indices out of name order, so only the
// documented sort (suspects, type name, address) yields the expected sequence {2, 1, 0, 8, 4, 3}.
GraphSpec reportSpec()
{
    std::string longRepr;
    for (int k = 0; k < 100; ++k)
        longRepr += "\xc3\xa9"; // 100 two-byte code points, so elision must count code points
    GraphSpec spec;
    spec.objects = {
        {.type = "ext.Zeta", .refcount = kHugeRefcount, .size = kHugeSize, .edges = {5}, .repr = kNastyRepr,
         .address = 0x3000},
        {.type = "ext.Alpha", .refcount = 2, .size = 56, .edges = {7, 7}, .address = 0x5000},
        {.type = "ext.Alpha", .refcount = 0, .size = 32, .repr = longRepr, .address = 0x1000},
        {.type = "builtins.list", .refcount = 1, .size = 88, .address = 0x8880},
        {.type = "builtins.list", .refcount = 4, .size = 40, .address = 0x7770},
        {.type = "builtins.dict", .refcount = 1, .size = 232, .address = 0x6000},
        {.type = "builtins.str", .gc = false, .refcount = 9, .size = 50, .address = 0x6100},
        {.type = "ext.Alpha", .refcount = 2, .size = 32, .address = 0x6200},
        {.type = kLongType, .refcount = 1, .size = 16, .repr = "short", .address = 0x9000},
    };
    spec.explanations = {{3, "static-type-dict", kExplainedDetail}, {4, "interpreter-root", "sys.modules"}};
    return spec;
}

const std::vector<ObjectIndex> kReportOrder = {2, 1, 0, 8, 4, 3};

QJsonObject parseJson(const std::string& text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(QByteArray::fromStdString(text), &error);
    if (error.error != QJsonParseError::NoError)
        qWarning("JSON error at %d: %s", error.offset, qPrintable(error.errorString()));
    return document.object();
}

// A minimal RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks.
std::vector<std::vector<std::string>> parseCsv(std::string_view text)
{
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> record;
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c != '"')
                field += c;
            else if (i + 1 < text.size() && text[i + 1] == '"')
                field += text[++i];
            else
                quoted = false;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',' || c == '\n') {
            record.push_back(std::exchange(field, {}));
            if (c == '\n')
                records.push_back(std::exchange(record, {}));
        } else {
            field += c;
        }
    }
    if (!field.empty() || !record.empty()) {
        record.push_back(field);
        records.push_back(record);
    }
    return records;
}

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

QString qs(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

} // namespace

class TestReport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseReportFormat()
    {
        QCOMPARE(leakscope::parseReportFormat("table"), std::optional(ReportFormat::Table));
        QCOMPARE(leakscope::parseReportFormat("json"), std::optional(ReportFormat::Json));
        QCOMPARE(leakscope::parseReportFormat("csv"), std::optional(ReportFormat::Csv));
        for (const char* bad : {"", "JSON", "Csv", "json ", "xml", "tab"})
            QVERIFY2(!leakscope::parseReportFormat(bad).has_value(), bad);
    }

    void reportOrderSuspectsThenTypeThenAddress()
    {
        const Heap heap(reportSpec());
        QCOMPARE(heap.analysis.suspectCount(), std::size_t(4));
        QCOMPARE(reportOrder(heap.analysis), kReportOrder);
    }

    void reportOrderPutsRepeatedSuspectsFirst()
    {
        // Three suspects of z.Leaked come before the single a.Once, and explained candidates keep their
        // order by name whatever their counts.
        GraphSpec spec;
        spec.objects = {
            {.type = "a.Once", .refcount = 1, .address = 0x1000},
            {.type = "z.Leaked", .refcount = 1, .address = 0x5000},
            {.type = "z.Leaked", .refcount = 1, .address = 0x2000},
            {.type = "b.Explained", .refcount = 1, .address = 0x3000},
            {.type = "z.Leaked", .refcount = 1, .address = 0x4000},
            {.type = "c.Explained", .refcount = 1, .address = 0x6000},
            {.type = "c.Explained", .refcount = 1, .address = 0x7000},
        };
        spec.explanations = {{3, "interpreter-root", "sys.modules"}, {5, "frame", "a local"}, {6, "frame", "a local"}};
        const Heap heap(spec);
        QCOMPARE(reportOrder(heap.analysis), (std::vector<ObjectIndex>{2, 4, 1, 0, 3, 5, 6}));
    }

    void jsonTopLevelAndSummary()
    {
        const Heap heap(reportSpec());
        const QJsonObject root = parseJson(jsonReport(heap.analysis, 1.25));
        QVERIFY(!root.isEmpty());
        QCOMPARE(root.value(u"format").toString(), QStringLiteral("leakscope-report"));
        QCOMPARE(root.value(u"version").toInteger(), qint64(kReportVersion));
        QCOMPARE(kReportVersion, 1);
        QCOMPARE(root.value(u"python").toString(), QStringLiteral("3.11.2"));

        const QJsonObject summary = root.value(u"summary").toObject();
        QCOMPARE(summary.value(u"objects").toInteger(), qint64(9));
        QCOMPARE(summary.value(u"gc_objects").toInteger(), qint64(8));
        QCOMPARE(summary.value(u"edges").toInteger(), qint64(3));
        QCOMPARE(summary.value(u"candidates").toInteger(), qint64(6));
        QCOMPARE(summary.value(u"suspects").toInteger(), qint64(4));
        QCOMPARE(summary.value(u"ignored").toInteger(-1), qint64(0));
        QCOMPARE(summary.value(u"capture_seconds").toDouble(), 1.25);
    }

    void jsonTypes()
    {
        const Heap heap(reportSpec());
        const QJsonArray types = parseJson(jsonReport(heap.analysis, 0)).value(u"types").toArray();
        QCOMPARE(types.size(), 6);
        struct Expected { qint64 count, bytes, candidates, retained; };
        // Zeta holds the dict; the Alpha at 0x5000 holds the one at 0x6200 twice, so that one's 32
        // bytes count once for ext.Alpha.
        const std::map<QString, Expected> expected = {
            {QStringLiteral("ext.Alpha"), {3, 56 + 32 + 32, 2, 56 + 32 + 32}},
            {QStringLiteral("builtins.list"), {2, 88 + 40, 2, 88 + 40}},
            {QStringLiteral("ext.Zeta"), {1, qint64(kHugeSize), 1, qint64(kHugeSize) + 232}},
            {QStringLiteral("builtins.dict"), {1, 232, 0, 232}},
            {QStringLiteral("builtins.str"), {1, 50, 0, 50}},
            {qs(kLongType), {1, 16, 1, 16}},
        };
        qint64 previousCount = INT64_MAX;
        for (const QJsonValue& value : types) {
            const QJsonObject row = value.toObject();
            QCOMPARE(sorted(row.keys()),
                     sorted({u"type"_s, u"count"_s, u"bytes"_s, u"retained_size"_s, u"candidates"_s, u"origin"_s}));
            const QString name = row.value(u"type").toString();
            const auto it = expected.find(name);
            QVERIFY2(it != expected.end(), qPrintable(name));
            QCOMPARE(row.value(u"count").toInteger(), it->second.count);
            QCOMPARE(row.value(u"bytes").toInteger(), it->second.bytes);
            QCOMPARE(row.value(u"candidates").toInteger(), it->second.candidates);
            QCOMPARE(row.value(u"retained_size").toInteger(), it->second.retained);
            QVERIFY2(row.value(u"count").toInteger() <= previousCount, "types are listed by count, largest first");
            previousCount = row.value(u"count").toInteger();
        }
    }

    void jsonCandidates()
    {
        const Heap heap(reportSpec());
        const Snapshot& s = heap.snapshot;
        const QJsonArray candidates = parseJson(jsonReport(heap.analysis, 0)).value(u"candidates").toArray();
        QCOMPARE(candidates.size(), qsizetype(kReportOrder.size()));
        const DominatorTree tree(s, heap.analysis);
        const QStringList keys = sorted({u"address"_s, u"type"_s, u"size"_s, u"retained_size"_s, u"refcount"_s, u"immortal"_s, u"referrers"_s,
                                         u"surplus"_s, u"referents"_s, u"suspect"_s, u"explanation"_s,
                                         u"ignored_by"_s, u"origin"_s, u"allocated_at"_s, u"created_by"_s,
                                         u"created_under"_s, u"repr"_s});
        for (qsizetype k = 0; k < candidates.size(); ++k) {
            const ObjectIndex i = kReportOrder[std::size_t(k)];
            const QJsonObject c = candidates.at(k).toObject();
            QCOMPARE(sorted(c.keys()), keys);
            QCOMPARE(c.value(u"address").toString(), qs(formatAddress(s.address(i))));
            QCOMPARE(c.value(u"type").toString(), qs(s.typeNameOf(i)));
            QCOMPARE(c.value(u"size").toInteger(), qint64(s.size(i)));
            QCOMPARE(c.value(u"retained_size").toInteger(), qint64(tree.retainedSize(i)));
            QCOMPARE(c.value(u"refcount").toInteger(), qint64(s.refcount(i)));
            QCOMPARE(c.value(u"referrers").toInteger(), qint64(0));
            QVERIFY(c.value(u"immortal").isBool());
            QCOMPARE(c.value(u"immortal").toBool(), heap.analysis.hasImmortalRefcount(i));
            if (heap.analysis.hasImmortalRefcount(i))
                QVERIFY(c.value(u"surplus").isNull());
            else
                QCOMPARE(c.value(u"surplus").toInteger(), heap.analysis.surplus(i));
            QCOMPARE(c.value(u"referents").toInteger(), qint64(s.referents(i).size()));
            QCOMPARE(c.value(u"suspect").toBool(), heap.analysis.isSuspect(i));
            QVERIFY(c.value(u"suspect").isBool());
            QVERIFY(c.value(u"ignored_by").isNull()); // no rules given (tst_ignore_rules covers them)
            QVERIFY(c.value(u"created_by").isNull()); // no native traces (jsonNativeStacks covers them)
            QVERIFY(c.value(u"created_under").isNull());
            if (heap.analysis.isSuspect(i)) {
                QVERIFY(c.value(u"explanation").isNull());
            } else {
                const QJsonObject e = c.value(u"explanation").toObject();
                QCOMPARE(sorted(e.keys()), sorted({u"kind"_s, u"detail"_s}));
                QCOMPARE(e.value(u"kind").toString(), qs(s.string(s.explanation(i)->kind)));
                QCOMPARE(e.value(u"detail").toString(), qs(s.string(s.explanation(i)->detail)));
            }
        }
        // Spot checks against literal values, so a shared mistake in the accessors cannot hide.
        const QJsonObject zeta = candidates.at(2).toObject();
        QCOMPARE(zeta.value(u"address").toString(), QStringLiteral("0x3000"));
        QCOMPARE(zeta.value(u"size").toInteger(), qint64(kHugeSize));
        // Its refcount of 2^33 + 1 counts no references (immortal-like, as 3.12 writes them): the number
        // is kept, the surplus is not made up from it.
        QCOMPARE(zeta.value(u"refcount").toInteger(), qint64(kHugeRefcount));
        QCOMPARE(zeta.value(u"immortal"), QJsonValue(true));
        QCOMPARE(zeta.value(u"surplus"), QJsonValue(QJsonValue::Null));
        QCOMPARE(candidates.at(1).toObject().value(u"immortal"), QJsonValue(false));
        QCOMPARE(candidates.at(1).toObject().value(u"surplus").toInteger(), qint64(2));
        QCOMPARE(zeta.value(u"referents").toInteger(), qint64(1));
        QCOMPARE(zeta.value(u"repr").toString(), u"\"q\", \\ \n\uFFFD end"_s);
        QCOMPARE(candidates.at(5).toObject().value(u"explanation").toObject().value(u"detail").toString(),
                 qs(kExplainedDetail));
        QCOMPARE(candidates.at(4).toObject().value(u"repr").toString(), QStringLiteral("<builtins.list at 0x7770>"));
    }

    void untraversedFieldsAreFindings()
    {
        // Two ufunc-like holders keep three dicts at +224, one keeps another at +40; a module's state
        // keeps a list; a c-static explanation (no holder) and an explanation of another kind are no
        // findings.
        GraphSpec spec;
        spec.objects = {
            {.type = "numpy.ufunc", .gc = false, .repr = "<ufunc 'add'>"},
            {.type = "numpy.ufunc", .gc = false, .repr = "<ufunc 'sub'>"},
            {.type = "builtins.module", .repr = "<module 'ext'>"},
            {.type = "builtins.dict"}, {.type = "builtins.dict"}, {.type = "builtins.dict"},
            {.type = "builtins.dict"}, {.type = "builtins.list"}, {.type = "builtins.list"},
            {.type = "builtins.list", .edges = {2}},
        };
        spec.explanations = {
            {3, "c-field", "held by C field +224 of numpy.ufunc", 0, 224},
            {4, "c-field", "held by C field +224 of numpy.ufunc", 1, 224},
            {5, "c-field", "held by C field +224 of numpy.ufunc", 1, 224},
            {6, "c-field", "held by C field +40 of numpy.ufunc", 0, 40},
            {7, "module-state", "held by the state of module ext at +8", 2, 8},
            {8, "c-static", "held by static data of libext.so"},
        };
        const Heap heap(spec);
        const std::vector<UntraversedField> fields = untraversedFields(heap.snapshot);
        QCOMPARE(fields.size(), std::size_t(3));
        QCOMPARE(fields[0].objects, std::size_t(3));
        QCOMPARE(fields[0].holders, std::size_t(2));
        QCOMPARE(fields[0].offset, 224u);
        QCOMPARE(std::string(heap.snapshot.typeName(fields[0].holderType)), std::string("numpy.ufunc"));
        QCOMPARE(fields[0].exampleObject, ObjectIndex(3));

        const QJsonArray findings = parseJson(jsonReport(heap.analysis, 0)).value(u"findings").toArray();
        QCOMPARE(findings.size(), 3);
        const QJsonObject first = findings[0].toObject();
        QCOMPARE(first.value(u"kind").toString(), QStringLiteral("untraversed-field"));
        QCOMPARE(first.value(u"holder_type").toString(), QStringLiteral("numpy.ufunc"));
        QCOMPARE(first.value(u"offset").toInt(), 224);
        QCOMPARE(first.value(u"objects").toInt(), 3);
        QCOMPARE(first.value(u"holders").toInt(), 2);
        QCOMPARE(first.value(u"example_holder_repr").toString(), QStringLiteral("<ufunc 'add'>"));
        bool moduleState = false;
        for (const QJsonValue& f : findings)
            moduleState |= f.toObject().value(u"kind").toString() == QStringLiteral("untraversed-module-state")
                && f.toObject().value(u"example_holder_repr").toString() == QStringLiteral("<module 'ext'>");
        QVERIFY(moduleState);

        const std::string table = tableReport(heap.analysis, 0);
        QVERIFY2(table.find("3 objects held at +224 (0xe0) of 2 numpy.ufunc objects") != std::string::npos, table.c_str());
        QVERIFY2(table.find("1 object held at +8 (0x8) of the module state of <module 'ext'>") != std::string::npos, table.c_str());
        // No findings, no section.
        QVERIFY(tableReport(Heap(reportSpec()).analysis, 0).find("C fields") == std::string::npos);
    }

    void jsonWithoutCandidates()
    {
        GraphSpec spec;
        spec.objects = {{.edges = {1}}, {.gc = false, .edges = {0}}};
        const Heap heap(spec);
        const QJsonObject root = parseJson(jsonReport(heap.analysis, 0.5));
        QVERIFY(root.value(u"candidates").isArray());
        QVERIFY(root.value(u"candidates").toArray().isEmpty());
        QCOMPARE(root.value(u"types").toArray().size(), 1);
        QCOMPARE(root.value(u"summary").toObject().value(u"suspects").toInteger(), qint64(0));
    }

    void csvReport()
    {
        const Heap heap(reportSpec());
        const DominatorTree tree(heap.snapshot, heap.analysis);
        const std::string csv = leakscope::csvReport(heap.analysis);
        const auto records = parseCsv(csv);
        QCOMPARE(records.size(), kReportOrder.size() + 1);
        QCOMPARE(records[0], (std::vector<std::string>{"address", "type", "size", "refcount", "referrers", "surplus",
                                                       "referents", "suspect", "explanation_kind",
                                                       "explanation_detail", "repr", "ignored_by", "retained_size",
                                                       "created_by"}));
        // The newline inside a quoted repr must not start a record.
        QVERIFY(std::count(csv.begin(), csv.end(), '\n') > std::ptrdiff_t(records.size()));

        const Snapshot& s = heap.snapshot;
        for (std::size_t k = 0; k < kReportOrder.size(); ++k) {
            const ObjectIndex i = kReportOrder[k];
            const std::vector<std::string>& row = records[k + 1];
            QCOMPARE(row.size(), std::size_t(14));
            QCOMPARE(row[0], formatAddress(s.address(i)));
            QCOMPARE(row[1], std::string(s.typeNameOf(i)));
            QCOMPARE(row[2], std::to_string(s.size(i)));
            QCOMPARE(row[3], std::to_string(s.refcount(i)));
            QCOMPARE(row[4], std::string("0"));
            QCOMPARE(row[5], heap.analysis.hasImmortalRefcount(i) ? std::string("immortal")
                                                                  : std::to_string(heap.analysis.surplus(i)));
            QCOMPARE(row[6], std::to_string(s.referents(i).size()));
            QCOMPARE(row[7], std::string(heap.analysis.isSuspect(i) ? "true" : "false"));
            QCOMPARE(row[10], s.repr(i));
            QCOMPARE(row[11], std::string());
            QCOMPARE(row[12], std::to_string(tree.retainedSize(i)));
            QCOMPARE(row[13], std::string()); // no native traces
        }
        QCOMPARE(records[3][10], kNastyRepr);
        QCOMPARE(records[3][2], std::string("1099511627776"));
        QCOMPARE(records[3][3], std::to_string(kHugeRefcount));
        QCOMPARE(records[3][5], std::string("immortal"));
        QCOMPARE(records[3][12], std::string("1099511628008")); // Zeta (2^40 bytes) and the dict only it holds
        QCOMPARE(records[2][12], std::string("88"));            // 0x5000 and the Alpha it holds
        QCOMPARE(records[6][8], std::string("static-type-dict"));
        QCOMPARE(records[6][9], kExplainedDetail);
        QCOMPARE(records[1][8], std::string());
        QCOMPARE(records[1][9], std::string());
    }

    // Native stacks: created_by innermost first past the folded frames, created_under the outermost
    // folded frame; null for a candidate without a stack; the depth in the report's info.
    void jsonNativeStacks()
    {
        GraphSpec spec = reportSpec();
        spec.nativeStacks = {
            {1, {{"PyObject_Malloc", "/lib/libpython3.11.so"}, {"_PyObject_GC_New", "/lib/libpython3.11.so"},
                 {"alpha_step", "/opt/ext/_ext.so", "/src/ext/alpha.h", 12, 0x7f00001000, true},
                 {"alpha_new", "/opt/ext/_ext.so", "/src/ext/alpha.c", 40, 0x7f00001000}},
             2},
            {2, {{"", "/opt/ext/_ext.so", "", 0, 0x7f00002000}}, 0},
        };
        spec.nativeTraceDepth = 32;
        const Heap heap(spec);
        const QJsonObject root = parseJson(jsonReport(heap.analysis, 0));
        QCOMPARE(root.value(u"native_trace_depth").toInteger(), qint64(32));
        const QJsonArray candidates = root.value(u"candidates").toArray();
        const QJsonObject one = candidates.at(1).toObject(); // object 1, report order {2, 1, 0, ...}
        const QJsonArray frames = one.value(u"created_by").toArray();
        QCOMPARE(frames.size(), 2);
        const QJsonObject inner = frames.at(0).toObject();
        QCOMPARE(sorted(inner.keys()),
                 sorted({u"function"_s, u"library"_s, u"file"_s, u"line"_s, u"address"_s, u"inlined"_s}));
        QCOMPARE(inner.value(u"function").toString(), u"alpha_step"_s);
        QCOMPARE(inner.value(u"library").toString(), u"/opt/ext/_ext.so"_s);
        QCOMPARE(inner.value(u"file").toString(), u"/src/ext/alpha.h"_s);
        QCOMPARE(inner.value(u"line").toInteger(), qint64(12));
        QCOMPARE(inner.value(u"inlined"), QJsonValue(true));
        QCOMPARE(inner.value(u"address").toString(), u"0x7f00001000"_s);
        QCOMPARE(frames.at(1).toObject().value(u"function").toString(), u"alpha_new"_s);
        QCOMPARE(frames.at(1).toObject().value(u"inlined"), QJsonValue(false));
        QCOMPARE(one.value(u"created_under").toString(), u"_PyObject_GC_New"_s);
        // Unnamed frame, nothing folded.
        const QJsonObject two = candidates.at(0).toObject();
        const QJsonObject unnamed = two.value(u"created_by").toArray().at(0).toObject();
        QVERIFY(unnamed.value(u"function").isNull());
        QVERIFY(unnamed.value(u"file").isNull());
        QVERIFY(unnamed.value(u"line").isNull());
        QVERIFY(two.value(u"created_under").isNull());
        QVERIFY(candidates.at(2).toObject().value(u"created_by").isNull());

        // CSV: the creator in the last column; table: the suspects by creator.
        const auto records = parseCsv(leakscope::csvReport(heap.analysis));
        QCOMPARE(records[2][13], std::string("alpha_step at alpha.h:12 (_ext.so) [inlined]"));
        QCOMPARE(records[1][13], std::string("?? at 0x7f00002000 (_ext.so)"));
        QCOMPARE(records[3][13], std::string());
        const std::string table = tableReport(heap.analysis, 0);
        QVERIFY2(table.find("Suspects by the C function that created them") != std::string::npos, table.c_str());
        QVERIFY(table.find("       1  alpha_step at alpha.h:12 (_ext.so) [inlined]\n") != std::string::npos);
        QVERIFY(table.find("       2  (creator unknown") != std::string::npos);
        QVERIFY(tableReport(Heap(reportSpec()).analysis, 0).find("created them") == std::string::npos);
    }

    void tableListsSuspectsOnly()
    {
        const Heap heap(reportSpec());
        const std::string table = tableReport(heap.analysis, 2.5);
        QVERIFY2(table.find("9 objects (8 gc-tracked), 3 references") != std::string::npos, table.c_str());
        QVERIFY2(table.find("6 leak candidates, 4 suspects (candidates no explanation covers)\n") != std::string::npos,
                 table.c_str());
        QVERIFY(table.find("ignore rule") == std::string::npos); // no rules given, none mentioned
        QVERIFY2(table.find("3.11.2") != std::string::npos, table.c_str());
        QVERIFY(table.find("ADDRESS") != std::string::npos);

        std::size_t previous = 0;
        for (ObjectIndex i : {2, 1, 0, 8}) {
            const std::size_t at = table.find(formatAddress(heap.snapshot.address(i)) + " ");
            QVERIFY2(at != std::string::npos && at > previous, qPrintable(qs(formatAddress(heap.snapshot.address(i)))));
            previous = at;
        }
        // The immortal-like Zeta's surplus is no number.
        const std::size_t zeta = table.find("0x3000 ");
        const std::string zetaLine = table.substr(zeta, table.find('\n', zeta) - zeta);
        QVERIFY2(zetaLine.find(" immortal ") != std::string::npos, zetaLine.c_str());
        // RETAINED follows SIZE: the Alpha at 0x5000 (56 bytes) and the one it holds (32).
        QVERIFY2(table.find("   SIZE    RETAINED   REFS") != std::string::npos, table.c_str());
        const std::size_t alpha = table.find("0x5000 ");
        const std::string alphaLine = table.substr(alpha, table.find('\n', alpha) - alpha);
        QVERIFY2(alphaLine.find("      56          88      2 ") != std::string::npos, alphaLine.c_str());
        QVERIFY(table.find("0x7770") == std::string::npos); // explained candidates are not listed
        QVERIFY(table.find("0x8880") == std::string::npos);
        QVERIFY(table.find("0x6000") == std::string::npos); // nor objects that are not candidates
        QVERIFY(table.find("more suspects") == std::string::npos);
    }

    void tableElides()
    {
        const Heap heap(reportSpec());
        const std::string table = tableReport(heap.analysis, 0);
        const std::string longRepr = heap.snapshot.repr(2);
        QVERIFY(table.find(longRepr) == std::string::npos);
        QVERIFY(table.find(elideUtf8(longRepr, 80) + "\n") != std::string::npos);
        QVERIFY(table.find(kLongType) == std::string::npos);
        QVERIFY2(table.find(elideUtf8(kLongType, 28)) != std::string::npos, table.c_str());
    }

    void tableHidesControlCharacters()
    {
        // Reprs come from untrusted snapshot files too: no escape sequence may reach the terminal.
        GraphSpec spec;
        spec.objects = {{.type = "builtins.str", .repr = "'\x1b[2J\nboom'"}};
        const Heap heap(spec);
        const std::string table = tableReport(heap.analysis, 0);
        QVERIFY2(table.find('\x1b') == std::string::npos, table.c_str());
        QVERIFY2(table.find("'?[2J?boom'") != std::string::npos, table.c_str());
    }

    void tableLimitsRows()
    {
        const Heap heap(reportSpec());
        const std::string table = tableReport(heap.analysis, 0, 2);
        QVERIFY2(table.find("2 more suspects") != std::string::npos, table.c_str());
        QVERIFY(table.find("0x1000 ") != std::string::npos);
        QVERIFY(table.find("0x5000 ") != std::string::npos);
        QVERIFY(table.find("0x3000 ") == std::string::npos);
        QVERIFY(table.find("0x9000 ") == std::string::npos);
    }

    void tableWithoutSuspects()
    {
        GraphSpec spec;
        spec.objects = {{.type = "builtins.dict"}, {.gc = false}};
        spec.explanations = {{0, "interpreter-root", "builtins"}};
        const Heap heap(spec);
        const std::string table = tableReport(heap.analysis, 0);
        QVERIFY2(table.find("1 leak candidates, 0 suspects") != std::string::npos, table.c_str());
        QVERIFY(table.find("ADDRESS") == std::string::npos);
        QCOMPARE(std::count(table.begin(), table.end(), '\n'), std::ptrdiff_t(2));
    }

    void tableKeepsSummaryWithLongPythonVersion()
    {
        // pythonVersion comes from snapshot files, which are untrusted and may hold anything.
        GraphSpec spec;
        spec.objects = {{}};
        spec.pythonVersion = std::string(300, '9');
        const Heap heap(spec);
        const std::string table = tableReport(heap.analysis, 0);
        QVERIFY2(table.find("1 leak candidates, 1 suspects") != std::string::npos, table.c_str());
    }

    void jsonNumbersIgnoreTheCLocale()
    {
        // QCoreApplication adopts the environment's locale on Unix; a decimal comma would break JSON.
        const std::string saved = std::setlocale(LC_NUMERIC, nullptr);
        const char* commaLocale = nullptr;
        for (const char* name : {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8", "ru_RU.UTF-8"}) {
            if (std::setlocale(LC_NUMERIC, name)) {
                commaLocale = name;
                break;
            }
        }
        if (!commaLocale)
            QSKIP("no locale with a decimal comma is installed");
        GraphSpec spec;
        spec.objects = {{}};
        const Heap heap(spec);
        const std::string json = jsonReport(heap.analysis, 1.5);
        std::setlocale(LC_NUMERIC, saved.c_str());
        QCOMPARE(parseJson(json).value(u"summary").toObject().value(u"capture_seconds").toDouble(), 1.5);
    }

    void formatReportDispatches()
    {
        const Heap heap(reportSpec());
        QCOMPARE(formatReport(heap.analysis, ReportFormat::Json, 1.5), jsonReport(heap.analysis, 1.5));
        QCOMPARE(formatReport(heap.analysis, ReportFormat::Csv, 1.5), leakscope::csvReport(heap.analysis));
        QCOMPARE(formatReport(heap.analysis, ReportFormat::Table, 1.5), tableReport(heap.analysis, 1.5));
    }
};

QTEST_GUILESS_MAIN(TestReport)
#include "tst_report.moc"
