#include "rules_text_edit.h"

#include <QtGui/QPainter>
#include <QtGui/QTextBlock>

#include <algorithm>

namespace leakscope {

namespace {

const QColor kErrorText(0xb0, 0x00, 0x20);
const QColor kErrorTint(0xfd, 0xe7, 0xea);
const QColor kNoteText(0x60, 0x60, 0x60);
constexpr int kMaxNoteWidth = 260;

} // namespace

RulesTextEdit::RulesTextEdit(QWidget* parent)
    : LineNumberedEdit(parent)
{
}

RulesTextEdit::~RulesTextEdit() = default;

void RulesTextEdit::setLineNotes(QMap<int, LineNote> notes)
{
    m_notes = std::move(notes);
    layoutMargins();
    tintErrorLines();
    updateMargins();
}

void RulesTextEdit::goToLine(int line)
{
    const QTextBlock block = blockOfLine(line);
    if (!block.isValid())
        return;
    QTextCursor cursor(block);
    setTextCursor(cursor);
    centerCursor();
    setFocus(Qt::OtherFocusReason);
}

int RulesTextEdit::rightMarginWidth() const
{
    int widest = 0;
    for (const LineNote& note : m_notes)
        widest = std::max(widest, fontMetrics().horizontalAdvance(note.text));
    // A few pixels spare: elidedText() measures with fractions that horizontalAdvance() rounds down.
    return widest == 0 ? 0 : std::min(widest + 4, kMaxNoteWidth) + kMarginPadding * 2;
}

void RulesTextEdit::tintErrorLines()
{
    QList<QTextEdit::ExtraSelection> tints;
    for (auto it = m_notes.cbegin(); it != m_notes.cend(); ++it) {
        const QTextBlock block = blockOfLine(it.key());
        if (!it->error || !block.isValid())
            continue;
        QTextEdit::ExtraSelection tint;
        tint.cursor = QTextCursor(block);
        tint.format.setBackground(kErrorTint);
        tint.format.setProperty(QTextFormat::FullWidthSelection, true);
        tints << tint;
    }
    setExtraSelections(tints);
}

LineNumberedEdit::NumberStyle RulesTextEdit::numberStyle(int line) const
{
    const auto note = m_notes.constFind(line);
    if (note != m_notes.cend() && note->error)
        return {kErrorText, kErrorTint, true};
    return {kNoteText, QColor(), false};
}

void RulesTextEdit::paintRightMargin(QPainter& painter, const QRect& cell, int line) const
{
    const auto note = m_notes.constFind(line);
    if (note == m_notes.cend())
        return;
    painter.setPen(note->error ? kErrorText : kNoteText);
    painter.drawText(cell, Qt::AlignLeft | Qt::AlignVCenter,
                     fontMetrics().elidedText(note->text, Qt::ElideRight, cell.width()));
}

QString RulesTextEdit::marginToolTip(int line) const
{
    const auto note = m_notes.constFind(line);
    return note == m_notes.cend() ? QString() : (note->toolTip.isEmpty() ? note->text : note->toolTip);
}

} // namespace leakscope
