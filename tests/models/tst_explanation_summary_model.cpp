// ExplanationSummaryModel and the CandidateGroups behind it, on the hand-built heap with and without
// ignore rules: one row per group in a fixed order, counts and bytes worked out by hand, what each
// kind means, resets only through setSnapshot(); and countRuleMatches().

#include "models_fixture.h"

#include "models/explanation_summary_model.h"

#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace leakscope;
using namespace leakscope::test;

namespace {

using E = ExplanationSummaryModel;
using Key = CandidateGroupKey;
constexpr auto kQtTest = QAbstractItemModelTester::FailureReportingMode::QtTest;

QStringList table(const QAbstractItemModel& model)
{
    QStringList rows;
    for (int row = 0; row < model.rowCount(); ++row) {
        QStringList cells;
        for (int column = 0; column < model.columnCount(); ++column)
            cells << model.index(row, column).data().toString();
        rows << cells.join(u'|');
    }
    return rows;
}

QStringList lines(const char* text)
{
    return QString::fromUtf8(text).split(u'\n');
}

} // namespace

class TestExplanationSummaryModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void emptyModel()
    {
        E model;
        QAbstractItemModelTester tester(&model, kQtTest);
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.columnCount(), int(E::ColumnCount));
        QCOMPARE(model.headerData(E::CandidatesColumn, Qt::Horizontal).toString(), QStringLiteral("Candidates"));
        QCOMPARE(model.rowOf({Key::Suspects, {}}), -1);
    }

    void groupsWithoutRules()
    {
        E model;
        QAbstractItemModelTester tester(&model, kQtTest);
        model.setSnapshot(fixtureSnapshot());
        // Suspects 0, 2, 3, 6, 9; nothing ignored; one candidate of each kind, tied, so by name.
        QCOMPARE(table(model), lines("Suspects|5|1,005,380\n"
                                     "Ignored by rules|0|0\n"
                                     "module-state|1|10\n"
                                     "static-type-dict|1|9"));
        QCOMPARE(model.index(0, E::CandidatesColumn).data(SortRole).toULongLong(), 5ull);
        QCOMPARE(model.index(0, E::BytesColumn).data(SortRole).toULongLong(), 1005380ull);
        QCOMPARE(model.index(2, E::GroupColumn).data(SortRole).toString(), QStringLiteral("module-state"));
        QVERIFY(model.groupAt(3).key == Key::explained("static-type-dict"));
        QCOMPARE(model.rowOf(Key::explained("module-state")), 2);
        QCOMPARE(model.rowOf(Key::explained("frame")), -1);
        QCOMPARE(model.index(1, E::BytesColumn).data(Qt::TextAlignmentRole).toInt(), int(Qt::AlignRight | Qt::AlignVCenter));
    }

    void groupsWithRules()
    {
        E model;
        QAbstractItemModelTester tester(&model, kQtTest);
        // 2 and 6 by their type; the builtins.dict rule takes suspect 0, but 5 keeps its explanation.
        model.setSnapshot(analyzedFixture("type ext.*\ntype builtins.dict"));
        QCOMPARE(table(model), lines("Suspects|2|1,005,000\n"
                                     "Ignored by rules|3|380\n"
                                     "module-state|1|10\n"
                                     "static-type-dict|1|9"));
        const CandidateGroups& groups = model.analyzedSnapshot()->groups();
        const std::vector<ObjectIndex>& candidates = model.analyzedSnapshot()->analysis().candidates();
        std::vector<ObjectIndex> ignored;
        for (std::size_t k = 0; k < candidates.size(); ++k) {
            if (groups.groupOf(k) == CandidateGroups::kIgnored)
                ignored.push_back(candidates[k]);
        }
        QCOMPARE(ignored, (std::vector<ObjectIndex>{0, 2, 6}));
        // The analysis counts 5 as ignored too; the groups put it under its explanation.
        QCOMPARE(model.analyzedSnapshot()->analysis().ignoredCount(), std::size_t(4));
    }

    void kindsByCountThenName()
    {
        GraphSpec spec;
        for (int k = 0; k < 8; ++k)
            spec.objects.push_back({.size = std::uint64_t(10 + k)});
        spec.explanations = {{0, "startup", "at start"}, {1, "frame", "f()"},       {2, "c-field", "in a dict"},
                             {3, "frame", "g()"},        {4, "c-field", "in a list"}, {5, "frame", "h()"},
                             {6, "c-field", "in a set"}};
        E model;
        QAbstractItemModelTester tester(&model, kQtTest);
        model.setSnapshot(std::make_shared<const Snapshot>(buildColumns(spec)));
        QCOMPARE(table(model), lines("Suspects|1|17\n"
                                     "Ignored by rules|0|0\n"
                                     "c-field|3|42\n"
                                     "frame|3|39\n"
                                     "startup|1|10"));
    }

    void toolTipsSayWhatAGroupMeans()
    {
        E model;
        model.setSnapshot(analyzedFixture("type ext.*"));
        const auto tip = [&](int row) { return model.index(row, E::GroupColumn).data(Qt::ToolTipRole).toString(); };
        QVERIFY2(tip(0).contains(QStringLiteral("no ignore rule")), qPrintable(tip(0)));
        QVERIFY2(tip(1).contains(QStringLiteral("ignore rules match")), qPrintable(tip(1)));
        // A kind the capture records: its meaning, then one of its details.
        QVERIFY2(tip(2).contains(QStringLiteral("module's C state")), qPrintable(tip(2)));
        QVERIFY2(tip(2).endsWith(QStringLiteral("For example: held by ext")), qPrintable(tip(2)));
        // A kind it does not know is still named.
        QVERIFY2(tip(3).contains(QStringLiteral("\"static-type-dict\"")), qPrintable(tip(3)));
        QVERIFY(model.index(2, E::CandidatesColumn).data(Qt::ToolTipRole).isNull());
        QVERIFY(!candidateGroupDescription(Key::explained("c-static")).contains(QStringLiteral("c-static")));
    }

    void resetsOnlyThroughSetSnapshot()
    {
        E model;
        QAbstractItemModelTester tester(&model, kQtTest);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        model.setSnapshot(fixtureSnapshot());
        QCOMPARE(resets.count(), 1);
        QCOMPARE(model.rowCount(), 4);
        model.setSnapshot(otherSnapshot());
        QCOMPARE(resets.count(), 2);
        QCOMPARE(table(model), lines("Suspects|2|128\nIgnored by rules|0|0"));
        model.setSnapshot(AnalyzedSnapshotPtr());
        QCOMPARE(resets.count(), 3);
        QCOMPARE(model.rowCount(), 0);
    }

    void ruleMatchCounts()
    {
        const AnalyzedSnapshotPtr analyzed = analyzedFixture("type ext.Other");
        const IgnoreRulesPtr tried = fixtureRules("type ext.*\ntype builtins.*\ntype builtins.dict\nmodule nothing");
        const std::vector<RuleMatchCount> counts = countRuleMatches(analyzed->analysis(), *tried);
        QCOMPARE(counts.size(), std::size_t(4));
        // 2 and 6; 6 is no suspect under the analysis' own rule.
        QCOMPARE(int(counts[0].candidates), 2);
        QCOMPARE(int(counts[0].unexplained), 2);
        QCOMPARE(int(counts[0].suspects), 1);
        // 0, 3, 5, 7, 9, of which 5 and 7 are explained.
        QCOMPARE(int(counts[1].candidates), 5);
        QCOMPARE(int(counts[1].unexplained), 3);
        QCOMPARE(int(counts[1].suspects), 3);
        // Shadowed by the rule before it, and a rule that matches nothing.
        QCOMPARE(int(counts[2].candidates), 0);
        QCOMPARE(int(counts[3].candidates), 0);
    }
};

QTEST_GUILESS_MAIN(TestExplanationSummaryModel)
#include "tst_explanation_summary_model.moc"
