#pragma once

#include "snapshot/snapshot.h"

#include <QtCore/QByteArray>
#include <QtCore/QMetaType>
#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QStringList>

namespace leakscope {

// A fresh look at one live object, made by running its own repr() and dir().
struct LiveObject
{
    quint64 address = 0;
    // false: no object of the snapshot's type lives at that address any more (nothing does, or another
    // object took the address: typeName says which); nothing ran.
    bool found = false;
    QString repr;
    QStringList attributes;
    QString error;    // why it was not found, or what the object's code raised
    QString typeName; // "module.qualname" of the object living at the address; empty: none
};

// Where a snapshot stands in a series of the script's (leakscope.iterate(), the pytest plugin): the
// series' id within its process (from 1), the snapshot's index in it (0: after the warm-up, K: after
// round K) and the snapshots the series has in all. All 0 for a snapshot of no series.
struct SeriesPosition
{
    quint32 id = 0;
    quint32 index = 0;
    quint32 length = 0;

    bool isInSeries() const { return id != 0; }
};

// A Python interpreter the GUI inspects, however it is reached: a leakscope-host child process, a
// fake for tests, later an attached process. Asynchronous: requests return at once and their results
// arrive as signals, on the thread the target lives in. Every snapshot received stays valid after the
// target is lost (snapshots are shared, immutable values).
class Target : public QObject
{
    Q_OBJECT

public:
    enum class State {
        Idle,     // not started
        Starting, // launching or connecting
        Ready,    // connected; the script has not started
        Running,  // the script runs
        Paused,   // the script waits in leakscope.pause() for continueScript()
        Finished, // the script ended; snapshots and descriptions still work
        Lost,     // the interpreter is gone: crashed, exited, never connected or misbehaved
    };
    Q_ENUM(State)

    enum class Channel { Stdout, Stderr };
    Q_ENUM(Channel)

    using QObject::QObject;

    State state() const { return m_state; }
    QString pythonVersion() const { return m_pythonVersion; }
    qint64 pid() const { return m_pid; }

    virtual void start() = 0;
    virtual void runScript() = 0;
    // Snapshot and describe requests return an id that their answer (or requestFailed) carries.
    virtual quint32 requestSnapshot(const QString& label) = 0;
    // Describes the object at address only if its type is still the type object at typeAddress
    // (typeName names it in the answer's error): the snapshot's type of the object.
    virtual quint32 describeObject(quint64 address, quint64 typeAddress, const QString& typeName) = 0;
    virtual void continueScript() = 0;
    virtual void interrupt() = 0;
    virtual void terminate() = 0;
    // True for a process LeakScope attached to rather than started: terminate() detaches and leaves it
    // running, and it has no script to interrupt or continue.
    virtual bool isAttached() const { return false; }

Q_SIGNALS:
    void stateChanged(leakscope::Target::State state);
    void ready();
    void outputReceived(leakscope::Target::Channel channel, const QByteArray& text);
    void progress(quint32 requestId, int permille, const QString& message);
    // requestId 0: leakscope.snapshot()/pause() in the script; paused: the script waits; series: where
    // the snapshot stands in a series of the script's (none by default).
    void snapshotReady(quint32 requestId, const QString& label, bool paused, leakscope::SnapshotPtr snapshot,
                       const leakscope::SeriesPosition& series = {});
    void scriptFinished(int exitCode, const QString& outcome, const QString& message);
    void objectDescribed(quint32 requestId, const leakscope::LiveObject& object);
    void requestFailed(quint32 requestId, const QString& message);
    // The interpreter is gone; lastOutput is the end of what it wrote.
    void lost(const QString& reason, const QByteArray& lastOutput);

protected:
    void setState(State state);
    void setInterpreterInfo(const QString& pythonVersion, qint64 pid);

private:
    State m_state = State::Idle;
    QString m_pythonVersion;
    qint64 m_pid = 0;
};

} // namespace leakscope

Q_DECLARE_METATYPE(leakscope::SnapshotPtr)
Q_DECLARE_METATYPE(leakscope::LiveObject)
