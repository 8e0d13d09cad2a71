// text.h: UTF-8 length and elision, JSON string literals (checked against QJsonDocument, an
// independent parser), CSV field quoting, offsets.

#include "snapshot/text.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtTest/QTest>

using namespace leakscope;

namespace {

const std::string kEllipsis = "\xe2\x80\xa6";

QByteArray bytes(std::string_view text)
{
    return QByteArray(text.data(), static_cast<qsizetype>(text.size()));
}

std::string jsonLiteral(std::string_view text)
{
    std::string out;
    appendJsonString(out, text);
    return out;
}

// Parses a literal made by appendJsonString; a parse error fails the calling test.
bool parseLiteral(const std::string& literal, QString* value)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson("[" + bytes(literal) + "]", &error);
    if (error.error != QJsonParseError::NoError || !document.isArray() || document.array().size() != 1
        || !document.array().at(0).isString()) {
        qWarning("not a JSON string literal: %s (%s)", literal.c_str(), qPrintable(error.errorString()));
        return false;
    }
    *value = document.array().at(0).toString();
    return true;
}

// True when bytes survive a strict decode/encode round trip, i.e. contain no invalid UTF-8.
bool isValidUtf8(const QByteArray& text)
{
    return QString::fromUtf8(text).toUtf8() == text;
}

} // namespace

