// Session and snapshot files: opening several in turn, saving one, the saved state of each, and the
// stored snapshots' names, closing and liveness as the views need them.
#include "session.h"

#include "snapshot/snapshot_file.h"
#include "support/background_work.h"

#include <QtCore/QFile>
#include <QtCore/QFileInfo>

#include <algorithm>
#include <exception>
#include <new>
#include <utility>

namespace leakscope {

namespace {

std::string localPath(const QString& path)
{
    return QFile::encodeName(path).toStdString();
}

// The file layer's messages name the file already; anything else it throws gets the name here.
QString errorText(const QString& path, const std::exception& error)
{
    return QStringLiteral("%1: %2").arg(path, QString::fromLocal8Bit(error.what()));
}

} // namespace

// A file loaded and analysed off the GUI thread: the analysis, or why there is none.
struct Session::OpenedFile
{
    AnalyzedSnapshotPtr analyzed;
    QString error;
};

int Session::indexOfId(quint64 id) const
{
    for (std::size_t k = 0; k < m_snapshots.size(); ++k) {
        if (m_snapshots[k].id == id)
            return static_cast<int>(k);
    }
    return -1;
}

void Session::openSnapshotFiles(const QStringList& paths)
{
    for (const QString& path : paths)
        m_openQueue.append(QFileInfo(path).absoluteFilePath());
    if (!m_openingFile)
        openNextFile();
}

void Session::openNextFile()
{
    while (!m_openQueue.isEmpty()) {
        const QString path = m_openQueue.takeFirst();
        // A file open already is shown rather than opened twice, as an editor does.
        int open = -1;
        for (int k = 0; k < snapshotCount() && open < 0; ++k) {
            const StoredSnapshot& stored = m_snapshots[static_cast<std::size_t>(k)];
            if (stored.saved && stored.file == path)
                open = k;
        }
        if (open >= 0) {
            ++m_filesOpened;
            showSnapshot(open);
            continue;
        }
        m_openingFile = true;
        Q_EMIT fileOpening(path, static_cast<int>(m_openQueue.size()));
        // Loading validates the whole file and the analysis is O(N + E): both off the GUI thread.
        runInBackground(
            this,
            [path, rules = m_rules] {
                OpenedFile opened;
                try {
                    opened.analyzed = analyzeWithDominators(loadSnapshotFile(localPath(path)), rules);
                } catch (const SnapshotFileError& error) {
                    opened.error = QString::fromLocal8Bit(error.what());
                } catch (const std::bad_alloc&) {
                    opened.error = tr("%1: not enough memory to open it").arg(path);
                } catch (const std::exception& error) {
                    opened.error = errorText(path, error);
                }
                if (!opened.analyzed && opened.error.isEmpty())
                    opened.error = tr("%1: the file holds no snapshot").arg(path);
                return opened;
            },
            [this, path](OpenedFile opened) { onFileOpened(path, std::move(opened)); });
        return;
    }
    m_openingFile = false;
    const int opened = std::exchange(m_filesOpened, 0);
    const QStringList errors = std::exchange(m_openErrors, {});
    Q_EMIT filesOpened(opened, errors);
}

void Session::onFileOpened(const QString& path, OpenedFile opened)
{
    if (opened.analyzed) {
        ++m_filesOpened;
        const SnapshotInfo& info = opened.analyzed->snapshot().info();
        const QString label = info.label.empty() ? QFileInfo(path).fileName() : QString::fromStdString(info.label);
        addSnapshot(label, 0, info.pid, std::move(opened.analyzed), path);
    } else {
        m_openErrors.append(opened.error);
        Q_EMIT fileOpenFailed(path, opened.error);
    }
    openNextFile();
}

void Session::saveSnapshot(int index, const QString& given)
{
    const AnalyzedSnapshotPtr analyzed = analyzedSnapshot(index);
    if (!analyzed)
        return;
    const QString path = QFileInfo(given).absoluteFilePath();
    const StoredSnapshot& stored = m_snapshots[static_cast<std::size_t>(index)];
    const quint64 id = stored.id;
    // A renamed snapshot's file carries its new label; else the snapshot's own label is kept.
    SnapshotSaveOptions options;
    if (stored.renamed)
        options.label = stored.label.toStdString();
    ++m_savesUnderway;
    Q_EMIT savingChanged(path);
    // Compressing and writing a large heap takes a while: off the GUI thread, holding the snapshot.
    runInBackground(
        this,
        [snapshot = analyzed->snapshotPtr(), path, options] {
            try {
                saveSnapshotFile(*snapshot, localPath(path), options);
                return QString();
            } catch (const SnapshotFileError& error) {
                return QString::fromLocal8Bit(error.what());
            } catch (const std::bad_alloc&) {
                return tr("%1: not enough memory to save it").arg(path);
            } catch (const std::exception& error) {
                return errorText(path, error);
            }
        },
        [this, id, path](const QString& error) {
            --m_savesUnderway;
            const int index = indexOfId(id);
            if (!error.isEmpty()) {
                Q_EMIT snapshotSaveFailed(index, path, error);
            } else {
                for (int k = 0; k < snapshotCount(); ++k) {
                    StoredSnapshot& stored = m_snapshots[static_cast<std::size_t>(k)];
                    if (k == index) {
                        stored.file = path;
                        stored.saved = true;
                    } else if (stored.file == path) {
                        // Its file holds another snapshot now: it is in no file any more.
                        stored.file.clear();
                        stored.saved = false;
                    } else {
                        continue;
                    }
                    Q_EMIT snapshotChanged(k);
                }
                Q_EMIT snapshotSaved(index, path);
            }
            if (m_savesUnderway == 0)
                Q_EMIT savingChanged({});
        });
}

QString Session::snapshotFile(int index) const
{
    return index >= 0 && index < snapshotCount() ? m_snapshots[static_cast<std::size_t>(index)].file : QString();
}

bool Session::isSnapshotSaved(int index) const
{
    return index >= 0 && index < snapshotCount() && m_snapshots[static_cast<std::size_t>(index)].saved;
}

QList<int> Session::unsavedSnapshots() const
{
    QList<int> unsaved;
    for (int k = 0; k < snapshotCount(); ++k) {
        if (!m_snapshots[static_cast<std::size_t>(k)].saved)
            unsaved.append(k);
    }
    return unsaved;
}

void Session::renameSnapshot(int index, const QString& label)
{
    const QString name = label.simplified();
    if (index < 0 || index >= snapshotCount() || name.isEmpty())
        return;
    StoredSnapshot& stored = m_snapshots[static_cast<std::size_t>(index)];
    if (stored.label == name)
        return;
    stored.label = name;
    stored.renamed = true;
    Q_EMIT snapshotChanged(index);
}

void Session::closeSnapshot(int index)
{
    if (index < 0 || index >= snapshotCount())
        return;
    const bool wasShown = index == m_shownIndex;
    m_snapshots.erase(m_snapshots.begin() + index);
    if (m_shownIndex > index)
        --m_shownIndex; // the same snapshot, one place up
    else if (wasShown)
        m_shownIndex = -1;
    Q_EMIT snapshotRemoved(index);
    if (!wasShown)
        return;
    if (m_snapshots.empty()) {
        Q_EMIT shownSnapshotChanged(-1, false);
        return;
    }
    // The one that took its place, as a closed tab gives way to its neighbour.
    showSnapshot(std::min(index, snapshotCount() - 1));
}

QString Session::whyNotLive(int index) const
{
    if (index < 0 || index >= snapshotCount() || isFromCurrentTarget(index))
        return {};
    const StoredSnapshot& stored = m_snapshots[static_cast<std::size_t>(index)];
    if (stored.run == 0)
        return tr("A snapshot opened from a file has no live process: there is no live object to ask about.");
    if (stored.run < runCount())
        return tr("This snapshot comes from an earlier run: its process is gone.");
    return tr("The interpreter that took this snapshot is gone: there is no live object to ask about.");
}

} // namespace leakscope
