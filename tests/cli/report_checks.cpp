#include "report_checks.h"

#include <QSet>
#include <QTest>

#include <utility>
#include <vector>

using namespace Qt::StringLiterals;

namespace clitest {

namespace {

QByteArray brief(const QJsonObject& candidate)
{
    return candidate.value(u"type"_s).toString().toUtf8() + " " + candidate.value(u"repr"_s).toString().toUtf8();
}

// The one candidate of a builtin type whose repr starts with prefix.
void findOne(const QJsonArray& candidates, const QString& type, const QString& reprPrefix, QJsonObject& found)
{
    const auto matches = candidatesWhere(candidates, [&](const QJsonObject& c) {
        return hasBuiltinType(c, type) && c.value(u"repr"_s).toString().startsWith(reprPrefix);
    });
    QVERIFY2(
        matches.size() == 1,
        qPrintable(u"%1 candidates of type %2 with repr %3…, expected 1"_s.arg(matches.size()).arg(type, reprPrefix)));
    found = matches.first();
}

void checkOrphan(const QJsonObject& candidate, qint64 refcount, qint64 referents)
{
    QVERIFY2(candidate.value(u"suspect"_s).toBool(), brief(candidate).constData());
    QVERIFY2(candidate.value(u"explanation"_s).isNull(), brief(candidate).constData());
    QCOMPARE(candidate.value(u"referrers"_s).toInteger(-1), qint64(0));
    QCOMPARE(candidate.value(u"refcount"_s).toInteger(-1), refcount);
    QCOMPARE(candidate.value(u"surplus"_s).toInteger(-1), refcount);
    QCOMPARE(candidate.value(u"referents"_s).toInteger(-1), referents);
    QVERIFY2(candidate.value(u"size"_s).toInteger(0) > 0, brief(candidate).constData());
}

void checkNotCandidate(const QJsonArray& candidates, const QString& reprPrefix)
{
    const auto matches = candidatesWhere(
        candidates, [&](const QJsonObject& c) { return c.value(u"repr"_s).toString().startsWith(reprPrefix); });
    QVERIFY2(matches.isEmpty(), qPrintable(u"reported although referenced: "_s + reprPrefix));
}

} // namespace

bool hasBuiltinType(const QJsonObject& candidate, const QString& name)
{
    const QString type = candidate.value(u"type"_s).toString();
    return type == name || type == u"builtins."_s + name;
}

QList<QJsonObject> candidatesWhere(const QJsonArray& candidates, const std::function<bool(const QJsonObject&)>& keep)
{
    QList<QJsonObject> matches;
    for (const QJsonValue& value : candidates) {
        if (keep(value.toObject()))
            matches.append(value.toObject());
    }
    return matches;
}

void checkReportConsistency(const QJsonObject& report)
{
    QCOMPARE(report.value(u"format"_s).toString(), u"leakscope-report"_s);
    QVERIFY(report.value(u"version"_s).toInteger(0) >= 1);
    QVERIFY2(report.value(u"python"_s).toString().startsWith(u"3.11."_s),
             qPrintable(report.value(u"python"_s).toString()));

    const QJsonObject summary = report.value(u"summary"_s).toObject();
    const qint64 objects = summary.value(u"objects"_s).toInteger(-1);
    const qint64 gcObjects = summary.value(u"gc_objects"_s).toInteger(-1);
    const qint64 edges = summary.value(u"edges"_s).toInteger(-1);
    QVERIFY2(gcObjects > 0 && objects >= gcObjects, "objects must include every gc object");
    QVERIFY(edges > 0);
    QVERIFY(summary.value(u"capture_seconds"_s).toDouble(-1) >= 0);

    const QJsonArray candidates = report.value(u"candidates"_s).toArray();
    QCOMPARE(summary.value(u"candidates"_s).toInteger(-1), qint64(candidates.size()));
    QVERIFY(candidates.size() < gcObjects);
    qint64 suspects = 0, ignored = 0;
    QSet<QString> addresses;
    for (const QJsonValue& value : candidates) {
        const QJsonObject c = value.toObject();
        const bool suspect = c.value(u"suspect"_s).toBool();
        suspects += suspect ? 1 : 0;
        // A suspect is by definition a candidate that no explanation covers and no ignore rule matches.
        const QJsonValue ignoredBy = c.value(u"ignored_by"_s);
        QVERIFY2(ignoredBy.isNull() || ignoredBy.isObject(), brief(c).constData());
        ignored += ignoredBy.isObject() ? 1 : 0;
        QVERIFY2(suspect == (c.value(u"explanation"_s).isNull() && ignoredBy.isNull()), brief(c).constData());
        QVERIFY2(c.value(u"referrers"_s).toInteger(-1) == 0, brief(c).constData());
        const qint64 refcount = c.value(u"refcount"_s).toInteger(-1);
        QVERIFY2(refcount >= 1, brief(c).constData()); // a live object nothing in the heap refers to is held elsewhere
        if (c.value(u"immortal"_s).toBool()) // its refcount counts no references: no surplus
            QVERIFY2(c.value(u"surplus"_s).isNull(), brief(c).constData());
        else
            QCOMPARE(c.value(u"surplus"_s).toInteger(-1), refcount - c.value(u"referrers"_s).toInteger(-1));
        const QString address = c.value(u"address"_s).toString();
        QVERIFY2(address.startsWith(u"0x"_s), qPrintable(address));
        QVERIFY2(!addresses.contains(address), qPrintable(u"listed twice: "_s + address));
        addresses.insert(address);
        // gc.get_objects()'s own list, which the capture walks, must never show up as a leak.
        QVERIFY2(!(hasBuiltinType(c, u"list"_s) && c.value(u"referents"_s).toInteger(0) >= gcObjects - 10),
                 ("the capture's own object list is reported: " + brief(c).left(200)).constData());
    }
    QCOMPARE(summary.value(u"suspects"_s).toInteger(-1), suspects);
    QCOMPARE(summary.value(u"ignored"_s).toInteger(-1), ignored);

    // The type table accounts for every object and every candidate exactly once.
    qint64 typedObjects = 0, typedCandidates = 0, totalBytes = 0;
    std::vector<std::pair<qint64, qint64>> typeBytes; // bytes, retained_size
    for (const QJsonValue& value : report.value(u"types"_s).toArray()) {
        const QJsonObject row = value.toObject();
        QVERIFY(row.value(u"count"_s).toInteger(0) >= 1);
        typedObjects += row.value(u"count"_s).toInteger(0);
        typedCandidates += row.value(u"candidates"_s).toInteger(0);
        totalBytes += row.value(u"bytes"_s).toInteger(0);
        typeBytes.emplace_back(row.value(u"bytes"_s).toInteger(-1), row.value(u"retained_size"_s).toInteger(-1));
    }
    QCOMPARE(typedObjects, objects);
    QCOMPARE(typedCandidates, qint64(candidates.size()));

    // Retained sizes: a type retains at least its own objects' bytes and at most the heap; nothing
    // refers to a candidate, so no candidate retains another's bytes and theirs add up to at most the heap.
    for (const auto& [bytes, retained] : typeBytes)
        QVERIFY2(retained >= bytes && retained <= totalBytes, qPrintable(u"%1 %2"_s.arg(bytes).arg(retained)));
    qint64 candidatesRetained = 0;
    for (const QJsonValue& value : candidates) {
        const QJsonObject c = value.toObject();
        const qint64 retained = c.value(u"retained_size"_s).toInteger(-1);
        QVERIFY2(retained >= c.value(u"size"_s).toInteger(0), brief(c).constData());
        candidatesRetained += retained;
    }
    QVERIFY2(candidatesRetained <= totalBytes, qPrintable(u"%1 > %2"_s.arg(candidatesRetained).arg(totalBytes)));
}

void checkPlantedLeaks(const QJsonObject& report)
{
    const QJsonArray candidates = report.value(u"candidates"_s).toArray();
    QJsonObject found;

    // leak_dict(): one missing DECREF; the dict holds a str and the empty list.
    findOne(candidates, u"dict"_s, u"{'plantleak': 'orphan-dict'"_s, found);
    if (QTest::currentTestFailed())
        return;
    checkOrphan(found, 1, 2);
    if (QTest::currentTestFailed())
        return;

    // Two stray INCREFs on a dict Python then dropped: the surplus counts both.
    findOne(candidates, u"dict"_s, u"{'plantleak': 'orphan-double'"_s, found);
    if (QTest::currentTestFailed())
        return;
    checkOrphan(found, 2, 2);
    if (QTest::currentTestFailed())
        return;

    // leak_list(3): the list is the orphan and its three children hang off it.
    findOne(candidates, u"list"_s, u"[{'plantleak': 'list-child'"_s, found);
    if (QTest::currentTestFailed())
        return;
    checkOrphan(found, 1, 3);
    if (QTest::currentTestFailed())
        return;

    // leak_instance(): an object of the extension's own static type, found by its qualified name.
    const auto leaky = candidatesWhere(
        candidates, [](const QJsonObject& c) { return c.value(u"type"_s).toString() == u"plantleak.Leaky"_s; });
    QCOMPARE(leaky.size(), 1);
    checkOrphan(leaky.first(), 1, 1); // its payload str
    if (QTest::currentTestFailed())
        return;
    QVERIFY2(leaky.first().value(u"repr"_s).toString().contains(u"plantleak.Leaky"_s),
             brief(leaky.first()).constData());

    // Referenced objects are never candidates, however many references C code added.
    checkNotCandidate(candidates, u"{'plantleak': 'list-child'"_s);
    checkNotCandidate(candidates, u"{'plantleak': 'held-twice'"_s);
    checkNotCandidate(candidates, u"{'plantleak': 'control'"_s);

    bool typeListed = false;
    for (const QJsonValue& value : report.value(u"types"_s).toArray()) {
        const QJsonObject row = value.toObject();
        if (row.value(u"type"_s).toString() != u"plantleak.Leaky"_s)
            continue;
        typeListed = true;
        QCOMPARE(row.value(u"count"_s).toInteger(0), qint64(1));
        QCOMPARE(row.value(u"candidates"_s).toInteger(0), qint64(1));
    }
    QVERIFY2(typeListed, "plantleak.Leaky is missing from the type summary");
}

} // namespace clitest
