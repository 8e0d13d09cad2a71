#include "process_start.h"

namespace leakscope {

void startProcess(QProcess& process, QIODevice::OpenMode mode)
{
    process.start(mode);
}

void startProcess(QProcess& process, const QString& program, const QStringList& arguments, QIODevice::OpenMode mode)
{
    process.start(program, arguments, mode);
}

} // namespace leakscope

#if defined(__SANITIZE_THREAD__)
#define LEAKSCOPE_THREAD_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define LEAKSCOPE_THREAD_SANITIZER 1
#endif
#endif

#if defined(LEAKSCOPE_THREAD_SANITIZER)

#include <dlfcn.h>
#include <sched.h>
#include <sys/types.h>

#include <cstdarg>

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
