#include "object_details.h"

#include <QtCore/QCoreApplication>

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
    QString status;
    if (const ExplanationRecord* e = s.explanation(object)) {
        status = tr("Not a suspect: %1 — %2").arg(escaped(s.string(e->kind)), escaped(s.string(e->detail)));
    } else if (a.isCandidate(object)) {
        status = QStringLiteral("<b>") + tr("Suspect: nothing in the snapshot refers to it, and no explanation covers it.")
            + QStringLiteral("</b>");
    } else {
        status = tr("Referred to by %n object(s) in the snapshot.", static_cast<int>(a.referrerCount(object)));
    }
    html += row(tr("Status"), status);
    html += row(tr("C origin"), tr("not resolved"));
    html += row(tr("Allocated at"), tr("not recorded"));
    html += row(tr("Repr"), QStringLiteral("<code>") + escaped(s.repr(object)) + QStringLiteral("</code>"));
    html += QStringLiteral("</table>");
    return html;
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
