#include "object_details.h"

#include "models/model_text.h"
#include "snapshot/findings.h"
#include "snapshot/native_stack.h"
#include "snapshot/text.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QFileInfo>
#include <QtCore/QLocale>
#include <QtCore/QUrl>
#include <QtCore/QUrlQuery>

#include <algorithm>

namespace leakscope {

namespace {

QString tr(const char* text, int n = -1)
{
    return QCoreApplication::translate("ObjectDetails", text, nullptr, n);
}

QString escaped(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size())).toHtmlEscaped();
}

QString row(const QString& name, const QString& value)
{
    return QStringLiteral("<tr><th align=\"left\" valign=\"top\">%1</th><td>%2</td></tr>").arg(name, value);
}

QString small(const QString& text)
{
    return QStringLiteral("<small>") + text + QStringLiteral("</small>");
}

QString anchor(const QUrl& link, const QString& text, const QString& title = {})
{
    const QString href = link.toString(QUrl::FullyEncoded).toHtmlEscaped();
    if (title.isEmpty())
        return QStringLiteral("<a href=\"%1\">%2</a>").arg(href, text);
    return QStringLiteral("<a href=\"%1\" title=\"%2\">%3</a>").arg(href, title.toHtmlEscaped(), text);
}

// Whether the capture resolved type origins at all: a snapshot without a single library (a file
// written before origins were recorded, or a capture that skipped them) knows nothing of any type.
bool hasOrigins(const Snapshot& s)
{
    for (TypeIndex t = 0; t < s.typeCount(); ++t) {
        if (s.type(t).library != 0)
            return true;
    }
    return false;
}

QString originHtml(const Snapshot& s, const TypeRecord& type)
{
    const std::string_view library = s.string(type.library);
    const std::string_view symbol = s.string(type.symbol);
    const std::string_view source = s.string(type.source);
    const bool heapType = type.flags & HeapType;
    if (library.empty() && symbol.empty() && source.empty()) {
        if (!hasOrigins(s))
            return tr("not recorded in this snapshot");
        // The capture leaves a class statement's type blank on purpose; a static type is C code whose
        // library could not be told.
        return heapType ? tr("defined in Python: no C library behind its type")
                        : tr("C code in a library that was not found");
    }
    QString html = library.empty()
        ? tr("library not found")
        : QStringLiteral("<span title=\"%1\">%2</span>").arg(escaped(library), escaped(libraryBaseName(library)));
    html += QStringLiteral("<br/>");
    if (symbol.empty())
        html += tr("symbol not found");
    else
        html += QStringLiteral("<code>%1</code> ").arg(escaped(symbol))
            + small(heapType ? tr("(a slot function of the type)") : tr("(the type object)"));
    html += QStringLiteral("<br/>");
    if (source.empty()) {
        html += tr("no debug information: source line unknown");
        return html;
    }
    const std::optional<SourceLocation> line = parseSourceLine(source);
    const QString what = heapType ? tr("The source line of that slot function, from debug information")
                                  : tr("The source line of the type's first C slot function (its tp_dealloc when it "
                                       "has its own), from debug information");
    const QString where = QStringLiteral("<span title=\"%1\">%2</span>").arg(what.toHtmlEscaped(), escaped(source));
    if (line && QFileInfo(line->file).isAbsolute() && QFileInfo(line->file).isFile())
        html += anchor(sourceLink(line->file, line->line), where);
    else
        html += where + QStringLiteral(" ") + small(tr("(not on this computer)"));
    return html;
}

