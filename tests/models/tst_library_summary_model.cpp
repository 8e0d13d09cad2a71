// LibrarySummaryModel on the hand-built heap: one row per library behind the candidates' types, most
// suspects first, counts worked out by hand (with and without ignore rules), the file name shown and
// the full path as tooltip, resets only through setSnapshot().

#include "models_fixture.h"

#include "models/candidates_filter_proxy.h"
#include "models/library_summary_model.h"

#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace leakscope;
using namespace leakscope::test;

namespace {

using L = LibrarySummaryModel;
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

} // namespace

class TestLibrarySummaryModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void emptyModel()
    {
        L model;
        QAbstractItemModelTester tester(&model, kQtTest);
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.columnCount(), int(L::ColumnCount));
        QCOMPARE(model.headerData(L::LibraryColumn, Qt::Horizontal).toString(), QStringLiteral("Library"));
        QCOMPARE(model.headerData(L::SuspectsColumn, Qt::Horizontal).toString(), QStringLiteral("Suspects"));
        QCOMPARE(model.rowOfPath(QString()), -1);
    }

    void rowsByLibrary()
    {
        L model;
        QAbstractItemModelTester tester(&model, kQtTest);
        model.setSnapshot(fixtureSnapshot());
        // libpython: candidates 0, 3, 5, 7, 9, suspects 0, 3, 9; _ext: 2; none: 6 (ext.Other). The two
        // with one suspect each go by path, and the empty path comes first.
        QCOMPARE(table(model), (QStringList{QStringLiteral("libpython3.11.so.1.0|5|3"), QStringLiteral("(no library)|1|1"),
                                            QStringLiteral("_ext.cpython-311-x86_64-linux-gnu.so|1|1")}));
        QCOMPARE(model.index(0, L::LibraryColumn).data(Qt::ToolTipRole).toString(), QString::fromUtf8(kLibpython));
        QVERIFY(model.index(1, L::LibraryColumn).data(Qt::ToolTipRole).toString().contains(QStringLiteral("defined in Python")));
        QCOMPARE(model.index(0, L::CandidatesColumn).data(SortRole).toULongLong(), 5ull);
        QCOMPARE(model.index(0, L::SuspectsColumn).data(SortRole).toULongLong(), 3ull);
        QCOMPARE(model.index(2, L::LibraryColumn).data(SortRole).toString(),
                 QStringLiteral("_ext.cpython-311-x86_64-linux-gnu.so"));
        QCOMPARE(model.index(0, L::SuspectsColumn).data(Qt::TextAlignmentRole).toInt(), int(Qt::AlignRight | Qt::AlignVCenter));

        // The role a proxy filters on: the library's string id in the snapshot.
        const Snapshot& s = model.analyzedSnapshot()->snapshot();
        QCOMPARE(model.index(0, L::SuspectsColumn).data(LibraryRole).value<quint32>(), s.type(Dict).library);
        QCOMPARE(model.index(1, 0).data(LibraryRole).value<quint32>(), 0u);
        QCOMPARE(model.index(2, 0).data(LibraryRole).value<quint32>(), s.type(Leaky).library);
        QCOMPARE(model.libraryPathAt(2), QString::fromUtf8(kExtLibrary));
        QCOMPARE(model.libraryPathAt(1), QString());
        QCOMPARE(model.rowOfPath(QString::fromUtf8(kExtLibrary)), 2);
        QCOMPARE(model.rowOfPath(QString()), 1);
        QCOMPARE(model.rowOfPath(QStringLiteral("/no/such/library.so")), -1);
    }

    // Rules take suspects away; the candidates stay.
    void rulesChangeTheSuspects()
    {
        L model;
        QAbstractItemModelTester tester(&model, kQtTest);
        model.setSnapshot(analyzedFixture("type builtins.*"));
        QCOMPARE(table(model), (QStringList{QStringLiteral("(no library)|1|1"),
                                            QStringLiteral("_ext.cpython-311-x86_64-linux-gnu.so|1|1"),
                                            QStringLiteral("libpython3.11.so.1.0|5|0")}));
    }

    // The rows a view would select filter a proxy to those libraries' candidates.
    void rowsFilterTheCandidates()
    {
        const AnalyzedSnapshotPtr analyzed = analyzeSnapshot(fixtureSnapshot());
        L libraries;
        libraries.setSnapshot(analyzed);
        CandidatesModel candidates;
        candidates.setSnapshot(analyzed);
        CandidatesFilterProxy proxy;
        QAbstractItemModelTester tester(&proxy, kQtTest);
        proxy.setSourceModel(&candidates);
        proxy.setShowExplained(true);
        for (int row = 0; row < libraries.rowCount(); ++row) {
            proxy.setLibraryFilter({libraries.index(row, 0).data(LibraryRole).value<quint32>()});
            QCOMPARE(quint64(proxy.rowCount()), quint64(libraries.libraryAt(row).candidates));
        }
    }

    void setSnapshotIsTheOnlyReset()
    {
        L model;
        QAbstractItemModelTester tester(&model, kQtTest);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        model.setSnapshot(fixtureSnapshot());
        model.setSnapshot(otherSnapshot());
        QCOMPARE(resets.count(), 2);
        QCOMPARE(table(model), QStringList{QStringLiteral("(no library)|2|2")});
        model.setSnapshot(SnapshotPtr());
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(resets.count(), 3);
    }
};

QTEST_GUILESS_MAIN(TestLibrarySummaryModel)
#include "tst_library_summary_model.moc"
