#include "process_start.h"

#if defined(__SANITIZE_THREAD__)
#define LEAKSCOPE_THREAD_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define LEAKSCOPE_THREAD_SANITIZER 1
#endif
#endif

#if defined(LEAKSCOPE_THREAD_SANITIZER)

#include <QtCore/QByteArray>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QProcessEnvironment>

#include <dlfcn.h>
#include <sched.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace {

// ThreadSanitizer reports of the programs started here (leakscope-host above all, whose stderr its
// parent reads as the script's output, where no test looks for them). Each started program is told,
// through TSAN_OPTIONS' log_path, to write its reports into one folder, and so are the programs it
// starts in turn, which inherit the folder's name in this variable. The process at the top of the
// tree (a test, or leakscope-cli or the GUI run by hand), which made the folder, prints every report
// in it to its own stderr when it exits and then exits with ThreadSanitizer's exit code: a race in a
// started program fails the test that started it, as a race in the test itself does.
constexpr char kReportsVariable[] = "LEAKSCOPE_TSAN_REPORTS";
constexpr int kReportsExitCode = 66; // ThreadSanitizer's own exitcode when it has reported

QByteArray g_reportsFolder; // set once, under g_reportsOnce
std::once_flag g_reportsOnce;

void printStartedProgramsReports()
{
    QDir folder(QString::fromLocal8Bit(g_reportsFolder));
    const QStringList files = folder.entryList(QDir::Files, QDir::Name);
    for (const QString& name : files) {
        QFile file(folder.filePath(name));
        const QByteArray text = file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
        std::fprintf(stderr, "ThreadSanitizer report of a started program (%s):\n%s\n", qPrintable(name),
                     text.constData());
        folder.remove(name);
    }
    folder.rmdir(folder.absolutePath());
    if (!files.isEmpty()) {
        std::fflush(nullptr);
        ::_exit(kReportsExitCode);
    }
}

void makeReportsFolder()
{
    g_reportsFolder = qgetenv(kReportsVariable);
    if (!g_reportsFolder.isEmpty())
        return; // a started program itself: the top process collects
    QByteArray pattern = QFile::encodeName(QDir::tempPath()) + "/leakscope-tsan-reports-XXXXXX";
    if (!::mkdtemp(pattern.data())) {
        std::fprintf(stderr, "leakscope: cannot make a folder for the ThreadSanitizer reports of started programs"
                             " in %s; they go to their stderr\n", qPrintable(QDir::tempPath()));
        return;
    }
    g_reportsFolder = pattern;
    std::atexit(printStartedProgramsReports);
}

void routeReportsToFolder(QProcess& process)
{
    std::call_once(g_reportsOnce, makeReportsFolder);
    if (g_reportsFolder.isEmpty())
        return;
    QProcessEnvironment environment = process.processEnvironment();
    if (environment.inheritsFromParent())
        environment = QProcessEnvironment::systemEnvironment();
    const QString options = environment.contains(QStringLiteral("TSAN_OPTIONS"))
                                ? environment.value(QStringLiteral("TSAN_OPTIONS"))
                                : QString::fromLocal8Bit(qgetenv("TSAN_OPTIONS"));
    const QString folder = QString::fromLocal8Bit(g_reportsFolder);
    // The later of two settings of a flag wins; log_exe_name puts the program's name in the file's.
    environment.insert(QStringLiteral("TSAN_OPTIONS"),
                       options + QStringLiteral(":log_path=%1/report:log_exe_name=1").arg(folder));
    environment.insert(QString::fromLatin1(kReportsVariable), folder);
    process.setProcessEnvironment(environment);
}

} // namespace

#endif

namespace leakscope {

void startProcess(QProcess& process, QIODevice::OpenMode mode)
{
#if defined(LEAKSCOPE_THREAD_SANITIZER)
    routeReportsToFolder(process);
#endif
    process.start(mode);
}

void startProcess(QProcess& process, const QString& program, const QStringList& arguments, QIODevice::OpenMode mode)
{
#if defined(LEAKSCOPE_THREAD_SANITIZER)
    routeReportsToFolder(process);
#endif
    process.start(program, arguments, mode);
}

} // namespace leakscope

#if defined(LEAKSCOPE_THREAD_SANITIZER)

// Qt 6.4's QProcess (forkfd's vforkfd()) starts every program with
// clone(child, stack, CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD, ...), with no way to ask for a
// fork (a child process modifier does not change it). ThreadSanitizer intercepts clone() as a fork:
// it runs its child-side bookkeeping in the child before `child` - and for a process with more
// than one thread that bookkeeping switches the thread into "ignore everything until exec". With
// CLONE_VM the child's thread state is the parent's own memory, so the parent's starting thread is
// left ignoring all synchronisation (its mutex locks unseen: every access to the data they guard is
// a race) and, until something clears it, all its memory accesses. ThreadSanitizer turns vfork()
// into fork() for this reason; this does the same for clone()'s vfork: without CLONE_VM and
// CLONE_VFORK the child is an ordinary copy, as Qt's own fallback for kernels without pidfd makes it,
// and everything the child does stays in the child. Defined here, this clone() takes the place of
// libc's (and ThreadSanitizer's) for the whole program, Qt's calls included; it hands every call to
// the next clone(), ThreadSanitizer's interceptor, changing only a vfork's flags.
extern "C" int clone(int (*child)(void*), void* stack, int flags, void* argument, ...) noexcept
{
    // The optional arguments, read whether the caller passed them or not: clone() itself reads
    // each one only when a flag asks for it, and these are the ones it would read.
    va_list rest;
    va_start(rest, argument);
    pid_t* parentTid = va_arg(rest, pid_t*);
    void* tls = va_arg(rest, void*);
    pid_t* childTid = va_arg(rest, pid_t*);
    va_end(rest);

    using Clone = int (*)(int (*)(void*), void*, int, void*, ...);
    static const Clone next = reinterpret_cast<Clone>(dlsym(RTLD_NEXT, "clone"));
    constexpr int kVfork = CLONE_VM | CLONE_VFORK;
    // A child that shares the memory but runs on its own (no CLONE_VFORK) is left as it is: only a
    // vfork promises that the child writes nothing the parent reads, so that a copy does as well.
    if ((flags & kVfork) == kVfork && (flags & CLONE_THREAD) == 0)
        flags &= ~kVfork;
    return next(child, stack, flags, argument, parentTid, tls, childTid);
}

#endif