QString allocationHtml(const AnalyzedSnapshot& analyzed, ObjectIndex object)
{
    const Snapshot& s = analyzed.snapshot();
    const std::uint32_t depth = s.info().tracemallocDepth;
    if (depth == 0)
        return tr("not traced. Tick <i>Track allocations</i> in File ▸ Run Script… (or start "
                  "<code>leakscope --tracemalloc SCRIPT</code>) and run the script again; a process you "
                  "attach to is traced when it was started with <code>python3 -X tracemalloc=25</code>.");
    const std::span<const AllocationFrame> frames = s.allocationSite(object);
    if (frames.empty()) {
        if (!analyzed.analysis().isCandidate(object))
            return tr("recorded for leak candidates only");
        return tr("no record: tracemalloc did not see it allocated (before tracing started, or not through "
                  "Python's allocators)");
    }
    // One line per frame: the file's name and line (the full path as tooltip), the function the line
    // is in when the capture found it, and the file's folder whenever it is not the previous frame's.
    QString html;
    QString previousFolder;
    for (const AllocationFrame& frame : frames) {
        const std::string_view name = s.string(frame.file);
        const QString file = QString::fromUtf8(name.data(), static_cast<qsizetype>(name.size()));
        // "<frozen importlib._bootstrap>", "<string>": code that has no file to open.
        const bool openable = !file.isEmpty() && !file.startsWith(u'<') && frame.line > 0;
        const QFileInfo info(file);
        const QString text = ((openable ? info.fileName() : file) + u':' + QString::number(frame.line)).toHtmlEscaped();
        if (openable)
            html += anchor(sourceLink(file, static_cast<int>(frame.line)), text, file);
        else
            html += text;
        if (const std::string_view function = s.string(frame.function); !function.empty())
            html += QStringLiteral(" in <code>%1</code>").arg(escaped(function));
        if (openable && info.path() != previousFolder)
            html += QStringLiteral(" ") + small(QStringLiteral("(%1)").arg(info.path().toHtmlEscaped()));
        previousFolder = openable ? info.path() : QString();
        html += QStringLiteral("<br/>");
    }
    html += small(frames.size() >= depth
                      ? tr("innermost first; cut at %1 frames, the depth tracemalloc kept").arg(depth)
                      : tr("innermost first"));
    return html;
}

// One native frame: `function` at file:line in library; the source line a link when the file is here.
QString nativeFrameHtml(const Snapshot& s, const NativeFrame& frame)
{
    const std::string_view function = s.string(frame.function);
    QString html = function.empty()
        ? QStringLiteral("<code>?\?</code> ") + small(QString::fromStdString(formatAddress(frame.address)))
        : QStringLiteral("<code>%1</code>").arg(escaped(function));
    if (const std::string_view file = s.string(frame.file); !file.empty()) {
        const QString path = QString::fromUtf8(file.data(), static_cast<qsizetype>(file.size()));
        const QString text = QString::fromStdString(nativeFrameSource(s, frame)).toHtmlEscaped();
        const QFileInfo info(path);
        html += tr(" at ");
        // Debug information names files as the compiler saw them: a relative path, or a build folder
        // that is not on this computer, cannot be opened.
        if (info.isAbsolute() && info.isFile())
            html += anchor(sourceLink(path, static_cast<int>(std::max<std::uint32_t>(frame.line, 1))), text, path);
        else
            html += QStringLiteral("<span title=\"%1\">%2</span>").arg(path.toHtmlEscaped(), text);
    }
    if (const std::string_view library = s.string(frame.library); !library.empty())
        html += tr(" in ") + QStringLiteral("<span title=\"%1\">%2</span>").arg(escaped(library), escaped(libraryBaseName(library)));
    if (frame.flags & NativeFrameInlined)
        html += QStringLiteral(" ") + small(tr("(inlined)"));
    return html;
}

} // namespace

