#include "byte_size.h"

#include <QtCore/QLocale>

#include <cmath>

namespace leakscope {

namespace {

struct Unit
{
    const char* suffix; // lower case
    double factor;
};

constexpr double kKi = 1024.0;
constexpr Unit kUnits[] = {
    {"", 1},
    {"b", 1},
    {"byte", 1},
    {"bytes", 1},
    {"k", kKi},
    {"kib", kKi},
    {"kb", 1e3},
    {"m", kKi * kKi},
    {"mib", kKi * kKi},
    {"mb", 1e6},
    {"g", kKi * kKi * kKi},
    {"gib", kKi * kKi * kKi},
    {"gb", 1e9},
    {"t", kKi * kKi * kKi * kKi},
    {"tib", kKi * kKi * kKi * kKi},
    {"tb", 1e12},
};

} // namespace

std::optional<std::uint64_t> parseByteSize(const QString& text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return 0;
    const QChar localeDecimal = QLocale().decimalPoint().size() == 1 ? QLocale().decimalPoint().front() : u'.';
    // The number: ASCII digits with at most one decimal mark, read as exact as a double allows.
    qsizetype k = 0;
    double integral = 0;
    double fraction = 0;
    double scale = 1;
    bool digits = false;
    bool inFraction = false;
    for (; k < trimmed.size(); ++k) {
        const QChar c = trimmed[k];
        if (c >= u'0' && c <= u'9') {
            digits = true;
            if (inFraction) {
                scale /= 10;
                fraction += (c.unicode() - u'0') * scale;
            } else {
                integral = integral * 10 + (c.unicode() - u'0');
            }
        } else if (!inFraction && (c == u'.' || (c == u',' && localeDecimal == u','))) {
            inFraction = true;
        } else {
            break;
        }
    }
    if (!digits)
        return std::nullopt;
    const QString unit = trimmed.mid(k).trimmed().toLower();
    for (const Unit& known : kUnits) {
        if (unit != QLatin1StringView(known.suffix))
            continue;
        const double bytes = std::round((integral + fraction) * known.factor);
        // 2^63 is exactly representable: anything at or past it does not fit a qint64.
        if (!(bytes < 9223372036854775808.0))
            return std::nullopt;
        return static_cast<std::uint64_t>(bytes);
    }
    return std::nullopt;
}

QString formatByteSize(std::uint64_t bytes)
{
    static const char* const units[] = {"TiB", "GiB", "MiB", "KiB"};
    if (bytes == 0)
        return QStringLiteral("0");
    for (int k = 0; k < 4; ++k) {
        const std::uint64_t factor = 1ULL << (10 * (4 - k));
        if (bytes % factor == 0)
            return QStringLiteral("%1 %2").arg(bytes / factor).arg(QLatin1StringView(units[k]));
    }
    return QString::number(bytes);
}

} // namespace leakscope
