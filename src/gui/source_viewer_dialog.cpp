#include "source_viewer_dialog.h"

#include "gui/source_view.h"
#include "support/background_work.h"
#include "ui_source_viewer_dialog.h"

#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtWidgets/QPushButton>

namespace leakscope {

namespace {

constexpr qint64 kTextCheckBytes = 64 * 1024;

// Appends the line without its end, cut at a character boundary after kMaxSourceLineBytes bytes.
void appendLine(QByteArray& text, bool first, QByteArray line)
{
    while (line.endsWith('\n') || line.endsWith('\r'))
        line.chop(1);
    if (line.size() > kMaxSourceLineBytes) {
        qsizetype cut = kMaxSourceLineBytes;
        while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xc0) == 0x80)
            --cut; // not inside a UTF-8 sequence
        line.truncate(cut);
        line += "…";
    }
    if (!first)
        text += '\n';
    text += line;
}

} // namespace

SourceExcerpt readSourceExcerpt(const QString& path, int line, qint64 maxWholeBytes, const std::atomic<bool>* cancelled)
{
    SourceExcerpt excerpt;
    const QFileInfo info(path);
    QFile file(path);
    if (!info.exists()) {
        excerpt.error = SourceViewerDialog::tr("%1 does not exist on this computer.").arg(path);
        return excerpt;
    }
    if (!info.isFile()) {
        excerpt.error = SourceViewerDialog::tr("%1 is not a file.").arg(path);
        return excerpt;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        excerpt.error = SourceViewerDialog::tr("%1 cannot be read: %2").arg(path, file.errorString());
        return excerpt;
    }
    if (file.peek(kTextCheckBytes).contains('\0')) {
        excerpt.error = SourceViewerDialog::tr("%1 is not a text file.").arg(path);
        return excerpt;
    }
    const bool whole = file.size() <= maxWholeBytes;
    const int first = whole ? 1 : std::max(1, line - kSourceContextLines);
    const int last = whole ? INT_MAX : line + kSourceContextLines;
    QByteArray text;
    int number = 0;
    bool kept = false;
    while (!file.atEnd() && number < last) {
        if (cancelled && (number & 1023) == 0 && cancelled->load())
            return excerpt;
        const QByteArray next = file.readLine();
        if (next.isEmpty() && file.error() != QFileDevice::NoError) {
            excerpt.error = SourceViewerDialog::tr("%1 cannot be read: %2").arg(path, file.errorString());
            return excerpt;
        }
        ++number;
        if (number < first)
            continue;
        appendLine(text, !kept, next);
        kept = true;
    }
    if (!kept && number > 0 && !whole) {
        // The line is past the end of a big file: show its last lines rather than nothing.
        return readSourceExcerpt(path, number, maxWholeBytes, cancelled);
    }
    excerpt.text = QString::fromUtf8(text);
    excerpt.firstLine = first;
    excerpt.wholeFile = whole || (first == 1 && file.atEnd());
    excerpt.fileLines = file.atEnd() ? number : -1;
    excerpt.lineShown = line >= first && line <= number;
    return excerpt;
}

SourceViewerDialog::SourceViewerDialog(QWidget* parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::SourceViewerDialog>())
{
    m_ui->setupUi(this);
    connect(m_ui->buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    m_ui->message->hide();
}

SourceViewerDialog::~SourceViewerDialog()
{
    if (m_cancel)
        m_cancel->store(true);
}

SourceView* SourceViewerDialog::view() const
{
    return m_ui->view;
}

QString SourceViewerDialog::message() const
{
    return m_ui->message->isHidden() ? QString() : m_ui->message->text();
}

void SourceViewerDialog::showLocation(const QString& file, int line)
{
    if (m_cancel)
        m_cancel->store(true);
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    m_location = {file, line};
    m_loading = true;
    const quint64 job = ++m_job;
    setWindowTitle(tr("%1:%2 — Source").arg(QFileInfo(file).fileName()).arg(line));
    m_ui->location->setText(QStringLiteral("%1:%2").arg(file).arg(line));
    m_ui->view->setSource(QString());
    m_ui->message->setText(tr("Reading…"));
    m_ui->message->setStyleSheet(QString());
    m_ui->message->show();

    // The worker holds its own copies; onLoaded() drops the answer when another location was asked for
    // meanwhile, and the flag stops a read that nobody waits for any more.
    runInBackground(
        this,
        [file, line, cancel = m_cancel] { return readSourceExcerpt(file, line, kMaxWholeSourceBytes, cancel.get()); },
        [this, job](const SourceExcerpt& excerpt) { onLoaded(job, excerpt); });
}

void SourceViewerDialog::onLoaded(quint64 job, const SourceExcerpt& excerpt)
{
    if (job != m_job)
        return;
    m_loading = false;
    if (!excerpt.error.isEmpty()) {
        m_ui->view->setSource(QString());
        m_ui->message->setText(excerpt.error);
        m_ui->message->setStyleSheet(QStringLiteral("color: #b00020;"));
        m_ui->message->show();
        return;
    }
    m_ui->view->setSource(excerpt.text, excerpt.firstLine);
    const bool shown = excerpt.lineShown && m_ui->view->highlightLine(m_location.line);
    QString note;
    if (!shown && excerpt.fileLines >= 0)
        note = tr("Line %1 is past the end of the file, which has %2 lines: the file changed since the snapshot?")
                   .arg(m_location.line)
                   .arg(excerpt.fileLines);
    else if (!shown)
        note = tr("Line %1 could not be shown.").arg(m_location.line);
    if (!excerpt.wholeFile) {
        const int lastLine = excerpt.firstLine + m_ui->view->blockCount() - 1;
        note += (note.isEmpty() ? QString() : QStringLiteral(" "))
            + tr("A large file: lines %1 to %2 are shown.").arg(excerpt.firstLine).arg(lastLine);
    }
    m_ui->message->setText(note);
    m_ui->message->setStyleSheet(shown ? QString() : QStringLiteral("color: #b00020;"));
    m_ui->message->setVisible(!note.isEmpty());
}

} // namespace leakscope
