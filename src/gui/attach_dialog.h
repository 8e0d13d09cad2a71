#pragma once

#include <QtWidgets/QDialog>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTimer;

namespace leakscope {

class ProcessFilterProxy;
class ProcessListModel;

// File ▸ Attach to Process…: the Python processes of this machine (pid, user, version, command line),
// read again every two seconds while the dialog is shown, filtered by a text found in the pid, the user
// or the command. A process the self-test refuses is drawn disabled with its reason as tooltip, and the
// reason is said under the list when it is selected; Attach (or a double-click) takes only an
// attachable one.
class AttachDialog : public QDialog
{
    Q_OBJECT

public:
    explicit AttachDialog(QWidget* parent = nullptr);
    ~AttachDialog() override;

    // The process chosen: its pid (0 when none is selected) and command line.
    qint64 selectedPid() const;
    QString selectedCommand() const;
    // Selects the row of pid if it is listed (and shown by the filter); false otherwise.
    bool selectPid(qint64 pid);

    // The parts, for tests.
    ProcessListModel* processModel() const { return m_model; }
    ProcessFilterProxy* filterProxy() const { return m_proxy; }
    QTableView* table() const { return m_table; }
    QLineEdit* filterEdit() const { return m_filter; }
    QLabel* noteLabel() const { return m_note; }
    QPushButton* attachButton() const;
    // Reads the processes again now (the timer does so every kRefreshMs while shown).
    void refresh();
    static constexpr int kRefreshMs = 2000;

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void updateSelection();
    QModelIndex currentSourceIndex() const;

    ProcessListModel* m_model = nullptr;
    ProcessFilterProxy* m_proxy = nullptr;
    QLineEdit* m_filter = nullptr;
    QCheckBox* m_showAll = nullptr;
    QTableView* m_table = nullptr;
    QLabel* m_note = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
    QTimer* m_timer = nullptr;
};

} // namespace leakscope
