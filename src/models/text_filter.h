#pragma once

#include <QtCore/QRegularExpression>
#include <QtCore/QString>
#include <QtCore/QStringConverter>
#include <QtCore/QStringMatcher>

#include <string>
#include <string_view>
#include <vector>

namespace leakscope {

// What the user typed into a filter box, matched against UTF-8 snapshot text without converting it
// to a QString when a cheaper test decides: a case-insensitive substring (the answer is exactly
// QString::contains(pattern, Qt::CaseInsensitive) on the decoded text), or a case-insensitive regular
// expression. Matching reuses internal buffers: one TextFilter must not match on two threads at once.
class TextFilter
{
public:
    // An empty pattern matches everything, in both modes.
    void setPattern(const QString& pattern, bool regex);

    const QString& pattern() const { return m_pattern; }
    bool isRegex() const { return m_regex; }
    bool isEmpty() const { return m_pattern.isEmpty(); }
    // False for an invalid regular expression, which matches nothing.
    bool isValid() const { return !m_regex || m_expression.isValid(); }
    // Why the regular expression is invalid; empty when it is valid.
    QString errorString() const;

    bool matches(std::string_view utf8) const;

private:
    QStringView decode(std::string_view utf8) const;

    QString m_pattern;
    bool m_regex = false;
    QRegularExpression m_expression;
    QStringMatcher m_matcher;
    std::string m_foldedNeedle; // the pattern in ASCII lower case, when it is all ASCII
    bool m_asciiNeedle = false;
    bool m_needleHasFoldTwin = false; // has 'k' or 's', which U+212A and U+017F fold to
    mutable QStringDecoder m_decoder{QStringDecoder::Utf8, QStringDecoder::Flag::Stateless};
    mutable std::vector<QChar> m_buffer;
};

} // namespace leakscope
