// The HTML and Markdown reports on a synthetic heap whose reprs and labels hold markup, quotes, pipes,
// backticks, control characters and bytes that are not UTF-8: the HTML must stay well-formed (read
// back by an XML parser: every element closed, every entity known), self-contained and escaped; the
// Markdown's tables must keep their columns.

#include "test_graph.h"

#include "snapshot/dominators.h"
#include "snapshot/report.h"
#include "snapshot/report_html.h"
#include "snapshot/report_markdown.h"
#include "snapshot/suspects_story.h"

#include <QtCore/QRegularExpression>
#include <QtCore/QXmlStreamReader>
#include <QtTest/QTest>

using namespace leakscope;
using namespace leakscope::test;

namespace {

const char kNasty[] = "<b onclick=\"x()\">&amp;'|`code`|</details> \xff\xfe\x01\x1b[31m http://example.org/x.png";

// 0: an explained root. 1: a suspect app.Leaky with a hostile repr -> 2: its __dict__ -> 3: a list
// (label "['k|ey<']") -> 4, 5: strs; 3 also refers back to 2 (a cycle). 6: a suspect list holding 7.
GraphSpec nastyHeap()
{
    GraphSpec spec;
    spec.objects = {
        {.type = "builtins.dict", .size = 64},
        {.type = "app.Leaky", .size = 48, .edges = {2}, .labels = {"__dict__"}, .repr = kNasty},
        {.type = "builtins.dict", .size = 104, .edges = {3}, .labels = {"['k|ey<']"}},
        {.type = "builtins.list", .size = 2000, .edges = {4, 5, 2}},
        {.type = "builtins.str", .gc = false, .size = 50, .repr = "'a|b'"},
        {.type = "builtins.str", .gc = false, .size = 50, .repr = "'<script src=\"http://x\"></script>'"},
        {.type = "builtins.list", .size = 300, .edges = {7}},
        {.type = "builtins.str", .gc = false, .size = 60, .repr = "'row'"},
    };
    spec.explanations = {{.object = 0, .kind = "interpreter-root", .detail = "sys.modules"}};
    spec.origins
        = {{.type = "app.Leaky", .library = "/opt/ext/leaky<1>.so", .symbol = "LeakyType", .source = "leaky.c:7"}};
    spec.allocations = {{.object = 1, .frames = {{"/srv/app & co.py", 12}}}};
    return spec;
}

struct Xml
{
    QString error;
    QStringList elements; // in document order
    QString text; // all character data
    QStringList attributes; // name=value
};

Xml readXml(const std::string& html)
{
    Xml xml;
    QXmlStreamReader reader(QByteArray::fromStdString(html));
    while (!reader.atEnd()) {
        reader.readNext();
        if (reader.isStartElement()) {
            xml.elements << reader.name().toString();
            for (const QXmlStreamAttribute& a : reader.attributes())
                xml.attributes << a.name().toString() + u'=' + a.value().toString();
        } else if (reader.isCharacters()) {
            xml.text += reader.text();
        }
    }
    if (reader.hasError())
        xml.error = QStringLiteral("line %1: %2").arg(reader.lineNumber()).arg(reader.errorString());
    return xml;
}

// The cells of a Markdown table row: split at the pipes no backslash escapes.
int columns(const std::string& line)
{
    int pipes = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '\\')
            ++i;
        else if (line[i] == '|')
            ++pipes;
    }
    return pipes - 1;
}

} // namespace

