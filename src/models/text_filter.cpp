#include "text_filter.h"

#include <algorithm>
#include <array>

namespace leakscope {

namespace {

constexpr std::array<unsigned char, 256> makeFoldTable()
{
    std::array<unsigned char, 256> table{};
    for (int c = 0; c < 256; ++c)
        table[c] = static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    return table;
}

constexpr auto kFold = makeFoldTable();

bool isAscii(std::string_view text)
{
    unsigned char any = 0;
    for (char c : text)
        any |= static_cast<unsigned char>(c);
    return any < 0x80;
}

// Whether text contains needle (ASCII, lower case), ignoring ASCII case. Sound on UTF-8: an ASCII
// byte never occurs inside a multi-byte sequence.
bool containsFolded(std::string_view text, std::string_view needle)
{
    if (needle.size() > text.size())
        return false;
    const auto* hay = reinterpret_cast<const unsigned char*>(text.data());
    const auto* pin = reinterpret_cast<const unsigned char*>(needle.data());
    const std::size_t rest = needle.size() - 1;
    const std::size_t last = text.size() - needle.size();
    for (std::size_t i = 0; i <= last; ++i) {
        if (kFold[hay[i]] != pin[0])
            continue;
        std::size_t k = 0;
        while (k < rest && kFold[hay[i + 1 + k]] == pin[1 + k])
            ++k;
        if (k == rest)
            return true;
    }
    return false;
}

} // namespace

void TextFilter::setPattern(const QString& pattern, bool regex)
{
    m_pattern = pattern;
    m_regex = regex;
    m_expression.reset();
    m_compileError.clear();
    m_limitHit = false;
    m_matcher = QStringMatcher();
    m_foldedNeedle.clear();
    m_asciiNeedle = false;
    m_needleHasFoldTwin = false;
    if (pattern.isEmpty())
        return;
    if (regex) {
        try {
            m_expression = Pattern::compile(pattern.toStdString(), {.caseless = true});
        } catch (const PatternError& error) {
            m_compileError = QStringLiteral("Not a valid regular expression: %1").arg(QString::fromStdString(error.what()));
        }
        return;
    }
    m_matcher = QStringMatcher(pattern, Qt::CaseInsensitive);
    m_asciiNeedle = std::all_of(pattern.begin(), pattern.end(), [](QChar c) { return c.unicode() < 0x80; });
    if (m_asciiNeedle) {
        for (QChar c : pattern)
            m_foldedNeedle += static_cast<char>(kFold[c.unicode()]);
        m_needleHasFoldTwin = m_foldedNeedle.find_first_of("ks") != std::string::npos;
    }
}

QString TextFilter::errorString() const
{
    if (isValid())
        return {};
    if (m_limitHit) {
        return QStringLiteral("The regular expression hit its match limit (%1 steps) on some text; make it more "
                              "specific")
            .arg(Pattern::kMatchLimit);
    }
    return m_compileError;
}

bool TextFilter::matches(std::string_view utf8) const
{
    if (m_pattern.isEmpty())
        return true;
    if (m_regex) {
        // Searched on the UTF-8 text as it is: no decoding per row.
        if (!m_expression || m_limitHit)
            return false;
        const Pattern::Result result = m_expression->search(utf8);
        m_limitHit = result == Pattern::Result::LimitHit;
        return result == Pattern::Result::Match;
    }
    if (m_asciiNeedle) {
        if (containsFolded(utf8, m_foldedNeedle))
            return true;
        // Outside ASCII, only KELVIN SIGN and LONG S fold to ASCII letters (k, s): without them in
        // the needle, or without non-ASCII text, the byte search was the whole answer.
        if (!m_needleHasFoldTwin || isAscii(utf8))
            return false;
    }
    return m_matcher.indexIn(decode(utf8)) >= 0;
}

QStringView TextFilter::decode(std::string_view utf8) const
{
    const QByteArrayView bytes(utf8.data(), static_cast<qsizetype>(utf8.size()));
    const auto needed = static_cast<std::size_t>(m_decoder.requiredSpace(bytes.size()));
    if (m_buffer.size() < needed)
        m_buffer.resize(needed);
    const QChar* end = m_decoder.appendToBuffer(m_buffer.data(), bytes);
    return QStringView(m_buffer.data(), end - m_buffer.data());
}

} // namespace leakscope
