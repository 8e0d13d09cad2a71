// leakscope: the desktop application. `leakscope [--tracemalloc[=DEPTH]] [--native-traces[=DEPTH]] [-I]
// [-E] [--screenshot FILE] [--geometry WxH] [SCRIPT [ARGS...] | -m MODULE [ARGS...]]` runs SCRIPT (or
// MODULE, as python3 -m) at once; `leakscope FILE.lssnap [FILE2...]` opens snapshot files instead.
#include "gui/main_window.h"
#include "session/session.h"
#include "snapshot/snapshot_file.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QRegularExpression>
#include <QtCore/QSettings>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTimer>
#include <QtGui/QAction>
#include <QtWidgets/QApplication>

#include <cstdio>
#include <memory>
#include <optional>

namespace {

// --screenshot: once the session has settled (the script ended, every snapshot analysed and shown),
// saves the window to file and quits. Checked after each event that can settle it, from the event
// loop, so the window has laid out what it shows.
void takeScreenshotWhenSettled(leakscope::MainWindow& window, const QString& file, bool openingFiles)
{
    leakscope::Session* session = window.session();
    auto taken = std::make_shared<bool>(false); // several checks may be queued when it settles
    auto check = [&window, session, file, openingFiles, taken] {
        if (*taken)
            return;
        // Snapshot files opened: settled once every one is opened (or failed) and the last is shown.
        const bool settled = openingFiles
            ? !session->isOpeningFiles() && !session->isApplyingRules()
            : session->isSettled();
        if (!settled)
            return;
        *taken = true;
        // What the settling itself queued (the table's empty hint, laid out once per burst of
        // changes) is shown before the picture is taken.
        QCoreApplication::processEvents();
        if (session->snapshotCount() == 0) {
            std::fprintf(stderr, openingFiles ? "leakscope: no snapshot file could be opened; no picture saved\n"
                                              : "leakscope: the script left no snapshot to show; no picture saved\n");
            QCoreApplication::exit(1);
            return;
        }
        if (!window.grab().save(file, "PNG")) {
            std::fprintf(stderr, "leakscope: cannot save the picture to %s\n", qPrintable(file));
            QCoreApplication::exit(1);
            return;
        }
        std::fprintf(stderr, "leakscope: saved %s\n", qPrintable(file));
        QCoreApplication::exit(0);
    };
    auto checkLater = [check] { QTimer::singleShot(0, check); };
    QObject::connect(&window, &leakscope::MainWindow::analysisDisplayed, checkLater);
    QObject::connect(session, &leakscope::Session::stateChanged, checkLater);
    QObject::connect(session, &leakscope::Session::snapshotPendingChanged, checkLater);
    QObject::connect(session, &leakscope::Session::targetLost, checkLater);
    QObject::connect(session, &leakscope::Session::filesOpened, checkLater);
}

// The positional arguments are snapshot files to open (rather than a script and its arguments) when
// the first one is: by its .lssnap suffix, or its header.
bool opensSnapshotFiles(const QStringList& positional)
{
    return !positional.isEmpty() && leakscope::isSnapshotFile(QFile::encodeName(positional.first()).toStdString());
}

// "WxH", each between 320 and 16384; an invalid size otherwise.
QSize parseSize(const QString& text)
{
    static const QRegularExpression pattern(QStringLiteral("^(\\d{3,5})x(\\d{3,5})$"));
    const QRegularExpressionMatch match = pattern.match(text);
    if (!match.hasMatch())
        return {};
    const QSize size(match.captured(1).toInt(), match.captured(2).toInt());
    auto fits = [](int n) { return n >= 320 && n <= 16384; };
    return fits(size.width()) && fits(size.height()) ? size : QSize();
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("LeakScope"));
    QApplication::setOrganizationName(QStringLiteral("LeakScope"));
    QApplication::setApplicationVersion(QStringLiteral(LEAKSCOPE_VERSION));
    QGuiApplication::setDesktopFileName(QStringLiteral("leakscope")); // the installed entry: its icon on Wayland
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
    // --native-traces[=DEPTH] likewise.
    parser.addOption(QCommandLineOption(
        QStringLiteral("native-traces"),
        QStringLiteral("Record the native (C) call stack of every object allocation from the interpreter's start, so "
                       "that each candidate's details name the C function that created it. "
                       "--native-traces=DEPTH keeps DEPTH frames (1 to 256; default 16). With or without "
                       "--tracemalloc. Slows the script.")));
    const QCommandLineOption isolated(
        QStringLiteral("I"),
        QStringLiteral("Isolated mode, as python3 -I: the script's interpreter ignores the PYTHON* environment "
                       "variables and the user's site-packages, and leaves the script's folder off sys.path."));
    const QCommandLineOption ignoreEnvironment(
        QStringLiteral("E"),
        QStringLiteral("The script's interpreter ignores the PYTHON* environment variables (PYTHONPATH, "
                       "PYTHONHOME...), as python3 -E. Without -I or -E, the environment counts as for python3."));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral("Run SCRIPT, and once it has ended and the heap it left is shown, save a picture of the "
                       "window to FILE (PNG) and quit: exit status 0, 1 when the script left no snapshot or "
                       "the picture could not be saved, 2 when SCRIPT is not there. For documentation and for checking an installation; "
                       "works without a display with QT_QPA_PLATFORM=offscreen."),
        QStringLiteral("FILE"));
    const QCommandLineOption geometry(
        QStringLiteral("geometry"),
        QStringLiteral("Open the window W pixels wide and H high (e.g. 1024x700), its panes laid out as on a "
                       "first run at that size (View > Reset Layout), instead of as it was last closed. With "
                       "--screenshot the default is 1280x800."),
        QStringLiteral("WxH"));
    // -m MODULE ends the options, as it does for python3: it is taken out beforehand with the module's
    // arguments, and declared here for --help only.
    parser.addOption(QCommandLineOption(
        QStringLiteral("m"),
        QStringLiteral("Run MODULE as python3 -m MODULE does, instead of a script: the working directory first on "
                       "sys.path (not with -I), a package's __main__ submodule. The arguments after MODULE are "
                       "its own."),
        QStringLiteral("MODULE")));
    parser.addOption(isolated);
    parser.addOption(ignoreEnvironment);
    parser.addOption(screenshot);
    parser.addOption(geometry);
    parser.addPositionalArgument(
        QStringLiteral("script"),
        QStringLiteral("Python script to run at once, with its arguments; or snapshot files to open (FILE.lssnap "
                       "[FILE2...]: when the first one is a snapshot file, every one is opened, none is run)"),
        QStringLiteral("[SCRIPT [ARGS...] | FILE.lssnap [FILE2...]]"));
    // Everything after the script belongs to the script, options included.
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);
    QStringList arguments = QApplication::arguments();
    leakscope::RunRequest request;
    QString error;
    const QStringList optionsWithValue{QStringLiteral("--screenshot"), QStringLiteral("-screenshot"),
                                       QStringLiteral("--geometry"), QStringLiteral("-geometry")};
    if (!leakscope::takeModuleOption(arguments, request, optionsWithValue, &error)
        || !leakscope::takeTracemallocOption(arguments, request, &error)
        || !leakscope::takeNativeTracesOption(arguments, request, &error)) {
        std::fprintf(stderr, "leakscope: %s\n", qPrintable(error));
        return 2;
    }
    parser.process(arguments);

    const QStringList positional = parser.positionalArguments();
    const QString screenshotFile = parser.value(screenshot);
    if (!screenshotFile.isEmpty() && positional.isEmpty() && !request.module) {
        std::fprintf(stderr, "leakscope: --screenshot needs a SCRIPT to run or a snapshot FILE to open\n");
        return 2;
    }
    // A picture waits for the script's snapshot: say at once that there will be none. (Without
    // --screenshot the window shows why the run failed.)
    if (!screenshotFile.isEmpty() && !request.module) {
        const QFileInfo script(positional.first());
        const char* problem = !script.exists() ? "no such file" : !script.isFile() ? "not a file" : nullptr;
        if (problem) {
            std::fprintf(stderr, "leakscope: cannot run %s: %s\n", qPrintable(script.absoluteFilePath()), problem);
            return 2;
        }
    }

    QSize windowSize;
    if (parser.isSet(geometry)) {
        windowSize = parseSize(parser.value(geometry));
        if (!windowSize.isValid()) {
            std::fprintf(stderr, "leakscope: --geometry takes WxH, e.g. 1280x800 (each 320 to 16384), not %s\n",
                         qPrintable(parser.value(geometry)));
            return 2;
        }
    } else if (!screenshotFile.isEmpty()) {
        windowSize = QSize(1280, 800);
    }
    // A picture of the window as a first run shows it, whatever layout, filters and recent scripts
    // this user's settings hold.
    std::optional<QTemporaryDir> freshSettings;
    if (!screenshotFile.isEmpty()) {
        freshSettings.emplace();
        if (!freshSettings->isValid()) {
            std::fprintf(stderr, "leakscope: cannot make a temporary folder for the settings\n");
            return 1;
        }
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, freshSettings->path());
    }

    leakscope::MainWindow window;
    if (windowSize.isValid())
        window.resize(windowSize);
    window.show();
    if (windowSize.isValid()) {
        if (QAction* resetLayout = window.findChild<QAction*>(QStringLiteral("actionResetLayout")))
            resetLayout->trigger();
    }
    const bool openFiles = !request.module && opensSnapshotFiles(positional);
    if (!screenshotFile.isEmpty())
        takeScreenshotWhenSettled(window, QFileInfo(screenshotFile).absoluteFilePath(), openFiles);
    if (openFiles) {
        window.openSnapshotFiles(positional);
    } else if (request.module || !positional.isEmpty()) {
        if (!request.module) {
            request.script = QFileInfo(positional.first()).absoluteFilePath();
            request.arguments = positional.mid(1);
        } else {
            request.workingDirectory = QDir::currentPath(); // sys.path[0], as for python3 -m
        }
        request.isolated = parser.isSet(isolated);
        request.ignoreEnvironment = parser.isSet(ignoreEnvironment);
        window.runScript(request);
    }
    return app.exec();
}
