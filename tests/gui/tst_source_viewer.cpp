// The source viewer: what readSourceExcerpt() takes of small, big, missing, binary and odd files, and
// the dialog showing a line (numbers as in the file, the line highlighted), a file it cannot read, and
// a second location asked for before the first one is read.
#include "gui/source_view.h"
#include "gui/source_viewer_dialog.h"

#include <QtCore/QTemporaryDir>
#include <QtCore/QThreadPool>
#include <QtTest/QtTest>

using namespace leakscope;

namespace {

void writeFile(const QString& path, const QByteArray& text)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(text), text.size());
}

// "line 1\nline 2\n…" up to count lines, each padded to width bytes.
QByteArray numberedLines(int count, int width = 0)
{
    QByteArray text;
    for (int line = 1; line <= count; ++line) {
        QByteArray one = "line " + QByteArray::number(line);
        if (one.size() < width)
            one += QByteArray(width - one.size(), '.');
        text += one + '\n';
    }
    return text;
}

} // namespace

class TestSourceViewer : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_folder;

    QString path(const char* name) const { return m_folder.filePath(QString::fromLatin1(name)); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_folder.isValid()); }

    void smallFileWhole()
    {
        writeFile(path("small.py"), "a = 1\n\nb = 2\r\nc = 'é'\n");
        const SourceExcerpt excerpt = readSourceExcerpt(path("small.py"), 3);
        QVERIFY2(excerpt.error.isEmpty(), qPrintable(excerpt.error));
        QCOMPARE(excerpt.text, QStringLiteral("a = 1\n\nb = 2\nc = 'é'"));
        QCOMPARE(excerpt.firstLine, 1);
        QVERIFY(excerpt.wholeFile);
        QVERIFY(excerpt.lineShown);
        QCOMPARE(excerpt.fileLines, 4);

        const SourceExcerpt past = readSourceExcerpt(path("small.py"), 9);
        QVERIFY(!past.lineShown);
        QCOMPARE(past.fileLines, 4);
        QCOMPARE(past.text, excerpt.text);
    }

    // A file past the whole-file limit: only the lines around the one asked for, numbered as in the file.
    void bigFileAroundTheLine()
    {
        const int lines = 200000;
        writeFile(path("big.py"), numberedLines(lines, 40));
        QVERIFY(QFileInfo(path("big.py")).size() > kMaxWholeSourceBytes);
        const SourceExcerpt excerpt = readSourceExcerpt(path("big.py"), 150000);
        QVERIFY2(excerpt.error.isEmpty(), qPrintable(excerpt.error));
        QVERIFY(!excerpt.wholeFile);
        QVERIFY(excerpt.lineShown);
        QCOMPARE(excerpt.firstLine, 150000 - kSourceContextLines);
        const QStringList shown = excerpt.text.split(u'\n');
        QCOMPARE(shown.size(), 2 * kSourceContextLines + 1);
        QVERIFY(shown.at(150000 - excerpt.firstLine).startsWith(QStringLiteral("line 150000.")));
        QCOMPARE(excerpt.fileLines, -1); // not read to the end

        // Near the start, and past the end (its last lines are shown).
        const SourceExcerpt start = readSourceExcerpt(path("big.py"), 3);
        QCOMPARE(start.firstLine, 1);
        QCOMPARE(start.text.split(u'\n').size(), 3 + kSourceContextLines);
        const SourceExcerpt past = readSourceExcerpt(path("big.py"), lines + 50);
        QVERIFY(!past.lineShown);
        QCOMPARE(past.fileLines, lines);
        QVERIFY(past.text.endsWith(QStringLiteral("line 200000.") + QString(40 - 12, u'.')));
    }

    void longLinesAreCut()
    {
        QByteArray text = "short\n" + QByteArray(kMaxSourceLineBytes - 1, 'x') + "é" + QByteArray(5000, 'y') + "\nend\n";
        writeFile(path("long.py"), text);
        const SourceExcerpt excerpt = readSourceExcerpt(path("long.py"), 2);
        const QStringList shown = excerpt.text.split(u'\n');
        QCOMPARE(shown.size(), 3);
        // Cut before the two-byte character that straddles the limit, never inside it.
        QCOMPARE(shown.at(1), QString(kMaxSourceLineBytes - 1, u'x') + QChar(0x2026));
        QCOMPARE(shown.at(2), QStringLiteral("end"));
    }

    void unreadableFiles()
    {
        QVERIFY(readSourceExcerpt(path("missing.py"), 1).error.contains(QStringLiteral("does not exist")));
        QVERIFY(readSourceExcerpt(m_folder.path(), 1).error.contains(QStringLiteral("is not a file")));
        writeFile(path("binary.so"), QByteArray("\x7f" "ELF\x02\x01\x01\x00\x00\x00", 10));
        QVERIFY(readSourceExcerpt(path("binary.so"), 1).error.contains(QStringLiteral("is not a text file")));
        writeFile(path("locked.py"), "secret\n");
        QFile::setPermissions(path("locked.py"), QFileDevice::Permissions());
        QFile probe(path("locked.py"));
        if (probe.open(QIODevice::ReadOnly))
            QSKIP("running with permissions that read any file");
        QVERIFY(readSourceExcerpt(path("locked.py"), 1).error.contains(QStringLiteral("cannot be read")));
    }

    void cancelled()
    {
        writeFile(path("cancel.py"), numberedLines(5000));
        const std::atomic<bool> stop{true};
        const SourceExcerpt excerpt = readSourceExcerpt(path("cancel.py"), 10, kMaxWholeSourceBytes, &stop);
        QVERIFY(excerpt.text.isEmpty());
    }

    void dialogShowsTheLine()
    {
        writeFile(path("view.py"), numberedLines(300));
        SourceViewerDialog dialog;
        dialog.show();
        dialog.showLocation(path("view.py"), 123);
        QVERIFY(dialog.isLoading());
        QTRY_VERIFY(!dialog.isLoading());
        SourceView* view = dialog.view();
        QCOMPARE(view->highlightedLine(), 123);
        QCOMPARE(view->lineText(123), QStringLiteral("line 123"));
        QCOMPARE(view->textCursor().blockNumber() + 1, 123);
        QCOMPARE(view->extraSelections().size(), 1);
        QVERIFY(view->isReadOnly());
        QVERIFY(dialog.message().isEmpty());
        QCOMPARE(dialog.windowTitle(), QStringLiteral("view.py:123 — Source"));
        // The line is in view.
        const QRect line = view->cursorRect();
        QVERIFY(view->viewport()->rect().contains(line.center()));

        // Past the end: the file, nothing highlighted, and why.
        dialog.showLocation(path("view.py"), 999);
        QTRY_VERIFY(!dialog.isLoading());
        QCOMPARE(view->highlightedLine(), 0);
        QVERIFY2(dialog.message().contains(QStringLiteral("past the end of the file, which has 300 lines")),
                 qPrintable(dialog.message()));

        // A file that cannot be read: an empty view and the reason.
        dialog.showLocation(path("missing.py"), 1);
        QTRY_VERIFY(!dialog.isLoading());
        QCOMPARE(view->toPlainText(), QString());
        QVERIFY(dialog.message().contains(QStringLiteral("does not exist")));
    }

    // A big file shown from the middle: numbered as in the file, and the note says which lines.
    void dialogOnABigFile()
    {
        writeFile(path("huge.py"), numberedLines(100000, 30));
        SourceViewerDialog dialog;
        dialog.show();
        dialog.showLocation(path("huge.py"), 50000);
        QTRY_VERIFY(!dialog.isLoading());
        QCOMPARE(dialog.view()->firstLine(), 50000 - kSourceContextLines);
        QCOMPARE(dialog.view()->highlightedLine(), 50000);
        QVERIFY(dialog.view()->lineText(50000).startsWith(QStringLiteral("line 50000.")));
        QCOMPARE(dialog.view()->lineText(10), QString()); // not loaded
        QCOMPARE(dialog.message(), QStringLiteral("A large file: lines 49000 to 51000 are shown."));
    }

    // Only the last location asked for is shown, whatever order the reads finish in.
    void latestLocationWins()
    {
        writeFile(path("first.py"), numberedLines(20000, 60));
        writeFile(path("second.py"), numberedLines(10));
        SourceViewerDialog dialog;
        dialog.showLocation(path("first.py"), 19000);
        dialog.showLocation(path("second.py"), 4);
        QTRY_VERIFY(!dialog.isLoading());
        // Every read started has ended and posted its answer; deliver them all, the stale one included.
        QThreadPool::globalInstance()->waitForDone();
        QCoreApplication::sendPostedEvents();
        QCOMPARE(dialog.location().file, path("second.py"));
        QCOMPARE(dialog.view()->highlightedLine(), 4);
        QCOMPARE(dialog.view()->lineText(4), QStringLiteral("line 4"));
        QCOMPARE(dialog.view()->blockCount(), 10);
    }
};

QTEST_MAIN(TestSourceViewer)
#include "tst_source_viewer.moc"
