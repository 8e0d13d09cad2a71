#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>

// Assertions on a JSON report. Each check is void so it can use QVERIFY/QCOMPARE; callers test
// QTest::currentTestFailed() afterwards.
namespace clitest {

// True when the candidate's type is the builtin `name` ("dict" matches "dict" and "builtins.dict").
bool hasBuiltinType(const QJsonObject& candidate, const QString& name);

QList<QJsonObject> candidatesWhere(const QJsonArray& candidates, const std::function<bool(const QJsonObject&)>& keep);

// Header, summary and per-candidate invariants that hold for every report.
void checkReportConsistency(const QJsonObject& report);

// The objects planted by tests/scripts/planted.py are reported, with the right counts, and nothing
// they hold or that Python still refers to is.
void checkPlantedLeaks(const QJsonObject& report);

} // namespace clitest
