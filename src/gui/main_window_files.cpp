// MainWindow and snapshot files: File ▸ Open Snapshot…, Open Recent, Save Snapshot As…, files dropped
// on the window, the snapshot list dock, View ▸ Compare Snapshots…, and the question before closing
// with unsaved snapshots. The session loads, analyses and saves off the GUI thread; the window shows
// that it is busy, and says what went wrong without stopping the user.
#include "main_window.h"

#include "gui/snapshot_list_view.h"
#include "session/session.h"
#include "snapshot/snapshot_file.h"
#include "ui_main_window.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QMimeData>
#include <QtCore/QRegularExpression>
#include <QtCore/QSettings>
#include <QtCore/QUrl>
#include <QtGui/QCloseEvent>
#include <QtGui/QDragEnterEvent>
#include <QtGui/QDropEvent>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QMenu>
#include <QtWidgets/QMessageBox>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QStatusBar>

#include <algorithm>
#include <functional>

namespace leakscope {

namespace {

const QString kSuffix = QStringLiteral("lssnap");
const QString kLastFolderKey = QStringLiteral("files/lastFolder");

QString fileFilter()
{
    return MainWindow::tr("LeakScope snapshots (*.lssnap);;All files (*)");
}

// A file name made of a label: the characters file systems or shells dislike become "-".
QString fileNameFor(const QString& label)
{
    static const QRegularExpression unsafe(QStringLiteral("[\\\\/:*?\"<>|\\s]+"));
    QString name = label.trimmed();
    name.replace(unsafe, QStringLiteral("-"));
    name.remove(QRegularExpression(QStringLiteral("^[-.]+|[-.]+$")));
    if (name.isEmpty())
        name = QStringLiteral("snapshot");
    return name.left(120) + u'.' + kSuffix;
}

// The local files among urls that hold snapshots (by their suffix or their header).
QStringList snapshotFilesOf(const QMimeData* mime, QStringList* others = nullptr)
{
    QStringList files;
    if (!mime || !mime->hasUrls())
        return files;
    for (const QUrl& url : mime->urls()) {
        if (!url.isLocalFile())
            continue;
        const QString path = url.toLocalFile();
        if (isSnapshotFile(QFile::encodeName(path).toStdString()))
            files << path;
        else if (others)
            *others << path;
    }
    return files;
}

} // namespace

void MainWindow::setUpFiles()
{
    SnapshotListView* list = m_ui->snapshotList;
    list->setSession(m_session);
    // Beside the output, below the candidates (a tab behind the output would come back from the saved
    // layout taller by its tab bar).
    splitDockWidget(m_ui->outputDock, m_ui->snapshotListDock, Qt::Horizontal);

    m_fileProgress = new QProgressBar(this);
    m_fileProgress->setObjectName(QStringLiteral("fileProgress"));
    m_fileProgress->setRange(0, 0); // busy: the file layer says nothing of its progress
    m_fileProgress->setMaximumWidth(120);
    m_fileProgress->hide();
    statusBar()->addPermanentWidget(m_fileProgress);

    connect(m_ui->actionOpen, &QAction::triggered, this, &MainWindow::chooseAndOpen);
    connect(m_ui->actionSave, &QAction::triggered, this, [this] { saveSnapshotAs(m_session->shownIndex()); });
    connect(m_ui->actionClearRecentFiles, &QAction::triggered, this, [this] {
        m_recentFiles.clear();
        recentFilesChanged();
    });
    connect(m_ui->actionCompare, &QAction::triggered, this, &MainWindow::requestCompare);
    connect(m_ui->actionGoToSnapshots, &QAction::triggered, this, [this, list] {
        m_ui->snapshotListDock->show();
        m_ui->snapshotListDock->raise();
        list->setFocus(Qt::ShortcutFocusReason);
        if (!list->currentIndex().isValid() && m_session->shownIndex() >= 0)
            list->setCurrentIndex(list->model()->index(m_session->shownIndex(), 0));
    });
    connect(list, &SnapshotListView::saveRequested, this, &MainWindow::saveSnapshotAs);
    connect(list, &SnapshotListView::closeRequested, this, &MainWindow::closeSnapshots);
    connect(list, &SnapshotListView::compareRequested, this, &MainWindow::compareRequested);

    connect(m_session, &Session::snapshotAdded, this, [this](int index) {
        if (const QString file = m_session->snapshotOrigin(index).file; !file.isEmpty())
            rememberFile(file);
        updateFileActions();
    });
    connect(m_session, &Session::snapshotRemoved, m_history, &NavigationHistory::removeSnapshot);
    connect(m_session, &Session::snapshotRemoved, this, &MainWindow::updateFileActions);
    connect(m_session, &Session::shownSnapshotChanged, this, &MainWindow::updateFileActions);
    connect(m_session, &Session::fileOpening, this, [this](const QString& path, int queued) {
        statusBar()->showMessage(queued > 0
                ? tr("Opening %1… (%2 more to open)").arg(QFileInfo(path).fileName()).arg(queued)
                : tr("Opening %1…").arg(QFileInfo(path).fileName()));
        updateFileProgress();
    });
    connect(m_session, &Session::filesOpened, this, [this](int opened, const QStringList& errors) {
        updateFileProgress();
        statusBar()->showMessage(
            opened == 1 ? tr("Opened 1 snapshot file") : tr("Opened %1 snapshot files").arg(opened), 5000);
        if (errors.isEmpty())
            return;
        const QString intro = errors.size() == 1 ? tr("This file could not be opened:")
                                                 : tr("These %1 files could not be opened:").arg(errors.size());
        const QString rest = opened > 0 ? tr("The other files are open.") : QString();
        showFileMessage(tr("Open Snapshot"), intro + u'\n' + errors.join(u'\n') + u'\n' + rest);
    });
    connect(m_session, &Session::savingChanged, this, [this](const QString& path) {
        if (!path.isEmpty())
            statusBar()->showMessage(tr("Saving %1…").arg(QFileInfo(path).fileName()));
        updateFileProgress();
    });
    connect(m_session, &Session::snapshotSaved, this, [this](int, const QString& path) {
        statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 5000);
        rememberFile(path);
        if (m_closeAfterSaving && !m_session->isSaving() && m_session->unsavedSnapshots().isEmpty()) {
            m_closeAfterSaving = false;
            m_closeConfirmed = true;
            close();
        }
    });
    connect(m_session, &Session::snapshotSaveFailed, this, [this](int, const QString&, const QString& error) {
        m_closeAfterSaving = false; // the window stays: it holds what could not be saved
        statusBar()->clearMessage();
        showFileMessage(tr("Save Snapshot"),
            tr("The snapshot was not saved, and nothing is lost: it is still open.\n%1").arg(error));
    });

