#include "recent_files.h"

#include <QtCore/QFileInfo>
#include <QtCore/QSettings>

namespace leakscope {

namespace {

const QString kKey = QStringLiteral("files/recentSnapshots");

} // namespace

void RecentFiles::read(const QSettings& settings)
{
    m_files.clear();
    // Settings edited by hand may hold anything: blanks and repeats go, and no more than the limit.
    for (const QString& path : settings.value(kKey).toStringList()) {
        if (!path.trimmed().isEmpty() && !m_files.contains(path) && m_files.size() < kMaxFiles)
            m_files.append(path);
    }
}

void RecentFiles::write(QSettings& settings) const
{
    settings.setValue(kKey, m_files);
}

void RecentFiles::add(const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    m_files.removeAll(absolute);
    m_files.prepend(absolute);
    while (m_files.size() > kMaxFiles)
        m_files.removeLast();
}

void RecentFiles::remove(const QString& path)
{
    m_files.removeAll(QFileInfo(path).absoluteFilePath());
}

} // namespace leakscope
