// ignore_rules.h: the rules file parser (every field, quoting, comments, line ends, bad lines and
// their numbers), glob and regex matching, canonical rule text, matching on a synthetic snapshot,
// rules whose regular expressions hit their match limit, HeapAnalysis with rules, and the report
// fields that show which rule ignored a candidate.

#include "snapshot/ignore_rules.h"
#include "snapshot/report.h"
#include "test_graph.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <algorithm>
#include <stdexcept>

using namespace leakscope;
using namespace leakscope::test;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(std::string)

namespace {

QString qs(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

// The conditions of a rule as "field:pattern" or "field:re:pattern", one string per condition.
QStringList describe(const IgnoreRule& rule)
{
    QStringList out;
    for (const RuleCondition& c : rule.conditions)
        out += qs(ruleFieldName(c.field)) + u':' + (c.pattern.isRegex() ? u"re:"_s : QString()) + qs(c.pattern.text());
    return out;
}

std::vector<std::size_t> linesOf(const std::vector<IgnoreRule>& rules)
{
    std::vector<std::size_t> lines;
    for (const IgnoreRule& rule : rules)
        lines.push_back(rule.line);
    return lines;
}

std::vector<std::size_t> linesOf(const std::vector<RuleError>& errors)
{
    std::vector<std::size_t> lines;
    for (const RuleError& error : errors)
        lines.push_back(error.line);
    return lines;
}

QByteArray errorsText(const ParsedIgnoreRules& parsed)
{
    QByteArray text;
    for (const RuleError& error : parsed.errors)
        text += QByteArray::fromStdString(formatRuleError(error)) + '\n';
    return text;
}

// The one rule a one-line text makes; fails the test when it does not parse.
IgnoreRule onlyRule(const std::string& line)
{
    const ParsedIgnoreRules parsed = parseIgnoreRules(line);
    if (parsed.rules.size() != 1 || !parsed.errors.empty())
        qWarning("%s does not make one rule: %s", line.c_str(), errorsText(parsed).constData());
    return parsed.rules.empty() ? IgnoreRule{} : parsed.rules.front();
}

// Candidates 0, 1, 2, 3, 5, 7; 2 and 7 explained; 4 referenced by 3, 6 untracked.
GraphSpec rulesSpec()
{
    GraphSpec spec;
    spec.objects = {
        {.type = "ext.Leaky"},
        {.type = "builtins.dict", .repr = "{'tag': 'cache'}"},
        {.type = "builtins.dict", .repr = "{'tag': 'other'}"},
        {.type = "builtins.list", .edges = {4}, .repr = "[1, 2]"},
        {.type = "ext.Leaky"},
        {.type = "numpy.ufunc", .repr = "<ufunc 'add'>"},
        {.type = "builtins.tuple", .gc = false, .repr = "()"},
        {.type = "builtins.list", .repr = "[]"},
    };
    spec.explanations = {{2, "startup", "there before the script"}, {7, "type-internals", "tp_mro of ext.Leaky"}};
    return spec;
}

// Line 1 is a comment; the rule on line 6 also matches 1 and 2, but earlier rules win.
const char kRulesText[] = "# accepted candidates\n"
                          "type ext.*\n"
                          "module numpy repr \"<ufunc 'a*'>\"\n"
                          "repr \"{'tag': 'cache'}\"\n"
                          "explanation startup\n"
                          "type builtins.* repr re:^\\{\n";

IgnoreRules rulesFrom(std::string_view text, std::string_view source = {})
{
    ParsedIgnoreRules parsed = parseIgnoreRules(text, source);
    if (!parsed.errors.empty())
        qWarning("%s", errorsText(parsed).constData());
    return IgnoreRules(std::move(parsed.rules));
}

QJsonObject parseJson(const std::string& text)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(text)).object();
}

} // namespace

