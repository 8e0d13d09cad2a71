#include "run_history.h"

#include <QtCore/QSettings>

#include <algorithm>

namespace leakscope {

void RunHistory::read(const QSettings& settings)
{
    m_recentScripts = settings.value(QStringLiteral("run/recentScripts")).toStringList();
    m_lastRun.arguments = settings.value(QStringLiteral("run/arguments")).toStringList();
    m_lastRun.workingDirectory = settings.value(QStringLiteral("run/workingDirectory")).toString();
    m_lastRun.trackAllocations = settings.value(QStringLiteral("run/trackAllocations"), false).toBool();
    m_lastRun.tracemallocDepth = std::clamp(
        settings.value(QStringLiteral("run/tracemallocDepth"), RunRequest::kDefaultTracemallocDepth).toInt(), 1,
        RunRequest::kMaxTracemallocDepth);
    m_lastRun.nativeTraces = settings.value(QStringLiteral("run/nativeTraces"), false).toBool();
    m_lastRun.nativeTraceDepth = std::clamp(
        settings.value(QStringLiteral("run/nativeTraceDepth"), RunRequest::kDefaultNativeTraceDepth).toInt(), 1,
        RunRequest::kMaxNativeTraceDepth);
    m_lastRun.isolated = settings.value(QStringLiteral("run/isolated"), false).toBool();
    m_lastRun.ignoreEnvironment = settings.value(QStringLiteral("run/ignoreEnvironment"), false).toBool();
    m_lastRun.module = settings.value(QStringLiteral("run/module"), false).toBool();
}

void RunHistory::write(QSettings& settings) const
{
    settings.setValue(QStringLiteral("run/recentScripts"), m_recentScripts);
    settings.setValue(QStringLiteral("run/arguments"), m_lastRun.arguments);
    settings.setValue(QStringLiteral("run/workingDirectory"), m_lastRun.workingDirectory);
    settings.setValue(QStringLiteral("run/trackAllocations"), m_lastRun.trackAllocations);
    settings.setValue(QStringLiteral("run/tracemallocDepth"), m_lastRun.tracemallocDepth);
    settings.setValue(QStringLiteral("run/nativeTraces"), m_lastRun.nativeTraces);
    settings.setValue(QStringLiteral("run/nativeTraceDepth"), m_lastRun.nativeTraceDepth);
    settings.setValue(QStringLiteral("run/isolated"), m_lastRun.isolated);
    settings.setValue(QStringLiteral("run/ignoreEnvironment"), m_lastRun.ignoreEnvironment);
    settings.setValue(QStringLiteral("run/module"), m_lastRun.module);
}

namespace {

const QString kModulePrefix = QStringLiteral("-m ");

} // namespace

QString RunHistory::entryOf(const RunRequest& request)
{
    return request.module ? kModulePrefix + request.script : request.script;
}

RunRequest RunHistory::requestOf(const QString& entry)
{
    RunRequest request;
    // A script's entry is an absolute path, so it never starts as a module's does.
    request.module = entry.startsWith(kModulePrefix);
    request.script = request.module ? entry.mid(kModulePrefix.size()) : entry;
    return request;
}

void RunHistory::remember(const RunRequest& request)
{
    m_lastRun = request;
    const QString entry = entryOf(request);
    m_recentScripts.removeAll(entry);
    m_recentScripts.prepend(entry);
    while (m_recentScripts.size() > kMaxRecentScripts)
        m_recentScripts.removeLast();
}

RunRequest RunHistory::runOf(const QString& entry) const
{
    if (entryOf(m_lastRun) == entry)
        return m_lastRun;
    // Arguments belong to the last script; allocation tracking, C stacks, -I and -E are the user's
    // choices.
    RunRequest request = requestOf(entry);
    request.trackAllocations = m_lastRun.trackAllocations;
    request.tracemallocDepth = m_lastRun.tracemallocDepth;
    request.nativeTraces = m_lastRun.nativeTraces;
    request.nativeTraceDepth = m_lastRun.nativeTraceDepth;
    request.isolated = m_lastRun.isolated;
    request.ignoreEnvironment = m_lastRun.ignoreEnvironment;
    return request;
}

} // namespace leakscope
