// pattern.h: PCRE2 compile errors (message and offset in characters), the match limit on expressions
// that backtrack exponentially, Unicode and case-insensitive matching, invalid UTF-8 subjects, the
// same answers as QRegularExpression (the filter's engine before it used Pattern), and one Pattern
// searching on several threads.

#include "snapshot/pattern.h"

#include <QtCore/QRegularExpression>
#include <QtTest/QTest>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

using namespace leakscope;

Q_DECLARE_METATYPE(std::string)

namespace {

using Result = Pattern::Result;

// The text of an exponential search: "(a+)+$" tries every way of splitting the run of a's before the
// "b" proves there is no match at the end.
std::string runOfAsThenB(std::size_t length)
{
    return std::string(length, 'a') + 'b';
}

const char* name(Result result)
{
    switch (result) {
    case Result::NoMatch: return "NoMatch";
    case Result::Match: return "Match";
    case Result::LimitHit: return "LimitHit";
    }
    return "?";
}

} // namespace

class TestPattern : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void compileErrors_data()
    {
        QTest::addColumn<std::string>("source");
        QTest::addColumn<std::string>("reason");
        QTest::addColumn<int>("offset");
        QTest::newRow("unclosed group") << std::string("(a") << std::string("missing closing parenthesis") << 2;
        QTest::newRow("unclosed class")
            << std::string("[a") << std::string("missing terminating ] for character class") << 2;
        QTest::newRow("nothing to repeat")
            << std::string("*a") << std::string("quantifier does not follow a repeatable item") << 0;
        QTest::newRow("count too large") << std::string("x{99999}") << std::string("number too big in {} quantifier") << 7;
        // PCRE2 counts bytes; the offset is in characters, as the user sees the pattern.
        QTest::newRow("offset after a two-byte character")
            << std::string("caf\xc3\xa9(") << std::string("missing closing parenthesis") << 5;
        QTest::newRow("ECMAScript's \\u")
            << std::string("\\u0041") << std::string("PCRE2 does not support \\F, \\L, \\l, \\N{name}, \\U, or \\u") << 2;
        QTest::newRow("unknown escape") << std::string("\\y") << std::string("unrecognized character follows \\") << 1;
        QTest::newRow("variable lookbehind")
            << std::string("(?<=a+)b") << std::string("lookbehind assertion is not fixed length") << 0;
        QTest::newRow("invalid UTF-8") << std::string("a\xff") << std::string("UTF-8 error: illegal byte (0xfe or 0xff)") << 1;
    }

    void compileErrors()
    {
        QFETCH(std::string, source);
        QFETCH(std::string, reason);
        QFETCH(int, offset);
        try {
            Pattern::compile(source);
            QFAIL("compiled");
        } catch (const PatternError& error) {
            QCOMPARE(error.reason(), reason);
            QCOMPARE(error.offset(), std::size_t(offset));
            QCOMPARE(std::string(error.what()), reason + " at offset " + std::to_string(offset));
        }
    }

    void whatStdRegexRefusedCompiles()
    {
        // The ignore rules' old engine refused these; PCRE2 takes them, and the match limit bounds them.
        QVERIFY(Pattern::compile("(a)\\1").matches("xaax"));
        QVERIFY(!Pattern::compile("(a)\\1").matches("xabx"));
        QVERIFY(Pattern::compile("^(?:a?){5000}$").matches(std::string(10, 'a')));
        QVERIFY(Pattern::compile("(?<=<)ufunc").matches("<ufunc 'add'>"));
    }

    void catastrophicPatternHitsTheLimit_data()
    {
        QTest::addColumn<std::string>("source");
        QTest::addColumn<std::string>("text");
        QTest::addColumn<std::string>("shortMiss"); // where the expression is quick
        QTest::addColumn<std::string>("shortHit");
        QTest::newRow("(a+)+$, a repr's length")
            << std::string("(a+)+$") << runOfAsThenB(119) << std::string("aaab") << std::string("aaa");
        QTest::newRow("(a+)+$, long")
            << std::string("(a+)+$") << runOfAsThenB(100000) << std::string("aaab") << std::string("aaa");
        QTest::newRow("nested stars")
            << std::string("^(a*)*$") << runOfAsThenB(200) << std::string("aaab") << std::string("aaa");
        QTest::newRow("words and spaces")
            << std::string("^(\\w+\\s?)+$") << std::string("this repr has many words and then a stop that no word matches!")
            << std::string("two words!") << std::string("two words");
        QTest::newRow("caseless")
            << std::string("(?i)(A+)+$") << runOfAsThenB(500) << std::string("aaab") << std::string("aaa");
    }

    void catastrophicPatternHitsTheLimit()
    {
        QFETCH(std::string, source);
        QFETCH(std::string, text);
        QFETCH(std::string, shortMiss);
        QFETCH(std::string, shortHit);
        const Pattern pattern = Pattern::compile(source);
        const Result result = pattern.search(text);
        QVERIFY2(result == Result::LimitHit, name(result));
        QVERIFY(!pattern.matches(text));
        // Without the limit this takes longer than the universe has existed: LimitHit is the proof
        // that the search stopped early.
        // The same expression still answers on texts where it does not explode.
        QCOMPARE(pattern.search(shortMiss), Result::NoMatch);
        QCOMPARE(pattern.search(shortHit), Result::Match);
    }

    void deepBacktrackingHitsTheLimitWithoutCrashing()
    {
        // Each repetition of a group with an alternative is a backtracking point that stays open: a
        // million of them would need far more stack than a thread has.
        const Pattern pattern = Pattern::compile("^(?:(a)|b)*c$");
        QCOMPARE(pattern.search(std::string(1'000'000, 'a') + 'd'), Result::LimitHit);
        QCOMPARE(pattern.search("abac"), Result::Match);
    }

    void unicodeAndCase_data()
    {
        QTest::addColumn<std::string>("source");
        QTest::addColumn<bool>("caseless");
        QTest::addColumn<std::string>("text");
        QTest::addColumn<bool>("matches");
        QTest::newRow("case-sensitive by default") << std::string("UFUNC") << false << std::string("<ufunc>") << false;
        QTest::newRow("caseless ASCII") << std::string("UFUNC") << true << std::string("<ufunc>") << true;
        QTest::newRow("caseless outside ASCII")
            << std::string("CAF\xc3\x89") << true << std::string("caf\xc3\xa9") << true;
        QTest::newRow("case-sensitive outside ASCII")
            << std::string("CAF\xc3\x89") << false << std::string("caf\xc3\xa9") << false;
        QTest::newRow("k matches KELVIN SIGN") << std::string("k") << true << std::string("\xe2\x84\xaa") << true;
        QTest::newRow("s matches LONG S") << std::string("s") << true << std::string("\xc5\xbf") << true;
        QTest::newRow("final sigma") << std::string("\xce\xa3") << true << std::string("\xcf\x82") << true;
        QTest::newRow("no full case folding")
            << std::string("STRASSE") << true << std::string("stra\xc3\x9f" "e") << false;
        QTest::newRow("inline option") << std::string("(?i)ufunc") << false << std::string("UFUNC") << true;
        QTest::newRow("dot is a character") << std::string("^.$") << false << std::string("\xc3\xa9") << true;
        QTest::newRow("dot is not a byte") << std::string("^..$") << false << std::string("\xc3\xa9") << false;
        QTest::newRow("four-byte character") << std::string("^<.>$") << false << std::string("<\xf0\x9f\x90\x8d>") << true;
        QTest::newRow("\\w is ASCII") << std::string("^\\w$") << false << std::string("\xc3\xa9") << false;
        QTest::newRow("\\d is ASCII") << std::string("\\d") << false << std::string("\xd9\xa3") << false;
        QTest::newRow("properties are Unicode") << std::string("^\\p{L}$") << false << std::string("\xc3\xa9") << true;
        QTest::newRow("character by code point") << std::string("^\\x{e9}$") << false << std::string("\xc3\xa9") << true;
        QTest::newRow("invalid byte matches no dot") << std::string("a.b") << false << std::string("a\xff" "b") << false;
        QTest::newRow("text around an invalid byte")
            << std::string("b$") << false << std::string("a\xff" "b") << true;
        QTest::newRow("truncated sequence") << std::string("^caf") << false << std::string("caf\xc3") << true;
        QTest::newRow("empty pattern, empty text") << std::string() << false << std::string() << true;
        QTest::newRow("anchors, empty text") << std::string("^$") << false << std::string() << true;
        QTest::newRow("dollar before a final newline") << std::string("x$") << false << std::string("x\n") << true;
    }

    void unicodeAndCase()
    {
        QFETCH(std::string, source);
        QFETCH(bool, caseless);
        QFETCH(std::string, text);
        QFETCH(bool, matches);
        const Pattern pattern = Pattern::compile(source, {.caseless = caseless});
        QCOMPARE(pattern.source(), source);
        QCOMPARE(pattern.options().caseless, caseless);
        QCOMPARE(pattern.search(text), matches ? Result::Match : Result::NoMatch);
        QCOMPARE(pattern.search(std::string_view()), Pattern::compile(source, {.caseless = caseless}).search(""));
    }

    void answersAsQRegularExpression()
    {
        // The filter box matched with QRegularExpression (PCRE2 too, 16-bit, UTF, case-insensitive on
        // request) before it used Pattern; on valid text the answers must not change.
        const char* const sources[] = {"leaky", "^<ext\\.leaky at 0x", "\\d+\\]$", "^builtins\\.(dict|list)$",
                                       "caf\xc3\xa9", "CAF\xc3\x89", "k", "\\bitem-42\\d\\d\\b", "^.{3}$", "[\xc3\xa0-\xc3\xbf]",
                                       "\\w+\\s\\w+", "(?<=\\[)1", "(a)\\1", "x{2,}", "^$", "\xce\xa3"};
        const char* const texts[] = {"<ext.Leaky at 0x10>", "[1, 2]", "builtins.dict", "builtins.listx", "caf\xc3\xa9",
                                     "CAF\xc3\x89", "\xe2\x84\xaa", "item-4242 x", "item-42424", "\xc3\xa9t\xc3\xa9",
                                     "ab", "hello world", "[1]", "aa", "xxx", "", "\xcf\x83\xcf\x82", "\xf0\x9f\x90\x8d!!"};
        for (bool caseless : {false, true}) {
            for (const char* source : sources) {
                const Pattern pattern = Pattern::compile(source, {.caseless = caseless});
                const QRegularExpression reference(QString::fromUtf8(source),
                                                   caseless ? QRegularExpression::CaseInsensitiveOption
                                                            : QRegularExpression::NoPatternOption);
                QVERIFY2(reference.isValid(), source);
                for (const char* text : texts) {
                    const bool expected = reference.match(QString::fromUtf8(text)).hasMatch();
                    QVERIFY2(pattern.matches(text) == expected,
                             qPrintable(QStringLiteral("%1 on %2, caseless %3: QRegularExpression says %4")
                                            .arg(QString::fromUtf8(source), QString::fromUtf8(text))
                                            .arg(caseless)
                                            .arg(expected)));
                }
            }
        }
    }

    void searchesOnSeveralThreads()
    {
        const Pattern pattern = Pattern::compile("^item-(\\d+)$");
        std::vector<std::string> texts;
        for (int i = 0; i < 2000; ++i)
            texts.push_back(i % 3 ? "item-" + std::to_string(i) : "other-" + std::to_string(i));
        std::atomic<int> matched{0};
        std::atomic<int> limited{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&, copy = pattern] {
                for (const std::string& text : texts)
                    matched += copy.matches(text);
                limited += copy.search(runOfAsThenB(64)) == Result::NoMatch ? 0 : 1;
                limited += Pattern::compile("(a+)+$").search(runOfAsThenB(64)) == Result::LimitHit;
            });
        }
        for (std::thread& thread : threads)
            thread.join();
        QCOMPARE(matched.load(), 4 * 1333);
        QCOMPARE(limited.load(), 4);
    }
};

QTEST_GUILESS_MAIN(TestPattern)
#include "tst_pattern.moc"
