#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

// Runs the real leakscope-cli (and python3, for comparison) the way a user or a CI job would.
namespace clitest {

struct RunOptions
{
    QString workingDirectory;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    // Runs the child as nobody, so a test can check permission errors even when the suite runs as root.
    bool asNobody = false;
};

struct Run
{
    bool started = false;
    bool finished = false; // exited on its own (no crash, no timeout)
    int exitCode = -1;
    QByteArray out;
    QByteArray err;

    // Everything a failure message needs to be understood without rerunning.
    QByteArray describe() const;
};

// Exit status of the child when it cannot drop its privileges (RunOptions::asNobody).
inline constexpr int kCannotDropPrivileges = 125;

QString cliPath();
QString pythonPath();
QString scriptPath(const QString& name);
QString scriptsDir();
QString fixtureDir();

Run runProgram(const QString& program, const QStringList& arguments, const RunOptions& options = {});
Run runCli(const QStringList& arguments, const RunOptions& options = {});

// The lines of text without the empty ones (stderr may end with a newline or not).
QStringList nonEmptyLines(const QByteArray& text);

// RFC 4180 records; ok is false on an unterminated quote.
QList<QStringList> parseCsv(const QByteArray& text, bool* ok);

// The report in file path; error says why not when it cannot be read or parsed.
QJsonObject readJsonReport(const QString& path, QString* error);

// The caller's environment without its PYTHON* variables, plus the ones python3 reads at start-up
// that tests/scripts/environment.py can see: PYTHONPATH and PYTHONUSERBASE, each a folder under
// folder holding a module whose ORIGIN is "PYTHONPATH" or "user site" (leakscope_env_pythonpath,
// leakscope_env_usersite), PYTHONWARNINGS (kStartupWarnings), PYTHONHASHSEED and
// PYTHONDONTWRITEBYTECODE. Empty, with error set, when the folders cannot be made.
QProcessEnvironment startupEnvironment(const QString& folder, QString* error);
inline constexpr char kStartupWarnings[] = "error::DeprecationWarning,ignore::UserWarning";

// The JSON object environment.py wrote as one line of output; empty when there is none.
QJsonObject startupReport(const QByteArray& output);

} // namespace clitest