class TestReportDocuments : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void htmlIsWellFormedSelfContainedAndEscaped()
    {
        const Heap heap(nastyHeap());
        const DominatorTree tree(heap.snapshot, heap.analysis);
        HtmlReportOptions options;
        options.title = "Leaks of <app> & \"co\"";
        options.captureSeconds = 0.25;
        const std::string html = htmlReport(heap.analysis, tree, options);

        const Xml xml = readXml(html);
        QVERIFY2(xml.error.isEmpty(), qPrintable(xml.error));
        QVERIFY(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
        // Nothing that loads anything: no script, no link, no image, no URL in CSS or attributes.
        for (const char* tag : {"script", "link", "img", "iframe", "object", "embed", "base", "form"})
            QVERIFY2(!xml.elements.contains(QLatin1String(tag)), tag);
        for (const QString& attribute : xml.attributes) {
            QVERIFY2(!attribute.startsWith(QLatin1String("src=")) && !attribute.startsWith(QLatin1String("href="))
                    && !attribute.startsWith(QLatin1String("on")),
                qPrintable(attribute));
        }
        QVERIFY(html.find("url(") == std::string::npos);
        QVERIFY(html.find("@import") == std::string::npos);
        // The hostile repr is there, as text.
        QVERIFY(xml.text.contains(QStringLiteral("<b onclick=\"x()\">&amp;'|`code`|</details>")));
        QVERIFY(xml.text.contains(QStringLiteral("\uFFFD\uFFFD\uFFFD\uFFFD[31m")));
        QVERIFY(html.find("\x1b") == std::string::npos);
        QVERIFY(html.find("<b onclick") == std::string::npos);
        QVERIFY(xml.text.contains(QStringLiteral("Leaks of <app> & \"co\"")));

        // The sections, the story's sentences and the details.
        for (const char* id :
            {"id=summary", "id=suspects", "id=types", "id=libraries", "id=findings", "id=suspect-list"})
            QVERIFY2(xml.attributes.contains(QLatin1String(id)), id);
        QVERIFY(xml.attributes.contains(QLatin1String("id=suspect-1")));
        QVERIFY(xml.attributes.contains(QLatin1String("id=suspect-2")));
        QVERIFY(!xml.attributes.contains(QLatin1String("id=suspect-3")));
        QVERIFY(xml.text.contains(QStringLiteral(
            "1 instance of app.Leaky, defined in leaky<1>.so, retains 2.2 KB (84.2% of the heap); nothing in the heap "
            "refers to it.")));
        QVERIFY(xml.text.contains(QStringLiteral("Most of it (2.1 KB) accumulates in builtins.list at 0x7f00000010c0, "
                                                 "2 references below it.")));
        QVERIFY(xml.text.contains(QStringLiteral("['k|ey<']")));
        QVERIFY(xml.text.contains(QStringLiteral("/srv/app & co.py:12")));
        QVERIFY(xml.text.contains(QStringLiteral("Retained by suspects")));
        QVERIFY(xml.text.contains(QStringLiteral("0.250 s")));
        // The Leaky and its dict (the dict's list is at the last level); the suspect list.
        QCOMPARE(xml.elements.count(QLatin1String("details")), 3);
        QCOMPARE(xml.text.count(QStringLiteral("['k|ey<']")), 2); // in the path and among the referents
    }

    void depthControlsTheReferents()
    {
        const Heap heap(nastyHeap());
        const DominatorTree tree(heap.snapshot, heap.analysis);
        HtmlReportOptions options;
        options.depth = 1;
        Xml xml = readXml(htmlReport(heap.analysis, tree, options));
        QVERIFY(xml.error.isEmpty());
        QCOMPARE(xml.elements.count(QLatin1String("details")), 2); // one per suspect, nothing nested
        // The dict's edge to its list is two levels down: only the path shows it now.
        QCOMPARE(xml.text.count(QStringLiteral("['k|ey<']")), 1);
        options.depth = 0;
        xml = readXml(htmlReport(heap.analysis, tree, options));
        QVERIFY(xml.error.isEmpty());
        QCOMPARE(xml.elements.count(QLatin1String("details")), 0);
        options.depth = 3;
        xml = readXml(htmlReport(heap.analysis, tree, options));
        QVERIFY(xml.error.isEmpty());
        QVERIFY(xml.text.contains(QStringLiteral("'a|b'")));
        // The list refers back to the dict above it: marked, not expanded again.
        QVERIFY(xml.text.contains(QStringLiteral("(already above: a cycle)")));
    }

    void htmlWithoutSuspects()
    {
        GraphSpec spec;
        spec.objects = {{.size = 10}};
        spec.explanations = {{.object = 0, .kind = "interpreter-root", .detail = "sys.modules"}};
        const Heap heap(spec);
        const DominatorTree tree(heap.snapshot, heap.analysis);
        const Xml xml = readXml(htmlReport(heap.analysis, tree));
        QVERIFY(xml.error.isEmpty());
        QVERIFY(xml.text.contains(QStringLiteral("No suspects: every leak candidate is explained.")));
    }

    void markdownTablesAndEscapes()
    {
        const Heap heap(nastyHeap());
        const DominatorTree tree(heap.snapshot, heap.analysis);
        const std::string md = markdownReport(heap.analysis, tree);
        QVERIFY(md.starts_with("# LeakScope report\n"));
        QVERIFY(md.find("\x1b") == std::string::npos);
        QVERIFY(md.find("\xff") == std::string::npos);
        // Every table keeps its column count on every row.
        std::size_t tables = 0;
        int expected = -1;
        std::size_t start = 0;
        while (start < md.size()) {
            const std::size_t end = md.find('\n', start);
            const std::string line = md.substr(start, end - start);
            start = end == std::string::npos ? md.size() : end + 1;
            if (!line.starts_with("|")) {
                expected = -1;
                continue;
            }
            if (expected < 0) {
                expected = columns(line);
                ++tables;
            }
            QVERIFY2(columns(line) == expected, line.c_str());
        }
        QCOMPARE(tables, std::size_t(8)); // summary, story, two groups' retained types and members, types, suspects
        QVERIFY(md.find("## Leak suspects") != std::string::npos);
        QVERIFY(md.find("### Suspect 1: app.Leaky\n") != std::string::npos);
        QVERIFY(md.find("### Suspect 2: builtins.list\n") != std::string::npos);
        QVERIFY(md.find("\\<b onclick=\"x()\"\\>&amp;amp;'\\|\\`code\\`\\|\\</details\\>") != std::string::npos);
        QVERIFY(md.find("*\\['k\\|ey\\<'\\]*") != std::string::npos); // the edge label, escaped
        QVERIFY(md.find("- **C library:** /opt/ext/leaky\\<1\\>.so\n") != std::string::npos);
        QVERIFY(md.find("- /srv/app &amp; co.py:12\n") != std::string::npos);
        QVERIFY(md.find("1 instance of app.Leaky, defined in leaky\\<1\\>.so, retains 2.2 KB (84.2% of the heap)")
            != std::string::npos);
    }

    // The Created by (C) block per suspect group, the creator column of the suspect list, and without
    // native traces the hint that says how to record them. The hostile function name stays escaped.
    void nativeStacksInDocuments()
    {
        const Heap plain(nastyHeap());
        const DominatorTree plainTree(plain.snapshot, plain.analysis);
        const std::string plainHtml = htmlReport(plain.analysis, plainTree);
        QVERIFY(plainHtml.find("<h4>Created by (C)</h4>") != std::string::npos);
        QVERIFY(plainHtml.find("run with leakscope --native-traces") != std::string::npos);
        QVERIFY(plainHtml.find("<th>Created by (C)</th>") == std::string::npos);
        const std::string plainMd = markdownReport(plain.analysis, plainTree);
        QVERIFY(plainMd.find("run with `leakscope --native-traces`") != std::string::npos);

        GraphSpec spec = nastyHeap();
        spec.nativeStacks = {{1,
                              {{"PyObject_Malloc", "/lib/libpython3.11.so"},
                               {"_PyObject_GC_New", "/lib/libpython3.11.so"},
                               {"leaky_new<T|x>", "/opt/ext/leaky<1>.so", "/src/leaky.c", 31},
                               {"leaky_fill", "/opt/ext/leaky<1>.so", "/src/leaky.c", 55}},
                              2}};
        const Heap heap(spec);
        const DominatorTree tree(heap.snapshot, heap.analysis);
        const std::string html = htmlReport(heap.analysis, tree);
        const Xml xml = readXml(html);
        QVERIFY2(xml.error.isEmpty(), qPrintable(xml.error));
        QVERIFY(html.find("<li class=\"note\">under _PyObject_GC_New</li>\n"
                          "<li class=\"mono\">leaky_new&lt;T|x&gt; at leaky.c:31 (leaky&lt;1&gt;.so)</li>\n"
                          "<li class=\"mono\">leaky_fill at leaky.c:55 (leaky&lt;1&gt;.so)</li>")
                != std::string::npos);
        QVERIFY(html.find("PyObject_Malloc") == std::string::npos); // folded away, only the outermost named
        QVERIFY(html.find("<th>Created by (C)</th>") != std::string::npos);
        // The list suspect (6) has no stack: its group says so.
        QVERIFY(html.find("No native stack was recorded for these objects.") != std::string::npos);

        const std::string md = markdownReport(heap.analysis, tree);
        QVERIFY(md.find("Created by (C):\n\n- *under \\_PyObject\\_GC\\_New*\n- leaky\\_new\\<T\\|x\\> at leaky.c:31 "
                        "(leaky\\<1\\>.so)\n- leaky\\_fill")
                != std::string::npos);
        QVERIFY(md.find("| Allocated at | Created by (C) | Repr |") != std::string::npos);
        // The suspect list keeps its columns with the creator cell.
        std::size_t header = md.find("| Allocated at | Created by (C)");
        QVERIFY(header != std::string::npos);
        for (std::size_t at = md.rfind('\n', header) + 1; at < md.size();) {
            const std::size_t end = md.find('\n', at);
            const std::string line = md.substr(at, end - at);
            if (!line.starts_with("|"))
                break;
            QCOMPARE(columns(line), 8);
            if (end == std::string::npos)
                break;
            at = end + 1;
        }
    }

    void classesAreNotOpened()
    {
        // 0: a suspect -> 1: its class (a type object: builtins.type is a Metatype) -> 2: the class's
        // namespace; 0 -> 3: its own dict -> 4.
        GraphSpec spec;
        spec.types = {"builtins.type"};
        spec.objects = {
            {.type = "app.Leaky", .size = 48, .edges = {1, 3}, .labels = {"__class__", "__dict__"}},
            {.type = "builtins.type", .size = 900, .edges = {2}, .labels = {"__dict__"}},
            {.type = "builtins.dict", .size = 300, .repr = "{'class': 'namespace'}"},
            {.type = "builtins.dict", .size = 100, .edges = {4}, .labels = {"['own']"}},
            {.type = "builtins.str", .gc = false, .size = 50, .repr = "'own value'"},
        };
        SnapshotColumns columns = buildColumns(spec);
        columns.types[0].flags |= Metatype;
        const Snapshot snapshot(std::move(columns));
        const HeapAnalysis analysis(snapshot);
        const DominatorTree tree(snapshot, analysis);
        const std::string md = markdownReport(analysis, tree);
        QVERIFY(md.find("  - *\\_\\_class\\_\\_* builtins.type") != std::string::npos);
        QVERIFY(md.find("'own value'") != std::string::npos); // two levels down, through the instance's dict
        QVERIFY(md.find("'namespace'") == std::string::npos); // two levels down, through the class
    }

    void formatNames()
    {
        QCOMPARE(parseReportFormat("html"), std::optional(ReportFormat::Html));
        QCOMPARE(parseReportFormat("md"), std::optional(ReportFormat::Markdown));
        QCOMPARE(parseReportFormat("markdown"), std::optional(ReportFormat::Markdown));
        QVERIFY(!parseReportFormat("HTML"));
        // formatReport() writes the documents with their defaults.
        const Heap heap(nastyHeap());
        const DominatorTree tree(heap.snapshot, heap.analysis);
        DocumentReportOptions options;
        options.captureSeconds = 1.5;
        QCOMPARE(formatReport(heap.analysis, ReportFormat::Html, 1.5, &tree), htmlReport(heap.analysis, tree, options));
        QCOMPARE(
            formatReport(heap.analysis, ReportFormat::Markdown, 1.5), markdownReport(heap.analysis, tree, options));
    }

    void escapes()
    {
        QCOMPARE(htmlEscape("a<b>&\"'c"), std::string("a&lt;b&gt;&amp;&quot;&#39;c"));
        QCOMPARE(htmlEscape("\xc3\xa9\xc3"), std::string("\xc3\xa9\xEF\xBF\xBD"));
        QCOMPARE(markdownEscape("a|b`c*d_e[f]g\nh&i"), std::string("a\\|b\\`c\\*d\\_e\\[f\\]g h&amp;i"));
        QCOMPARE(cleanText("ok\tline\n\x7f\xc2\x85"), std::string("ok\tline\n\xEF\xBF\xBD\xEF\xBF\xBD"));
    }
};

QTEST_GUILESS_MAIN(TestReportDocuments)
#include "tst_report_documents.moc"
