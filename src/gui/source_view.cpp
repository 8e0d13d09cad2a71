#include "source_view.h"

#include <QtGui/QTextBlock>

namespace leakscope {

namespace {

const QColor kHighlight(0xff, 0xf3, 0xb0);

} // namespace

SourceView::SourceView(QWidget* parent)
    : LineNumberedEdit(parent)
{
    setReadOnly(true);
    // Keyboard navigation and selection still work on read-only text.
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    // Files are long: room for three digits from the start, so the text does not shift for most.
    setMinimumDigits(3);
}

SourceView::~SourceView() = default;

void SourceView::setSource(const QString& text, int firstLine)
{
    m_highlighted = 0;
    setExtraSelections({});
    setFirstLineNumber(firstLine);
    setPlainText(text);
    layoutMargins();
}

bool SourceView::highlightLine(int line)
{
    const QTextBlock block = blockOfLine(line);
    if (!block.isValid()) {
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
    updateMargins();
    return true;
}

QString SourceView::lineText(int line) const
{
    const QTextBlock block = blockOfLine(line);
    return block.isValid() ? block.text() : QString();
}

LineNumberedEdit::NumberStyle SourceView::numberStyle(int line) const
{
    if (line == m_highlighted)
        return {palette().color(QPalette::Text), kHighlight, true};
    return LineNumberedEdit::numberStyle(line);
}

} // namespace leakscope
