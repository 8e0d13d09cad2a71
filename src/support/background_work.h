#pragma once

#include <QtCore/QCoreApplication>
#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QThreadPool>

#include <type_traits>
#include <utility>

namespace leakscope {

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
    QPointer<QObject> guard(context);
    QThreadPool::globalInstance()->start([guard, work = std::move(work), done = std::move(done)]() mutable {
        Result result = work();
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [guard, done = std::move(done), result = std::move(result)]() mutable {
                if (guard)
                    done(std::move(result));
            },
            Qt::QueuedConnection);
    });
}

} // namespace leakscope
