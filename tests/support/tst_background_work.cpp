// runInBackground: work runs on a pool thread, its answer on the GUI thread, once, and not at all
// when the context is gone; answers may start more work. Under the tsan preset this is also where
// the hand-over of results between the threads is checked for races.
#include "support/background_work.h"

#include <QtCore/QThread>
#include <QtCore/QThreadPool>
#include <QtTest/QtTest>

#include <condition_variable>
#include <mutex>
#include <numeric>
#include <vector>

using namespace leakscope;

namespace {

constexpr int kTimeoutMs = 20000;

// Lets every job started so far finish and hand its answer over, then delivers the answers.
void finishBackgroundWork()
{
    QThreadPool::globalInstance()->waitForDone();
    QCoreApplication::sendPostedEvents();
}

// A job that waits until the test lets it go.
class Gate
{
public:
    void open()
    {
        std::lock_guard lock(m_mutex);
        m_open = true;
        m_changed.notify_all();
    }

    void wait()
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return m_open; });
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_open = false;
};

} // namespace

class TestBackgroundWork : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Many jobs at once, each building its result on a pool thread: every answer arrives once, on the
    // GUI thread, with the result its job built.
    void everyAnswerArrivesOnceOnTheGuiThread()
    {
        constexpr int kJobs = 64;
        QObject context;
        QThread* const gui = QThread::currentThread();
        std::vector<int> answers(kJobs, 0);
        int wrongThread = 0, wrongResult = 0, received = 0;
        for (int job = 0; job < kJobs; ++job) {
            runInBackground(
                &context,
                [job, gui] {
                    std::vector<int> values(1000 + job);
                    std::iota(values.begin(), values.end(), job);
                    return std::make_pair(QThread::currentThread() != gui, values);
                },
                [&, job, gui](const std::pair<bool, std::vector<int>>& result) {
                    ++received;
                    ++answers[job];
                    if (!result.first || QThread::currentThread() != gui)
                        ++wrongThread;
                    if (result.second.size() != std::size_t(1000 + job) || result.second.front() != job
                        || result.second.back() != job + 999 + job)
                        ++wrongResult;
                });
        }
        QTRY_COMPARE_WITH_TIMEOUT(received, kJobs, kTimeoutMs);
        finishBackgroundWork();
        QCOMPARE(received, kJobs);
        QCOMPARE(answers, std::vector<int>(kJobs, 1));
        QCOMPARE(wrongThread, 0);
        QCOMPARE(wrongResult, 0);
    }

    // The context is deleted while its job runs: the answer is dropped; a job of a context that
    // lives on is answered.
    void answerOfADestroyedContextIsDropped()
    {
        Gate gate;
        int droppedAnswers = 0, keptAnswers = 0;
        auto* doomed = new QObject;
        QObject kept;
        runInBackground(
            doomed, [&gate] { gate.wait(); return 1; }, [&](int value) { droppedAnswers += value; });
        runInBackground(
            &kept, [&gate] { gate.wait(); return 1; }, [&](int value) { keptAnswers += value; });
        delete doomed;
        gate.open();
        finishBackgroundWork();
        QCOMPARE(droppedAnswers, 0);
        QCOMPARE(keptAnswers, 1);
    }

    // An answer starts the next job, as the session does when rules change during an analysis.
    void answersStartMoreWork()
    {
        constexpr int kSteps = 20;
        QObject context;
        int steps = 0;
        std::function<void(int)> step = [&](int value) {
            steps = value;
            if (value < kSteps)
                runInBackground(&context, [value] { return value + 1; }, step);
        };
        runInBackground(&context, [] { return 1; }, step);
        QTRY_COMPARE_WITH_TIMEOUT(steps, kSteps, kTimeoutMs);
        finishBackgroundWork();
        QCOMPARE(steps, kSteps);
    }
};

QTEST_GUILESS_MAIN(TestBackgroundWork)
#include "tst_background_work.moc"