class TestIgnoreRules : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesEveryField_data()
    {
        QTest::addColumn<std::string>("line");
        QTest::addColumn<QStringList>("conditions");
        QTest::newRow("type") << std::string("type numpy.ufunc") << QStringList{u"type:numpy.ufunc"_s};
        QTest::newRow("module") << std::string("module _ctypes") << QStringList{u"module:_ctypes"_s};
        QTest::newRow("repr glob") << std::string("repr <socket*") << QStringList{u"repr:<socket*"_s};
        QTest::newRow("repr regex") << std::string("repr re:^<ufunc") << QStringList{u"repr:re:^<ufunc"_s};
        QTest::newRow("explanation") << std::string("explanation startup") << QStringList{u"explanation:startup"_s};
        QTest::newRow("regex for a type") << std::string("type re:^numpy\\.") << QStringList{u"type:re:^numpy\\."_s};
        QTest::newRow("all four, tabs and spaces")
            << std::string("\ttype builtins.tuple  module builtins\trepr \"(<built-in function from_param>*\" "
                           "explanation *  ")
            << QStringList{u"type:builtins.tuple"_s, u"module:builtins"_s,
                           u"repr:(<built-in function from_param>*"_s, u"explanation:*"_s};
        QTest::newRow("quoted regex with spaces")
            << std::string("repr re:\"^\\[\\{'plantleak': 'list-child'\"")
            << QStringList{u"repr:re:^\\[\\{'plantleak': 'list-child'"_s};
        QTest::newRow("escapes in quotes")
            << std::string("repr \"say \\\"hi\\\" \\\\ \\d\"") << QStringList{u"repr:say \"hi\" \\ \\d"_s};
        QTest::newRow("empty quoted pattern") << std::string("repr \"\"") << QStringList{u"repr:"_s};
        QTest::newRow("quoted glob that starts like a regex")
            << std::string("repr \"re:x\"") << QStringList{u"repr:re:x"_s};
        QTest::newRow("quote inside a bare word") << std::string("repr 'say\"hi'") << QStringList{u"repr:'say\"hi'"_s};
        QTest::newRow("same field twice") << std::string("repr re:a repr re:b")
                                          << QStringList{u"repr:re:a"_s, u"repr:re:b"_s};
    }

    void parsesEveryField()
    {
        QFETCH(std::string, line);
        QFETCH(QStringList, conditions);
        const ParsedIgnoreRules parsed = parseIgnoreRules(line, "rules.txt");
        QVERIFY2(parsed.errors.empty(), errorsText(parsed).constData());
        QCOMPARE(parsed.rules.size(), std::size_t(1));
        QCOMPARE(describe(parsed.rules[0]), conditions);
        QCOMPARE(parsed.rules[0].line, std::size_t(1));
        QCOMPARE(parsed.rules[0].source, std::string("rules.txt"));
        // "re:" outside the quotes makes a regex; inside them it is part of a glob.
        QCOMPARE(parsed.rules[0].conditions[0].pattern.isRegex(), line.find(" re:") != std::string::npos);
    }

    void commentsAndBlankLines()
    {
        const ParsedIgnoreRules parsed = parseIgnoreRules("# a comment\n"
                                                          "\n"
                                                          "   \t \n"
                                                          "   # an indented comment\n"
                                                          "type a.B   # a trailing comment\n"
                                                          "repr x#y\n"
                                                          "repr \"#quoted\" # and a comment\n"
                                                          "#type c.D\n");
        QVERIFY2(parsed.errors.empty(), errorsText(parsed).constData());
        QCOMPARE(linesOf(parsed.rules), (std::vector<std::size_t>{5, 6, 7}));
        QCOMPARE(describe(parsed.rules[0]), QStringList{u"type:a.B"_s});
        QCOMPARE(describe(parsed.rules[1]), QStringList{u"repr:x#y"_s}); // "#" inside a word is text
        QCOMPARE(describe(parsed.rules[2]), QStringList{u"repr:#quoted"_s});
    }

    void lineEnds()
    {
        // CRLF files, a byte order mark, and a last line without a newline.
        const ParsedIgnoreRules parsed
            = parseIgnoreRules("\xEF\xBB\xBFtype a.B\r\n\r\nrepr \"x y\"\r\nbogus z\r\nmodule m");
        QCOMPARE(linesOf(parsed.rules), (std::vector<std::size_t>{1, 3, 5}));
        QCOMPARE(describe(parsed.rules[0]), QStringList{u"type:a.B"_s}); // neither the BOM nor a CR kept
        QCOMPARE(describe(parsed.rules[1]), QStringList{u"repr:x y"_s});
        QCOMPARE(describe(parsed.rules[2]), QStringList{u"module:m"_s});
        QCOMPARE(linesOf(parsed.errors), std::vector<std::size_t>{4});
        QCOMPARE(parsed.errors[0].message.find('\r'), std::string::npos);
    }

    void emptyInput_data()
    {
        QTest::addColumn<std::string>("text");
        QTest::newRow("empty") << std::string();
        QTest::newRow("newlines") << std::string("\n\n\r\n");
        QTest::newRow("comments only") << std::string("# nothing\n  # here\n");
        QTest::newRow("byte order mark only") << std::string("\xEF\xBB\xBF");
    }

    void emptyInput()
    {
        QFETCH(std::string, text);
        const ParsedIgnoreRules parsed = parseIgnoreRules(text);
        QVERIFY(parsed.rules.empty());
        QVERIFY(parsed.errors.empty());
    }

    void badLine_data()
    {
        QTest::addColumn<std::string>("line");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown field") << std::string("typ builtins.dict") << u"unknown field 'typ'"_s;
        QTest::newRow("field names are lower case") << std::string("Type builtins.dict") << u"unknown field 'Type'"_s;
        QTest::newRow("missing pattern") << std::string("type") << u"'type' needs a pattern"_s;
        QTest::newRow("missing pattern before a comment")
            << std::string("module   # the module") << u"'module' needs a pattern"_s;
        QTest::newRow("missing pattern after another condition")
            << std::string("type a.B repr") << u"'repr' needs a pattern"_s;
        QTest::newRow("unquoted space")
            << std::string("repr {'a': 1}") << u"unknown field '1}' after the pattern of 'repr' (a pattern with spaces must be quoted)"_s;
        QTest::newRow("stray carriage return") << std::string("type a.B\rxyz") << u"unknown field 'xyz'"_s;
        QTest::newRow("unterminated quote") << std::string("repr \"{'a': 1}") << u"no closing quote"_s;
        QTest::newRow("text after the quote") << std::string("repr \"a\"b") << u"a space must follow the closing quote"_s;
        QTest::newRow("empty regex") << std::string("repr re:") << u"'repr re:' needs a regular expression"_s;
        // PCRE2's message and the offset in characters follow the quoted expression.
        QTest::newRow("unmatched parenthesis")
            << std::string("repr re:(a") << u"bad regular expression \"(a\": missing closing parenthesis at offset 2"_s;
        QTest::newRow("unmatched bracket") << std::string("repr re:[a") << u"bad regular expression \"[a\""_s;
        QTest::newRow("nothing to repeat") << std::string("repr re:*a") << u"bad regular expression \"*a\""_s;
        QTest::newRow("ECMAScript's \\u")
            << std::string("repr re:\\u00e9") << u"does not support \\F, \\L, \\l, \\N{name}, \\U, or \\u at offset 2"_s;
        QTest::newRow("repetition count too large")
            << std::string("repr re:x{99999}") << u"number too big in {} quantifier at offset 7"_s;
        QTest::newRow("invalid UTF-8") << std::string("repr re:\xff") << u"UTF-8 error"_s;
        QTest::newRow("control characters are not echoed")
            << std::string("\x1b[2Jfield x") << u"unknown field '?[2Jfield'"_s;
    }

    void badLine()
    {
        QFETCH(std::string, line);
        QFETCH(QString, message);
        // The bad line is line 3, between good ones, and costs only its own rule.
        const ParsedIgnoreRules parsed
            = parseIgnoreRules("type a.B\nmodule c\n" + line + "\nrepr re:x{2,3}\n", "my-rules");
        QCOMPARE(parsed.errors.size(), std::size_t(1));
        const RuleError& error = parsed.errors[0];
        QCOMPARE(error.line, std::size_t(3));
        QCOMPARE(error.source, std::string("my-rules"));
        QVERIFY2(qs(error.message).contains(message), error.message.c_str());
        QVERIFY2(formatRuleError(error).starts_with("my-rules:3: "), formatRuleError(error).c_str());
        QCOMPARE(linesOf(parsed.rules), (std::vector<std::size_t>{1, 2, 4}));
    }

    void everyBadLineIsReported()
    {
        const ParsedIgnoreRules parsed = parseIgnoreRules("typo a\n"
                                                          "type a.B\n"
                                                          "# fine\n"
                                                          "repr re:(\n"
                                                          "type\n"
                                                          "explanation startup\n");
        QCOMPARE(linesOf(parsed.errors), (std::vector<std::size_t>{1, 4, 5}));
        QCOMPARE(linesOf(parsed.rules), (std::vector<std::size_t>{2, 6}));
        QCOMPARE(formatRuleError(parsed.errors[2]), std::string("line 5: 'type' needs a pattern"));
        QCOMPARE(formatRuleLocation("rules", 12), std::string("rules:12"));
        QCOMPARE(formatRuleLocation("", 12), std::string("line 12"));
    }

    void globMatching_data()
    {
        QTest::addColumn<std::string>("glob");
        QTest::addColumn<std::string>("text");
        QTest::addColumn<bool>("matches");
        QTest::newRow("exact") << std::string("builtins.dict") << std::string("builtins.dict") << true;
        QTest::newRow("anchored at the end") << std::string("builtins.dict") << std::string("builtins.dicts") << false;
        QTest::newRow("anchored at the start") << std::string("uiltins.dict") << std::string("builtins.dict") << false;
        QTest::newRow("case matters") << std::string("Builtins.dict") << std::string("builtins.dict") << false;
        QTest::newRow("star") << std::string("builtins.*") << std::string("builtins.dict") << true;
        QTest::newRow("star matches nothing") << std::string("builtins.*") << std::string("builtins.") << true;
        QTest::newRow("star needs the rest") << std::string("builtins.*") << std::string("builtins") << false;
        QTest::newRow("star crosses dots") << std::string("*.Leaky") << std::string("ext.sub.Leaky") << true;
        QTest::newRow("star alone, empty text") << std::string("*") << std::string() << true;
        QTest::newRow("empty glob, empty text") << std::string() << std::string() << true;
        QTest::newRow("empty glob, some text") << std::string() << std::string("x") << false;
        QTest::newRow("question mark") << std::string("b?iltins") << std::string("builtins") << true;
        QTest::newRow("question mark needs one") << std::string("b?iltins") << std::string("biltins") << false;
        QTest::newRow("question mark, two-byte character") << std::string("caf?") << std::string("caf\xc3\xa9") << true;
        QTest::newRow("one character, not two") << std::string("??") << std::string("\xc3\xa9") << false;
        QTest::newRow("four-byte character") << std::string("<?>") << std::string("<\xf0\x9f\x90\x8d>") << true;
        QTest::newRow("star before a multibyte literal")
            << std::string("*\xc3\xa9") << std::string("caf\xc3\xa9") << true;
        QTest::newRow("invalid byte is one character") << std::string("a?b") << std::string("a\xc3" "b") << true;
        QTest::newRow("backtracking") << std::string("*a*b*c") << std::string("xaxbxbc") << true;
        QTest::newRow("backtracking, first try fails") << std::string("*ab") << std::string("aab") << true;
        QTest::newRow("many stars, no match")
            << std::string("a*a*a*a*a*a*b") << std::string(100, 'a') << false;
        QTest::newRow("escaped star") << std::string("a\\*") << std::string("a*") << true;
        QTest::newRow("escaped star is literal") << std::string("a\\*") << std::string("ab") << false;
        QTest::newRow("escaped question mark") << std::string("\\?") << std::string("?") << true;
        QTest::newRow("escaped question mark is literal") << std::string("\\?") << std::string("x") << false;
        QTest::newRow("trailing backslash") << std::string("a\\") << std::string("a\\") << true;
        QTest::newRow("brackets are literal") << std::string("[1, *]") << std::string("[1, 2]") << true;
        QTest::newRow("brackets are not classes") << std::string("[12]") << std::string("1") << false;
    }

    void globMatching()
    {
        QFETCH(std::string, glob);
        QFETCH(std::string, text);
        QFETCH(bool, matches);
        const RulePattern pattern = RulePattern::glob(glob);
        QVERIFY(!pattern.isRegex());
        QCOMPARE(pattern.text(), glob);
        QCOMPARE(pattern.matches(text), matches);
    }

    void regexMatching_data()
    {
        QTest::addColumn<std::string>("regex");
        QTest::addColumn<std::string>("text");
        QTest::addColumn<bool>("matches");
        QTest::newRow("found anywhere") << std::string("ufunc") << std::string("<ufunc 'add'>") << true;
        QTest::newRow("anchored start") << std::string("^ufunc") << std::string("<ufunc 'add'>") << false;
        QTest::newRow("anchored end") << std::string("'add'>$") << std::string("<ufunc 'add'>") << true;
        QTest::newRow("class") << std::string("\\d+\\]$") << std::string("[1, 2]") << true;
        QTest::newRow("case matters") << std::string("UFUNC") << std::string("<ufunc 'add'>") << false;
        QTest::newRow("alternation") << std::string("^<(socket|ufunc) ") << std::string("<ufunc 'add'>") << true;
        QTest::newRow("bounded repetition") << std::string("^a{3}$") << std::string("aaa") << true;
        QTest::newRow("bounded repetition, too many") << std::string("^a{3}$") << std::string("aaaa") << false;
        // What PCRE2 reads differently from the ECMAScript dialect rules had before (docs/ignore-rules.md).
        QTest::newRow("back-reference") << std::string("^(a)\\1$") << std::string("aa") << true;
        QTest::newRow("lookbehind") << std::string("(?<=<)ufunc") << std::string("<ufunc 'add'>") << true;
        QTest::newRow("inline case-insensitivity") << std::string("(?i)UFUNC") << std::string("<ufunc 'add'>") << true;
        QTest::newRow("dot is a character") << std::string("^caf.$") << std::string("caf\xc3\xa9") << true;
        QTest::newRow("code point escape") << std::string("^caf\\x{e9}$") << std::string("caf\xc3\xa9") << true;
        QTest::newRow("invalid byte matches no dot") << std::string("^a.b$") << std::string("a\xff" "b") << false;
        QTest::newRow("huge repetition") << std::string("^(?:a?){5000}$") << std::string(4, 'a') << true;
    }

    void regexMatching()
    {
        QFETCH(std::string, regex);
        QFETCH(std::string, text);
        QFETCH(bool, matches);
        const RulePattern pattern = RulePattern::regex(regex);
        QVERIFY(pattern.isRegex());
        QCOMPARE(pattern.text(), regex);
        QCOMPARE(pattern.matches(text), matches);
    }

    void regexDoesNotBacktrackExponentially()
    {
        // A backtracking matcher without a limit takes about 2^120 steps here; a repr is at most 120
        // characters, or about 480 bytes. A hang would show as the test's timeout.
        const RulePattern pattern = RulePattern::regex("(a*)*b");
        QVERIFY(!pattern.matches(std::string(120, 'a')));
        QVERIFY(!pattern.matches(std::string(480, 'a')));
    }

    void regexThatHitsItsLimit()
    {
        const RulePattern pattern = RulePattern::regex("^(a+)+$");
        const std::string text = std::string(100, 'a') + '!';
        QCOMPARE(pattern.match(text), Pattern::Result::LimitHit);
        QVERIFY(!pattern.matches(text)); // undecided is not a match
        QCOMPARE(pattern.match("aaa"), Pattern::Result::Match);
        QCOMPARE(RulePattern::glob("*a*a*a*a*b").match(text), Pattern::Result::NoMatch); // globs need no limit
    }

    void badRegexThrows()
    {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, RulePattern::regex("(unclosed"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, RulePattern::regex("x{99999}"));
    }

    void formatRule_data()
    {
        QTest::addColumn<std::string>("line");
        QTest::addColumn<std::string>("canonical");
        QTest::newRow("plain") << std::string("type builtins.dict") << std::string("type builtins.dict");
        QTest::newRow("spacing and comment")
            << std::string("  type\tbuiltins.*   module  builtins # why") << std::string("type builtins.* module builtins");
        QTest::newRow("quotes only when needed")
            << std::string("repr \"<ufunc*\"") << std::string("repr <ufunc*");
        QTest::newRow("space") << std::string("repr \"a b\"") << std::string("repr \"a b\"");
        QTest::newRow("leading hash") << std::string("repr \"#x\"") << std::string("repr \"#x\"");
        QTest::newRow("leading quote") << std::string("repr \"\\\"x\"") << std::string("repr \"\\\"x\"");
        QTest::newRow("empty") << std::string("repr \"\"") << std::string("repr \"\"");
        QTest::newRow("glob that looks like a regex") << std::string("repr \"re:x\"") << std::string("repr \"re:x\"");
        QTest::newRow("bare backslash") << std::string("repr a\\*b") << std::string("repr a\\*b");
        QTest::newRow("regex") << std::string("repr re:^<ufunc") << std::string("repr re:^<ufunc");
        QTest::newRow("regex with a space and a backslash")
            << std::string("repr re:\"^a b\\d\"") << std::string("repr re:\"^a b\\d\"");
        QTest::newRow("backslashes that need escaping")
            << std::string("repr \"a \\\\\\\"b \\\\\"") << std::string("repr \"a \\\\\\\"b \\\\\"");
        // A carriage return ends a bare word (a CRLF must not leave one at the end of a pattern), so
        // a pattern that holds one is quoted.
        QTest::newRow("carriage return") << std::string("repr \"a\rb\"") << std::string("repr \"a\rb\"");
        QTest::newRow("every field")
            << std::string("explanation startup repr re:x module m type t")
            << std::string("explanation startup repr re:x module m type t");
    }

    void formatRule()
    {
        QFETCH(std::string, line);
        QFETCH(std::string, canonical);
        const IgnoreRule rule = onlyRule(line);
        QCOMPARE(leakscope::formatRule(rule), canonical);
        // The canonical text is a rule of its own, the same one.
        const IgnoreRule again = onlyRule(canonical);
        QCOMPARE(describe(again), describe(rule));
        QCOMPARE(leakscope::formatRule(again), canonical);
    }

    void matchesOneObject()
    {
        const Snapshot snapshot(buildColumns(rulesSpec()));
        auto firstLine = [&](const std::string& text, ObjectIndex object) -> std::size_t {
            const IgnoreRules rules = rulesFrom(text);
            const IgnoreRule* rule = rules.firstMatch(snapshot, object);
            return rule ? rule->line : 0;
        };
        QCOMPARE(firstLine("type ext.Leaky", 0), std::size_t(1));
        QCOMPARE(firstLine("type ext.Leak", 0), std::size_t(0));
        QCOMPARE(firstLine("module ext", 0), std::size_t(1));
        QCOMPARE(firstLine("module ex?", 0), std::size_t(1));
        QCOMPARE(firstLine("module numpy", 0), std::size_t(0));
        // The default repr, as Snapshot::repr() gives it, is matched like a stored one.
        QCOMPARE(firstLine("repr \"<ext.Leaky at 0x7f0000001000>\"", 0), std::size_t(1));
        QCOMPARE(firstLine("repr re:\"^<ext\\.Leaky at 0x\"", 0), std::size_t(1));
        QCOMPARE(firstLine("repr \"{'tag': 'cache'}\"", 1), std::size_t(1));
        QCOMPARE(firstLine("repr \"{'tag': *}\"", 2), std::size_t(1));
        QCOMPARE(firstLine("explanation startup", 2), std::size_t(1));
        QCOMPARE(firstLine("explanation start*", 7), std::size_t(0));
        // An object without an explanation has no kind, not an empty one.
        QCOMPARE(firstLine("explanation *", 1), std::size_t(0));
        QCOMPARE(firstLine("explanation *", 7), std::size_t(1));
        // Every condition must hold; the first rule that matches wins.
        QCOMPARE(firstLine("type builtins.dict repr \"{'tag': 'other'}\"", 1), std::size_t(0));
        QCOMPARE(firstLine("type numpy.ufunc\nmodule numpy", 5), std::size_t(1));
        QCOMPARE(firstLine("module nope\nmodule numpy\ntype *", 5), std::size_t(2));
        QCOMPARE(firstLine("type builtins.dict explanation startup", 1), std::size_t(0));
        QCOMPARE(firstLine("type builtins.dict explanation startup", 2), std::size_t(1));
        QCOMPARE(firstLine("", 0), std::size_t(0));
    }

    void firstMatchesAgreesWithFirstMatch()
    {
        const Snapshot snapshot(buildColumns(rulesSpec()));
        const IgnoreRules rules = rulesFrom(kRulesText);
        std::vector<ObjectIndex> all;
        for (ObjectIndex i = 0; i < snapshot.objectCount(); ++i)
            all.push_back(i);
        const std::vector<IgnoreMatch> matches = rules.firstMatches(snapshot, all);
        // Rule indices, not lines: line 2 is rules()[0]. Object 4 is no candidate, but it was asked about.
        const std::vector<std::pair<ObjectIndex, std::uint32_t>> expected = {{0, 0}, {1, 2}, {2, 3}, {4, 0}, {5, 1}};
        QCOMPARE(matches.size(), expected.size());
        for (std::size_t k = 0; k < matches.size(); ++k) {
            QCOMPARE(matches[k].object, expected[k].first);
            QCOMPARE(matches[k].rule, expected[k].second);
        }
        for (ObjectIndex i : all) {
            const IgnoreRule* one = rules.firstMatch(snapshot, i);
            const auto it = std::find_if(matches.begin(), matches.end(), [&](const IgnoreMatch& m) { return m.object == i; });
            QCOMPARE(one, it == matches.end() ? nullptr : &rules.rules()[it->rule]);
        }
        // Only the objects asked about, in the order given.
        const std::vector<ObjectIndex> some = {7, 5, 6, 0};
        const std::vector<IgnoreMatch> partial = rules.firstMatches(snapshot, some);
        QCOMPARE(partial.size(), std::size_t(2));
        QCOMPARE(partial[0].object, ObjectIndex(5));
        QCOMPARE(partial[1].object, ObjectIndex(0));
        QVERIFY(IgnoreRules().firstMatches(snapshot, all).empty());
    }

    void analysisWithRules()
    {
        const IgnoreRules rules = rulesFrom(kRulesText, "rules.txt");
        const Heap plain(rulesSpec());
        const Heap heap(rulesSpec(), &rules);
        const HeapAnalysis& a = heap.analysis;

        QCOMPARE(a.candidates(), plain.analysis.candidates());
        QCOMPARE(a.candidates(), (std::vector<ObjectIndex>{0, 1, 2, 3, 5, 7}));
        QCOMPARE(plain.analysis.suspectCount(), std::size_t(4));
        QCOMPARE(a.suspectCount(), std::size_t(1));
        QCOMPARE(a.ignoredCount(), std::size_t(4));
        QCOMPARE(a.ignoreRules(), &rules);
        QCOMPARE(plain.analysis.ignoreRules(), nullptr);

        const std::size_t expectedLine[] = {2, 4, 5, 0, 0, 3, 0, 0}; // 0: no rule
        for (ObjectIndex i = 0; i < 8; ++i) {
            const IgnoreRule* rule = a.ignoredBy(i);
            QCOMPARE(rule ? rule->line : 0, expectedLine[i]);
            QCOMPARE(plain.analysis.ignoredBy(i), nullptr);
            QCOMPARE(a.isSuspect(i), i == 3);
            QCOMPARE(plain.analysis.isSuspect(i), i == 0 || i == 1 || i == 3 || i == 5);
        }
        QCOMPARE(a.ignoredBy(0)->source, std::string("rules.txt"));
        // Object 4 is an ext.Leaky too, but referenced: not a candidate, so no rule applies to it.
        QVERIFY(!a.isCandidate(4));

        for (const TypeSummaryRow& row : a.typeSummary()) {
            const std::string_view name = heap.snapshot.typeName(row.type);
            QCOMPARE(row.suspects, std::uint64_t(name == "builtins.list" ? 1 : 0));
        }
    }

    void analysisWithoutRules()
    {
        const IgnoreRules empty;
        const Heap plain(rulesSpec());
        const Heap withNull(rulesSpec(), nullptr);
        const Heap withEmpty(rulesSpec(), &empty);
        for (const Heap* heap : {&plain, &withNull, &withEmpty}) {
            QCOMPARE(heap->analysis.suspectCount(), std::size_t(4));
            QCOMPARE(heap->analysis.ignoredCount(), std::size_t(0));
            for (ObjectIndex i = 0; i < 8; ++i)
                QCOMPARE(heap->analysis.ignoredBy(i), nullptr);
        }
        QCOMPARE(withNull.analysis.ignoreRules(), nullptr);
        QCOMPARE(withEmpty.analysis.ignoreRules(), &empty);
    }

    void rulesThatHitTheirLimit()
    {
        // 0 and 4 have reprs on which "^(a+)+$" backtracks exponentially, 2 a type name on which
        // "^ext\.(a+)+$" does; 1's repr is quick to match.
        GraphSpec spec;
        spec.objects = {
            {.type = "ext.Leaky", .repr = std::string(100, 'a') + '!'},
            {.type = "ext.Leaky", .repr = "aaa"},
            {.type = "ext." + std::string(60, 'a') + '!'},
            {.type = "builtins.dict", .repr = "{}"},
            {.type = "ext.Leaky", .repr = std::string(80, 'a') + '!'},
        };
        const char* text = "repr re:^(a+)+$\n"
                           "type builtins.dict repr re:^(a+)+$\n" // its type rules 0, 2 and 4 out first
                           "type re:^ext\\.(a+)+$\n"
                           "module ext\n";
        const IgnoreRules rules = rulesFrom(text, "rules.txt");
        QCOMPARE(rules.rules().size(), std::size_t(4));
        const Snapshot snapshot(buildColumns(spec));
        const std::vector<ObjectIndex> all = {0, 1, 2, 3, 4};

        std::vector<RuleLimitHit> hits = {{.rule = 99}}; // replaced, not appended to
        const std::vector<IgnoreMatch> matches = rules.firstMatches(snapshot, all, &hits);
        // Undecided counts as not matching: the next rule that matches wins.
        const std::vector<std::pair<ObjectIndex, std::uint32_t>> expected = {{0, 3}, {1, 0}, {2, 3}, {4, 3}};
        QCOMPARE(matches.size(), expected.size());
        for (std::size_t k = 0; k < matches.size(); ++k) {
            QCOMPARE(matches[k].object, expected[k].first);
            QCOMPARE(matches[k].rule, expected[k].second);
        }
        QCOMPARE(hits.size(), std::size_t(2));
        QCOMPARE(hits[0].rule, 0u);
        QCOMPARE(hits[0].objects, std::size_t(2));
        QCOMPARE(hits[0].firstObject, ObjectIndex(0));
        QCOMPARE(hits[1].rule, 2u);
        QCOMPARE(hits[1].objects, std::size_t(1));
        QCOMPARE(hits[1].firstObject, ObjectIndex(2));
        QCOMPARE(formatRuleLimitHit(rules.rules()[0], hits[0]),
                 std::string("rules.txt:1: a regular expression of this rule hit its match limit on 2 objects; "
                             "the rule did not ignore them"));
        QCOMPARE(formatRuleLimitHit(rules.rules()[2], hits[1]),
                 std::string("rules.txt:3: a regular expression of this rule hit its match limit on 1 object; "
                             "the rule did not ignore it"));

        // One object at a time, the same answers.
        for (ObjectIndex i : all) {
            std::vector<RuleLimitHit> one;
            const IgnoreRule* rule = rules.firstMatch(snapshot, i, &one);
            const auto it = std::find_if(matches.begin(), matches.end(), [&](const IgnoreMatch& m) { return m.object == i; });
            QCOMPARE(rule, it == matches.end() ? nullptr : &rules.rules()[it->rule]);
            QCOMPARE(one.size(), std::size_t(i == 0 || i == 2 || i == 4 ? 1 : 0));
            if (!one.empty())
                QCOMPARE(one[0].rule, i == 2 ? 2u : 0u);
        }

        // A rule after the one that matched is never tried, so it cannot hit its limit.
        std::vector<RuleLimitHit> none = {{.rule = 99}};
        QCOMPARE(rulesFrom("module ext\nrepr re:^(a+)+$").firstMatches(snapshot, all, &none).size(), std::size_t(4));
        QVERIFY(none.empty());

        // In an analysis, an undecided candidate stays a suspect.
        const IgnoreRules alone = rulesFrom("repr re:^(a+)+$");
        const Heap heap(spec, &alone);
        QCOMPARE(heap.analysis.ignoredCount(), std::size_t(1));
        QVERIFY(heap.analysis.isSuspect(0));
        QVERIFY(!heap.analysis.isSuspect(1));
        QVERIFY(heap.analysis.isSuspect(4));
        const std::vector<RuleLimitHit>& analysisHits = heap.analysis.ruleLimitHits();
        QCOMPARE(analysisHits.size(), std::size_t(1));
        QCOMPARE(analysisHits[0].rule, 0u);
        QCOMPARE(analysisHits[0].objects, std::size_t(2));
        QCOMPARE(analysisHits[0].firstObject, ObjectIndex(0));
        QVERIFY(Heap(spec).analysis.ruleLimitHits().empty());
    }

    void jsonReport()
    {
        const IgnoreRules rules = rulesFrom(kRulesText, "rules.txt");
        const Heap heap(rulesSpec(), &rules);
        const QJsonObject root = parseJson(leakscope::jsonReport(heap.analysis, 0));
        const QJsonObject summary = root.value(u"summary").toObject();
        QCOMPARE(summary.value(u"suspects").toInteger(), qint64(1));
        QCOMPARE(summary.value(u"ignored").toInteger(), qint64(4));

        const QJsonArray candidates = root.value(u"candidates").toArray();
        QCOMPARE(candidates.size(), 6);
        QCOMPARE(candidates.at(0).toObject().value(u"address").toString(), qs(formatAddress(defaultAddress(3))));
        qsizetype ignored = 0;
        for (const QJsonValue& value : candidates) {
            const QJsonObject c = value.toObject();
            QVERIFY(c.contains(u"ignored_by"));
            const auto i = static_cast<ObjectIndex>(
                (c.value(u"address").toString().toULongLong(nullptr, 16) - defaultAddress(0)) / 0x40);
            const IgnoreRule* rule = heap.analysis.ignoredBy(i);
            QCOMPARE(c.value(u"suspect").toBool(), heap.analysis.isSuspect(i));
            if (!rule) {
                QVERIFY(c.value(u"ignored_by").isNull());
                continue;
            }
            ++ignored;
            const QJsonObject by = c.value(u"ignored_by").toObject();
            QCOMPARE(by.keys(), (QStringList{u"file"_s, u"line"_s, u"rule"_s}));
            QCOMPARE(by.value(u"file").toString(), u"rules.txt"_s);
            QCOMPARE(by.value(u"line").toInteger(), qint64(rule->line));
            QCOMPARE(by.value(u"rule").toString(), qs(leakscope::formatRule(*rule)));
            QVERIFY(!c.value(u"suspect").toBool());
        }
        QCOMPARE(ignored, 4);

        // Literal spot check: the numpy.ufunc candidate and the rule on line 3.
        const auto ufunc = std::find_if(candidates.begin(), candidates.end(), [](const QJsonValue& v) {
            return v.toObject().value(u"type").toString() == u"numpy.ufunc"_s;
        });
        QVERIFY(ufunc != candidates.end());
        const QJsonObject by = ufunc->toObject().value(u"ignored_by").toObject();
        QCOMPARE(by.value(u"line").toInteger(), qint64(3));
        QCOMPARE(by.value(u"rule").toString(), u"module numpy repr \"<ufunc 'a*'>\""_s);
        QVERIFY(ufunc->toObject().value(u"explanation").isNull());
    }

    void reportRulesWithoutFile()
    {
        const IgnoreRules rules = rulesFrom("type ext.*");
        const Heap heap(rulesSpec(), &rules);
        const QJsonArray candidates = parseJson(leakscope::jsonReport(heap.analysis, 0)).value(u"candidates").toArray();
        const auto leaky = std::find_if(candidates.begin(), candidates.end(), [](const QJsonValue& v) {
            return v.toObject().value(u"type").toString() == u"ext.Leaky"_s;
        });
        QVERIFY(leaky != candidates.end());
        const QJsonObject by = leaky->toObject().value(u"ignored_by").toObject();
        QVERIFY(by.value(u"file").isNull());
        QCOMPARE(by.value(u"line").toInteger(), qint64(1));
        const std::string csv = leakscope::csvReport(heap.analysis);
        QVERIFY2(csv.find(",line 1: type ext.*,16,\n") != std::string::npos, csv.c_str());
    }

    void csvReport()
    {
        const IgnoreRules rules = rulesFrom(kRulesText, "rules.txt");
        const Heap heap(rulesSpec(), &rules);
        const std::string csv = leakscope::csvReport(heap.analysis);
        QVERIFY2(csv.starts_with("address,type,size,refcount,referrers,surplus,referents,suspect,explanation_kind,"
                                 "explanation_detail,repr,ignored_by,retained_size,created_by\n"),
                 csv.c_str());
        // The ufunc's row ends with the rule, quoted because the rule holds quotes, then its retained
        // size (its own 16 bytes) and an empty creator (no native traces); the suspect's rule is empty,
        // and it retains the Leaky it holds.
        QVERIFY2(csv.find(",<ufunc 'add'>,\"rules.txt:3: module numpy repr \"\"<ufunc 'a*'>\"\"\",16,\n") != std::string::npos,
                 csv.c_str());
        QVERIFY2(csv.find(",true,,,\"[1, 2]\",,32,\n") != std::string::npos, csv.c_str());
        QVERIFY2(csv.find(",rules.txt:2: type ext.*,16,\n") != std::string::npos, csv.c_str());
    }

    void tableReport()
    {
        const IgnoreRules rules = rulesFrom(kRulesText, "rules.txt");
        const Heap heap(rulesSpec(), &rules);
        const std::string table = leakscope::tableReport(heap.analysis, 0);
        QVERIFY2(table.find("6 leak candidates, 1 suspects (candidates no explanation or ignore rule covers), "
                            "4 matched by ignore rules\n")
                     != std::string::npos,
                 table.c_str());
        QVERIFY(table.find(formatAddress(defaultAddress(3))) != std::string::npos);
        QVERIFY(table.find(formatAddress(defaultAddress(0)) + " ") == std::string::npos); // ignored: not listed

        const IgnoreRules none;
        const Heap unmatched(rulesSpec(), &none);
        const std::string empty = leakscope::tableReport(unmatched.analysis, 0);
        QVERIFY2(empty.find("4 suspects (candidates no explanation or ignore rule covers), 0 matched by ignore rules")
                     != std::string::npos,
                 empty.c_str());
    }

    void readsFiles()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath(u"ignore-rules"_s).toStdString();
        QFile file(qs(path));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("type a.B\nbogus\n");
        file.close();
        const ParsedIgnoreRules parsed = readIgnoreRulesFile(path);
        QCOMPARE(linesOf(parsed.rules), std::vector<std::size_t>{1});
        QCOMPARE(parsed.rules[0].source, path);
        QCOMPARE(linesOf(parsed.errors), std::vector<std::size_t>{2});
        QCOMPARE(formatRuleError(parsed.errors[0]).substr(0, path.size() + 3), path + ":2:");

        auto failure = [](const std::string& name) -> std::string {
            try {
                readIgnoreRulesFile(name);
            } catch (const std::runtime_error& error) {
                return error.what();
            }
            return "no exception";
        };
        const std::string missing = dir.filePath(u"missing"_s).toStdString();
        QCOMPARE(failure(missing), "cannot read ignore rules '" + missing + "': No such file or directory");
        QCOMPARE(failure(dir.path().toStdString()), "cannot read ignore rules '" + dir.path().toStdString()
                                                        + "': it is a directory");
    }

    void defaultPath()
    {
        QCOMPARE(defaultIgnoreRulesPath("/cfg", "/home/u"), std::string("/cfg/leakscope/ignore-rules"));
        QCOMPARE(defaultIgnoreRulesPath("/cfg/", "/home/u"), std::string("/cfg/leakscope/ignore-rules"));
        QCOMPARE(defaultIgnoreRulesPath(nullptr, "/home/u"), std::string("/home/u/.config/leakscope/ignore-rules"));
        QCOMPARE(defaultIgnoreRulesPath("", "/home/u"), std::string("/home/u/.config/leakscope/ignore-rules"));
        QCOMPARE(defaultIgnoreRulesPath("relative", "/home/u"), std::string("/home/u/.config/leakscope/ignore-rules"));
        QCOMPARE(defaultIgnoreRulesPath(nullptr, nullptr), std::string());
        QCOMPARE(defaultIgnoreRulesPath(nullptr, "relative"), std::string());

        const QByteArray savedXdg = qgetenv("XDG_CONFIG_HOME");
        const bool hadXdg = qEnvironmentVariableIsSet("XDG_CONFIG_HOME");
        qputenv("XDG_CONFIG_HOME", "/somewhere/config");
        const std::string fromEnvironment = defaultIgnoreRulesPath();
        if (hadXdg)
            qputenv("XDG_CONFIG_HOME", savedXdg);
        else
            qunsetenv("XDG_CONFIG_HOME");
        QCOMPARE(fromEnvironment, std::string("/somewhere/config/leakscope/ignore-rules"));
    }
};

QTEST_GUILESS_MAIN(TestIgnoreRules)
#include "tst_ignore_rules.moc"
