#pragma once

#include <QtCore/QCoreApplication>
#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QThreadPool>

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <type_traits>
#include <utility>

namespace leakscope {

namespace detail {

// Jobs on their way to a pool thread, and answers on their way back to the GUI thread. They pass
// through these queues, under a std::mutex, rather than inside the QRunnable or the queued call
// itself: Qt hands those over with its own futex-based locks, which ThreadSanitizer cannot see, so
// it would take every capture of a job and every result for a race. The pool threads and queued
// calls only pop the next entry; which pool thread runs which job does not matter.
class BackgroundQueues
{
public:
    using Task = std::function<void()>;

    // Answers left when the program ends (the application quit before their queued calls were
    // delivered) were pushed by pool threads under the mutex: they are destroyed under it too.
    ~BackgroundQueues()
    {
        std::lock_guard lock(m_mutex);
        m_jobs.clear();
        m_answers.clear();
    }

    static void pushJob(Task job)
    {
        {
            std::lock_guard lock(instance().m_mutex);
            instance().m_jobs.push_back(std::move(job));
        }
        QThreadPool::globalInstance()->start([] { pop(&BackgroundQueues::m_jobs)(); });
    }

    static void pushAnswer(Task answer)
    {
        BackgroundQueues& queues = instance();
        {
            std::lock_guard lock(queues.m_mutex);
            queues.m_answers.push_back(std::move(answer));
        }
        QMetaObject::invokeMethod(
            QCoreApplication::instance(), [] { pop(&BackgroundQueues::m_answers)(); }, Qt::QueuedConnection);
    }

private:
    static BackgroundQueues& instance()
    {
        static BackgroundQueues queues;
        return queues;
    }

    // One entry per start() or invokeMethod(), so the queue is never empty here.
    static Task pop(std::deque<Task> BackgroundQueues::*queue)
    {
        std::lock_guard lock(instance().m_mutex);
        std::deque<Task>& tasks = instance().*queue;
        Task task = std::move(tasks.front());
        tasks.pop_front();
        return task;
    }

    std::mutex m_mutex;
    std::deque<Task> m_jobs;
    std::deque<Task> m_answers;
};

} // namespace detail

// The one way work leaves the GUI thread: runs work() in the global thread pool, then done(result) on
// the GUI thread, unless context was destroyed meanwhile. work must hold what it reads (shared
// pointers, copies), never context: it runs while the GUI thread goes on. The answer is delivered
// through the application object, so the guard on context is read only on the GUI thread, the
// thread that deletes it.
template <typename Work, typename Done>
void runInBackground(QObject* context, Work work, Done done)
{
    using Result = std::invoke_result_t<Work&>;
    static_assert(!std::is_void_v<Result>, "work() must return the result done() receives");
    // std::function needs copyable callables: the job's state lives in one shared block.
    struct Job
    {
        QPointer<QObject> guard;
        Work work;
        Done done;
    };
    auto job = std::make_shared<Job>(Job{QPointer<QObject>(context), std::move(work), std::move(done)});
    detail::BackgroundQueues::pushJob([job] {
        auto result = std::make_shared<Result>(job->work());
        detail::BackgroundQueues::pushAnswer([job, result] {
            if (job->guard)
                job->done(std::move(*result));
        });
    });
}

} // namespace leakscope