QString nativeStackHtml(const AnalyzedSnapshot& analyzed, ObjectIndex object)
{
    const Snapshot& s = analyzed.snapshot();
    const std::uint32_t depth = s.info().nativeTraceDepth;
    if (depth == 0 && s.nativeStackCount() == 0)
        return tr("not recorded. Tick <i>Record C allocation stacks</i> in File ▸ Run Script… (or start "
                  "<code>leakscope --native-traces SCRIPT</code>) and run the script again.");
    const std::span<const std::uint32_t> stack = s.nativeStack(object);
    if (stack.empty())
        return tr("no record: no native stack was kept for it (allocated before native traces began, or not "
                  "through the interpreter's allocators)");
    // The interpreter's allocator frames (PyObject_Malloc, gc_alloc...) say nothing about the leak: one
    // line names the outermost of them, the tooltip lists them all.
    QString html;
    const NativeCreator creator = nativeCreator(s, object);
    const std::size_t folded = std::min<std::size_t>(s.nativeStackFolded(object), stack.size());
    if (folded > 0) {
        QStringList hidden;
        for (std::size_t k = 0; k < folded; ++k)
            hidden << QString::fromStdString(formatNativeFrame(s, s.nativeFrame(stack[k])));
        const QString under = creator.under.empty() ? tr("the interpreter's allocator")
                                                    : QStringLiteral("<code>%1</code>").arg(escaped(creator.under));
        html += QStringLiteral("<span title=\"%1\">").arg(hidden.join(u'\n').toHtmlEscaped())
            + small(tr("under %1 (%2)")
                        .arg(under, folded == 1 ? tr("1 allocator frame folded")
                                                : tr("%1 allocator frames folded").arg(folded)))
            + QStringLiteral("</span><br/>");
    }
    for (std::uint32_t frame : nativeShownFrames(s, object))
        html += nativeFrameHtml(s, s.nativeFrame(frame)) + QStringLiteral("<br/>");
    if (creator.frame == kNoNativeFrame)
        html += tr("the stack ends inside the allocator: its creator is past the depth recorded") + QStringLiteral("<br/>");
    html += small(depth > 0 && stack.size() >= depth
                      ? tr("innermost first; cut at %1 frames, the depth recorded").arg(depth)
                      : tr("innermost first"));
    return html;
}

QString objectLink(ObjectIndex object)
{
    return QStringLiteral("object:%1").arg(object);
}

QString offsetText(std::uint64_t offset)
{
    return QString::fromStdString(formatOffset(offset));
}

QUrl sourceLink(const QString& file, int line)
{
    QUrl link;
    link.setScheme(QStringLiteral("source"));
    link.setPath(file);
    link.setQuery(QStringLiteral("line=%1").arg(line));
    return link;
}

std::optional<SourceLocation> sourceOfLink(const QUrl& link)
{
    if (link.scheme() != QStringLiteral("source"))
        return std::nullopt;
    bool ok = false;
    const int line = QUrlQuery(link).queryItemValue(QStringLiteral("line")).toInt(&ok);
    const QString file = link.path(QUrl::FullyDecoded);
    if (!ok || line < 1 || file.isEmpty())
        return std::nullopt;
    return SourceLocation{file, line};
}

std::optional<SourceLocation> parseSourceLine(std::string_view text)
{
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size())
        return std::nullopt;
    const std::string_view digits = text.substr(colon + 1);
    if (digits.size() > 9 || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    const int line = std::stoi(std::string(digits));
    if (line < 1)
        return std::nullopt;
    const std::string_view file = text.substr(0, colon);
    return SourceLocation{QString::fromUtf8(file.data(), static_cast<qsizetype>(file.size())), line};
}

// For an object the conservative scan found in a C field (or a module's state) that the holder's
// traverse function does not report: that field is a bug of its own, whatever it holds. Says how many
// objects the same field holds across the snapshot. O(explanations), once per selection.
static QString findingHtml(const Snapshot& s, const ExplanationRecord& explanation)
{
    const std::optional<ExplanationKind> kind = explanationKindFromName(s.string(explanation.kind));
    if (!kind || !isUntraversedField(*kind) || explanation.holder == kNoObject || explanation.holder >= s.objectCount())
        return {};
    const bool moduleState = *kind == ExplanationKind::ModuleState;
    const TypeIndex holderType = s.typeOf(explanation.holder);
    const std::vector<UntraversedField> fields = untraversedFields(s);
    const auto field = std::find_if(fields.begin(), fields.end(), [&](const UntraversedField& f) {
        return f.kind == *kind && f.offset == explanation.holderOffset
            && (moduleState ? f.module == explanation.holder : f.holderType == holderType);
    });
    if (field == fields.end())
        return {};
    const QString offset = offsetText(field->offset);
    const QString where = moduleState ? tr("The state of this module, at %1,").arg(offset)
        : field->holders == 1         ? tr("Field %1 of this %2").arg(offset, escaped(s.typeName(holderType)))
                                      : tr("Field %1 of %2 %3 objects").arg(offset).arg(field->holders).arg(escaped(s.typeName(holderType)));
    const QString held = field->objects == 1 ? tr("holds 1 object") : tr("holds %1 objects").arg(field->objects);
    return where + QLatin1Char(' ') + held
        + tr(" that its traverse function does not report: not a leak, but a bug in the C code behind it, since "
             "the collector cannot see cycles through it.");
}

