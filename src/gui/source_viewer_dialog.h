#pragma once

#include "gui/object_details.h"

#include <QtWidgets/QDialog>

#include <atomic>
#include <memory>

namespace Ui {
class SourceViewerDialog;
}

namespace leakscope {

class SourceView;

// The lines of a source file to show around one line.
struct SourceExcerpt
{
    QString text;       // the lines, joined by '\n'
    int firstLine = 1;  // the file's number of text's first line
    bool wholeFile = true;
    bool lineShown = false; // the line asked for is in text
    int fileLines = -1;     // lines in the file, when it was read to the end; -1 when not
    QString error;          // why nothing can be shown; empty when text is the file's
};

// Files up to this size are shown whole; from a bigger one, kSourceContextLines either side of the
// line. A line is cut after kMaxSourceLineBytes bytes. These keep what a view has to lay out small.
inline constexpr qint64 kMaxWholeSourceBytes = 1024 * 1024;
inline constexpr int kSourceContextLines = 1000;
inline constexpr int kMaxSourceLineBytes = 2000;

// Reads what to show of path around line (1-based). Blocking: call it off the GUI thread. A file that
// cannot be read, is not a regular file or holds NUL bytes (not text) gives an error. Stops early when
// cancelled becomes true.
SourceExcerpt readSourceExcerpt(const QString& path, int line, qint64 maxWholeBytes = kMaxWholeSourceBytes,
                                const std::atomic<bool>* cancelled = nullptr);

// A small read-only viewer for one source line: the file with line numbers, the line highlighted and
// scrolled to. Files are read in the thread pool, so a big or slow file never blocks the window; a file
// that cannot be read is said so.
class SourceViewerDialog : public QDialog
{
    Q_OBJECT

public:
    explicit SourceViewerDialog(QWidget* parent = nullptr);
    ~SourceViewerDialog() override;

    // Starts reading file to show line; what an earlier call still reads is dropped.
    void showLocation(const QString& file, int line);

    SourceLocation location() const { return m_location; }
    bool isLoading() const { return m_loading; }
    SourceView* view() const;
    // The note or error shown under the text; empty when there is none.
    QString message() const;

private:
    void onLoaded(quint64 job, const SourceExcerpt& excerpt);

    std::unique_ptr<Ui::SourceViewerDialog> m_ui;
    SourceLocation m_location;
    quint64 m_job = 0;
    bool m_loading = false;
    std::shared_ptr<std::atomic<bool>> m_cancel;
};

} // namespace leakscope
