#include "output_pane.h"

#include <QtGui/QTextCharFormat>
#include <QtGui/QTextCursor>

namespace leakscope {

void OutputPane::appendOutput(Target::Channel channel, const QString& text)
{
    QTextCharFormat format;
    if (channel == Target::Channel::Stderr)
        format.setForeground(QColor(0xb0, 0x00, 0x20));
    QTextCursor cursor(document());
    cursor.movePosition(QTextCursor::End);
    cursor.insertText(text, format);
    ensureCursorVisible();
}

void OutputPane::appendNotice(const QString& text)
{
    QTextCharFormat format;
    format.setForeground(QColor(0x55, 0x55, 0x55));
    format.setFontItalic(true);
    QTextCursor cursor(document());
    cursor.movePosition(QTextCursor::End);
    if (!document()->isEmpty() && !toPlainText().endsWith(u'\n'))
        cursor.insertText(QStringLiteral("\n"));
    cursor.insertText(QStringLiteral("— ") + text + u'\n', format);
}

QSize OutputPane::sizeHint() const
{
    constexpr int kLines = 5;
    const QMargins margins = viewportMargins();
    const int documentMargins = 2 * static_cast<int>(document()->documentMargin());
    return {QPlainTextEdit::sizeHint().width(), kLines * fontMetrics().lineSpacing() + documentMargins
                                                    + 2 * frameWidth() + margins.top() + margins.bottom()};
}

} // namespace leakscope
