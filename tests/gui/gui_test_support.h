#pragma once

// What the window's tests share: settings of their own, the window's parts found by name, the details'
// links, runs on a FakeTarget or on a real leakscope-host, and questions answered.

#include "gui/main_window.h"
#include "snapshot/test_graph.h"
#include "support/fake_target.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QMap>
#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QTimer>
#include <QtCore/QStringList>
#include <QtWidgets/QMessageBox>

#include <cstdint>
#include <functional>

class QAbstractItemModel;
class QAction;
class QTableView;
class QTemporaryDir;
class QTextBrowser;
class QTreeView;

namespace leakscope {

class FilterBar;

namespace guitest {

// The test's own settings (QStandardPaths' test mode, under organization) and ignore rules (the
// window reads $XDG_CONFIG_HOME/leakscope/ignore-rules: config's), not the user's.
void isolateSettings(const QTemporaryDir& config, const QString& organization);

// A widget, action or object of the window, found by its objectName; a fatal error when there is none,
// so that a renamed part fails loudly rather than as a null pointer further on.
template<typename T>
T* part(const QObject& window, const char* name)
{
    T* found = window.findChild<T*>(QString::fromLatin1(name));
    if (!found)
        qFatal("The window has no %s named %s", T::staticMetaObject.className(), name);
    return found;
}

QAction* action(const MainWindow& window, const char* name);
QTableView* candidatesView(const MainWindow& window);
QTableView* typesView(const MainWindow& window);
QTableView* explanationsView(const MainWindow& window);
QTableView* librariesView(const MainWindow& window);
QTextBrowser* detailsView(const MainWindow& window);
QTreeView* referentsView(const MainWindow& window);
QTreeView* referrersView(const MainWindow& window);
// The Path tab's view, once the path of the object shown is found (up to 30 s).
QTextBrowser* pathView(const MainWindow& window);
FilterBar* filterBar(const MainWindow& window);

// A file's text (empty when it cannot be read); writes a file, its folders made as needed.
QString readFile(const QString& path);
bool writeFile(const QString& path, const QByteArray& text);
// The row of a model whose first column reads text, or -1.
int rowNamed(const QAbstractItemModel& model, const QString& text);

// The hrefs of a text browser's links, in document order.
QStringList linksOf(const QTextBrowser& browser);
// Clicks the link whose href is href with the mouse, as a user would; false when there is none.
bool clickLink(QTextBrowser& browser, const QString& href);

// The snapshot spec describes, as if taken with tracemalloc keeping tracemallocDepth frames.
SnapshotPtr snapshotOf(const test::GraphSpec& spec, std::uint32_t tracemallocDepth = 0);

// Runs "fake.py" on a FakeTarget whose snapshot requests source answers, and returns the target (the
// window's session owns it) once the script runs; null when it never does. With finish, the script
// ends and the call returns once the window has displayed the end-of-script snapshot (null when it
// never does).
FakeTarget* runFake(MainWindow& window, std::function<SnapshotPtr(const QString& label)> source, bool finish = true);
// The same with spec's snapshot for every request, finished.
FakeTarget* runFake(MainWindow& window, const test::GraphSpec& spec, std::uint32_t tracemallocDepth = 0);

// The leakscope-host built beside the tests, the demo, and a script of tests/scripts.
QString hostProgram();
QString demoScript();
QString testScript(const QString& name);
// From now on the window runs scripts in a real leakscope-host.
void useHost(MainWindow& window);
// Runs script in a real leakscope-host; true once it has sent `snapshots` more snapshots than before and
// the last is shown, within timeoutMs.
bool runHostScript(MainWindow& window, const QString& script, int snapshots = 1, int timeoutMs = 30000);

// The longest the GUI thread's event loop may be blocked in a test: 100 ms, a stall a user notices. A
// sanitizer build (the asan and tsan presets) runs the window's code several times slower
// (ThreadSanitizer 5 to 15 times), so there the bound only catches a loop that waits on something (the
// script, a lock, a process): 1 s. kSanitizedBuild also lets a test leave out what would take minutes there.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr qint64 kMaxEventLoopBlockMs = 1000;
inline constexpr bool kSanitizedBuild = true;
#else
inline constexpr qint64 kMaxEventLoopBlockMs = 100;
inline constexpr bool kSanitizedBuild = false;
#endif

// How long the GUI thread's event loop went without running a timer: a precise timer asks to run
// every intervalMs while the watch is alive (or between start() and stop()), and the longest gap between
// two of its runs, less the interval, is how long the loop was blocked at worst. A test that waits with
// QTest::qWait/qWaitFor keeps the loop running; a call that blocks the GUI thread shows as a gap. The
// time the GUI thread spent ready to run but waiting for a processor (/proc/thread-self/schedstat)
// is not counted: on a loaded machine that is the other processes' doing, not the window's.
class EventLoopWatch : public QObject {
public:
    explicit EventLoopWatch(int intervalMs = 5);
    ~EventLoopWatch() override;
    void start();
    void stop();
    // The longest time the loop was blocked so far, in milliseconds, and what the test said it was
    // doing then (note()).
    qint64 longestBlockMs() const { return m_longestMs; }
    QString longestBlockDuring() const { return m_longestDuring; }
    // Names what the test does from now on, for longestBlockDuring().
    void note(const QString& doing) { m_doing = doing; }
    // "longest block 12 ms (during: capture); longest per step: capture: 12 ms, ...", for a failure message.
    QString describe() const;

private:
    void tick();
    // Nanoseconds the GUI thread has waited for a processor so far; 0 when the kernel does not say.
    qint64 queuedNs() const;

    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = -1;
    int m_schedstat = -1; // the GUI thread's /proc/thread-self/schedstat, opened on that thread
    qint64 m_lastQueuedNs = 0;
    qint64 m_longestMs = 0;
    int m_intervalMs;
    QString m_doing;
    QString m_longestDuring;
    QMap<QString, qint64> m_longestByStep; // by note()
};

// Answers the next message box with Yes once it is shown (it runs its own event loop).
void answerYesToNextMessageBox();

// Triggers action and answers the question it asks with button; false when it asked none.
bool triggerAnswering(QAction* action, QMessageBox::StandardButton button);

} // namespace guitest
} // namespace leakscope
