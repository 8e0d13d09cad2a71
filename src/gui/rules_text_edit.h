#pragma once

#include <QtCore/QMap>
#include <QtWidgets/QPlainTextEdit>

namespace leakscope {

// A plain-text editor for a rules file: line numbers on the left, and on the right a short note per
// line (how many candidates a rule matches, or that the line is bad, the full message as tooltip).
// Lines with an error are tinted.
class RulesTextEdit : public QPlainTextEdit
{
    Q_OBJECT

public:
    struct LineNote
    {
        QString text;    // shown in the right margin
        QString toolTip; // shown when the pointer rests on it
        bool error = false;
    };

    explicit RulesTextEdit(QWidget* parent = nullptr);
    ~RulesTextEdit() override;

    // Notes by 1-based line number; replaces the previous ones.
    void setLineNotes(QMap<int, LineNote> notes);
    const QMap<int, LineNote>& lineNotes() const { return m_notes; }
    // Puts the cursor at the start of a 1-based line and shows it.
    void goToLine(int line);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    class Margin;
    friend class Margin;

    void paintMargin(Margin* margin, QPaintEvent* event);
    QString marginToolTip(const Margin* margin, const QPoint& position) const;
    int lineNumberWidth() const;
    int noteWidth() const;
    void layoutMargins();
    void tintErrorLines();

    Margin* m_lineNumbers;
    Margin* m_noteMargin;
    QMap<int, LineNote> m_notes;
};

} // namespace leakscope