    setAcceptDrops(true);
    QSettings settings;
    m_recentFiles.read(settings);
    m_lastFolder = settings.value(kLastFolderKey).toString();
    rebuildRecentFilesMenu();
    updateFileActions();
}

void MainWindow::openSnapshotFiles(const QStringList& paths)
{
    if (!paths.isEmpty()) {
        m_lastFolder = QFileInfo(paths.last()).absolutePath();
        QSettings().setValue(kLastFolderKey, m_lastFolder);
    }
    m_session->openSnapshotFiles(paths);
}

void MainWindow::chooseAndOpen()
{
    QFileDialog dialog(this, tr("Open Snapshot"), m_lastFolder, fileFilter());
    dialog.setObjectName(QStringLiteral("openSnapshotDialog"));
    dialog.setFileMode(QFileDialog::ExistingFiles);
    dialog.setAcceptMode(QFileDialog::AcceptOpen);
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty())
        return;
    openSnapshotFiles(dialog.selectedFiles());
}

bool MainWindow::saveSnapshotAs(int index)
{
    if (index < 0 || index >= m_session->snapshotCount())
        return false;
    // Named after its label in the last folder used; a saved snapshot proposes its own file.
    const QString saved = m_session->snapshotFile(index);
    const QString folder = m_lastFolder.isEmpty() ? QDir::homePath() : m_lastFolder;
    const QString proposed
        = !saved.isEmpty() ? saved : QDir(folder).filePath(fileNameFor(m_session->snapshotLabel(index)));
    QFileDialog dialog(this, tr("Save Snapshot As"), proposed, fileFilter());
    dialog.setObjectName(QStringLiteral("saveSnapshotDialog"));
    dialog.setAcceptMode(QFileDialog::AcceptSave);
    dialog.setFileMode(QFileDialog::AnyFile);
    dialog.setDefaultSuffix(kSuffix);
    dialog.selectFile(proposed);
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty())
        return false;
    const QString path = dialog.selectedFiles().first();
    m_lastFolder = QFileInfo(path).absolutePath();
    QSettings().setValue(kLastFolderKey, m_lastFolder);
    m_session->saveSnapshot(index, path);
    return true;
}

