#include "suspects_page.h"

#include "gui/object_details.h"
#include "gui/source_viewer_dialog.h"
#include "snapshot/suspects_story.h"
#include "snapshot/native_stack.h"
#include "snapshot/report_document.h"
#include "snapshot/text.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QFileInfo>
#include <QtCore/QScopedValueRollback>
#include <QtWidgets/QScrollBar>
#include <QtWidgets/QTextBrowser>
#include <QtWidgets/QVBoxLayout>

#include <algorithm>

namespace leakscope {

namespace {

// Members named in a group's block; the table lists them all ("Show in table").
constexpr std::size_t kMembersShown = 10;
// Code points of a repr shown beside an object: enough to recognise it, short enough for one line.
constexpr std::size_t kReprShown = 80;

QString tr(const char* text)
{
    return QCoreApplication::translate("SuspectsPage", text);
}

// Text from the snapshot (reprs, names, paths hold any byte) as HTML: valid UTF-8 without controls,
// then escaped.
QString escaped(std::string_view text)
{
    return QString::fromStdString(cleanText(text)).toHtmlEscaped();
}

QString anchor(const QString& href, const QString& html, const QString& title = {})
{
    const QString quoted = href.toHtmlEscaped();
    if (title.isEmpty())
        return QStringLiteral("<a href=\"%1\">%2</a>").arg(quoted, html);
    return QStringLiteral("<a href=\"%1\" title=\"%2\">%3</a>").arg(quoted, title.toHtmlEscaped(), html);
}

QString row(const QString& name, const QString& value)
{
    return QStringLiteral("<tr><th align=\"left\" valign=\"top\">%1</th><td>%2</td></tr>").arg(name, value);
}

// "1 suspect", "4 suspects".
QString counted(std::size_t n, const QString& one, const QString& many)
{
    return QStringLiteral("%1 %2").arg(n).arg(n == 1 ? one : many);
}

QString bytesText(std::uint64_t bytes)
{
    return QString::fromStdString(formatByteSize(bytes));
}

QString percentText(double share)
{
    return QStringLiteral("%1%").arg(share * 100, 0, 'f', share < 0.001 ? 2 : 1);
}

// "builtins.list at 0x7f…" as a link that makes it the current object, then its repr, elided.
QString objectHtml(const Snapshot& s, ObjectIndex object)
{
    const QString name = escaped(std::string(s.typeNameOf(object)) + " at " + formatAddress(s.address(object)));
    QString html = anchor(objectLink(object), name);
    if (const std::string repr = s.repr(object); !repr.empty())
        html += QStringLiteral(" <code>%1</code>").arg(escaped(elideUtf8(repr, kReprShown)));
    return html;
}

// A source line, as "file:line" (a link when it names a file that could be opened) then the function.
QString frameHtml(const Snapshot& s, const AllocationFrame& frame)
{
    const std::string_view name = s.string(frame.file);
    const QString file = QString::fromStdString(cleanText(name));
    const QString where = (file + u':' + QString::number(frame.line)).toHtmlEscaped();
    // "<frozen importlib._bootstrap>", "<string>": code without a file to open.
    QString html = !file.isEmpty() && !file.startsWith(u'<') && frame.line > 0
        ? anchor(sourceLink(file, static_cast<int>(frame.line)).toString(QUrl::FullyEncoded), where)
        : where;
    if (const std::string_view function = s.string(frame.function); !function.empty())
        html += QStringLiteral(" in <code>%1</code>").arg(escaped(function));
    return html;
}

QString pathHtml(const AnalyzedSnapshot& analyzed, const SuspectGroup& group)
{
    const Snapshot& s = analyzed.snapshot();
    if (group.pathFromRoot.empty())
        return tr("no root reaches it within the search: it is held only by a cycle nothing in the snapshot "
                  "refers to, or by a longer chain");
    QString html = QStringLiteral("<ol style=\"margin-top: 0px\">");
    for (std::size_t k = 0; k < group.pathFromRoot.size(); ++k) {
        const ObjectIndex object = group.pathFromRoot[k];
        html += QStringLiteral("<li>");
        if (k > 0) {
            const ObjectIndex holder = group.pathFromRoot[k - 1];
            if (const std::string edge = edgeName(s, holder, s.edgeTo(holder, object)); !edge.empty())
                html += QStringLiteral("<i>%1</i> ").arg(escaped(edge));
        }
        html += objectHtml(s, object);
        if (k == 0 && analyzed.analysis().referrerCount(object) == 0)
            html += QStringLiteral(" <small>%1</small>").arg(tr("(nothing refers to it)"));
        html += QStringLiteral("</li>");
    }
    return html + QStringLiteral("</ol>");
}

QString allocationHtml(const Snapshot& s, const SuspectGroup& group)
{
    if (group.allocationSite.empty()) {
        return s.info().tracemallocDepth ? tr("tracemalloc recorded no site for these objects")
                                         : tr("not traced: run with <i>Track allocations</i> to see it");
    }
    QString html;
    if (group.allocatedMember != group.representative)
        html += tr("for %1, the biggest member with a recorded site:<br/>").arg(objectHtml(s, group.allocatedMember));
    for (const AllocationFrame& frame : group.allocationSite)
        html += frameHtml(s, frame) + QStringLiteral("<br/>");
    return html + QStringLiteral("<small>%1</small>").arg(tr("innermost first"));
}

QString originHtml(const SuspectGroup& group)
{
    if (group.library.empty())
        return tr("none known (a class defined in Python, or not found)");
    QString html = escaped(group.library);
    if (!group.symbol.empty())
        html += QStringLiteral("<br/>%1 <code>%2</code>").arg(tr("symbol"), escaped(group.symbol));
    if (!group.source.empty()) {
        const std::optional<SourceLocation> line = parseSourceLine(group.source);
        const QString where = escaped(group.source);
        html += QStringLiteral("<br/>") + tr("source") + u' '
            + (line && QFileInfo::exists(line->file)
                    ? anchor(sourceLink(line->file, line->line).toString(QUrl::FullyEncoded), where)
                    : where);
    }
    return html;
}

QString groupHtml(const AnalyzedSnapshot& analyzed, const SuspectGroup& group, int index)
{
    const Snapshot& s = analyzed.snapshot();
    const QString title = group.kind == SuspectGroup::Kind::CommonHolder ? tr("Objects under one holder")
                                                                         : escaped(s.typeName(group.type));
    QString html = QStringLiteral("<h4><a name=\"group-%1\"></a>%2. %3</h4>").arg(index).arg(index + 1).arg(title);
    html += QStringLiteral("<p>%1").arg(escaped(groupSentence(s, group)));
    if (const std::string more = accumulationSentence(s, group); !more.empty())
        html += u' ' + escaped(more);
    html += QStringLiteral("</p><p>%1</p>").arg(anchor(groupLink(index), tr("Show in table")));

    QString rows;
    rows += row(tr("Count"), QString::number(group.count));
    rows += row(tr("Retained"),
        tr("%1 (%2 bytes), %3 of the heap")
            .arg(bytesText(group.retainedBytes))
            .arg(group.retainedBytes)
            .arg(percentText(group.heapShare)));
    if (group.kind == SuspectGroup::Kind::CommonHolder && group.holder != kNoObject)
        rows += row(tr("Holder"), objectHtml(s, group.holder));
    rows += row(tr("Type"), escaped(s.typeName(group.type)) + (group.mixedTypes ? tr(" and others") : QString()));
    rows += row(tr("C origin"), originHtml(group));
    rows += row(tr("Allocated at"), allocationHtml(s, group));
    // The first member with a native stack (the biggest may predate native traces).
    if (const ObjectIndex created = firstWithNativeStack(s, group.members); created == kNoObject)
        rows += row(tr("Created by (C)"), nativeStackHtml(analyzed, group.representative));
    else if (created == group.representative)
        rows += row(tr("Created by (C)"), nativeStackHtml(analyzed, created));
    else
        rows += row(tr("Created by (C)"), tr("for %1, the biggest member with a recorded stack:<br/>")
                                                .arg(objectHtml(s, created))
                                            + nativeStackHtml(analyzed, created));
    if (group.accumulationPoint != kNoObject) {
        rows += row(tr("Accumulation point"),
            objectHtml(s, group.accumulationPoint)
                + QStringLiteral(" <small>(%1)</small>").arg(bytesText(group.accumulationRetained)));
    }
    rows += row(tr("Path from a root"), pathHtml(analyzed, group));
    QString members;
    const std::size_t shown = std::min(group.members.size(), kMembersShown);
    for (std::size_t k = 0; k < shown; ++k)
        members += objectHtml(s, group.members[k]) + QStringLiteral("<br/>");
    if (group.count > shown)
        members += QStringLiteral("<small>%1</small>")
                       .arg(tr("and %1 more: Show in table lists them").arg(group.count - shown));
    rows += row(tr("Members"), members);
    return html + QStringLiteral("<table cellspacing=\"2\" cellpadding=\"2\">") + rows + QStringLiteral("</table>");
}

} // namespace

QString groupLink(int group)
{
    return QStringLiteral("group:%1").arg(group);
}

std::optional<int> groupOfLink(const QUrl& link)
{
    if (link.scheme() != QStringLiteral("group"))
        return std::nullopt;
    bool ok = false;
    const int group = link.path().toInt(&ok);
    return ok && group >= 0 ? std::optional<int>(group) : std::nullopt;
}

QString suspectsPageHtml(const AnalyzedSnapshot* analyzed)
{
    if (!analyzed)
        return QStringLiteral("<p>%1</p>")
            .arg(tr("No snapshot shown: the leak suspects appear here after a snapshot."));
    const SuspectsStory* story = analyzed->suspectsStory();
    if (!story)
        return QStringLiteral("<p>%1</p>")
            .arg(tr("The suspects story is built with the retained sizes, which "
                    "this analysis has not computed."));
    if (story->groups.empty())
        return QStringLiteral("<h3>%1</h3>").arg(tr("No suspects: every candidate is explained or ignored"));
    const double share = story->heapBytes ? static_cast<double>(story->retainedBytes) / story->heapBytes : 0.0;
    QString html = QStringLiteral("<h3>%1</h3>")
                       .arg(tr("%1 in %2, retaining %3 (%4 of the heap)")
                                .arg(counted(story->objects, tr("suspect"), tr("suspects")),
                                    counted(story->totalGroups, tr("group"), tr("groups")),
                                    bytesText(story->retainedBytes), percentText(share)));
    if (story->groups.size() < story->totalGroups)
        html += QStringLiteral("<p>%1</p>").arg(tr("The %1 biggest groups are shown.").arg(story->groups.size()));
    for (std::size_t k = 0; k < story->groups.size(); ++k)
        html += groupHtml(*analyzed, story->groups[k], static_cast<int>(k));
    return html;
}

SuspectsPage::SuspectsPage(QWidget* parent)
    : QWidget(parent)
    , m_browser(new QTextBrowser(this))
{
    m_browser->setObjectName(QStringLiteral("suspectsView"));
    // Links are the window's navigation, never a document to load.
    m_browser->setOpenLinks(false);
    m_browser->setOpenExternalLinks(false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_browser);
    setFocusProxy(m_browser);
    connect(m_browser, &QTextBrowser::anchorClicked, this, &SuspectsPage::followLink);
    m_browser->setHtml(suspectsPageHtml(nullptr));
}

SuspectsPage::~SuspectsPage() = default;

void SuspectsPage::setAnalysis(AnalyzedSnapshotPtr analyzed)
{
    // Other rules over the same snapshot: the reader stays where he was.
    const bool sameSnapshot = analyzed && m_analyzed && analyzed->snapshotPtr() == m_analyzed->snapshotPtr();
    const int scroll = m_browser->verticalScrollBar()->value();
    m_analyzed = std::move(analyzed);
    m_browser->setHtml(suspectsPageHtml(m_analyzed.get()));
    if (sameSnapshot)
        m_browser->verticalScrollBar()->setValue(scroll);
}

int SuspectsPage::groupCount() const
{
    const SuspectsStory* story = m_analyzed ? m_analyzed->suspectsStory() : nullptr;
    return story ? static_cast<int>(story->groups.size()) : 0;
}

void SuspectsPage::followLink(const QUrl& link)
{
    if (!m_analyzed)
        return;
    if (const auto object = objectOfLink(link); object && *object < m_analyzed->snapshot().objectCount())
        Q_EMIT objectChosen(*object);
    else if (const auto group = groupOfLink(link); group && *group < groupCount()) {
        const SuspectGroup& chosen = m_analyzed->suspectsStory()->groups[static_cast<std::size_t>(*group)];
        const std::string_view type = m_analyzed->snapshot().typeName(chosen.type);
        Q_EMIT showInTableRequested(QString::fromUtf8(type.data(), static_cast<qsizetype>(type.size())),
            chosen.representative, chosen.mixedTypes);
    } else if (const std::optional<SourceLocation> location = sourceOfLink(link))
        openSource(*location);
}

void SuspectsPage::openSource(const SourceLocation& location)
{
    // One viewer, reused, as the details pane does.
    if (!m_sourceViewer) {
        m_sourceViewer = new SourceViewerDialog(this);
        m_sourceViewer->setObjectName(QStringLiteral("suspectsSourceViewer"));
    }
    m_sourceViewer->showLocation(location.file, location.line);
    m_sourceViewer->show();
    m_sourceViewer->raise();
    m_sourceViewer->activateWindow();
}

} // namespace leakscope
