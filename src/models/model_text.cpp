#include "model_text.h"

namespace leakscope {

namespace {

void appendHex(std::string& out, std::uint64_t value)
{
    char digits[16];
    int n = 0;
    do {
        digits[n++] = "0123456789abcdef"[value & 0xf];
        value >>= 4;
    } while (value);
    out += "0x";
    while (n > 0)
        out += digits[--n];
}

bool isContinuationByte(char c)
{
    return (static_cast<unsigned char>(c) & 0xc0) == 0x80;
}

} // namespace

QString toQString(std::string_view utf8)
{
    return QString::fromUtf8(utf8.data(), static_cast<qsizetype>(utf8.size()));
}

QString toQStringElided(std::string_view utf8, qsizetype maxCodePoints)
{
    // Find the byte where code point maxCodePoints starts; stop early so long texts cost O(limit).
    qsizetype codePoints = 0;
    std::size_t cut = 0;
    for (; cut < utf8.size(); ++cut) {
        if (!isContinuationByte(utf8[cut]) && codePoints++ == maxCodePoints)
            break;
    }
    if (cut == utf8.size())
        return toQString(utf8);
    QString text = toQString(utf8.substr(0, cut));
    text += QChar(0x2026);
    return text;
}

QString addressText(quint64 address)
{
    char buffer[20];
    int n = 0;
    do {
        buffer[sizeof buffer - 1 - n++] = "0123456789abcdef"[address & 0xf];
        address >>= 4;
    } while (address);
    buffer[sizeof buffer - 1 - n++] = 'x';
    buffer[sizeof buffer - 1 - n++] = '0';
    return QString::fromLatin1(buffer + sizeof buffer - n, n);
}

std::string_view displayRepr(const Snapshot& snapshot, ObjectIndex i, std::string& scratch)
{
    std::string_view stored = snapshot.storedRepr(i);
    if (!stored.empty())
        return stored;
    scratch.clear();
    scratch += '<';
    scratch += snapshot.typeNameOf(i);
    scratch += " at ";
    appendHex(scratch, snapshot.address(i));
    scratch += '>';
    return scratch;
}

std::string_view explanationText(const Snapshot& snapshot, const ExplanationRecord& explanation,
                                 std::string& scratch)
{
    scratch.assign(snapshot.string(explanation.kind));
    std::string_view detail = snapshot.string(explanation.detail);
    if (!detail.empty()) {
        scratch += ": ";
        scratch += detail;
    }
    return scratch;
}

std::string_view ignoredText(const IgnoreRule& rule, std::string& scratch)
{
    scratch.assign("ignored: ");
    scratch += formatRule(rule);
    return scratch;
}

} // namespace leakscope
