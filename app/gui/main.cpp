// leakscope: the desktop application. `leakscope [--tracemalloc[=DEPTH]] [-I] [-E] [SCRIPT [ARGS...]]`
// runs SCRIPT at once.
#include "gui/main_window.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QFileInfo>
#include <QtWidgets/QApplication>

#include <cstdio>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("LeakScope"));
    QApplication::setOrganizationName(QStringLiteral("LeakScope"));
    QApplication::setApplicationVersion(QStringLiteral(LEAKSCOPE_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/leakscope/icons/leakscope.png")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Find CPython reference leaks: run SCRIPT in a separate interpreter, capture its heap when it ends "
        "and browse the objects that nothing refers to."));
    parser.addHelpOption();
    parser.addVersionOption();
    // QCommandLineParser has no options with an optional value: --tracemalloc[=DEPTH] is taken out
    // beforehand, and declared here for --help only.
    parser.addOption(QCommandLineOption(
        QStringLiteral("tracemalloc"),
        QStringLiteral("Track allocations: trace them from the interpreter's start, as python3 -X tracemalloc=DEPTH, so "
                       "that each candidate's details say where it was allocated. --tracemalloc=DEPTH keeps DEPTH "
                       "frames (1 to 65535; default 10). Slows the script.")));
    const QCommandLineOption isolated(
        QStringLiteral("I"),
        QStringLiteral("Isolated mode, as python3 -I: the script's interpreter ignores the PYTHON* environment "
                       "variables and the user's site-packages, and leaves the script's folder off sys.path."));
    const QCommandLineOption ignoreEnvironment(
        QStringLiteral("E"),
        QStringLiteral("The script's interpreter ignores the PYTHON* environment variables (PYTHONPATH, "
                       "PYTHONHOME...), as python3 -E. Without -I or -E, the environment counts as for python3."));
    parser.addOption(isolated);
    parser.addOption(ignoreEnvironment);
    parser.addPositionalArgument(QStringLiteral("script"), QStringLiteral("Python script to run at once"),
                                 QStringLiteral("[SCRIPT [ARGS...]]"));
    // Everything after the script belongs to the script, options included.
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);
    QStringList arguments = QApplication::arguments();
    leakscope::RunRequest request;
    QString error;
    if (!leakscope::takeTracemallocOption(arguments, request, &error)) {
        std::fprintf(stderr, "leakscope: %s\n", qPrintable(error));
        return 2;
    }
    parser.process(arguments);

    leakscope::MainWindow window;
    window.show();
    const QStringList positional = parser.positionalArguments();
    if (!positional.isEmpty()) {
        request.script = QFileInfo(positional.first()).absoluteFilePath();
        request.arguments = positional.mid(1);
        request.isolated = parser.isSet(isolated);
        request.ignoreEnvironment = parser.isSet(ignoreEnvironment);
        window.runScript(request);
    }
    return app.exec();
}
