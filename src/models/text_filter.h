#pragma once

#include "snapshot/pattern.h"

#include <QtCore/QString>
#include <QtCore/QStringConverter>
#include <QtCore/QStringMatcher>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leakscope {

// What the user typed into a filter box, matched against UTF-8 snapshot text without converting it
// to a QString when a cheaper test decides: a case-insensitive substring (the answer is exactly
// QString::contains(pattern, Qt::CaseInsensitive) on the decoded text), or a case-insensitive regular
// expression in the dialect of ignore rules (snapshot/pattern.h: PCRE2 with Unicode case folding,
// searched on the UTF-8 text itself, under the same match limit). Matching reuses internal buffers
// and remembers a limit hit: one TextFilter must not match on two threads at once.
class TextFilter
{
public:
    // An empty pattern matches everything, in both modes.
    void setPattern(const QString& pattern, bool regex);

    const QString& pattern() const { return m_pattern; }
    bool isRegex() const { return m_regex; }
    bool isEmpty() const { return m_pattern.isEmpty(); }
    // False for a regular expression that does not compile, or that hit its match limit on some text
    // since setPattern(): either matches nothing from then on. A filter that cannot be decided on
    // every row would show an arbitrary part of them, and one costly row is usually followed by many.
    bool isValid() const { return !m_regex || m_pattern.isEmpty() || (m_expression && !m_limitHit); }
    // True once the regular expression hit its match limit (see isValid()).
    bool hitLimit() const { return m_limitHit; }
    // For a filter split across threads, one TextFilter each: once the others have finished, each
    // hands its limit hit to the one that stays, so it turns invalid however the rows were split.
    void takeLimitHit(const TextFilter& other) const { m_limitHit = m_limitHit || other.m_limitHit; }
    // The same when the other filter said so from afar (a filter pass made off the GUI thread).
    void takeLimitHit(bool hit) const { m_limitHit = m_limitHit || hit; }
    // Why the regular expression is invalid; empty when it is valid.
    QString errorString() const;

    bool matches(std::string_view utf8) const;

private:
    QStringView decode(std::string_view utf8) const;

    QString m_pattern;
    bool m_regex = false;
    std::optional<Pattern> m_expression;
    QString m_compileError;
    mutable bool m_limitHit = false;
    QStringMatcher m_matcher;
    std::string m_foldedNeedle; // the pattern in ASCII lower case, when it is all ASCII
    bool m_asciiNeedle = false;
    bool m_needleHasFoldTwin = false; // has 'k' or 's', which U+212A and U+017F fold to
    mutable QStringDecoder m_decoder{QStringDecoder::Utf8, QStringDecoder::Flag::Stateless};
    mutable std::vector<QChar> m_buffer;
};

} // namespace leakscope
