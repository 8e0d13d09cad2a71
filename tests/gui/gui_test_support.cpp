#include "gui_test_support.h"

#include "gui/filter_bar.h"
#include "gui/object_graph_panel.h"
#include "session/session.h"
#include "target/host_process_target.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QPointer>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTimer>
#include <QtGui/QAction>
#include <QtGui/QTextBlock>
#include <QtGui/QTextCursor>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWidgets/QAbstractButton>
#include <QtWidgets/QApplication>
#include <QtWidgets/QTableView>
#include <QtWidgets/QTextBrowser>
#include <QtWidgets/QTreeView>

#include <cstdio>
#include <fcntl.h>
#include <memory>
#include <unistd.h>

namespace leakscope::guitest {

void isolateSettings(const QTemporaryDir& config, const QString& organization)
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(organization);
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(config.path()));
}

QAction* action(const MainWindow& window, const char* name) { return part<QAction>(window, name); }
QTableView* candidatesView(const MainWindow& window) { return part<QTableView>(window, "candidatesView"); }
QTableView* typesView(const MainWindow& window) { return part<QTableView>(window, "typesView"); }
QTableView* explanationsView(const MainWindow& window) { return part<QTableView>(window, "explanationsView"); }
QTableView* librariesView(const MainWindow& window) { return part<QTableView>(window, "librariesView"); }
QTextBrowser* detailsView(const MainWindow& window) { return part<QTextBrowser>(window, "details"); }
QTreeView* referentsView(const MainWindow& window) { return part<QTreeView>(window, "referentsView"); }
QTreeView* referrersView(const MainWindow& window) { return part<QTreeView>(window, "referrersView"); }
QTextBrowser* pathView(const MainWindow& window)
{
    // The path is found off the GUI thread: a test reads it once it is there.
    const auto* panel = part<ObjectGraphPanel>(window, "objectGraph");
    if (!QTest::qWaitFor([panel] { return !panel->isFindingPath(); }, 30000))
        qWarning("the path from a root is still being looked for after 30 s");
    return part<QTextBrowser>(window, "pathView");
}
FilterBar* filterBar(const MainWindow& window) { return part<FilterBar>(window, "filterBar"); }

QString readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

bool writeFile(const QString& path, const QByteArray& text)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(text) == text.size();
}

int rowNamed(const QAbstractItemModel& model, const QString& text)
{
    for (int row = 0; row < model.rowCount(); ++row) {
        if (model.index(row, 0).data().toString() == text)
            return row;
    }
    return -1;
}

QStringList linksOf(const QTextBrowser& browser)
{
    QStringList links;
    for (QTextBlock block = browser.document()->begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextCharFormat format = it.fragment().charFormat();
            if (format.isAnchor() && (links.isEmpty() || links.last() != format.anchorHref()))
                links << format.anchorHref();
        }
    }
    return links;
}

bool clickLink(QTextBrowser& browser, const QString& href)
{
    for (QTextBlock block = browser.document()->begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextFragment fragment = it.fragment();
            if (!fragment.charFormat().isAnchor() || fragment.charFormat().anchorHref() != href)
                continue;
            QTextCursor cursor(browser.document());
            cursor.setPosition(fragment.position() + 1);
            browser.setTextCursor(cursor);
            browser.ensureCursorVisible();
            const QPoint point = browser.cursorRect(cursor).center() - QPoint(2, 0);
            QTest::mouseClick(browser.viewport(), Qt::LeftButton, {}, point);
            return true;
        }
    }
    return false;
}

SnapshotPtr snapshotOf(const test::GraphSpec& spec, std::uint32_t tracemallocDepth)
{
    SnapshotColumns columns = test::buildColumns(spec);
    columns.info.tracemallocDepth = tracemallocDepth;
    return std::make_shared<const Snapshot>(std::move(columns));
}

FakeTarget* runFake(MainWindow& window, std::function<SnapshotPtr(const QString& label)> source, bool finish)
{
    // The factory outlives this call (the session keeps it): it must not hold on to a local.
    auto made = std::make_shared<QPointer<FakeTarget>>();
    window.session()->setTargetFactory([made, source](const RunRequest&) -> std::unique_ptr<Target> {
        auto target = std::make_unique<FakeTarget>();
        target->setSnapshotSource(source);
        *made = target.get();
        return target;
    });
    RunRequest request;
    request.script = QStringLiteral("fake.py");
    window.runScript(request);
    if (!QTest::qWaitFor([made] { return *made && (*made)->state() == Target::State::Running; }))
        return nullptr;
    FakeTarget* fake = *made;
    if (!finish)
        return fake;
    QSignalSpy displayed(&window, &MainWindow::analysisDisplayed);
    fake->finishScript(0);
    return displayed.wait(10000) ? fake : nullptr;
}

