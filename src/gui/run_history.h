#pragma once

#include "session/run_request.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QStringList>

class QSettings;

namespace leakscope {

// The runs the user made: the last one (what File ▸ Run Script… proposes) and the scripts and modules
// run lately, most recent first, both kept in the settings from one session to the next. A module is
// listed as "-m MODULE", as it would be given to python3.
class RunHistory
{
    Q_DECLARE_TR_FUNCTIONS(RunHistory)

public:
    static constexpr int kMaxRecentScripts = 10;

    void read(const QSettings& settings);
    void write(QSettings& settings) const;

    const RunRequest& lastRun() const { return m_lastRun; }
    // Script paths and "-m MODULE" entries.
    const QStringList& recentScripts() const { return m_recentScripts; }
    // request becomes the last run, and its script (or module) the most recent.
    void remember(const RunRequest& request);
    // How Recent Scripts ▸ entry runs it: as last time when it was the last run, else without
    // arguments but with the user's choices of the last run (allocation tracking, C allocation stacks,
    // -I and -E).
    RunRequest runOf(const QString& entry) const;

    // The recent-runs entry of a request: its script, or "-m MODULE".
    static QString entryOf(const RunRequest& request);
    // The script or module (only) that a recent-runs entry names.
    static RunRequest requestOf(const QString& entry);

private:
    RunRequest m_lastRun;
    QStringList m_recentScripts;
};

} // namespace leakscope
