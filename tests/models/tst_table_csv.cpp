// tableCsv(): RFC 4180 quoting, the columns given in their order, numbers of numeric columns written
// plainly, texts cut for the screen written whole, a tree's rows depth first (all, or those descend()
// accepts), and a lazy model fetched to its end.
#include "models/item_roles.h"
#include "models/table_csv.h"

#include <QtCore/QAbstractListModel>
#include <QtGui/QStandardItemModel>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QtTest>

using namespace leakscope;

namespace {

// Rows "row 0", "row 1"… fetched batch rows at a time, as a lazy view model gives them.
class LazyModel : public QAbstractListModel
{
public:
    LazyModel(int total, int batch)
        : m_total(total)
        , m_batch(batch)
    {
    }
    int rowCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : m_fetched; }
    QVariant data(const QModelIndex& index, int role) const override
    {
        if (role != Qt::DisplayRole || !checkIndex(index, CheckIndexOption::IndexIsValid))
            return {};
        return QStringLiteral("row %1").arg(index.row());
    }
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override
    {
        return section == 0 && orientation == Qt::Horizontal && role == Qt::DisplayRole
            ? QVariant(QStringLiteral("Row"))
            : QVariant();
    }
    bool canFetchMore(const QModelIndex& parent) const override { return !parent.isValid() && m_fetched < m_total; }
    void fetchMore(const QModelIndex& parent) override
    {
        if (!canFetchMore(parent))
            return;
        const int more = std::min(m_batch, m_total - m_fetched);
        beginInsertRows({}, m_fetched, m_fetched + more - 1);
        m_fetched += more;
        endInsertRows();
    }

private:
    int m_total;
    int m_batch;
    int m_fetched = 0;
};

QStandardItem* item(const QString& text, const QVariant& sortValue = {})
{
    auto* cell = new QStandardItem(text);
    if (sortValue.isValid())
        cell->setData(sortValue, SortRole);
    return cell;
}

} // namespace

