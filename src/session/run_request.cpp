#include "run_request.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
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
    if (request.module)
        launch.module = request.script;
    else
        launch.script = request.script;
    launch.arguments = request.arguments;
    launch.workingDirectory = !request.workingDirectory.isEmpty() ? request.workingDirectory
        : request.module                                      ? QDir::currentPath()
                                                              : QFileInfo(request.script).absolutePath();
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

bool takeModuleOption(
    QStringList& arguments, RunRequest& request, const QStringList& optionsWithValue, QString* error)
{
    for (qsizetype k = 1; k < arguments.size(); ++k) {
        const QString& argument = arguments[k];
        if (argument == QStringLiteral("--") || !argument.startsWith(u'-'))
            return true; // a script (or "--" before one): what follows is its own
        if (optionsWithValue.contains(argument)) {
            ++k;
            continue;
        }
        if (argument.startsWith(QStringLiteral("--")) || !argument.startsWith(QStringLiteral("-m")))
            continue;
        QString module = argument.mid(2); // "-mNAME", as python3 takes it
        qsizetype end = k + 1;
        if (module.isEmpty() && end < arguments.size())
            module = arguments[end++];
        if (module.isEmpty()) {
            if (error)
                *error = tr("-m needs a module name");
            return false;
        }
        request.script = module;
        request.module = true;
        request.arguments = arguments.mid(end);
        arguments.erase(arguments.begin() + k, arguments.end());
        return true;
    }
    return true;
}

QString describeRun(const RunRequest& request)
{
    const unsigned depth = request.effectiveTracemallocDepth();
    const QString what = request.module ? QStringLiteral("-m ") + request.script : request.script;
    return tr("Running %1 %2").arg(what, request.arguments.join(u' ')).trimmed()
        + (!request.trackAllocations ? QString()
                : depth == 1         ? tr(" (tracking allocations, 1 frame)")
                                     : tr(" (tracking allocations, %1 frames)").arg(depth))
        + (request.isolated                 ? tr(" in isolated mode (-I)")
                : request.ignoreEnvironment ? tr(" ignoring PYTHON* variables (-E)")
                                            : QString());
}

} // namespace leakscope
