// Prints how long leakscope-host takes from start to a valid handshake, and how long a snapshot of
// about N gc objects takes from the request to a decoded Snapshot on this side.
//   bench_host_transfer [gc-objects, default 1000000] [runs, default 3]
#include "target/host_process_target.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QElapsedTimer>
#include <QtCore/QEventLoop>
#include <QtCore/QTemporaryFile>
#include <QtCore/QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace leakscope;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    qRegisterMetaType<SnapshotPtr>();
    const long objects = argc > 1 ? std::atol(argv[1]) : 1000000;
    const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;

    QTemporaryFile script(QStringLiteral("XXXXXX.py"));
    if (!script.open())
        return 1;
    // About four gc objects per record, as in `leakscope-cli bench`.
    script.write(QStringLiteral("class R:\n    def __init__(self, i):\n        self.i = i\n        self.tags = ['t', i]\n"
                                "        self.attrs = {'index': i, 'name': 'r%d' % i}\n"
                                "heap = [(R(i), [i]) for i in range(%1 // 4)]\n")
                     .arg(objects)
                     .toUtf8());
    script.flush();

    HostLaunch launch;
    launch.program = QStringLiteral(LEAKSCOPE_HOST);
    launch.script = script.fileName();
    HostProcessTarget target(launch);
    QEventLoop loop;
    QObject::connect(&target, &Target::ready, &loop, &QEventLoop::quit);
    QObject::connect(&target, &Target::scriptFinished, &loop, &QEventLoop::quit);
    QObject::connect(&target, &Target::lost, &loop, [&](const QString& reason) {
        std::fprintf(stderr, "host lost: %s\n", qPrintable(reason));
        loop.exit(1);
    });
    target.start();
    if (loop.exec() != 0)
        return 1;
    std::printf("host start to ready: %lld ms\n", static_cast<long long>(target.startToReadyMs()));
    target.runScript();
    if (loop.exec() != 0)
        return 1;

    std::vector<double> seconds;
    SnapshotPtr last;
    QElapsedTimer clock;
    QObject::connect(&target, &Target::snapshotReady, &loop, [&](quint32, const QString&, bool, SnapshotPtr snapshot) {
        seconds.push_back(clock.nsecsElapsed() / 1e9);
        last = std::move(snapshot);
        loop.quit();
    });
    for (int run = 0; run < runs; ++run) {
        last.reset();
        clock.start();
        target.requestSnapshot(QStringLiteral("bench"));
        if (loop.exec() != 0)
            return 1;
    }
    std::sort(seconds.begin(), seconds.end());
    std::printf("snapshot of %zu objects (%zu gc), %zu references, %.0f MB: request to decoded snapshot "
                "median %.3f s (min %.3f, max %.3f, %d runs)\n",
                last->objectCount(), last->gcObjectCount(), last->edgeCount(), last->memoryBytes(true) / 1e6,
                seconds[seconds.size() / 2], seconds.front(), seconds.back(), runs);
    std::printf("the capture alone, in the host: %.3f s\n", last->info().captureSeconds);
    target.terminate();
    return 0;
}
