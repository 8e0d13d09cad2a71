#pragma once

#include "gui/line_numbered_edit.h"

namespace leakscope {

// A read-only view of source text with line numbers in a left margin. The text may be an excerpt of a
// file: its first line is numbered firstLine. One line can be highlighted, and is then scrolled to.
class SourceView : public LineNumberedEdit
{
    Q_OBJECT

public:
    explicit SourceView(QWidget* parent = nullptr);
    ~SourceView() override;

    // Replaces the text; its first line is line firstLine of the file (1-based).
    void setSource(const QString& text, int firstLine = 1);
    int firstLine() const { return firstLineNumber(); }

    // Highlights a line (numbered as in the file), puts the cursor there and centres it; 0 or a line
    // outside the text highlights nothing. Returns whether the line is shown.
    bool highlightLine(int line);
    int highlightedLine() const { return m_highlighted; }
    // The text of a line numbered as in the file; empty when it is not shown.
    QString lineText(int line) const;

protected:
    NumberStyle numberStyle(int line) const override;

private:
    int m_highlighted = 0;
};

} // namespace leakscope
