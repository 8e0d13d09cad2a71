#pragma once

#include <QtCore/QProcess>
#include <QtCore/QString>
#include <QtCore/QStringList>

namespace leakscope {

// The one way LeakScope and its tests start a program: QProcess::start(mode), or
// QProcess::start(program, arguments, mode), and nothing more in a normal build.
//
// In a ThreadSanitizer build, calling it also links in process_start.cpp's stand-in for clone(),
// which makes the child a copy of this process instead of one that shares its memory: Qt 6.4
// starts every program with clone(CLONE_VM | CLONE_VFORK), and ThreadSanitizer's bookkeeping for
// the child (a multi-threaded process's child checks nothing: its thread ignores all accesses and
// synchronisation) would otherwise land in the memory of the thread that called start() and stay
// there after the exec, so that thread's mutexes would no longer be seen. It also sends the
// started program's ThreadSanitizer reports to a folder that the first LeakScope process of the
// tree prints, and fails with, when it exits (see process_start.cpp).
void startProcess(QProcess& process, QIODevice::OpenMode mode = QIODevice::ReadWrite);
void startProcess(QProcess& process, const QString& program, const QStringList& arguments,
                  QIODevice::OpenMode mode = QIODevice::ReadWrite);

} // namespace leakscope
