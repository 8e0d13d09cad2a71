#include "object_details.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QUrl>

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

QString objectLink(ObjectIndex object)
{
    return QStringLiteral("object:%1").arg(object);
}

QString row(const QString& name, const QString& value)
{
    return QStringLiteral("<tr><th align=\"left\" valign=\"top\">%1</th><td>%2</td></tr>").arg(name, value);
}

} // namespace

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
    html += row(tr("Refcount"), QString::number(s.refcount(object)));
    html += row(tr("Referrers found"), QString::number(a.referrerCount(object)));
    html += row(tr("Surplus"), QString::number(a.surplus(object)) + QStringLiteral(" <small>")
                   + tr("(references that no object in the snapshot accounts for)") + QStringLiteral("</small>"));
    html += row(tr("Referents"), QString::number(s.referents(object).size()));
    if (!s.isGcTracked(object))
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
                where += QStringLiteral("+0x") + QString::number(explanation->holderOffset, 16);
            text += QStringLiteral("<br/>") + tr("held by %1 at %2%3")
                        .arg(QStringLiteral("<a href=\"%1\">%2</a>").arg(objectLink(holder), escaped(s.typeNameOf(holder))),
                             where,
                             a.isSuspect(holder) ? tr(" — itself a suspect") : QString());
        }
        html += row(tr("Explanation"), text);
    }
    if (rule) {
        QString text = QStringLiteral("%1: <code>%2</code>")
                           .arg(escaped(formatRuleLocation(rule->source, rule->line)), escaped(formatRule(*rule)));
        if (explanation)
            text += QStringLiteral("<br/><small>") + tr("(the explanation already covers it)") + QStringLiteral("</small>");
        html += row(tr("Ignore rule"), text);
    }
    html += row(tr("C origin"), tr("not resolved"));
    html += row(tr("Allocated at"), tr("not recorded"));
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
    if (!object.found)
        return QStringLiteral("<p><i>") + tr("Live: no object lives at this address any more.") + QStringLiteral("</i></p>");
    QString html = QStringLiteral("<hr/><p><b>") + tr("Live repr") + QStringLiteral("</b></p><pre>")
        + object.repr.toHtmlEscaped() + QStringLiteral("</pre>");
    if (!object.attributes.isEmpty())
        html += QStringLiteral("<p><b>") + tr("Attributes") + QStringLiteral("</b> ") + object.attributes.join(QStringLiteral(", ")).toHtmlEscaped()
            + QStringLiteral("</p>");
    if (!object.error.isEmpty())
        html += QStringLiteral("<p><i>") + object.error.toHtmlEscaped() + QStringLiteral("</i></p>");
    return html;
}

} // namespace leakscope
