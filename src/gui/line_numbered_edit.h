#pragma once

#include <QtGui/QTextBlock>
#include <QtWidgets/QPlainTextEdit>

namespace leakscope {

// A plain-text editor with line numbers in a left margin, and room for a margin on the right, for the
// widgets that show a file line by line. The margins follow scrolling, editing and the number of lines;
// a subclass says how a line's number looks, what the right margin shows and what either margin's
// tooltip says for a line. Lines are not wrapped and use the system's fixed-width font.
class LineNumberedEdit : public QPlainTextEdit
{
    Q_OBJECT

public:
    explicit LineNumberedEdit(QWidget* parent = nullptr);
    ~LineNumberedEdit() override;

    // The number of the text's first line (at least 1): the text may be an excerpt of a file.
    int firstLineNumber() const { return m_firstLine; }

protected:
    // Space either side of what a margin shows.
    static constexpr int kMarginPadding = 6;

    // How one line's number is drawn.
    struct NumberStyle
    {
        QColor text;
        QColor background; // invalid: the margin's own
        bool bold = false;
    };

    // Lines are numbered from firstLineNumber(); the gutter keeps room for at least minimumDigits digits.
    void setFirstLineNumber(int line);
    void setMinimumDigits(int digits);

    // A line as numbered, from its block, and back (an invalid block when the line is not in the text).
    int lineOf(const QTextBlock& block) const { return m_firstLine + block.blockNumber(); }
    QTextBlock blockOfLine(int line) const;

    virtual NumberStyle numberStyle(int line) const;
    // The right margin's width (0: none), and what it shows for a line, clipped to cell.
    virtual int rightMarginWidth() const { return 0; }
    virtual void paintRightMargin(QPainter& painter, const QRect& cell, int line) const;
    // The tooltip of either margin at a line; empty: none.
    virtual QString marginToolTip(int line) const;

    // After a change to what the margins' widths depend on.
    void layoutMargins();
    // After a change to what the margins show.
    void updateMargins();

    void resizeEvent(QResizeEvent* event) override;

private:
    class Margin;
    friend class Margin;

    void paintMargin(Margin* margin, QPaintEvent* event);
    // The line at a height in the margins' (and the viewport's) coordinates; 0 when none is there.
    int lineAt(int y) const;
    int lineNumberWidth() const;

    Margin* m_lineNumbers;
    Margin* m_rightMargin;
    int m_firstLine = 1;
    int m_minimumDigits = 2;
};

} // namespace leakscope
