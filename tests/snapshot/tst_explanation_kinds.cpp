// The explanation kinds: their stored names stay what snapshots, reports and ignore rules already
// hold, each name maps back to its kind, and every kind is documented.
#include "snapshot/explanation_kinds.h"

#include <QtCore/QFile>
#include <QtTest/QtTest>

#include <algorithm>
#include <set>
#include <string>

using namespace leakscope;

class TestExplanationKinds : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void namesAreStable()
    {
        // Stored in snapshot files and reports: renaming one breaks them.
        const std::vector<std::string_view> expected = {"type-internals", "module-copy", "interpreter-root",
                                                        "thread-state",   "frame",       "code-constant",
                                                        "array-item",     "untracked-holder", "startup",
                                                        "c-field",        "module-state", "c-static",
                                                        "c-text"};
        std::vector<std::string_view> names;
        for (const ExplanationKindInfo& info : explanationKinds())
            names.push_back(info.name);
        QCOMPARE(names, expected);
    }

    void namesMapBackToTheirKinds()
    {
        std::set<std::string_view> seen;
        for (const ExplanationKindInfo& info : explanationKinds()) {
            QVERIFY2(seen.insert(info.name).second, std::string(info.name).c_str());
            QCOMPARE(explanationKindName(info.kind), info.name);
            QCOMPARE(explanationKindFromName(info.name), std::optional(info.kind));
            QVERIFY(!explanationKindDescription(info.kind).empty());
            QCOMPARE(isUntraversedField(info.kind), info.name == "c-field" || info.name == "module-state");
        }
        for (const char* unknown : {"", "C-field", "c-field ", "suspect", "interpreter"})
            QVERIFY2(!explanationKindFromName(unknown), unknown);
    }

    void everyKindIsDocumented()
    {
        // docs/explanations.md gives each kind a heading of its own (or shares one, "`a` and `b`").
        QFile file(QStringLiteral(LEAKSCOPE_DOCS "/explanations.md"));
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.errorString()));
        QByteArrayList headings;
        for (const QByteArray& line : file.readAll().split('\n')) {
            if (line.startsWith("### "))
                headings.append(line);
        }
        for (const ExplanationKindInfo& info : explanationKinds()) {
            const QByteArray quoted = '`' + QByteArray(info.name.data(), static_cast<qsizetype>(info.name.size())) + '`';
            const bool documented = std::any_of(headings.begin(), headings.end(),
                                                [&](const QByteArray& heading) { return heading.contains(quoted); });
            QVERIFY2(documented, quoted.constData());
        }
    }
};

QTEST_GUILESS_MAIN(TestExplanationKinds)
#include "tst_explanation_kinds.moc"
