#include "ignore_rules_file.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QSaveFile>

namespace leakscope {

namespace {

// As the parser's own limit: a rules file is written by hand, anything this large is something else.
constexpr qint64 kMaxFileBytes = qint64(4) << 20;

} // namespace

IgnoreRulesFile::IgnoreRulesFile(const QString& path, QObject* parent)
    : QObject(parent)
    , m_path(path)
{
    take(readFromDisk());
    watch();
    auto followDisk = [this] {
        reload();
        watch(); // a file replaced by a rename is no longer watched
    };
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, followDisk);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, followDisk);
}

IgnoreRulesFile::~IgnoreRulesFile() = default;

bool IgnoreRulesFile::exists() const
{
    return !m_path.isEmpty() && QFileInfo::exists(m_path);
}

QStringList IgnoreRulesFile::problems() const
{
    QStringList lines;
    if (!m_readError.isEmpty())
        lines << m_readError;
    for (const RuleError& error : m_parsed.errors)
        lines << QString::fromStdString(formatRuleError(error));
    return lines;
}

IgnoreRulesFile::Contents IgnoreRulesFile::readFromDisk() const
{
    if (m_path.isEmpty())
        return {};
    const QFileInfo info(m_path);
    if (!info.exists())
        return {};
    auto failure = [&](const QString& reason) {
        return Contents{{}, tr("Cannot read the ignore rules %1: %2").arg(m_path, reason)};
    };
    if (info.isDir())
        return failure(tr("it is a folder"));
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly))
        return failure(file.errorString());
    const QByteArray bytes = file.read(kMaxFileBytes + 1);
    if (bytes.size() > kMaxFileBytes)
        return failure(tr("larger than %1 MiB").arg(kMaxFileBytes >> 20));
    return {QString::fromUtf8(bytes), {}};
}

void IgnoreRulesFile::take(const Contents& contents)
{
    m_text = contents.text;
    m_readError = contents.error;
    m_parsed = parseIgnoreRules(m_text.toStdString(), m_path.toStdString());
    m_rules = m_parsed.rules.empty() ? nullptr : std::make_shared<const IgnoreRules>(m_parsed.rules);
}

void IgnoreRulesFile::watch()
{
    if (m_path.isEmpty())
        return;
    const QFileInfo info(m_path);
    if (info.exists() && !m_watcher.files().contains(m_path))
        m_watcher.addPath(m_path);
    const QString folder = info.absolutePath();
    if (QFileInfo(folder).isDir() && !m_watcher.directories().contains(folder))
        m_watcher.addPath(folder);
}

void IgnoreRulesFile::reload()
{
    const Contents contents = readFromDisk();
    if (contents.text == m_text && contents.error == m_readError)
        return;
    take(contents);
    Q_EMIT changed();
}

bool IgnoreRulesFile::save(const QString& text, QString* error)
{
    if (m_path.isEmpty()) {
        *error = tr("There is no folder for settings: set HOME or XDG_CONFIG_HOME.");
        return false;
    }
    const QString folder = QFileInfo(m_path).absolutePath();
    if (!QDir().mkpath(folder)) {
        *error = tr("Cannot create the folder %1.").arg(folder);
        return false;
    }
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text.toUtf8()) < 0 || !file.commit()) {
        *error = tr("Cannot write %1: %2").arg(m_path, file.errorString());
        return false;
    }
    const bool different = text != m_text || !m_readError.isEmpty();
    take({text, {}});
    watch();
    if (different)
        Q_EMIT changed();
    return true;
}

int IgnoreRulesFile::append(const QString& rule, const QString& comment, QString* error)
{
    if (rule.contains(u'\n') || rule.contains(u'\r')) {
        *error = tr("A rule is one line.");
        return 0;
    }
    // Appended to what is on disk now, so an edit made elsewhere since the last read is kept.
    const Contents current = readFromDisk();
    if (!current.error.isEmpty()) {
        *error = current.error;
        return 0;
    }
    QString text = current.text;
    if (!text.isEmpty() && !text.endsWith(u'\n'))
        text += u'\n';
    QString oneLineComment = comment.simplified();
    if (!oneLineComment.isEmpty())
        text += QStringLiteral("# ") + oneLineComment + u'\n';
    text += rule.trimmed() + u'\n';
    if (!save(text, error))
        return 0;
    return static_cast<int>(text.count(u'\n'));
}

} // namespace leakscope
