#include "snapshot_chooser.h"

#include "session/session.h"

#include <QtCore/QDateTime>

namespace leakscope {

SnapshotChooser::SnapshotChooser(QWidget* parent)
    : QComboBox(parent)
{
    // As wide as its longest entry ("leaky_service.py · run 1 · end of script — 02:38:11"), within
    // bounds: a long file name is elided, whole in the tooltip.
    setMinimumContentsLength(24);
    setSizeAdjustPolicy(QComboBox::AdjustToContents);
    setMaximumWidth(fontMetrics().averageCharWidth() * 64);
    setToolTip(tr("The snapshot shown; every snapshot taken is kept"));
    connect(this, &QComboBox::currentTextChanged, this, [this](const QString& text) {
        setToolTip(text.isEmpty() ? tr("The snapshot shown; every snapshot taken is kept")
                                  : tr("%1\nThe snapshot shown; every snapshot taken is kept").arg(text));
    });
}

void SnapshotChooser::setSession(Session* session)
{
    m_session = session;
    connect(session, &Session::snapshotAdded, this, &SnapshotChooser::addSnapshot);
    connect(session, &Session::snapshotChanged, this, [this](int index) { setItemText(index, textOf(index)); });
    connect(session, &Session::snapshotRemoved, this, [this](int index) {
        const QSignalBlocker quiet(this); // the session has chosen what it shows next
        removeItem(index);
        setCurrentIndex(m_session->shownIndex());
    });
    connect(session, &Session::shownSnapshotChanged, this, [this](int index) {
        const QSignalBlocker quiet(this); // the session knows already
        setCurrentIndex(index);
    });
    connect(this, &QComboBox::currentIndexChanged, session, &Session::showSnapshot);
}

QString SnapshotChooser::textOf(int index) const
{
    const qint64 capturedAt = m_session->analyzedSnapshot(index)->snapshot().info().capturedAtMs;
    const QString time = QDateTime::fromMSecsSinceEpoch(capturedAt).toString(QStringLiteral("HH:mm:ss"));
    // Named after its script and run (or its file): snapshots of every run of the session stay listed
    // together.
    const QString title = m_session->snapshotTitle(index);
    return tr("%1 — %2").arg(title.isEmpty() ? m_session->snapshotLabel(index) : title, time);
}

void SnapshotChooser::addSnapshot(int index)
{
    const QSignalBlocker quiet(this); // the session shows it next
    insertItem(index, textOf(index));
}

} // namespace leakscope
