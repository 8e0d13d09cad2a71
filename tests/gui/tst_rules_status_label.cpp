// The rules' status in the status bar: counts, bad lines, and the rules that gave up on objects of
// the snapshot shown because a regular expression hit its match limit.
#include "gui/ignore_rules_file.h"
#include "gui/rules_status_label.h"
#include "snapshot/test_graph.h"

#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

using namespace leakscope;

class TestRulesStatusLabel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void limitHitsOfTheAnalysisShown()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        IgnoreRulesFile file(dir.filePath(QStringLiteral("ignore-rules")));
        RulesStatusLabel label(&file);
        label.refresh();
        QVERIFY2(label.text().contains(QStringLiteral("No ignore rules")), qPrintable(label.text()));

        // A pattern that backtracks exponentially on a long repr without a final digit.
        const ParsedIgnoreRules parsed = parseIgnoreRules("repr re:^(\\W*\\w*)*\\d$\n", "rules");
        QVERIFY(parsed.errors.empty());
        const IgnoreRules rules(parsed.rules);
        test::GraphSpec spec;
        spec.objects.push_back({.repr = std::string(4000, 'a') + "!"});
        spec.objects.push_back({.repr = "fine 1"});
        const test::Heap heap(spec, &rules);
        QCOMPARE(heap.analysis.ruleLimitHits().size(), std::size_t(1));

        label.setAnalysis(&heap.analysis);
        QCOMPARE(label.limitWarnings().size(), 1);
        QVERIFY2(label.limitWarnings().front().startsWith(QStringLiteral("rules:1: a regular expression of this rule hit "
                                                                         "its match limit on 1 object")),
                 qPrintable(label.limitWarnings().front()));
        QVERIFY2(label.text().contains(QStringLiteral("1 rule hit its limit")), qPrintable(label.text()));
        QVERIFY(label.toolTip().contains(label.limitWarnings().front()));

        // The file is read again (another rule, say): the analysis' warning stays until another is shown.
        label.refresh();
        QVERIFY(label.text().contains(QStringLiteral("1 rule hit its limit")));
        label.setAnalysis(nullptr);
        QVERIFY(label.limitWarnings().isEmpty());
        QVERIFY2(!label.text().contains(QStringLiteral("limit")), qPrintable(label.text()));
    }
};

QTEST_MAIN(TestRulesStatusLabel)
#include "tst_rules_status_label.moc"
