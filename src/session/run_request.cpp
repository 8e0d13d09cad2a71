#include "run_request.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QFileInfo>

#include <algorithm>

namespace leakscope {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("RunRequest", text);
}

} // namespace

unsigned RunRequest::effectiveTracemallocDepth() const
{
    return trackAllocations ? static_cast<unsigned>(std::clamp(tracemallocDepth, 1, kMaxTracemallocDepth)) : 0u;
}

HostLaunch hostLaunchFor(const RunRequest& request, const QString& program)
{
    HostLaunch launch;
    launch.program = program;
    launch.script = request.script;
    launch.arguments = request.arguments;
    launch.workingDirectory = request.workingDirectory.isEmpty() ? QFileInfo(request.script).absolutePath()
                                                                 : request.workingDirectory;
    launch.tracemallocDepth = request.effectiveTracemallocDepth();
    launch.isolated = request.isolated;
    launch.ignoreEnvironment = request.ignoreEnvironment;
    return launch;
}

bool takeTracemallocOption(QStringList& arguments, RunRequest& request, QString* error)
{
    const QString option = QStringLiteral("--tracemalloc");
    for (qsizetype k = 1; k < arguments.size();) {
        const QString& argument = arguments[k];
        if (argument == QStringLiteral("--") || !argument.startsWith(u'-'))
            break;
        if (argument != option && !argument.startsWith(option + u'=')) {
            ++k;
            continue;
        }
        const unsigned depth = parseTracemallocOption(argument.toStdString()).value_or(0);
        if (depth == 0) {
            if (error)
                *error = tr("--tracemalloc takes a depth from 1 to %1, not '%2'")
                             .arg(RunRequest::kMaxTracemallocDepth)
                             .arg(argument.mid(option.size() + 1));
            return false;
        }
        request.trackAllocations = true;
        request.tracemallocDepth = static_cast<int>(depth);
        arguments.removeAt(k);
    }
    return true;
}

QString describeRun(const RunRequest& request)
{
    const unsigned depth = request.effectiveTracemallocDepth();
    return tr("Running %1 %2").arg(request.script, request.arguments.join(u' ')).trimmed()
        + (!request.trackAllocations ? QString()
                : depth == 1         ? tr(" (tracking allocations, 1 frame)")
                                     : tr(" (tracking allocations, %1 frames)").arg(depth))
        + (request.isolated                 ? tr(" in isolated mode (-I)")
                : request.ignoreEnvironment ? tr(" ignoring PYTHON* variables (-E)")
                                            : QString());
}

} // namespace leakscope