class TestTableCsv : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fieldsAreQuotedAsRfc4180Says()
    {
        QCOMPARE(csvField(QStringLiteral("plain")), QStringLiteral("plain"));
        QCOMPARE(csvField(QStringLiteral("a,b")), QStringLiteral("\"a,b\""));
        QCOMPARE(csvField(QStringLiteral("say \"hi\"")), QStringLiteral("\"say \"\"hi\"\"\""));
        QCOMPARE(csvField(QStringLiteral("two\nlines")), QStringLiteral("\"two\nlines\""));
        QCOMPARE(csvField(QStringLiteral("cr\r")), QStringLiteral("\"cr\r\""));
        QCOMPARE(csvField(QString()), QString());
        QCOMPARE(csvField(QStringLiteral(" spaced ")), QStringLiteral(" spaced ")); // spaces are data
    }

    void cellsAreTheViewsTextWithPlainNumbers()
    {
        const QLocale english(QLocale::English, QLocale::UnitedStates);
        const QVariant number = QVariant::fromValue<qulonglong>(1234);
        QCOMPARE(csvCellText(QStringLiteral("1,234"), number, english), QStringLiteral("1234"));
        QCOMPARE(csvCellText(QStringLiteral("-7"), QVariant::fromValue<qlonglong>(-7), english), QStringLiteral("-7"));
        QCOMPARE(csvCellText(QStringLiteral("+12"), QVariant::fromValue<qlonglong>(12), english), QStringLiteral("12"));
        QCOMPARE(csvCellText(QStringLiteral("3.5"), QVariant(3.5), english), QStringLiteral("3.5"));
        // A German table's numbers are read in its locale.
        const QLocale german(QLocale::German, QLocale::Germany);
        QCOMPARE(csvCellText(QStringLiteral("1.234.567"), number, german), QStringLiteral("1234567"));
        QCOMPARE(csvCellText(QStringLiteral("2,5"), QVariant(2.5), german), QStringLiteral("2.5"));
        // What is no number stays as shown, even in a numeric column.
        QCOMPARE(csvCellText(QStringLiteral("immortal"), number, english), QStringLiteral("immortal"));
        QCOMPARE(csvCellText(QStringLiteral("0x7f0000001000"), number, english), QStringLiteral("0x7f0000001000"));
        QCOMPARE(csvCellText(QStringLiteral("1 → 3"), number, english), QStringLiteral("1 → 3"));
        // A text column's digits are text: not reformatted.
        QCOMPARE(csvCellText(QStringLiteral("1,234"), QStringLiteral("1,234"), english), QStringLiteral("1,234"));
        // Cut for the screen: the whole text; a text that merely ends in … stays.
        QCOMPARE(csvCellText(QStringLiteral("abc…"), QStringLiteral("abcdef"), english), QStringLiteral("abcdef"));
        QCOMPARE(csvCellText(QStringLiteral("and so on…"), QStringLiteral("and so on…"), english),
            QStringLiteral("and so on…"));
        QCOMPARE(csvCellText(QStringLiteral("abc…"), QStringLiteral("xyz"), english), QStringLiteral("abc…"));
    }

    void columnsInTheOrderGivenAndTreesDepthFirst()
    {
        QStandardItemModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setHorizontalHeaderLabels({QStringLiteral("Name"), QStringLiteral("Count"), QStringLiteral("Note")});
        QList<QStandardItem*> first{item(QStringLiteral("alpha")), item(QStringLiteral("1,000"), qulonglong(1000)),
            item(QStringLiteral("a, \"quoted\" note"))};
        first[0]->appendRow({item(QStringLiteral("alpha.child")), item(QStringLiteral("5"), qulonglong(5)),
            item(QStringLiteral("two\nlines"))});
        model.appendRow(first);
        model.appendRow({item(QStringLiteral("beta")), item(QStringLiteral("2"), qulonglong(2)), item(QString())});

        const QLocale english(QLocale::English, QLocale::UnitedStates);
        TableCsvStats stats;
        const QByteArray csv = tableCsv(model, {2, 0, 1}, english, &stats);
        QCOMPARE(csv,
            QByteArray("Note,Name,Count\r\n"
                       "\"a, \"\"quoted\"\" note\",alpha,1000\r\n"
                       "\"two\nlines\",alpha.child,5\r\n"
                       ",beta,2\r\n"));
        QCOMPARE(stats.rows, 3);
        QCOMPARE(stats.columns, 3);
        // Only the rows descend() opens have their children written.
        const QByteArray closed = tableCsv(model, {0}, english, nullptr, [](const QModelIndex&) { return false; });
        QCOMPARE(closed, QByteArray("Name\r\nalpha\r\nbeta\r\n"));
        // UTF-8.
        model.item(1, 0)->setText(QStringLiteral("βeta"));
        QVERIFY(tableCsv(model, {0}, english).contains(QStringLiteral("βeta").toUtf8()));
    }

    void aLazyModelIsFetchedToItsEnd()
    {
        LazyModel model(1234, 100);
        model.fetchMore({}); // what a view fetched for its first screen
        QCOMPARE(model.rowCount(), 100);
        TableCsvStats stats;
        const QList<QByteArray> lines = tableCsv(model, {0}, QLocale::c(), &stats).split('\n');
        QCOMPARE(stats.rows, 1234);
        QCOMPARE(lines.size(), 1 + 1234 + 1); // the last CRLF leaves an empty piece
        QCOMPARE(lines[1], QByteArray("row 0\r"));
        QCOMPARE(lines[1234], QByteArray("row 1233\r"));
        QCOMPARE(model.rowCount(), 1234);
    }

    void aWriterGoesSliceBySliceAndStopsWhenTheTableChanges()
    {
        QStandardItemModel model;
        model.setHorizontalHeaderLabels({QStringLiteral("Name")});
        for (int k = 0; k < 10; ++k)
            model.appendRow(item(QStringLiteral("row %1").arg(k)));
        TableCsvWriter writer(model, {0}, QLocale::c());
        QVERIFY(!writer.writeRows(4));
        QCOMPARE(writer.topRowsWritten(), 4);
        QCOMPARE(writer.topRowCount(), 10);
        QVERIFY(!writer.writeRows(4));
        QVERIFY(writer.writeRows(4));
        QVERIFY(writer.isDone());
        QCOMPARE(writer.stats().rows, 10);
        QCOMPARE(writer.bytes(), tableCsv(model, {0}, QLocale::c()));

        TableCsvWriter changed(model, {0}, QLocale::c());
        QVERIFY(!changed.writeRows(3));
        model.sort(0, Qt::DescendingOrder); // a layout change between two slices
        QVERIFY(changed.isInterrupted());
        QVERIFY(!changed.writeRows(100));
        QVERIFY(!changed.isDone());

        // The rows a writer fetches itself are no change.
        LazyModel lazy(50, 10);
        TableCsvWriter fetching(lazy, {0}, QLocale::c());
        while (!fetching.writeRows(7))
            QVERIFY(!fetching.isInterrupted());
        QCOMPARE(fetching.stats().rows, 50);
    }
};

QTEST_MAIN(TestTableCsv)
#include "tst_table_csv.moc"