QString objectDetailsHtml(const AnalyzedSnapshot& analyzed, ObjectIndex object)
{
    const Snapshot& s = analyzed.snapshot();
    const HeapAnalysis& a = analyzed.analysis();
    const TypeRecord& type = s.type(s.typeOf(object));
    QString html = QStringLiteral("<table cellspacing=\"4\">");
    html += row(tr("Address"), QString::fromStdString(formatAddress(s.address(object))));
    html += row(tr("Type"), escaped(s.typeNameOf(object)) + QStringLiteral("<br/><small>")
                   + tr("module %1, %2 type at %3")
                         .arg(escaped(s.string(type.module)),
                              (type.flags & HeapType) ? tr("heap") : tr("static"),
                              QString::fromStdString(formatAddress(type.address)))
                   + QStringLiteral("</small>"));
    html += row(tr("Size"), tr("%L1 bytes").arg(s.size(object)));
    if (const DominatorTree* tree = analyzed.dominators()) {
        // What freeing the object would give back: it and everything only it keeps alive.
        const std::uint64_t retained = tree->retainedSize(object);
        const double share = tree->totalBytes() ? 100.0 * double(retained) / double(tree->totalBytes()) : 0.0;
        html += row(tr("Retained"), tr("%L1 bytes <small>(%2 % of the heap, with what only it keeps alive)</small>")
                                        .arg(retained)
                                        .arg(QLocale().toString(share, 'f', share < 1.0 ? 2 : 1)));
    }
    // A static or immortal object's refcount counts no references: its surplus would be a billion
    // references that nobody leaked.
    const bool immortal = a.hasImmortalRefcount(object);
    html += row(tr("Refcount"), immortal ? tr("immortal <small>(%L1: a statically allocated or immortal object, whose "
                                              "refcount counts no references)</small>").arg(s.refcount(object))
                                         : QString::number(s.refcount(object)));
    html += row(tr("Referrers found"), QString::number(a.referrerCount(object)));
    const SurplusCause surplusCause = a.surplusCause(object);
    const QString surplusNote = surplusCause == SurplusCause::Unexplained
        ? tr("(references that no object in the snapshot accounts for)")
        : tr("(references that no object in the snapshot accounts for; expected: %1)")
              .arg(escaped(surplusCauseDescription(surplusCause)));
    html += row(tr("Surplus"), immortal ? tr("immortal <small>(none to measure: its refcount counts no references)</small>")
                                        : QString::number(a.surplus(object)) + QStringLiteral(" <small>")
                                              + surplusNote + QStringLiteral("</small>"));
    html += row(tr("Referents"), QString::number(s.referents(object).size()));
    if (s.isUntrackedOrphan(object))
        html += row(tr("Tracking"), tr("not tracked by the collector, and nothing refers to it: an <i>untracked "
                                       "orphan</i>, found among the live allocations native traces recorded"));
    else if (!s.isGcTracked(object))
        html += row(tr("Tracking"), tr("not tracked by the collector: never a candidate"));
    const bool candidate = a.isCandidate(object);
    const ExplanationRecord* explanation = s.explanation(object);
    const IgnoreRule* rule = a.ignoredBy(object);
    QString status;
    if (candidate && explanation)
        status = tr("Not a suspect: nothing in the snapshot refers to it, but the capture explains why.");
    else if (candidate && rule)
        status = tr("Not a suspect: nothing in the snapshot refers to it, and one of your ignore rules matches it.");
    else if (candidate)
        status = QStringLiteral("<b>")
            + tr("Suspect: nothing in the snapshot refers to it, no explanation covers it and no ignore rule matches it.")
            + QStringLiteral("</b>");
    else
        status = tr("Referred to by %n object(s) in the snapshot.", static_cast<int>(a.referrerCount(object)));
    html += row(tr("Status"), status);
    if (explanation) {
        QString text = QStringLiteral("<b>%1</b>").arg(escaped(s.string(explanation->kind)));
        if (const std::string_view detail = s.string(explanation->detail); !detail.empty())
            text += QStringLiteral(": ") + escaped(detail);
        if (explanation->holder != kNoObject && explanation->holder < s.objectCount()) {
            const ObjectIndex holder = explanation->holder;
            QString where = QString::fromStdString(formatAddress(s.address(holder)));
            if (explanation->holderOffset != 0)
                where += QLatin1Char(' ') + offsetText(explanation->holderOffset);
            text += QStringLiteral("<br/>") + tr("held by %1 at %2%3")
                        .arg(QStringLiteral("<a href=\"%1\">%2</a>").arg(objectLink(holder), escaped(s.typeNameOf(holder))),
                             where,
                             a.isSuspect(holder) ? tr(" — itself a suspect") : QString());
        }
        html += row(tr("Explanation"), text);
        if (const QString finding = findingHtml(s, *explanation); !finding.isEmpty())
            html += row(tr("Finding"), finding);
    }
    if (rule) {
        QString text = QStringLiteral("%1: <code>%2</code>")
                           .arg(escaped(formatRuleLocation(rule->source, rule->line)), escaped(formatRule(*rule)));
        if (explanation)
            text += QStringLiteral("<br/><small>") + tr("(the explanation already covers it)") + QStringLiteral("</small>");
        html += row(tr("Ignore rule"), text);
    }
    html += row(tr("C origin"), originHtml(s, type));
    html += row(tr("Allocated at"), allocationHtml(analyzed, object));
    html += row(tr("Created by (C)"), nativeStackHtml(analyzed, object));
    html += row(tr("Repr"), QStringLiteral("<code>") + escaped(s.repr(object)) + QStringLiteral("</code>"));
    html += QStringLiteral("</table>");
    return html;
}

