#pragma once

#include <QtCore/QObject>
#include <QtCore/QPointer>

#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

namespace leakscope {

namespace detail {

// The two hand-overs of runInBackground (background_work.cpp). Jobs and answers pass through
// queues guarded by one std::mutex, never inside a QRunnable or a queued call of their own: Qt
// hands those over with its own locks, which ThreadSanitizer does not see, so it would take every
// capture of a job and every result for a race.
using BackgroundTask = std::function<void()>;

// On the GUI thread: queues job for a thread of the global pool.
void startBackgroundJob(BackgroundTask job);
// On a pool thread: queues answer to run on the GUI thread.
void postBackgroundAnswer(BackgroundTask answer);

} // namespace detail

// The one way work leaves the GUI thread: runs work() in the global thread pool, then done(result) on
// the GUI thread, unless context was destroyed meanwhile. work must hold what it reads (shared
// pointers, copies), never context: it runs while the GUI thread goes on. The guard on context is
// read only on the GUI thread, the thread that deletes it. Answers of jobs that end before the
// application's event loop delivers them are dropped with the application object.
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
    detail::startBackgroundJob([job] {
        auto result = std::make_shared<Result>(job->work());
        detail::postBackgroundAnswer([job, result] {
            if (job->guard)
                job->done(std::move(*result));
        });
    });
}

} // namespace leakscope
