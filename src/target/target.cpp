#include "target.h"

namespace leakscope {

void Target::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void Target::setInterpreterInfo(const QString& pythonVersion, qint64 pid)
{
    m_pythonVersion = pythonVersion;
    m_pid = pid;
}

} // namespace leakscope
