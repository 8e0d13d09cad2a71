// CreatorSummaryModel on the hand-built heap with native stacks added: one row per creating C function
// (a row per address for a frame without a symbol, one last row for unknown creators), counts worked
// out by hand, the keys that find a row again in another analysis, the objects a row filters the
// candidates to, and no rows without native stacks.

#include "models_fixture.h"

#include "models/candidates_filter_proxy.h"
#include "models/creator_summary_model.h"

#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace leakscope;
using namespace leakscope::test;

namespace {

using C = CreatorSummaryModel;
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

// The fixture's candidates 0 and 3 made by ext_fill (two call sites), 2 and 5 by ext_new, 9 by a frame
// without a symbol; 6 and 7 have no stack.
GraphSpec nativeSpec()
{
    GraphSpec spec = fixtureSpec();
    const NativeFrameSpec malloc{"PyObject_Malloc", kLibpython, "Objects/obmalloc.c", 801};
    const NativeFrameSpec gcNew{"_PyObject_GC_New", kLibpython, "Modules/gcmodule.c", 2290};
    const NativeFrameSpec fillA{"ext_fill", kExtLibrary, "/src/ext/fill.c", 10};
    const NativeFrameSpec fillB{"ext_fill", kExtLibrary, "/src/ext/fill.c", 12};
    const NativeFrameSpec make{"ext_new", kExtLibrary, "/src/ext/leaky.c", 20};
    spec.nativeStacks = {
        {0, {malloc, fillA}, 1},
        {2, {malloc, gcNew, make}, 2},
        {3, {malloc, fillB}, 1},
        {5, {malloc, gcNew, make}, 2},
        {9, {malloc, {"", kExtLibrary, "", 0, 0x7f0000abcd}}, 1},
    };
    return spec;
}

AnalyzedSnapshotPtr nativeFixture(const char* rules = nullptr)
{
    SnapshotPtr snapshot = std::make_shared<const Snapshot>(buildColumns(nativeSpec()));
    return analyzeSnapshot(std::move(snapshot), rules ? fixtureRules(rules) : nullptr);
}

} // namespace

class TestCreatorSummaryModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void emptyModel()
    {
        C model;
        QAbstractItemModelTester tester(&model, kQtTest);
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.columnCount(), int(C::ColumnCount));
        QCOMPARE(model.headerData(C::FunctionColumn, Qt::Horizontal).toString(), QStringLiteral("Function"));
        QCOMPARE(model.headerData(C::BytesColumn, Qt::Horizontal).toString(), QStringLiteral("Bytes"));
        QCOMPARE(model.rowOfKey(QString()), -1);
    }

    void rowsByCreator()
    {
        C model;
        QAbstractItemModelTester tester(&model, kQtTest);
        model.setSnapshot(nativeFixture());
        const QString ext = QStringLiteral("_ext.cpython-311-x86_64-linux-gnu.so");
        QCOMPARE(table(model), (QStringList{
                                   QStringLiteral("ext_fill|%1|fill.c:10|2|2|1,000,232").arg(ext),
                                   QStringLiteral("?? 0x7f0000abcd|%1||1|1|5,000").arg(ext),
                                   QStringLiteral("ext_new|%1|leaky.c:20|2|1|57").arg(ext),
                                   QStringLiteral("(creator unknown)|||2|1|110"),
                               }));
        QCOMPARE(model.index(0, C::LibraryColumn).data(Qt::ToolTipRole).toString(), QString::fromUtf8(kExtLibrary));
        QCOMPARE(model.index(0, C::SourceColumn).data(Qt::ToolTipRole).toString(), QStringLiteral("/src/ext/fill.c:10"));
        QVERIFY(model.index(3, C::FunctionColumn).data(Qt::ToolTipRole).toString().contains(QStringLiteral("native stack")));
        QCOMPARE(model.index(0, C::BytesColumn).data(SortRole).toULongLong(), 1000232ull);
        QCOMPARE(model.index(2, C::SuspectsColumn).data(SortRole).toULongLong(), 1ull);
        QCOMPARE(model.index(0, C::SuspectsColumn).data(Qt::TextAlignmentRole).toInt(), int(Qt::AlignRight | Qt::AlignVCenter));
        QCOMPARE(model.creatorAt(0).members, (std::vector<ObjectIndex>{0, 3}));
        QCOMPARE(model.creatorAt(3).members, (std::vector<ObjectIndex>{6, 7}));

        // Keys name a creator by its names, not by this snapshot's string ids.
        QCOMPARE(model.keyAt(0), QStringLiteral("ext_fill\n") + QString::fromUtf8(kExtLibrary));
        QCOMPARE(model.keyAt(1), QStringLiteral("@0x7f0000abcd"));
        QCOMPARE(model.keyAt(3), QString());
        for (int row = 0; row < model.rowCount(); ++row)
            QCOMPARE(model.rowOfKey(model.keyAt(row)), row);
        QCOMPARE(model.rowOfKey(QStringLiteral("nothing\n/lib/none.so")), -1);
    }

    // Rules take suspects away and the order follows; the candidates stay.
    void rulesChangeTheSuspects()
    {
        C model;
        QAbstractItemModelTester tester(&model, kQtTest);
        model.setSnapshot(nativeFixture("type builtins.*"));
        QCOMPARE(model.creatorAt(0).suspects, std::size_t(1)); // ext_new's Leaky
        QCOMPARE(model.index(0, C::FunctionColumn).data().toString(), QStringLiteral("ext_new"));
        QCOMPARE(model.index(1, C::FunctionColumn).data().toString(), QStringLiteral("ext_fill"));
        QCOMPARE(model.index(1, C::CandidatesColumn).data().toString(), QStringLiteral("2"));
        QCOMPARE(model.index(1, C::SuspectsColumn).data().toString(), QStringLiteral("0"));
    }

    // A row's objects filter a proxy to that creator's candidates.
    void rowsFilterTheCandidates()
    {
        const AnalyzedSnapshotPtr analyzed = nativeFixture();
        C creators;
        creators.setSnapshot(analyzed);
        CandidatesModel candidates;
        candidates.setSnapshot(analyzed);
        CandidatesFilterProxy proxy;
        QAbstractItemModelTester tester(&proxy, kQtTest);
        proxy.setSourceModel(&candidates);
        proxy.setShowExplained(true);
        for (int row = 0; row < creators.rowCount(); ++row) {
            proxy.setObjectFilter(creators.creatorAt(row).members);
            QCOMPARE(quint64(proxy.rowCount()), quint64(creators.creatorAt(row).objects));
            std::vector<ObjectIndex> listed = objectsOf(proxy);
            std::sort(listed.begin(), listed.end());
            QCOMPARE(listed, creators.creatorAt(row).members);
        }
        // Suspects only: ext_new's explained dict goes.
        proxy.setShowExplained(false);
        proxy.setObjectFilter(creators.creatorAt(2).members);
        QCOMPARE(objectsOf(proxy), (std::vector<ObjectIndex>{2}));
        QCOMPARE(proxy.countAcceptedWithout(CandidatesFilterProxy::ObjectCriterion), 5);
        proxy.setObjectFilter({});
        QCOMPARE(proxy.rowCount(), 5);
    }

    void noNativeStacksNoRows()
    {
        C model;
        QAbstractItemModelTester tester(&model, kQtTest);
        model.setSnapshot(fixtureSnapshot());
        QCOMPARE(model.rowCount(), 0);
    }

    void setSnapshotIsTheOnlyReset()
    {
        C model;
        QAbstractItemModelTester tester(&model, kQtTest);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        model.setSnapshot(nativeFixture());
        QCOMPARE(model.rowCount(), 4);
        model.setSnapshot(otherSnapshot());
        QCOMPARE(resets.count(), 2);
        QCOMPARE(model.rowCount(), 0);
        model.setSnapshot(AnalyzedSnapshotPtr());
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestCreatorSummaryModel)
#include "tst_creator_summary_model.moc"
