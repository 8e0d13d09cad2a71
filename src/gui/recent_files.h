#pragma once

#include <QtCore/QStringList>

class QSettings;

namespace leakscope {

// The snapshot files opened or saved lately, most recent first, at most kMaxFiles, kept in the
// settings (files/recentSnapshots) from one session to the next.
class RecentFiles
{
public:
    static constexpr int kMaxFiles = 10;

    void read(const QSettings& settings);
    void write(QSettings& settings) const;

    const QStringList& files() const { return m_files; }
    // path (made absolute) becomes the most recent.
    void add(const QString& path);
    void remove(const QString& path);
    void clear() { m_files.clear(); }

private:
    QStringList m_files;
};

} // namespace leakscope
