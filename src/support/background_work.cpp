#include "background_work.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QEvent>
#include <QtCore/QThreadPool>

#include <deque>
#include <mutex>
#include <utility>
#include <vector>

namespace leakscope::detail {

namespace {

// Everything that crosses between the GUI thread and the pool goes through m_mutex, so each
// hand-over is ordered by a lock ThreadSanitizer sees: a job is pushed under it and popped under it
// by the pool thread that runs it; an answer is pushed under it and taken under it by the GUI thread.
// The pool threads and Qt's event queue carry no data: a pool thread runs the oldest job, and one
// wake-up event makes the GUI thread run every answer waiting. That event is made on the GUI thread
// and only posted by a pool thread, so whoever looks at it on its way (an application-wide event
// filter) reads what its own thread wrote.
class Queues
{
public:
    // Never destroyed: a pool thread may still post an answer while static objects are destroyed.
    // Answers left then belong to a gone application and are dropped with its receiver (below).
    static Queues& instance()
    {
        static Queues* queues = new Queues;
        return *queues;
    }

    void pushJob(BackgroundTask job)
    {
        {
            std::lock_guard lock(m_mutex);
            m_jobs.push_back(std::move(job));
            if (!m_receiver) {
                m_receiver = new Receiver(QCoreApplication::instance());
                m_wakeUp = new QEvent(kWakeUp);
            }
        }
        QThreadPool::globalInstance()->start([] { instance().popJob()(); });
    }

    void pushAnswer(BackgroundTask answer)
    {
        std::lock_guard lock(m_mutex);
        m_answers.push_back(std::move(answer));
        // One wake-up at a time: answers that come while it is on its way join the same drain.
        if (m_wakeUp)
            QCoreApplication::postEvent(m_receiver, std::exchange(m_wakeUp, nullptr));
    }

private:
    static constexpr QEvent::Type kWakeUp = QEvent::User;

    // Lives on the GUI thread as a child of the application object, and goes with it.
    class Receiver : public QObject
    {
    public:
        using QObject::QObject;

        ~Receiver() override
        {
            std::vector<BackgroundTask> dropped;
            std::lock_guard lock(instance().m_mutex);
            instance().m_receiver = nullptr;
            delete std::exchange(instance().m_wakeUp, nullptr); // one on its way goes with this object
            dropped.swap(instance().m_answers);
        }

        // Its only custom event is the wake-up.
        void customEvent(QEvent*) override { instance().drainAnswers(); }
    };

    // One job per start() call, so the queue is never empty here.
    BackgroundTask popJob()
    {
        std::lock_guard lock(m_mutex);
        BackgroundTask job = std::move(m_jobs.front());
        m_jobs.pop_front();
        return job;
    }

    // On the GUI thread, in the delivery of the wake-up (which Qt deletes afterwards). The answers
    // run outside the lock: they may start new jobs.
    void drainAnswers()
    {
        std::vector<BackgroundTask> answers;
        {
            std::lock_guard lock(m_mutex);
            answers.swap(m_answers);
            if (!m_wakeUp)
                m_wakeUp = new QEvent(kWakeUp);
        }
        for (BackgroundTask& answer : answers)
            answer();
    }

    std::mutex m_mutex;
    std::deque<BackgroundTask> m_jobs;
    std::vector<BackgroundTask> m_answers;
    Receiver* m_receiver = nullptr;
    QEvent* m_wakeUp = nullptr; // not yet posted; null while posted
};

} // namespace

void startBackgroundJob(BackgroundTask job)
{
    Queues::instance().pushJob(std::move(job));
}

void postBackgroundAnswer(BackgroundTask answer)
{
    Queues::instance().pushAnswer(std::move(answer));
}

} // namespace leakscope::detail
