#include "cli_process.h"

#include "support/process_start.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QProcess>

#include <grp.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace clitest {

namespace {

// Generous: a run takes well under a second, but sanitizer builds and loaded CI machines are slow.
constexpr int kTimeoutMs = 120'000;
constexpr uid_t kNobody = 65534;

QByteArray excerpt(const QByteArray& text)
{
    constexpr qsizetype kMax = 4000;
    return text.size() <= kMax ? text
                               : text.left(kMax) + "\n[... " + QByteArray::number(text.size() - kMax) + " more bytes]";
}

} // namespace

QByteArray Run::describe() const
{
    QByteArray text
        = started ? (finished ? "exit " + QByteArray::number(exitCode) : "crashed or timed out") : "did not start";
    text += "\n--- stdout ---\n" + excerpt(out) + "\n--- stderr ---\n" + excerpt(err);
    return text;
}

QString cliPath()
{
    return QStringLiteral(LEAKSCOPE_CLI);
}

QString pythonPath()
{
    return QStringLiteral(LEAKSCOPE_TEST_PYTHON);
}

QString scriptsDir()
{
    return QStringLiteral(LEAKSCOPE_TEST_SCRIPTS);
}

QString scriptPath(const QString& name)
{
    return scriptsDir() + u'/' + name;
}

QString fixtureDir()
{
    return QStringLiteral(LEAKSCOPE_PLANTLEAK_DIR);
}

Run runProgram(const QString& program, const QStringList& arguments, const RunOptions& options)
{
    QProcess process;
    process.setProgram(program);
    process.setArguments(arguments);
    process.setProcessEnvironment(options.environment);
    if (!options.workingDirectory.isEmpty())
        process.setWorkingDirectory(options.workingDirectory);
    // A script that reads stdin must see end of file, not hang the suite.
    process.setStandardInputFile(QProcess::nullDevice());
    if (options.asNobody) {
        process.setChildProcessModifier([] {
            // Between fork and exec: only async-signal-safe calls, and no way to report but the status.
            if (::setgroups(0, nullptr) != 0 || ::setgid(kNobody) != 0 || ::setuid(kNobody) != 0)
                ::_exit(kCannotDropPrivileges);
        });
    }
    Run run;
    leakscope::startProcess(process);
    run.started = process.waitForStarted(kTimeoutMs);
    if (run.started && !process.waitForFinished(kTimeoutMs)) {
        process.kill();
        process.waitForFinished(kTimeoutMs);
    } else if (run.started) {
        run.finished = process.exitStatus() == QProcess::NormalExit;
        run.exitCode = process.exitCode();
    }
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

Run runCli(const QStringList& arguments, const RunOptions& options)
{
    return runProgram(cliPath(), arguments, options);
}

QStringList nonEmptyLines(const QByteArray& text)
{
    QStringList lines = QString::fromUtf8(text).split(u'\n');
    lines.removeIf([](const QString& line) { return line.trimmed().isEmpty(); });
    return lines;
}

QList<QStringList> parseCsv(const QByteArray& bytes, bool* ok)
{
    const QString text = QString::fromUtf8(bytes);
    QList<QStringList> records;
    QStringList record;
    QString field;
    bool quoted = false;
    bool any = false; // whether the current record has started
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c == u'"' && i + 1 < text.size() && text.at(i + 1) == u'"') {
                field += u'"';
                ++i;
            } else if (c == u'"') {
                quoted = false;
            } else {
                field += c;
            }
            continue;
        }
        if (c == u'"') {
            quoted = true;
            any = true;
        } else if (c == u',') {
            record.append(field);
            field.clear();
            any = true;
        } else if (c == u'\n') {
            if (field.endsWith(u'\r'))
                field.chop(1);
            record.append(field);
            records.append(record);
            record.clear();
            field.clear();
            any = false;
        } else {
            field += c;
            any = true;
        }
    }
    if (any) {
        record.append(field);
        records.append(record);
    }
    *ok = !quoted;
    return records;
}

QJsonObject readJsonReport(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"cannot open "_s + path + u": "_s + file.errorString();
        return {};
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        *error = u"not a JSON object: "_s + parseError.errorString() + u" at offset "_s
            + QString::number(parseError.offset);
        return {};
    }
    return document.object();
}

QProcessEnvironment startupEnvironment(const QString& folder, QString* error)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const QString& name : environment.keys()) {
        if (name.startsWith(u"PYTHON"_s))
            environment.remove(name);
    }
    const QString pythonPathFolder = folder + u"/pythonpath"_s;
    const QString userBase = folder + u"/userbase"_s;
    environment.insert(u"PYTHONPATH"_s, pythonPathFolder);
    environment.insert(u"PYTHONUSERBASE"_s, userBase);
    // The user's site-packages folder under that base, as python3's site module names it.
    RunOptions options;
    options.environment = environment;
    const Run site = runProgram(pythonPath(), {u"-c"_s, u"import site; print(site.getusersitepackages())"_s}, options);
    const QString userSite = QString::fromUtf8(site.out).trimmed();
    if (!site.finished || site.exitCode != 0 || userSite.isEmpty()) {
        *error = u"cannot ask python3 for the user site: "_s + QString::fromUtf8(site.describe());
        return {};
    }
    const auto writeModule = [error](const QString& directory, const QString& name, const QByteArray& origin) {
        QDir().mkpath(directory);
        QFile module(directory + u'/' + name + u".py"_s);
        const QByteArray text = "ORIGIN = \"" + origin + "\"\n";
        if (!module.open(QIODevice::WriteOnly) || module.write(text) != text.size()) {
            *error = u"cannot write "_s + module.fileName() + u": "_s + module.errorString();
            return false;
        }
        return true;
    };
    if (!writeModule(pythonPathFolder, u"leakscope_env_pythonpath"_s, "PYTHONPATH")
        || !writeModule(userSite, u"leakscope_env_usersite"_s, "user site"))
        return {};
    environment.insert(u"PYTHONWARNINGS"_s, QString::fromLatin1(kStartupWarnings));
    environment.insert(u"PYTHONHASHSEED"_s, u"4321"_s);
    environment.insert(u"PYTHONDONTWRITEBYTECODE"_s, u"1"_s);
    return environment;
}

QJsonObject startupReport(const QByteArray& output)
{
    for (const QByteArray& line : output.split('\n')) {
        if (line.startsWith("{\"flags\": "))
            return QJsonDocument::fromJson(line).object();
    }
    return {};
}

} // namespace clitest
