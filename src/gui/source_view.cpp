#include "source_view.h"

#include <QtGui/QFontDatabase>
#include <QtGui/QPainter>
#include <QtGui/QTextBlock>

#include <algorithm>

namespace leakscope {

namespace {

const QColor kNumberText(0x80, 0x80, 0x80);
const QColor kHighlight(0xff, 0xf3, 0xb0);
constexpr int kPadding = 6;

} // namespace

class SourceView::LineNumbers : public QWidget
{
public:
    explicit LineNumbers(SourceView* view)
        : QWidget(view)
        , m_view(view)
    {
    }

protected:
    void paintEvent(QPaintEvent* event) override { m_view->paintLineNumbers(this, event); }

private:
    SourceView* m_view;
};

SourceView::SourceView(QWidget* parent)
    : QPlainTextEdit(parent)
    , m_lineNumbers(new LineNumbers(this))
{
    setReadOnly(true);
    // Keyboard navigation and selection still work on read-only text.
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    connect(this, &QPlainTextEdit::blockCountChanged, this, &SourceView::layoutMargin);
    connect(this, &QPlainTextEdit::updateRequest, this, [this](const QRect& rect, int dy) {
        if (dy)
            m_lineNumbers->scroll(0, dy);
        else
            m_lineNumbers->update(0, rect.y(), m_lineNumbers->width(), rect.height());
    });
    layoutMargin();
}

SourceView::~SourceView() = default;

void SourceView::setSource(const QString& text, int firstLine)
{
    m_firstLine = std::max(firstLine, 1);
    m_highlighted = 0;
    setExtraSelections({});
    setPlainText(text);
    layoutMargin();
}

bool SourceView::highlightLine(int line)
{
    const QTextBlock block = document()->findBlockByNumber(line - m_firstLine);
    if (line < m_firstLine || !block.isValid()) {
        m_highlighted = 0;
        setExtraSelections({});
        return false;
    }
    m_highlighted = line;
    QTextEdit::ExtraSelection highlight;
    highlight.cursor = QTextCursor(block);
    highlight.format.setBackground(kHighlight);
    highlight.format.setProperty(QTextFormat::FullWidthSelection, true);
    setExtraSelections({highlight});
    setTextCursor(QTextCursor(block));
    centerCursor();
    m_lineNumbers->update();
    return true;
}

QString SourceView::lineText(int line) const
{
    const QTextBlock block = document()->findBlockByNumber(line - m_firstLine);
    return line >= m_firstLine && block.isValid() ? block.text() : QString();
}

int SourceView::lineNumberWidth() const
{
    const int last = m_firstLine + std::max(blockCount(), 1) - 1;
    const int digits = static_cast<int>(QString::number(last).size());
    return kPadding * 2 + fontMetrics().horizontalAdvance(QLatin1Char('9')) * std::max(digits, 3);
}

void SourceView::layoutMargin()
{
    const int width = lineNumberWidth();
    setViewportMargins(width, 0, 0, 0);
    const QRect inside = contentsRect();
    m_lineNumbers->setGeometry(inside.left(), inside.top(), width, inside.height());
}

void SourceView::resizeEvent(QResizeEvent* event)
{
    QPlainTextEdit::resizeEvent(event);
    layoutMargin();
}

void SourceView::paintLineNumbers(QWidget* margin, QPaintEvent* event)
{
    QPainter painter(margin);
    painter.fillRect(event->rect(), palette().color(QPalette::Window));
    QTextBlock block = firstVisibleBlock();
    qreal top = blockBoundingGeometry(block).translated(contentOffset()).top();
    const int lineHeight = fontMetrics().height();
    while (block.isValid() && top <= event->rect().bottom()) {
        const int line = m_firstLine + block.blockNumber();
        const QRect cell(kPadding, qRound(top), margin->width() - kPadding * 2, lineHeight);
        if (block.isVisible() && cell.bottom() >= event->rect().top()) {
            const bool highlighted = line == m_highlighted;
            if (highlighted)
                painter.fillRect(QRect(0, cell.top(), margin->width(), lineHeight), kHighlight);
            QFont number = font();
            number.setBold(highlighted);
            painter.setFont(number);
            painter.setPen(highlighted ? palette().color(QPalette::Text) : kNumberText);
            painter.drawText(cell, Qt::AlignRight | Qt::AlignVCenter, QString::number(line));
        }
        top += blockBoundingRect(block).height();
        block = block.next();
    }
}

} // namespace leakscope