bool MainWindow::saveAll(const QList<int>& indexes)
{
    if (indexes.isEmpty())
        return true;
    if (indexes.size() == 1)
        return saveSnapshotAs(indexes.first());
    const QString folder
        = QFileDialog::getExistingDirectory(this, tr("Save %1 Snapshots in Folder").arg(indexes.size()),
            m_lastFolder.isEmpty() ? QDir::homePath() : m_lastFolder);
    if (folder.isEmpty())
        return false;
    m_lastFolder = folder;
    QSettings().setValue(kLastFolderKey, m_lastFolder);
    // Each named after its label; a name taken (by a file there, or another of these) gets a number.
    QStringList taken;
    for (const int index : indexes) {
        const QString name = fileNameFor(m_session->snapshotLabel(index));
        const QString stem = name.chopped(kSuffix.size() + 1);
        QString path = QDir(folder).filePath(name);
        for (int n = 2; QFileInfo::exists(path) || taken.contains(path); ++n)
            path = QDir(folder).filePath(QStringLiteral("%1-%2.%3").arg(stem).arg(n).arg(kSuffix));
        taken << path;
        m_session->saveSnapshot(index, path);
    }
    return true;
}

void MainWindow::closeSnapshots(const QList<int>& indexes)
{
    QList<int> unsaved;
    for (const int index : indexes) {
        if (index >= 0 && index < m_session->snapshotCount() && !m_session->isSnapshotSaved(index))
            unsaved << index;
    }
    if (!unsaved.isEmpty()) {
        const QString what = unsaved.size() == 1
            ? tr("\"%1\" is not saved: closing it loses it.").arg(m_session->snapshotLabel(unsaved.first()))
            : tr("%1 of these snapshots are not saved: closing them loses them.").arg(unsaved.size());
        QMessageBox box(
            QMessageBox::Question, tr("Close Snapshot"), what, QMessageBox::Discard | QMessageBox::Cancel, this);
        box.setObjectName(QStringLiteral("closeSnapshotQuestion"));
        box.button(QMessageBox::Discard)->setText(tr("Close Without Saving"));
        box.setDefaultButton(QMessageBox::Cancel);
        if (box.exec() != QMessageBox::Discard)
            return;
    }
    // From the last, so that the indexes still to close do not move.
    QList<int> sorted = indexes;
    std::sort(sorted.begin(), sorted.end(), std::greater<int>());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    for (const int index : sorted)
        m_session->closeSnapshot(index);
}

bool MainWindow::confirmClose()
{
    if (m_closeConfirmed)
        return true;
    const QList<int> unsaved = m_session->unsavedSnapshots();
    if (unsaved.isEmpty())
        return true;
    QMessageBox box(QMessageBox::Warning, tr("Quit"),
        unsaved.size() == 1 ? tr("1 snapshot is not saved: quitting loses it.")
                            : tr("%1 snapshots are not saved: quitting loses them.").arg(unsaved.size()),
        QMessageBox::SaveAll | QMessageBox::Discard | QMessageBox::Cancel, this);
    box.setObjectName(QStringLiteral("quitQuestion"));
    box.setInformativeText(tr("Save All… saves them (you choose where), then quits."));
    box.button(QMessageBox::SaveAll)->setText(tr("Save All…"));
    box.button(QMessageBox::Discard)->setText(tr("Discard"));
    box.setDefaultButton(QMessageBox::SaveAll);
    box.setEscapeButton(QMessageBox::Cancel);
    switch (box.exec()) {
    case QMessageBox::Discard: return true;
    case QMessageBox::SaveAll:
        // The saves run off the GUI thread: the window closes once they are done (and stays when one fails).
        m_closeAfterSaving = saveAll(unsaved);
        return false;
    default: return false;
    }
}

