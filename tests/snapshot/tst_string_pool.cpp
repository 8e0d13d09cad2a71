// StringPool and StringPoolBuilder: interning, the id-0-is-empty invariant, and assign() as the
// gate for pools read from untrusted files.

#include "snapshot/string_pool.h"
#include "test_graph.h" // QTest::toString for std::string

#include <QtTest/QTest>

using namespace leakscope;

namespace {

std::string str(std::string_view view)
{
    return std::string(view);
}

} // namespace

class TestStringPool : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultPoolHoldsOnlyTheEmptyString()
    {
        const StringPool pool;
        QCOMPARE(pool.size(), std::size_t(1));
        QCOMPARE(str(pool.at(0)), std::string());
        QVERIFY(pool.blob().empty());
        QCOMPARE(pool.offsets(), (std::vector<std::uint32_t>{0, 0}));
        // Out-of-range ids read as empty rather than past the blob.
        QCOMPARE(str(pool.at(1)), std::string());
        QCOMPARE(str(pool.at(UINT32_MAX)), std::string());
    }

    void internReturnsStableIds()
    {
        StringPoolBuilder builder;
        QCOMPARE(builder.intern(""), StringId(0));
        const StringId dict = builder.intern("builtins.dict");
        const StringId list = builder.intern("builtins.list");
        QCOMPARE(dict, StringId(1));
        QCOMPARE(list, StringId(2));
        QCOMPARE(builder.intern(std::string("builtins.dict")), dict);
        QCOMPARE(builder.intern("builtins.dic"), StringId(3)); // a prefix is a different string
        QCOMPARE(builder.intern("caf\xc3\xa9"), StringId(4));
        QCOMPARE(builder.intern(""), StringId(0));

        const StringPool pool = builder.take();
        QCOMPARE(pool.size(), std::size_t(5));
        QCOMPARE(str(pool.at(dict)), std::string("builtins.dict"));
        QCOMPARE(str(pool.at(list)), std::string("builtins.list"));
        QCOMPARE(str(pool.at(3)), std::string("builtins.dic"));
        QCOMPARE(str(pool.at(4)), std::string("caf\xc3\xa9"));
        QCOMPARE(pool.offsets().size(), pool.size() + 1);
        QCOMPARE(std::size_t(pool.offsets().back()), pool.blob().size());
    }

    void takeResetsTheBuilder()
    {
        StringPoolBuilder builder;
        builder.intern("a");
        builder.intern("b");
        const StringPool first = builder.take();
        QCOMPARE(first.size(), std::size_t(3));

        // A reused builder must not remember ids that point into the pool it gave away.
        QCOMPARE(builder.intern("b"), StringId(1));
        const StringPool second = builder.take();
        QCOMPARE(second.size(), std::size_t(2));
        QCOMPARE(str(second.at(1)), std::string("b"));
        QCOMPARE(str(first.at(2)), std::string("b"));
    }

    void assignAcceptsValidArrays()
    {
        StringPool pool;
        QVERIFY(pool.assign("abcde", {0, 0, 2, 2, 5}));
        QCOMPARE(pool.size(), std::size_t(4));
        QCOMPARE(str(pool.at(0)), std::string());
        QCOMPARE(str(pool.at(1)), std::string("ab"));
        QCOMPARE(str(pool.at(2)), std::string()); // empty strings past id 0 are allowed
        QCOMPARE(str(pool.at(3)), std::string("cde"));

        QVERIFY(pool.assign(std::string(), {0, 0}));
        QCOMPARE(pool.size(), std::size_t(1));
    }

    void assignRejectsInvalidArrays_data()
    {
        QTest::addColumn<QByteArray>("blob");
        QTest::addColumn<QList<quint32>>("offsets");
        QTest::newRow("no offsets") << QByteArray("ab") << QList<quint32>{};
        QTest::newRow("one offset") << QByteArray() << QList<quint32>{0};
        QTest::newRow("first offset not zero") << QByteArray("ab") << QList<quint32>{1, 1, 2};
        QTest::newRow("id 0 not empty") << QByteArray("ab") << QList<quint32>{0, 1, 2};
        QTest::newRow("last offset short of blob") << QByteArray("abc") << QList<quint32>{0, 0, 2};
        QTest::newRow("last offset past blob") << QByteArray("ab") << QList<quint32>{0, 0, 3};
        QTest::newRow("offsets decrease") << QByteArray("abcd") << QList<quint32>{0, 0, 3, 1, 4};
    }

    void assignRejectsInvalidArrays()
    {
        QFETCH(QByteArray, blob);
        QFETCH(QList<quint32>, offsets);
        StringPool pool;
        QVERIFY(pool.assign("xyz", {0, 0, 3})); // a previous good state that a failure must clear
        QVERIFY(!pool.assign(blob.toStdString(), std::vector<std::uint32_t>(offsets.begin(), offsets.end())));
        QCOMPARE(pool.size(), std::size_t(1));
        QVERIFY(pool.blob().empty());
        QCOMPARE(pool.offsets(), (std::vector<std::uint32_t>{0, 0}));
        QCOMPARE(str(pool.at(1)), std::string());
    }
};

QTEST_GUILESS_MAIN(TestStringPool)
#include "tst_string_pool.moc"
