#pragma once

#include "session/run_request.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QStringList>

class QSettings;

namespace leakscope {

// The runs the user made: the last one (what File ▸ Run Script… proposes) and the scripts run
// lately, most recent first, both kept in the settings from one session to the next.
class RunHistory
{
    Q_DECLARE_TR_FUNCTIONS(RunHistory)

public:
    static constexpr int kMaxRecentScripts = 10;

    void read(const QSettings& settings);
    void write(QSettings& settings) const;

    const RunRequest& lastRun() const { return m_lastRun; }
    const QStringList& recentScripts() const { return m_recentScripts; }
    // request becomes the last run, and its script the most recent.
    void remember(const RunRequest& request);
    // How Recent Scripts ▸ script runs it: as last time when it was the last script, else without
    // arguments but with the user's choices of the last run (allocation tracking, -I and -E).
    RunRequest runOf(const QString& script) const;

private:
    RunRequest m_lastRun;
    QStringList m_recentScripts;
};

} // namespace leakscope
