#pragma once

#include <QtWidgets/QComboBox>

namespace leakscope {

class Session;

// The snapshots of a session, each named with the time it was captured, the one shown current:
// choosing another asks the session to show it. Renamed and closed snapshots follow.
class SnapshotChooser : public QComboBox
{
    Q_OBJECT

public:
    explicit SnapshotChooser(QWidget* parent = nullptr);

    void setSession(Session* session);

private:
    void addSnapshot(int index);
    QString textOf(int index) const;

    Session* m_session = nullptr;
};

} // namespace leakscope