FakeTarget* runFake(MainWindow& window, const test::GraphSpec& spec, std::uint32_t tracemallocDepth)
{
    const SnapshotPtr snapshot = snapshotOf(spec, tracemallocDepth);
    return runFake(window, [snapshot](const QString&) { return snapshot; });
}

QString hostProgram() { return QStringLiteral(LEAKSCOPE_HOST); }
QString demoScript() { return QStringLiteral(LEAKSCOPE_DEMO); }
QString testScript(const QString& name) { return QStringLiteral(LEAKSCOPE_TEST_SCRIPTS "/") + name; }

void useHost(MainWindow& window)
{
    window.session()->setTargetFactory([](const RunRequest& request) -> std::unique_ptr<Target> {
        return std::make_unique<HostProcessTarget>(hostLaunchFor(request, hostProgram()));
    });
}

bool runHostScript(MainWindow& window, const QString& script, int snapshots, int timeoutMs)
{
    useHost(window);
    Session* session = window.session();
    const int before = session->snapshotCount();
    RunRequest request;
    request.script = script;
    window.runScript(request);
    return QTest::qWaitFor(
        [&] { return session->snapshotCount() == before + snapshots && session->shownIndex() == before + snapshots - 1; },
        timeoutMs);
}

EventLoopWatch::EventLoopWatch(int intervalMs)
    : m_intervalMs(intervalMs)
{
    m_schedstat = ::open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(intervalMs);
    QObject::connect(&m_timer, &QTimer::timeout, this, [this] { tick(); });
    start();
}

EventLoopWatch::~EventLoopWatch()
{
    if (m_schedstat >= 0)
        ::close(m_schedstat);
}

void EventLoopWatch::start()
{
    m_clock.start();
    m_last = m_clock.elapsed();
    m_lastQueuedNs = queuedNs();
    m_timer.start();
}

qint64 EventLoopWatch::queuedNs() const
{
    // "time on a processor, time waiting for one (both in ns), timeslices"
    char text[128];
    const ssize_t n = m_schedstat >= 0 ? ::pread(m_schedstat, text, sizeof text - 1, 0) : -1;
    if (n <= 0)
        return 0;
    text[n] = '\0';
    long long running = 0, waiting = 0;
    return std::sscanf(text, "%lld %lld", &running, &waiting) == 2 ? waiting : 0;
}

void EventLoopWatch::stop()
{
    tick();
    m_timer.stop();
    m_last = -1;
}

void EventLoopWatch::tick()
{
    if (m_last < 0)
        return;
    const qint64 now = m_clock.elapsed();
    const qint64 queued = queuedNs();
    const qint64 blocked = now - m_last - m_intervalMs - (queued - m_lastQueuedNs) / 1000000;
    if (blocked > m_longestMs) {
        m_longestMs = blocked;
        m_longestDuring = m_doing;
    }
    qint64& step = m_longestByStep[m_doing];
    step = std::max(step, blocked);
    m_last = now;
    m_lastQueuedNs = queued;
}

QString EventLoopWatch::describe() const
{
    QStringList steps;
    for (auto it = m_longestByStep.cbegin(); it != m_longestByStep.cend(); ++it)
        steps << QStringLiteral("%1: %2 ms").arg(it.key().isEmpty() ? QStringLiteral("-") : it.key()).arg(it.value());
    return QStringLiteral("longest block %1 ms (during: %2); longest per step: %3")
        .arg(m_longestMs)
        .arg(m_longestDuring.isEmpty() ? QStringLiteral("-") : m_longestDuring, steps.join(QStringLiteral(", ")));
}

void answerYesToNextMessageBox()
{
    auto* timer = new QTimer(qApp);
    timer->setInterval(10);
    QObject::connect(timer, &QTimer::timeout, timer, [timer] {
        if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
            box->button(QMessageBox::Yes)->click();
            timer->deleteLater();
        }
    });
    timer->start();
}

bool triggerAnswering(QAction* action, QMessageBox::StandardButton button)
{
    // Shared with the timer's call, which comes from the question's own event loop, or after the
    // trigger when nothing asked.
    auto asked = std::make_shared<bool>(false);
    QTimer::singleShot(0, qApp, [asked, button] {
        if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
            *asked = true;
            box->button(button)->click();
        }
    });
    action->trigger();
    return *asked;
}

} // namespace leakscope::guitest
