#pragma once

#include <QtWidgets/QComboBox>

namespace leakscope {

class Session;

// The snapshots of a session, each named with the time it was captured, the one shown current:
// choosing another asks the session to show it.
class SnapshotChooser : public QComboBox
{
    Q_OBJECT

public:
    explicit SnapshotChooser(QWidget* parent = nullptr);

    void setSession(Session* session);

private:
    void addSnapshot(int index);

    Session* m_session = nullptr;
};

} // namespace leakscope