void MainWindow::rememberFile(const QString& path)
{
    m_recentFiles.add(path);
    recentFilesChanged();
}

void MainWindow::rebuildRecentFilesMenu()
{
    QMenu* menu = m_ui->menuRecentFiles;
    menu->clear();
    const QStringList& files = m_recentFiles.files();
    for (qsizetype k = 0; k < files.size(); ++k) {
        const QString path = files[k];
        QString text = QDir::toNativeSeparators(path);
        text.replace(u'&', QStringLiteral("&&"));
        QAction* action = menu->addAction(k < 9 ? QStringLiteral("&%1 %2").arg(k + 1).arg(text) : text);
        action->setData(path);
        connect(action, &QAction::triggered, this, [this, path] { openRecentFile(path); });
    }
    menu->addSeparator();
    menu->addAction(m_ui->actionClearRecentFiles);
    m_ui->actionClearRecentFiles->setEnabled(!files.isEmpty());
    menu->setEnabled(!files.isEmpty());
}

void MainWindow::recentFilesChanged()
{
    rebuildRecentFilesMenu();
    // At once: another window or a crash must not lose it. Only on a change, since writing settings
    // syncs them to disk on the GUI thread.
    QSettings settings;
    m_recentFiles.write(settings);
}

void MainWindow::openRecentFile(const QString& path)
{
    if (!QFileInfo(path).isFile()) {
        m_recentFiles.remove(path);
        recentFilesChanged();
        showFileMessage(tr("Open Recent"),
            tr("%1 is not there any more (moved or deleted); it is taken off the recent files.")
                .arg(QDir::toNativeSeparators(path)));
        return;
    }
    openSnapshotFiles({path});
}

void MainWindow::updateFileActions()
{
    const int count = m_session->snapshotCount();
    m_ui->actionSave->setEnabled(m_session->shownIndex() >= 0);
    m_ui->actionCompare->setEnabled(count >= 2);
    m_ui->actionCompare->setToolTip(count >= 2
            ? tr("Compare two snapshots of the session: the two selected in the snapshot list, else the one "
                 "shown with the one before it (Ctrl+Shift+C)")
            : tr("Comparing needs two snapshots: take another, or open one (Ctrl+Shift+C)"));
}

void MainWindow::updateFileProgress()
{
    const bool busy = m_session->isOpeningFiles() || m_session->isSaving();
    m_fileProgress->setVisible(busy);
    if (!busy
        && (statusBar()->currentMessage().startsWith(tr("Saving"))
            || statusBar()->currentMessage().startsWith(tr("Opening"))))
        statusBar()->clearMessage();
}

void MainWindow::requestCompare()
{
    const int count = m_session->snapshotCount();
    if (count < 2)
        return;
    const QList<int> selected = m_ui->snapshotList->selectedSnapshots();
    if (selected.size() == 2) {
        Q_EMIT compareRequested(selected[0], selected[1]);
        return;
    }
    // The snapshot shown against the one before it: what grew since then.
    const int shown = std::max(m_session->shownIndex(), 1);
    Q_EMIT compareRequested(shown - 1, shown);
}

void MainWindow::showFileMessage(const QString& title, const QString& text)
{
    auto* box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("fileMessage"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setTextInteractionFlags(Qt::TextSelectableByMouse);
    box->open();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    const QStringList files = snapshotFilesOf(event->mimeData());
    if (files.isEmpty()) {
        event->ignore();
        return;
    }
    statusBar()->showMessage(files.size() == 1 ? tr("Drop to open %1").arg(QFileInfo(files.first()).fileName())
                                               : tr("Drop to open %1 snapshot files").arg(files.size()),
        5000);
    event->acceptProposedAction();
}

void MainWindow::dragMoveEvent(QDragMoveEvent* event)
{
    if (snapshotFilesOf(event->mimeData()).isEmpty())
        event->ignore();
    else
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    QStringList others;
    const QStringList files = snapshotFilesOf(event->mimeData(), &others);
    if (files.isEmpty()) {
        event->ignore();
        return;
    }
    event->acceptProposedAction();
    openSnapshotFiles(files);
    if (!others.isEmpty())
        statusBar()->showMessage(
            tr("Not snapshot files, left alone: %1").arg(others.join(QStringLiteral(", "))), 10000);
}

} // namespace leakscope
