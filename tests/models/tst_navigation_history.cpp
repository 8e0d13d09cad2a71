// NavigationHistory as a browser's: visits, back and forward, the entries ahead dropped by a new
// visit, repeated visits, the limit, and when it says it changed.

#include "models/navigation_history.h"

#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace leakscope;

namespace {

NavigationEntry entry(int snapshot, ObjectIndex object)
{
    return NavigationEntry{snapshot, object};
}

} // namespace

class TestNavigationHistory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyHasNowhereToGo()
    {
        NavigationHistory history;
        QVERIFY(!history.current());
        QVERIFY(!history.canGoBack());
        QVERIFY(!history.canGoForward());
        QSignalSpy changed(&history, &NavigationHistory::changed);
        QVERIFY(!history.back());
        QVERIFY(!history.forward());
        history.clear();
        QCOMPARE(changed.size(), 0);
    }

    void backAndForward()
    {
        NavigationHistory history;
        history.visit(entry(0, 5));
        QCOMPARE(history.current(), entry(0, 5));
        QVERIFY(!history.canGoBack());
        history.visit(entry(0, 7));
        history.visit(entry(1, 2)); // another snapshot: kept in the same history
        QCOMPARE(history.entries().size(), 3u);
        QVERIFY(history.canGoBack());
        QVERIFY(!history.canGoForward());

        QCOMPARE(history.back(), entry(0, 7));
        QCOMPARE(history.back(), entry(0, 5));
        QVERIFY(!history.canGoBack());
        QVERIFY(!history.back());
        QCOMPARE(history.current(), entry(0, 5)); // no move past the start
        QVERIFY(history.canGoForward());
        QCOMPARE(history.forward(), entry(0, 7));
        QCOMPARE(history.forward(), entry(1, 2));
        QVERIFY(!history.forward());
        QCOMPARE(history.current(), entry(1, 2));
    }

    void visitAfterBackDropsTheEntriesAhead()
    {
        NavigationHistory history;
        for (ObjectIndex object : {1u, 2u, 3u, 4u})
            history.visit(entry(0, object));
        history.back();
        history.back(); // at 0:2
        history.visit(entry(0, 9));
        QCOMPARE(history.entries().size(), 3u);
        QCOMPARE(history.entries()[0], entry(0, 1));
        QCOMPARE(history.entries()[1], entry(0, 2));
        QCOMPARE(history.entries()[2], entry(0, 9));
        QVERIFY(!history.canGoForward());
        QCOMPARE(history.back(), entry(0, 2));
    }

    void visitingTheCurrentEntryAgainChangesNothing()
    {
        NavigationHistory history;
        history.visit(entry(0, 1));
        history.visit(entry(0, 2));
        history.back();
        QSignalSpy changed(&history, &NavigationHistory::changed);
        history.visit(entry(0, 1)); // where it is: the way forward stays
        QCOMPARE(changed.size(), 0);
        QVERIFY(history.canGoForward());
        QCOMPARE(history.entries().size(), 2u);
        // The same object of another snapshot is another entry.
        history.visit(entry(1, 1));
        QCOMPARE(changed.size(), 1);
        QVERIFY(!history.canGoForward());
        QCOMPARE(history.entries().size(), 2u);
    }

    void changedOnEveryMove()
    {
        NavigationHistory history;
        QSignalSpy changed(&history, &NavigationHistory::changed);
        history.visit(entry(0, 1));
        history.visit(entry(0, 2));
        QCOMPARE(changed.size(), 2);
        history.back();
        QCOMPARE(changed.size(), 3);
        history.forward();
        QCOMPARE(changed.size(), 4);
        history.forward(); // nowhere to go
        QCOMPARE(changed.size(), 4);
        history.clear();
        QCOMPARE(changed.size(), 5);
        QVERIFY(!history.current());
        QVERIFY(!history.canGoBack());
        history.visit(entry(0, 3));
        QCOMPARE(history.current(), entry(0, 3));
        QVERIFY(!history.canGoBack());
    }

    void limitDropsTheOldest()
    {
        NavigationHistory history;
        history.setLimit(3);
        for (ObjectIndex object = 0; object < 10; ++object)
            history.visit(entry(0, object));
        QCOMPARE(history.entries().size(), 3u);
        QCOMPARE(history.entries().front(), entry(0, 7));
        QCOMPARE(history.current(), entry(0, 9));
        QCOMPARE(history.back(), entry(0, 8));
        QCOMPARE(history.back(), entry(0, 7));
        QVERIFY(!history.canGoBack());

        // Lowering the limit below the entries kept drops the oldest; the current entry, when it is
        // among them, becomes the oldest left.
        QSignalSpy changed(&history, &NavigationHistory::changed);
        history.setLimit(1);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(history.entries().size(), 1u);
        QCOMPARE(history.current(), entry(0, 9));
        QVERIFY(!history.canGoBack());
        QVERIFY(!history.canGoForward());
        history.setLimit(0); // taken as 1
        QCOMPARE(history.limit(), std::size_t(1));
        QCOMPARE(changed.size(), 1);
    }

    // A closed snapshot: its entries go, the later snapshots' move down, the current entry stays on
    // the object it was on (or the nearest one before it that is left).
    void removedSnapshotTakesItsEntries()
    {
        NavigationHistory history;
        history.visit(entry(0, 1));
        history.visit(entry(1, 2));
        history.visit(entry(0, 1 + 2));
        history.visit(entry(2, 4));
        history.visit(entry(1, 5));
        QCOMPARE(history.back(), entry(2, 4));
        QSignalSpy changed(&history, &NavigationHistory::changed);
        history.removeSnapshot(1);
        QCOMPARE(changed.size(), 1);
        const std::vector<NavigationEntry> left{entry(0, 1), entry(0, 3), entry(1, 4)};
        QCOMPARE(history.entries(), left);
        QCOMPARE(history.current(), entry(1, 4));
        QVERIFY(history.canGoBack());
        QVERIFY(!history.canGoForward());
        // The current one's snapshot: the entry before it becomes current.
        history.removeSnapshot(1);
        QCOMPARE(history.current(), entry(0, 3));
        // Entries that are alike once those between them are gone count once.
        history.visit(entry(1, 9));
        history.visit(entry(0, 3));
        history.removeSnapshot(1);
        QCOMPARE(history.entries().size(), 2u);
        QCOMPARE(history.current(), entry(0, 3));
        history.removeSnapshot(0);
        QVERIFY(!history.current());
        QVERIFY(!history.canGoBack());
    }
};

QTEST_GUILESS_MAIN(TestNavigationHistory)
#include "tst_navigation_history.moc"
