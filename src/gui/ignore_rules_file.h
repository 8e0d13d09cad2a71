#pragma once

#include "models/analyzed_snapshot.h"

#include <QtCore/QFileSystemWatcher>
#include <QtCore/QObject>
#include <QtCore/QString>

namespace leakscope {

// The user's ignore rules file: read, parsed and followed while the application runs. Edits made
// here are written atomically (a temporary file renamed over the old one); edits made elsewhere, in
// a text editor, are noticed and read again. A missing file is no rules, not an error; a line that
// does not parse is reported and the other lines still make rules.
class IgnoreRulesFile : public QObject
{
    Q_OBJECT

public:
    // path empty: no rules file (no usable home folder); nothing is read or written.
    explicit IgnoreRulesFile(const QString& path, QObject* parent = nullptr);
    ~IgnoreRulesFile() override;

    QString path() const { return m_path; }
    bool exists() const;

    // The text last read or written, its rules and the lines that did not parse.
    const QString& text() const { return m_text; }
    const ParsedIgnoreRules& parsed() const { return m_parsed; }
    // The rules to analyse with; null when there are none.
    const IgnoreRulesPtr& rules() const { return m_rules; }
    // Why the file could not be read (a folder, no permission, too large); empty when it could.
    const QString& readError() const { return m_readError; }
    // One line per problem: the read error, or each bad line as "file:line: message".
    QStringList problems() const;

    // Reads the file again; emits changed() when its text or readability differs from before.
    void reload();
    // Writes text as the whole file (creating its folder), then takes it as the current text. On
    // failure returns false and sets *error, and nothing changes.
    bool save(const QString& text, QString* error);
    // Adds a rule at the end of the file as it is now on disk, after "# comment" when comment is not
    // empty. Returns the rule's line number, or 0 and sets *error.
    int append(const QString& rule, const QString& comment, QString* error);

Q_SIGNALS:
    // The rules changed: analyses made with the previous rules() are out of date.
    void changed();

private:
    struct Contents
    {
        QString text;
        QString error;
    };
    Contents readFromDisk() const;
    void take(const Contents& contents);
    void watch();

    QString m_path;
    QString m_text;
    QString m_readError;
    ParsedIgnoreRules m_parsed;
    IgnoreRulesPtr m_rules;
    QFileSystemWatcher m_watcher;
};

} // namespace leakscope
