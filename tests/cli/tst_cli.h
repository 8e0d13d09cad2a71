#pragma once

#include "cli_process.h"

#include <QDir>
#include <QObject>
#include <QTemporaryDir>

#include <memory>

// End-to-end tests of the leakscope-cli binary: real processes, real scripts, the real plantleak
// extension. The slots are split between tst_cli.cpp (reports and the script's view of its run),
// tst_cli_chaff.cpp (a wide workload's chaff), tst_cli_ignore.cpp (--ignore), tst_cli_environment.cpp
// (the interpreter's start-up against python3's, -I, -E) and tst_cli_errors.cpp (failures, usage,
// help, bench).
class TestCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();

    void plantedLeaksJson();
    void plantedLeaksWithoutCollect();
    void onlyPlantedLeaksAreSuspects();
    void csvFormat();
    void tableFormat();
    void demoShowsItsLeaksFirst();
    void scriptSnapshotsAreSummarised();
    void emptySlotsAndBoundMethods();
    void relativeOutputIsTheCallersPath();

    void chaffWorkloadIsExplained();
    void originsAndAllocationSites();
    void forkedScriptIsReportedTwice();

    void ignoreRulesJson();
    void ignoreRulesTable();
    void ignoreRuleThatHitsItsLimit();
    void unreadableIgnoreFile_data();
    void unreadableIgnoreFile();

    void missingScript();
    void unreadableScript();
    void directoryAsScript();
    void syntaxError();
    void uncaughtException();
    void interrupted();
    void exitStatus_data();
    void exitStatus();
    void usageErrors_data();
    void usageErrors();
    void unwritableOutput_data();
    void unwritableOutput();

    void scriptSeesPythonInvocation_data();
    void scriptSeesPythonInvocation();
    void scriptOptionsAfterScript();

    void environmentAsPython3_data();
    void environmentAsPython3();
    void foreignPythonHome();
    void tracedLinesAsPython3();

    void help_data();
    void help();
    void bench();

private:
    QString tmpPath(const QString& name) const { return m_tmp->filePath(name); }
    // Runs in the temporary folder, so a stray report or .part file shows up in tmpEntries().
    clitest::Run runInTmp(const QStringList& arguments) const
    {
        clitest::RunOptions options;
        options.workingDirectory = m_tmp->path();
        return clitest::runCli(arguments, options);
    }
    QStringList tmpEntries() const
    {
        return QDir(m_tmp->path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
    }
    // Checks a run that must fail before producing anything: status 2, one line on stderr, no report.
    void checkRefused(const clitest::Run& run, const QString& mention) const;
    // Writes text to a file in the temporary folder and returns its path.
    QString writeTmpFile(const QString& name, const QByteArray& text) const;

    std::unique_ptr<QTemporaryDir> m_tmp;
};
