#pragma once

#include "gui/line_numbered_edit.h"

#include <QtCore/QMap>

namespace leakscope {

// A plain-text editor for a rules file: line numbers on the left, and on the right a short note per
// line (how many candidates a rule matches, or that the line is bad, the full message as tooltip).
// Lines with an error are tinted.
class RulesTextEdit : public LineNumberedEdit
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
    NumberStyle numberStyle(int line) const override;
    int rightMarginWidth() const override;
    void paintRightMargin(QPainter& painter, const QRect& cell, int line) const override;
    QString marginToolTip(int line) const override;

private:
    void tintErrorLines();

    QMap<int, LineNote> m_notes;
};

} // namespace leakscope
