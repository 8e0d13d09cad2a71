#pragma once

// Tells whether a program opened a file: the file is a named pipe, and a thread opens its write end
// over and over. Opening a pipe's write end without blocking fails (ENXIO) while nobody has it open for
// reading, so a pipe the thread could open is one somebody opened to read; the thread closes it at
// once, the reader sees the end of the file and goes on, never left blocked.

#include <QtCore/QFile>
#include <QtCore/QMutex>
#include <QtCore/QMutexLocker>
#include <QtCore/QString>
#include <QtCore/QStringList>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace leakscope::test {

// Makes a named pipe at path (mode 0600); false when it cannot.
inline bool makePipe(const QString& path)
{
    return ::mkfifo(QFile::encodeName(path).constData(), 0600) == 0;
}

// Watches pipes from its construction to its destruction.
class PipeWatcher
{
public:
    explicit PipeWatcher(QStringList pipes)
        : m_pipes(std::move(pipes))
        , m_thread([this] { watch(); })
    {
    }
    ~PipeWatcher()
    {
        m_stop = true;
        m_thread.join();
    }
    PipeWatcher(const PipeWatcher&) = delete;
    PipeWatcher& operator=(const PipeWatcher&) = delete;

    // The pipes somebody opened so far.
    QStringList opened() const
    {
        QMutexLocker lock(&m_mutex);
        return m_opened;
    }

private:
    void watch()
    {
        while (!m_stop) {
            for (const QString& pipe : m_pipes) {
                const int fd = ::open(QFile::encodeName(pipe).constData(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
                if (fd < 0)
                    continue;
                ::close(fd);
                QMutexLocker lock(&m_mutex);
                if (!m_opened.contains(pipe))
                    m_opened.append(pipe);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }

    const QStringList m_pipes;
    mutable QMutex m_mutex;
    QStringList m_opened;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

} // namespace leakscope::test