class TestText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // decodeUtf8 and appendUtf8 round-trip every boundary code point; invalid sequences decode to 0 and
    // code points without a UTF-8 form are written as U+FFFD.
    void decodeAndAppendUtf8()
    {
        for (std::uint32_t cp : {0x0u, 0x41u, 0x7Fu, 0x80u, 0x7FFu, 0x800u, 0xD7FFu, 0xE000u, 0xFFFFu, 0x10000u, 0x10FFFFu}) {
            std::string encoded;
            leakscope::appendUtf8(encoded, cp);
            std::uint32_t decoded = 0xFFFFFFFF;
            QCOMPARE(leakscope::decodeUtf8(encoded, 0, decoded), encoded.size());
            QCOMPARE(decoded, cp);
        }
        for (std::uint32_t cp : {0xD800u, 0xDFFFu, 0x110000u}) {
            std::string encoded;
            leakscope::appendUtf8(encoded, cp);
            QCOMPARE(encoded, std::string("\xEF\xBF\xBD"));
        }
        std::uint32_t cp = 0;
        for (const char* bad : {"\x80", "\xC0\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82", "\xFF"})
            QCOMPARE(leakscope::decodeUtf8(bad, 0, cp), std::size_t(0));
        QCOMPARE(leakscope::decodeUtf8("a\xE2\x82\xAC", 1, cp), std::size_t(3));
        QCOMPARE(cp, 0x20ACu);
    }

    void utf8Length_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("length");
        QTest::newRow("empty") << QByteArray() << 0;
        QTest::newRow("ascii") << QByteArray("abc") << 3;
        QTest::newRow("two-byte") << QByteArray("\xc3\xa9") << 1;
        QTest::newRow("three-byte") << QByteArray("\xe2\x82\xac") << 1;
        QTest::newRow("four-byte") << QByteArray("\xf0\x9f\x98\x80") << 1;
        QTest::newRow("mixed") << QByteArray("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z") << 5;
    }

    void utf8Length()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, length);
        QCOMPARE(leakscope::utf8Length(text.toStdString()), std::size_t(length));
    }

    void elideUtf8_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("max");
        QTest::addColumn<QByteArray>("expected");
        const QByteArray e = bytes(kEllipsis);
        QTest::newRow("shorter") << QByteArray("hello") << 10 << QByteArray("hello");
        QTest::newRow("exact") << QByteArray("hello") << 5 << QByteArray("hello");
        QTest::newRow("cut ascii") << QByteArray("hello") << 4 << "hel" + e;
        QTest::newRow("only the ellipsis") << QByteArray("hello") << 1 << e;
        QTest::newRow("nothing") << QByteArray("hello") << 0 << QByteArray();
        QTest::newRow("two-byte") << QByteArray("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9") << 3 << "\xc3\xa9\xc3\xa9" + e;
        QTest::newRow("three-byte") << QByteArray("a\xe2\x82\xac" "b\xe2\x82\xac" "c") << 4 << "a\xe2\x82\xac" "b" + e;
        QTest::newRow("four-byte") << QByteArray("\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80") << 2
                                   << "\xf0\x9f\x98\x80" + e;
        QTest::newRow("multi-byte exact") << QByteArray("\xc3\xa9\xe2\x82\xac") << 2 << QByteArray("\xc3\xa9\xe2\x82\xac");
    }

    void elideUtf8()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, max);
        QFETCH(QByteArray, expected);
        QCOMPARE(bytes(leakscope::elideUtf8(text.toStdString(), std::size_t(max))), expected);
    }

    void elideUtf8NeverCutsASequence()
    {
        // Every cut point of a text mixing 1- to 4-byte sequences.
        const std::string text = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80" "b\xf0\x9f\x98\x80\xe2\x82\xac\xc3\xa9" "c";
        const std::size_t length = leakscope::utf8Length(text);
        QCOMPARE(length, std::size_t(9));
        for (std::size_t max = 1; max <= length + 1; ++max) {
            const std::string elided = leakscope::elideUtf8(text, max);
            const QByteArray context = "max " + QByteArray::number(qulonglong(max)) + ": " + bytes(elided);
            QVERIFY2(isValidUtf8(bytes(elided)), context.constData());
            QVERIFY2(leakscope::utf8Length(elided) == std::min(max, length), context.constData());
            const bool cut = max < length;
            QVERIFY2(bytes(elided).endsWith(bytes(kEllipsis)) == cut, context.constData());
            const std::string kept = cut ? elided.substr(0, elided.size() - kEllipsis.size()) : elided;
            QVERIFY2(text.compare(0, kept.size(), kept) == 0, context.constData());
        }
    }

    void jsonEscapes()
    {
        QCOMPARE(jsonLiteral("plain"), std::string("\"plain\""));
        QCOMPARE(jsonLiteral(""), std::string("\"\""));
        QCOMPARE(jsonLiteral("say \"hi\""), std::string("\"say \\\"hi\\\"\""));
        QCOMPARE(jsonLiteral("C:\\dir"), std::string("\"C:\\\\dir\""));
        QCOMPARE(jsonLiteral("a\nb\rc\td"), std::string("\"a\\nb\\rc\\td\""));
        QCOMPARE(jsonLiteral(std::string_view("\x00\x01\x19", 3)), std::string("\"\\u0000\\u0001\\u0019\""));
        // Valid multi-byte text stays raw UTF-8 rather than \u escapes: reports stay readable.
        QCOMPARE(jsonLiteral("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"), std::string("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\""));
        // Other control characters may use any valid escape, but never appear raw.
        for (char control : {'\x08', '\x0b', '\x0c', '\x1f', '\x7f'}) {
            const std::string literal = jsonLiteral(std::string_view(&control, 1));
            QVERIFY2(literal.find(control) == std::string::npos, literal.c_str());
            QString value;
            QVERIFY(parseLiteral(literal, &value));
            QCOMPARE(value, QString(QChar(char16_t(control))));
        }
    }

    void jsonAppendsAfterExistingText()
    {
        std::string out = "{\"k\": ";
        appendJsonString(out, "v");
        QCOMPARE(out, std::string("{\"k\": \"v\""));
    }

    void jsonAsciiRoundTrip()
    {
        // Every ASCII byte, NUL included, must come back unchanged through a real JSON parser.
        std::string text;
        for (int c = 0; c < 0x80; ++c)
            text += static_cast<char>(c);
        QString value;
        QVERIFY(parseLiteral(jsonLiteral(text), &value));
        QCOMPARE(value, QString::fromLatin1(text.data(), qsizetype(text.size())));
    }

    void jsonValidUtf8RoundTrip()
    {
        const std::string text = "\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbd \xe2\x80\xa8";
        QString value;
        QVERIFY(parseLiteral(jsonLiteral(text), &value));
        QCOMPARE(value, QString::fromUtf8(bytes(text)));
    }

    void jsonInvalidUtf8BecomesReplacement_data()
    {
        QTest::addColumn<QByteArray>("invalid");
        QTest::newRow("lone 0xff") << QByteArray("\xff");
        QTest::newRow("stray continuation") << QByteArray("\x80");
        QTest::newRow("truncated three-byte") << QByteArray("\xe2\x82");
        QTest::newRow("lead then ascii") << QByteArray("\xc3(");
        QTest::newRow("overlong slash") << QByteArray("\xc0\xaf");
        QTest::newRow("overlong three-byte") << QByteArray("\xe0\x80\xaf");
        QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80");
        QTest::newRow("above U+10FFFF") << QByteArray("\xf4\x90\x80\x80");
        QTest::newRow("five-byte lead") << QByteArray("\xf8\x88\x80\x80\x80");
        QTest::newRow("truncated at end") << QByteArray("\xf0\x9f\x98");
    }

    void jsonInvalidUtf8BecomesReplacement()
    {
        QFETCH(QByteArray, invalid);
        const std::string text = "<" + invalid.toStdString() + ">";
        const std::string literal = jsonLiteral(text);
        QVERIFY2(isValidUtf8(bytes(literal)), literal.c_str());
        QString value;
        QVERIFY(parseLiteral(literal, &value));
        QVERIFY(value.startsWith(u'<'));
        QVERIFY(value.endsWith(u'>'));
        // What sat between the brackets is only replacement characters (and '(' for "lead then ascii").
        const QString middle = value.mid(1, value.size() - 2).remove(u'(');
        QVERIFY2(!middle.isEmpty(), qPrintable(value));
        for (QChar c : middle)
            QVERIFY2(c == QChar(0xFFFD), qPrintable(value));
        QVERIFY(middle.size() <= invalid.size());
    }

    void jsonOneReplacementPerInvalidByte()
    {
        QCOMPARE(jsonLiteral("a\xff" "b"), std::string("\"a\xef\xbf\xbd" "b\""));
        QCOMPARE(jsonLiteral("\xc3(\xc3\xa9"), std::string("\"\xef\xbf\xbd(\xc3\xa9\""));
    }

    void clipUtf8KeepsWholeSequences()
    {
        QCOMPARE(leakscope::clipUtf8("short", 10), std::string("short"));
        QCOMPARE(leakscope::clipUtf8("abcdef", 3), std::string("abc\u2026"));
        // "é" is two bytes: a cut inside it backs up to the sequence's start.
        QCOMPARE(leakscope::clipUtf8("a\xc3\xa9" "b", 2), std::string("a\u2026"));
        QCOMPARE(leakscope::clipUtf8("\xf0\x9f\x98\x80x", 3), std::string("\u2026"));
    }

    void csvField_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("plain") << QByteArray("builtins.dict") << QByteArray("builtins.dict");
        QTest::newRow("empty") << QByteArray() << QByteArray();
        QTest::newRow("spaces stay bare") << QByteArray(" a b ") << QByteArray(" a b ");
        QTest::newRow("comma") << QByteArray("a,b") << QByteArray("\"a,b\"");
        QTest::newRow("quote doubled") << QByteArray("say \"hi\"") << QByteArray("\"say \"\"hi\"\"\"");
        QTest::newRow("newline") << QByteArray("line\nbreak") << QByteArray("\"line\nbreak\"");
        QTest::newRow("carriage return") << QByteArray("cr\r") << QByteArray("\"cr\r\"");
        QTest::newRow("only a quote") << QByteArray("\"") << QByteArray("\"\"\"\"");
        QTest::newRow("utf-8") << QByteArray("caf\xc3\xa9") << QByteArray("caf\xc3\xa9");
    }

    void csvField()
    {
        QFETCH(QByteArray, text);
        QFETCH(QByteArray, expected);
        std::string out = "x,";
        appendCsvField(out, text.toStdString());
        QCOMPARE(bytes(out), "x," + expected);
    }

    // Every offset an explanation or a report writes: decimal, then hex.
    void formatOffset_data()
    {
        QTest::addColumn<quint64>("offset");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("zero") << quint64(0) << QByteArray("+0 (0x0)");
        QTest::newRow("one word") << quint64(8) << QByteArray("+8 (0x8)");
        QTest::newRow("a C field") << quint64(136) << QByteArray("+136 (0x88)");
        QTest::newRow("hex letters") << quint64(0x1d9040) << QByteArray("+1937472 (0x1d9040)");
        QTest::newRow("largest") << quint64(UINT64_MAX) << QByteArray("+18446744073709551615 (0xffffffffffffffff)");
    }

    void formatOffset()
    {
        QFETCH(quint64, offset);
        QFETCH(QByteArray, expected);
        QCOMPARE(bytes(leakscope::formatOffset(offset)), expected);
    }
};

QTEST_GUILESS_MAIN(TestText)
#include "tst_text.moc"
