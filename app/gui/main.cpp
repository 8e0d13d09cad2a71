// leakscope: the desktop application. `leakscope [SCRIPT [ARGS...]]` runs SCRIPT at once.
#include "gui/main_window.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QFileInfo>
#include <QtWidgets/QApplication>

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
    parser.addPositionalArgument(QStringLiteral("script"), QStringLiteral("Python script to run at once"),
                                 QStringLiteral("[SCRIPT [ARGS...]]"));
    // Everything after the script belongs to the script, options included.
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);
    parser.process(app);

    leakscope::MainWindow window;
    window.show();
    const QStringList positional = parser.positionalArguments();
    if (!positional.isEmpty()) {
        leakscope::RunRequest request;
        request.script = QFileInfo(positional.first()).absoluteFilePath();
        request.arguments = positional.mid(1);
        window.runScript(request);
    }
    return app.exec();
}
