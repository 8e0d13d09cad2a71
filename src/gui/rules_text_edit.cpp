#include "rules_text_edit.h"

#include <QtGui/QFontDatabase>
#include <QtGui/QPainter>
#include <QtGui/QTextBlock>
#include <QtWidgets/QToolTip>

#include <algorithm>

namespace leakscope {

namespace {

const QColor kErrorText(0xb0, 0x00, 0x20);
const QColor kErrorTint(0xfd, 0xe7, 0xea);
const QColor kNoteText(0x60, 0x60, 0x60);
constexpr int kPadding = 6;
constexpr int kMaxNoteWidth = 260;

} // namespace

// One of the two margins; it asks the editor to paint it and to name its tooltips.
class RulesTextEdit::Margin : public QWidget
{
public:
    Margin(RulesTextEdit* editor, bool left)
        : QWidget(editor)
        , m_editor(editor)
        , m_left(left)
    {
    }
    bool isLeft() const { return m_left; }

protected:
    void paintEvent(QPaintEvent* event) override { m_editor->paintMargin(this, event); }
    bool event(QEvent* event) override
    {
        if (event->type() == QEvent::ToolTip) {
            const auto* help = static_cast<QHelpEvent*>(event);
            const QString tip = m_editor->marginToolTip(this, help->pos());
            if (tip.isEmpty())
                QToolTip::hideText();
            else
                QToolTip::showText(help->globalPos(), tip, this);
            return true;
        }
        return QWidget::event(event);
    }

private:
    RulesTextEdit* m_editor;
    bool m_left;
};

RulesTextEdit::RulesTextEdit(QWidget* parent)
    : QPlainTextEdit(parent)
    , m_lineNumbers(new Margin(this, true))
    , m_noteMargin(new Margin(this, false))
{
    setLineWrapMode(QPlainTextEdit::NoWrap);
    QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    setFont(fixed);
    connect(this, &QPlainTextEdit::blockCountChanged, this, &RulesTextEdit::layoutMargins);
    connect(this, &QPlainTextEdit::updateRequest, this, [this](const QRect& rect, int dy) {
        for (Margin* margin : {m_lineNumbers, m_noteMargin}) {
            if (dy)
                margin->scroll(0, dy);
            else
                margin->update(0, rect.y(), margin->width(), rect.height());
        }
    });
    layoutMargins();
}

RulesTextEdit::~RulesTextEdit() = default;

void RulesTextEdit::setLineNotes(QMap<int, LineNote> notes)
{
    m_notes = std::move(notes);
    layoutMargins();
    tintErrorLines();
    m_lineNumbers->update();
    m_noteMargin->update();
}

void RulesTextEdit::goToLine(int line)
{
    const QTextBlock block = document()->findBlockByNumber(line - 1);
    if (!block.isValid())
        return;
    QTextCursor cursor(block);
    setTextCursor(cursor);
    centerCursor();
    setFocus(Qt::OtherFocusReason);
}

int RulesTextEdit::lineNumberWidth() const
{
    const int digits = static_cast<int>(QString::number(std::max(1, blockCount())).size());
    return kPadding * 2 + fontMetrics().horizontalAdvance(QLatin1Char('9')) * std::max(digits, 2);
}

int RulesTextEdit::noteWidth() const
{
    int widest = 0;
    for (const LineNote& note : m_notes)
        widest = std::max(widest, fontMetrics().horizontalAdvance(note.text));
    // A few pixels spare: elidedText() measures with fractions that horizontalAdvance() rounds down.
    return widest == 0 ? 0 : std::min(widest + 4, kMaxNoteWidth) + kPadding * 2;
}

void RulesTextEdit::layoutMargins()
{
    const int left = lineNumberWidth();
    const int right = noteWidth();
    setViewportMargins(left, 0, right, 0);
    const QRect inside = contentsRect();
    m_lineNumbers->setGeometry(inside.left(), inside.top(), left, inside.height());
    m_noteMargin->setGeometry(inside.right() + 1 - right, inside.top(), right, inside.height());
    m_noteMargin->setVisible(right > 0);
}

void RulesTextEdit::resizeEvent(QResizeEvent* event)
{
    QPlainTextEdit::resizeEvent(event);
    layoutMargins();
}

void RulesTextEdit::tintErrorLines()
{
    QList<QTextEdit::ExtraSelection> tints;
    for (auto it = m_notes.cbegin(); it != m_notes.cend(); ++it) {
        const QTextBlock block = document()->findBlockByNumber(it.key() - 1);
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

void RulesTextEdit::paintMargin(Margin* margin, QPaintEvent* event)
{
    QPainter painter(margin);
    painter.fillRect(event->rect(), margin->isLeft() ? palette().color(QPalette::Window) : palette().color(QPalette::Base));
    painter.setFont(font());
    QTextBlock block = firstVisibleBlock();
    qreal top = blockBoundingGeometry(block).translated(contentOffset()).top();
    const int lineHeight = fontMetrics().height();
    while (block.isValid() && top <= event->rect().bottom()) {
        const int line = block.blockNumber() + 1;
        const auto note = m_notes.constFind(line);
        const bool error = note != m_notes.cend() && note->error;
        const QRect cell(kPadding, qRound(top), margin->width() - kPadding * 2, lineHeight);
        if (block.isVisible() && cell.bottom() >= event->rect().top()) {
            if (margin->isLeft()) {
                if (error)
                    painter.fillRect(QRect(0, cell.top(), margin->width(), lineHeight), kErrorTint);
                painter.setPen(error ? kErrorText : kNoteText);
                QFont number = font();
                number.setBold(error);
                painter.setFont(number);
                painter.drawText(cell, Qt::AlignRight | Qt::AlignVCenter, QString::number(line));
            } else if (note != m_notes.cend()) {
                painter.setPen(error ? kErrorText : kNoteText);
                painter.setFont(font());
                painter.drawText(cell, Qt::AlignLeft | Qt::AlignVCenter,
                                 fontMetrics().elidedText(note->text, Qt::ElideRight, cell.width()));
            }
        }
        top += blockBoundingRect(block).height();
        block = block.next();
    }
}

QString RulesTextEdit::marginToolTip(const Margin* margin, const QPoint& position) const
{
    Q_UNUSED(margin);
    QTextBlock block = firstVisibleBlock();
    qreal top = blockBoundingGeometry(block).translated(contentOffset()).top();
    while (block.isValid()) {
        const qreal bottom = top + blockBoundingRect(block).height();
        if (position.y() >= top && position.y() < bottom) {
            const auto note = m_notes.constFind(block.blockNumber() + 1);
            return note == m_notes.cend() ? QString() : (note->toolTip.isEmpty() ? note->text : note->toolTip);
        }
        top = bottom;
        block = block.next();
    }
    return {};
}

} // namespace leakscope