std::optional<ObjectIndex> objectOfLink(const QUrl& link)
{
    if (link.scheme() != QStringLiteral("object"))
        return std::nullopt;
    bool ok = false;
    const uint object = link.path().toUInt(&ok);
    return ok ? std::optional<ObjectIndex>(object) : std::nullopt;
}

QString liveObjectHtml(const LiveObject& object)
{
    if (!object.found) {
        // Nothing ran: the address holds nothing, or an object of another type now.
        QString text = object.typeName.isEmpty()
            ? tr("Live: no object of this type lives at this address any more.")
            : tr("Live: a %1 lives at this address now, not this object.").arg(object.typeName.toHtmlEscaped());
        if (!object.error.isEmpty())
            text += QLatin1Char(' ') + object.error.toHtmlEscaped();
        return QStringLiteral("<hr/><p><i>") + text + QStringLiteral("</i></p>");
    }
    QString html = QStringLiteral("<hr/><p><b>") + tr("Live repr") + QStringLiteral("</b>");
    if (!object.typeName.isEmpty())
        html += QStringLiteral(" <small>") + tr("of the %1 at %2").arg(object.typeName.toHtmlEscaped(), addressText(object.address))
            + QStringLiteral("</small>");
    html += QStringLiteral("</p><pre>") + object.repr.toHtmlEscaped() + QStringLiteral("</pre>");
    if (!object.attributes.isEmpty())
        html += QStringLiteral("<p><b>") + tr("Attributes") + QStringLiteral("</b> ") + object.attributes.join(QStringLiteral(", ")).toHtmlEscaped()
            + QStringLiteral("</p>");
    if (!object.error.isEmpty())
        html += QStringLiteral("<p><i>") + object.error.toHtmlEscaped() + QStringLiteral("</i></p>");
    return html;
}

} // namespace leakscope
