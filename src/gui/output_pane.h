#pragma once

#include "target/target.h"

#include <QtWidgets/QPlainTextEdit>

namespace leakscope {

// What the script writes, stderr in red, and between it, in grey italics, what LeakScope says of
// the run (started, ended, a failed request, the interpreter gone).
class OutputPane : public QPlainTextEdit
{
    Q_OBJECT

public:
    using QPlainTextEdit::QPlainTextEdit;

    void appendOutput(Target::Channel channel, const QString& text);
    // On a line of its own.
    void appendNotice(const QString& text);

    // A few lines: the output of a first run is a notice, a line or two and how the script ended, so
    // the pane opens small and grows when dragged.
    QSize sizeHint() const override;
};

} // namespace leakscope
