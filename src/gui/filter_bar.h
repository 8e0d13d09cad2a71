#pragma once

#include <QtCore/QTimer>
#include <QtWidgets/QWidget>

#include <memory>

namespace Ui {
class FilterBar;
}

namespace leakscope {

class CandidatesFilterProxy;

// The candidates' filters: text (debounced, plain or regex), the types chosen in the type summary,
// the groups chosen in the explanation summary, the libraries chosen in the library summary, minimum
// size and "show explained". Applies them to a proxy without ever resetting its source.
class FilterBar : public QWidget
{
    Q_OBJECT

public:
    explicit FilterBar(QWidget* parent = nullptr);
    ~FilterBar() override;

    void setProxy(CandidatesFilterProxy* proxy);
    void focusText();
    // Shown on the types button: how many types the summary selection keeps.
    void setChosenTypeCount(int count);
    // Shown on the groups button, which is hidden while no group is chosen; while some are, they
    // decide which candidates are listed and "show explained" is disabled.
    void setChosenGroupCount(int count);
    // Shown on the libraries button, which is hidden while no library is chosen.
    void setChosenLibraryCount(int count);

    bool showExplained() const;
    void setShowExplained(bool show);
    bool regex() const;
    void setRegex(bool regex);
    qint64 minimumSize() const;
    void setMinimumSize(qint64 bytes);

Q_SIGNALS:
    void clearTypesRequested();
    void clearGroupsRequested();
    void clearLibrariesRequested();

private:
    void applyText();

    std::unique_ptr<Ui::FilterBar> m_ui;
    CandidatesFilterProxy* m_proxy = nullptr;
    QTimer m_debounce;
};

} // namespace leakscope
