// Sizes as typed into the Min size box: bytes, decimal and binary units, fractions, and what is not
// a size; and the text the box shows for a size, read back to the same number.

#include "models/byte_size.h"

#include <QtCore/QLocale>
#include <QtTest/QTest>

using namespace leakscope;

Q_DECLARE_METATYPE(std::optional<std::uint64_t>)

namespace {

constexpr std::uint64_t kKiB = 1024;

} // namespace

class TestByteSize : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void parse_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<std::optional<std::uint64_t>>("bytes");
        auto row = [](const char* text, std::optional<std::uint64_t> bytes) {
            QTest::newRow(text) << QString::fromUtf8(text) << bytes;
        };
        row("", 0);
        row("   ", 0);
        row("4096", 4096);
        row(" 4096 ", 4096);
        row("0", 0);
        row("4096 B", 4096);
        row("1 byte", 1);
        row("12 bytes", 12);
        // A prefix alone or with iB is binary, whatever its case.
        row("1k", kKiB);
        row("1K", kKiB);
        row("1 KiB", kKiB);
        row("1kib", kKiB);
        row("2 MiB", 2 * kKiB * kKiB);
        row("1.5M", 3 * kKiB * kKiB / 2);
        row("1.5m", 3 * kKiB * kKiB / 2);
        row("3G", 3 * kKiB * kKiB * kKiB);
        row("1 TiB", kKiB * kKiB * kKiB * kKiB);
        // With just B it is decimal.
        row("1KB", 1000);
        row("1 kB", 1000);
        row("10 MB", 10000000);
        row("2GB", 2000000000);
        row("1 TB", 1000000000000);
        // Fractions round to the nearest byte.
        row(".5k", 512);
        row("0.1k", 102);
        row("1.3k", 1331);
        row("2.5", 3);
        row("1.", 1);
        // Not sizes.
        row("k", std::nullopt);
        row("-1", std::nullopt);
        row("1 kilo", std::nullopt);
        row("1 KBB", std::nullopt);
        row("1 iB", std::nullopt);
        row("1.2.3", std::nullopt);
        row("4,096", std::nullopt); // no group separators; ',' is no decimal mark in English
        row("1 2", std::nullopt);
        row("0x10", std::nullopt);
        row("8 EiB", std::nullopt);
        row("8388608 TiB", std::nullopt); // 2^63 bytes: past INT64_MAX
        row("8388607 TiB", 9223370937343148032ULL); // 2^63 - 2^40
    }
    void parse()
    {
        QFETCH(QString, text);
        QFETCH(std::optional<std::uint64_t>, bytes);
        QCOMPARE(parseByteSize(text), bytes);
    }

    // Where decimals are written with a comma, "1,5M" is one and a half MiB.
    void localeDecimalComma()
    {
        QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
        QCOMPARE(parseByteSize(QStringLiteral("1,5M")), std::optional<std::uint64_t>(3 * kKiB * kKiB / 2));
        QCOMPARE(parseByteSize(QStringLiteral("1.5M")), std::optional<std::uint64_t>(3 * kKiB * kKiB / 2));
        QCOMPARE(parseByteSize(QStringLiteral("1,5,0")), std::nullopt);
    }

    void format_data()
    {
        QTest::addColumn<std::uint64_t>("bytes");
        QTest::addColumn<QString>("text");
        QTest::newRow("zero") << std::uint64_t(0) << QStringLiteral("0");
        QTest::newRow("odd") << std::uint64_t(4095) << QStringLiteral("4095");
        QTest::newRow("1000") << std::uint64_t(1000) << QStringLiteral("1000");
        QTest::newRow("KiB") << 4 * kKiB << QStringLiteral("4 KiB");
        QTest::newRow("KiB, not MiB") << 1536 * kKiB << QStringLiteral("1536 KiB");
        QTest::newRow("MiB") << 2 * kKiB * kKiB << QStringLiteral("2 MiB");
        QTest::newRow("GiB") << 3 * kKiB * kKiB * kKiB << QStringLiteral("3 GiB");
        QTest::newRow("TiB") << 5 * kKiB * kKiB * kKiB * kKiB << QStringLiteral("5 TiB");
    }
    void format()
    {
        QFETCH(std::uint64_t, bytes);
        QFETCH(QString, text);
        QCOMPARE(formatByteSize(bytes), text);
        QCOMPARE(parseByteSize(text), std::optional<std::uint64_t>(bytes));
    }
};

QTEST_GUILESS_MAIN(TestByteSize)
#include "tst_byte_size.moc"
