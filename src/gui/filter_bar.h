#pragma once

#include "models/candidates_model.h"

#include <QtCore/QTimer>
#include <QtWidgets/QWidget>

#include <memory>

class QAction;

namespace Ui {
class FilterBar;
}

namespace leakscope {

class CandidatesFilterProxy;

// The table's filters: text (debounced, plain or regex; Esc in the box clears it), the types chosen in
// the type summary, the groups chosen in the explanation summary, the libraries chosen in the library
// summary, the creating C functions chosen in the creator summary, minimum size ("4096", "1k", "2 MiB": see parseByteSize()) and "show explained"; and which
// objects the table lists (All objects). Applies the filters to a proxy without ever resetting its
// source, and says beside each box what is wrong with what was typed there.
class FilterBar : public QWidget
{
    Q_OBJECT

public:
    explicit FilterBar(QWidget* parent = nullptr);
    ~FilterBar() override;

    void setProxy(CandidatesFilterProxy* proxy);
    void focusText();
    QString text() const;
    // Empties the text box and applies that at once.
    void clearText();
    // Shown on the types button: how many types the summary selection keeps.
    void setChosenTypeCount(int count);
    // Shown on the groups button, which is hidden while no group is chosen; while some are, they
    // decide which candidates are listed and "show explained" is disabled.
    void setChosenGroupCount(int count);
    int chosenGroupCount() const { return m_chosenGroups; }
    // Shown on the libraries button, which is hidden while no library is chosen.
    void setChosenLibraryCount(int count);
    // Shown on the creators button, which is hidden while no creating C function is chosen.
    void setChosenCreatorCount(int count);

    bool showExplained() const;
    void setShowExplained(bool show);
    bool regex() const;
    void setRegex(bool regex);
    // The minimum size applied: the last valid one typed (0: none).
    qint64 minimumSize() const { return m_minimumSize; }
    // Shows bytes in the box (formatByteSize()) and applies it; negative counts as 0.
    void setMinimumSize(qint64 bytes);
    // Whether the size box holds a size it can read (the last valid one applies meanwhile).
    bool isMinimumSizeValid() const;

    // The list mode shown by the All objects box and allObjectsAction(). Changing it here only shows
    // it: the box and the action ask for a change with listModeRequested().
    void setListMode(CandidatesModel::ListMode mode);
    CandidatesModel::ListMode listMode() const;
    // Checkable, Ctrl+Shift+A: toggles All objects. The bar holds it, so its shortcut works wherever
    // the bar's window has the focus; a menu may offer it too.
    QAction* allObjectsAction() const { return m_allObjects; }

    // Shows again whether the text filter is valid: a regular expression that compiled can still turn
    // invalid while rows are filtered (its match limit), after the text was applied.
    void updateTextError();

Q_SIGNALS:
    void clearTypesRequested();
    void clearGroupsRequested();
    void clearLibrariesRequested();
    void clearCreatorsRequested();
    // The All objects box or action was toggled.
    void listModeRequested(leakscope::CandidatesModel::ListMode mode);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    static QString textHelp();
    static QString sizeHelp();
    void applyText();
    void applyMinimumSize();
    void updateShowExplained();

    std::unique_ptr<Ui::FilterBar> m_ui;
    CandidatesFilterProxy* m_proxy = nullptr;
    QTimer m_debounce;
    QTimer m_sizeDebounce;
    QAction* m_allObjects;
    qint64 m_minimumSize = 0;
    CandidatesModel::ListMode m_mode = CandidatesModel::ListMode::Candidates;
    int m_chosenGroups = 0;
};

} // namespace leakscope
