#include "run_request.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QFileInfo>

#include <algorithm>
#include <optional>
#include <string_view>

namespace leakscope {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("RunRequest", text);
}

// Takes every `option` and `option=DEPTH` before the script out of arguments (program name first);
// depth gets the last one's depth, and stays as it was when there is none. False, with error set, at
// the first DEPTH parse() refuses (answers 0 for).
bool takeDepthOption(QStringList& arguments, const QString& option, std::optional<unsigned> (*parse)(std::string_view),
                     int maxDepth, std::optional<int>& depth, QString* error)
{
    for (qsizetype k = 1; k < arguments.size();) {
        const QString& argument = arguments[k];
        if (argument == QStringLiteral("--") || !argument.startsWith(u'-'))
            break;
        if (argument != option && !argument.startsWith(option + u'=')) {
            ++k;
            continue;
        }
        const unsigned parsed = parse(argument.toStdString()).value_or(0);
        if (parsed == 0) {
            if (error)
                *error = tr("%1 takes a depth from 1 to %2, not '%3'")
                             .arg(option)
                             .arg(maxDepth)
                             .arg(argument.mid(option.size() + 1));
            return false;
        }
        depth = static_cast<int>(parsed);
        arguments.removeAt(k);
    }
    return true;
}

} // namespace

unsigned RunRequest::effectiveTracemallocDepth() const
{
    return trackAllocations ? static_cast<unsigned>(std::clamp(tracemallocDepth, 1, kMaxTracemallocDepth)) : 0u;
}

unsigned RunRequest::effectiveNativeTraceDepth() const
{
    return nativeTraces ? static_cast<unsigned>(std::clamp(nativeTraceDepth, 1, kMaxNativeTraceDepth)) : 0u;
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
    launch.nativeTraceDepth = request.effectiveNativeTraceDepth();
    launch.isolated = request.isolated;
    launch.ignoreEnvironment = request.ignoreEnvironment;
    return launch;
}

bool takeTracemallocOption(QStringList& arguments, RunRequest& request, QString* error)
{
    std::optional<int> depth;
    if (!takeDepthOption(arguments, QStringLiteral("--tracemalloc"), parseTracemallocOption,
                         RunRequest::kMaxTracemallocDepth, depth, error))
        return false;
    if (depth) {
        request.trackAllocations = true;
        request.tracemallocDepth = *depth;
    }
    return true;
}

bool takeNativeTracesOption(QStringList& arguments, RunRequest& request, QString* error)
{
    std::optional<int> depth;
    if (!takeDepthOption(arguments, QStringLiteral("--native-traces"), parseNativeTracesOption,
                         RunRequest::kMaxNativeTraceDepth, depth, error))
        return false;
    if (depth) {
        request.nativeTraces = true;
        request.nativeTraceDepth = *depth;
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
    const QString what = request.module ? QStringLiteral("-m ") + request.script : request.script;
    QStringList recording;
    if (const unsigned depth = request.effectiveTracemallocDepth())
        recording << (depth == 1 ? tr("tracking allocations, 1 frame")
                                 : tr("tracking allocations, %1 frames").arg(depth));
    if (const unsigned depth = request.effectiveNativeTraceDepth())
        recording << (depth == 1 ? tr("recording C allocation stacks, 1 frame")
                                 : tr("recording C allocation stacks, %1 frames").arg(depth));
    return tr("Running %1 %2").arg(what, request.arguments.join(u' ')).trimmed()
        + (recording.isEmpty() ? QString() : QStringLiteral(" (") + recording.join(QStringLiteral("; ")) + u')')
        + (request.isolated                 ? tr(" in isolated mode (-I)")
                : request.ignoreEnvironment ? tr(" ignoring PYTHON* variables (-E)")
                                            : QString());
}

} // namespace leakscope
