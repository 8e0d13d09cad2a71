#include "line_numbered_edit.h"

#include <QtGui/QFontDatabase>
#include <QtGui/QPainter>
#include <QtGui/QTextBlock>
#include <QtWidgets/QToolTip>

#include <algorithm>

namespace leakscope {

namespace {

const QColor kNumberText(0x80, 0x80, 0x80);

} // namespace

// One of the two margins; the editor paints it and names its tooltips, since both depend on the text's
// layout, which only the editor knows.
class LineNumberedEdit::Margin : public QWidget
{
public:
    Margin(LineNumberedEdit* editor, bool left)
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
            const int line = m_editor->lineAt(help->pos().y());
            const QString tip = line > 0 ? m_editor->marginToolTip(line) : QString();
            if (tip.isEmpty())
                QToolTip::hideText();
            else
                QToolTip::showText(help->globalPos(), tip, this);
            return true;
        }
        return QWidget::event(event);
    }

private:
    LineNumberedEdit* m_editor;
    bool m_left;
};

LineNumberedEdit::LineNumberedEdit(QWidget* parent)
    : QPlainTextEdit(parent)
    , m_lineNumbers(new Margin(this, true))
    , m_rightMargin(new Margin(this, false))
{
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    connect(this, &QPlainTextEdit::blockCountChanged, this, &LineNumberedEdit::layoutMargins);
    connect(this, &QPlainTextEdit::updateRequest, this, [this](const QRect& rect, int dy) {
        for (Margin* margin : {m_lineNumbers, m_rightMargin}) {
            if (dy)
                margin->scroll(0, dy);
            else
                margin->update(0, rect.y(), margin->width(), rect.height());
        }
    });
    layoutMargins();
}

LineNumberedEdit::~LineNumberedEdit() = default;

void LineNumberedEdit::setFirstLineNumber(int line)
{
    m_firstLine = std::max(line, 1);
    layoutMargins();
    updateMargins();
}

void LineNumberedEdit::setMinimumDigits(int digits)
{
    m_minimumDigits = std::max(digits, 1);
    layoutMargins();
}

QTextBlock LineNumberedEdit::blockOfLine(int line) const
{
    return line < m_firstLine ? QTextBlock() : document()->findBlockByNumber(line - m_firstLine);
}

LineNumberedEdit::NumberStyle LineNumberedEdit::numberStyle(int) const
{
    return {kNumberText, QColor(), false};
}

void LineNumberedEdit::paintRightMargin(QPainter&, const QRect&, int) const
{
}

QString LineNumberedEdit::marginToolTip(int) const
{
    return {};
}

int LineNumberedEdit::lineNumberWidth() const
{
    const int last = m_firstLine + std::max(blockCount(), 1) - 1;
    const int digits = static_cast<int>(QString::number(last).size());
    return kMarginPadding * 2 + fontMetrics().horizontalAdvance(QLatin1Char('9')) * std::max(digits, m_minimumDigits);
}

void LineNumberedEdit::layoutMargins()
{
    const int left = lineNumberWidth();
    const int right = std::max(rightMarginWidth(), 0);
    setViewportMargins(left, 0, right, 0);
    const QRect inside = contentsRect();
    m_lineNumbers->setGeometry(inside.left(), inside.top(), left, inside.height());
    m_rightMargin->setGeometry(inside.right() + 1 - right, inside.top(), right, inside.height());
    m_rightMargin->setVisible(right > 0);
}

void LineNumberedEdit::updateMargins()
{
    m_lineNumbers->update();
    m_rightMargin->update();
}

void LineNumberedEdit::resizeEvent(QResizeEvent* event)
{
    QPlainTextEdit::resizeEvent(event);
    layoutMargins();
}

void LineNumberedEdit::paintMargin(Margin* margin, QPaintEvent* event)
{
    QPainter painter(margin);
    painter.fillRect(event->rect(), palette().color(margin->isLeft() ? QPalette::Window : QPalette::Base));
    painter.setFont(font());
    QTextBlock block = firstVisibleBlock();
    qreal top = blockBoundingGeometry(block).translated(contentOffset()).top();
    const int lineHeight = fontMetrics().height();
    while (block.isValid() && top <= event->rect().bottom()) {
        const int line = lineOf(block);
        const QRect cell(kMarginPadding, qRound(top), margin->width() - kMarginPadding * 2, lineHeight);
        if (block.isVisible() && cell.bottom() >= event->rect().top()) {
            if (margin->isLeft()) {
                const NumberStyle style = numberStyle(line);
                if (style.background.isValid())
                    painter.fillRect(QRect(0, cell.top(), margin->width(), lineHeight), style.background);
                QFont number = font();
                number.setBold(style.bold);
                painter.setFont(number);
                painter.setPen(style.text);
                painter.drawText(cell, Qt::AlignRight | Qt::AlignVCenter, QString::number(line));
            } else {
                painter.setFont(font());
                paintRightMargin(painter, cell, line);
            }
        }
        top += blockBoundingRect(block).height();
        block = block.next();
    }
}

int LineNumberedEdit::lineAt(int y) const
{
    QTextBlock block = firstVisibleBlock();
    qreal top = blockBoundingGeometry(block).translated(contentOffset()).top();
    while (block.isValid() && top <= y) {
        const qreal bottom = top + blockBoundingRect(block).height();
        if (y < bottom)
            return lineOf(block);
        top = bottom;
        block = block.next();
    }
    return 0;
}

} // namespace leakscope
