// The window's exports: File ▸ Export Report… (JSON and CSV, with the ignore rules the window applies),
// Export Table as CSV… (the candidates after a filter, a sort, a hidden and a moved column; the Types
// table from the File menu while it has the focus), Export Graph Around Object… (DOT; SVG when Graphviz's
// dot is installed), and a file that cannot be written: an error, nothing written.
#include "gui_test_support.h"

#include "gui/candidates_view.h"
#include "gui/filter_bar.h"
#include "gui/graph_export_dialog.h"
#include "models/candidates_filter_proxy.h"
#include "models/item_roles.h"
#include "session/session.h"

#include <QtCore/QDir>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTimer>
#include <QtCore/QXmlStreamReader>
#include <QtTest/QtTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QMenu>
#include <QtWidgets/QMessageBox>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QTableView>
#include <QtWidgets/QTreeView>

using namespace leakscope;
using namespace leakscope::guitest;

namespace {

constexpr int kTimeoutMs = 20000;

const std::string kLongRepr = "Leak(" + std::string(300, 'x') + ")";

// Six suspects of pkg.Leak (sizes apart, one repr with a comma and quotes, one longer than the table
// shows), one pkg.Ignored candidate the rules file ignores, and a list (explained) holding two items.
test::GraphSpec heap()
{
    test::GraphSpec spec;
    const std::uint64_t sizes[] = {48, 1200, 3000, 64, 2048, 100};
    for (int k = 0; k < 6; ++k)
        spec.objects.push_back({.type = "pkg.Leak", .size = sizes[k]});
    spec.objects[1].repr = "Leak(\"a,b\")";
    spec.objects[2].repr = kLongRepr;
    spec.objects.push_back({.type = "pkg.Ignored", .size = 40}); // 6
    spec.objects.push_back({.type = "builtins.list", .size = 88, .edges = {8, 9}}); // 7
    spec.objects.push_back({.type = "pkg.Item", .size = 32});
    spec.objects.push_back({.type = "pkg.Item", .size = 32});
    spec.explanations = {{7, "interpreter-root", "a module's list"}};
    return spec;
}

// RFC 4180: fields split at commas outside quotes, lines at CRLF outside quotes; with lf, at LF as the
// command line's CSV report ends its lines.
QList<QStringList> parseCsv(const QString& text, bool* wellFormed, bool lf = false)
{
    QList<QStringList> lines;
    QStringList fields;
    QString field;
    bool quoted = false;
    bool ok = true;
    for (qsizetype k = 0; k < text.size(); ++k) {
        const QChar c = text[k];
        if (quoted) {
            if (c == u'"' && k + 1 < text.size() && text[k + 1] == u'"') {
                field += u'"';
                ++k;
            } else if (c == u'"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == u'"') {
            ok = ok && field.isEmpty();
            quoted = true;
        } else if (c == u',') {
            fields << field;
            field.clear();
        } else if (lf ? c == u'\n' : c == u'\r' && k + 1 < text.size() && text[k + 1] == u'\n') {
            fields << field;
            field.clear();
            lines << fields;
            fields.clear();
            if (!lf)
                ++k;
        } else {
            ok = ok && c != u'\n' && c != u'\r'; // a bare line end
            field += c;
        }
    }
    ok = ok && !quoted && field.isEmpty() && fields.isEmpty(); // the last line ends in CRLF
    if (wellFormed)
        *wellFormed = ok;
    return lines;
}

// Answers the dialogs an export opens, as a user would: the graph's options (depth), then the file
// dialog, with nameFilter chosen in its type box (when given) and path typed as the name.
class DialogAnswers : public QObject
{
public:
    DialogAnswers(QString path, QString nameFilter = {}, int depth = -1)
        : m_path(std::move(path))
        , m_filter(std::move(nameFilter))
        , m_depth(depth)
    {
        m_timer.setInterval(20);
        connect(&m_timer, &QTimer::timeout, this, &DialogAnswers::answer);
        m_timer.start();
    }

    QString proposed; // the name the file dialog proposed
    QStringList filters; // its name filters
    QString dialogName; // its objectName
    bool answered = false;

private:
    void answer()
    {
        QWidget* modal = QApplication::activeModalWidget();
        if (auto* options = qobject_cast<GraphExportDialog*>(modal)) {
            if (m_depth >= 0)
                options->depthBox()->setValue(m_depth);
            options->accept();
            return;
        }
        auto* dialog = qobject_cast<QFileDialog*>(modal);
        if (!dialog)
            return;
        proposed = dialog->selectedFiles().value(0);
        filters = dialog->nameFilters();
        dialogName = dialog->objectName();
        if (!m_filter.isEmpty()) {
            auto* types = dialog->findChild<QComboBox*>(QStringLiteral("fileTypeCombo"));
            QVERIFY(types);
            const int at = types->findText(m_filter);
            QVERIFY2(at >= 0, qPrintable(m_filter));
            types->setCurrentIndex(at);
            // As a user's choice arrives: the dialog's default suffix follows.
            Q_EMIT types->activated(at);
            Q_EMIT types->textActivated(types->itemText(at));
        }
        auto* name = dialog->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"));
        QVERIFY(name);
        name->setText(m_path);
        dialog->QDialog::accept(); // QFileDialog::accept() would refuse a missing folder, open a folder's name
        answered = true;
        m_timer.stop();
    }

    QString m_path;
    QString m_filter;
    int m_depth;
    QTimer m_timer;
};

// Triggers action, answers its dialogs and waits for the export to end; the error it ended with.
std::optional<QString> exportWith(MainWindow& window, QAction* action, DialogAnswers& answers)
{
    QSignalSpy finished(&window, &MainWindow::exportFinished);
    action->trigger();
    if (!answers.answered || (finished.isEmpty() && !finished.wait(kTimeoutMs)))
        return std::nullopt;
    return finished.first().at(1).toString();
}

QMessageBox* fileMessage(const MainWindow& window)
{
    for (QMessageBox* box : window.findChildren<QMessageBox*>(QStringLiteral("fileMessage"))) {
        if (box->isVisible())
            return box;
    }
    return nullptr;
}

QAction* childAction(const QWidget& widget, const char* name)
{
    return widget.findChild<QAction*>(QString::fromLatin1(name));
}

int columnTitled(const QAbstractItemModel& model, const QString& title)
{
    for (int column = 0; column < model.columnCount(); ++column) {
        if (model.headerData(column, Qt::Horizontal).toString() == title)
            return column;
    }
    return -1;
}

} // namespace

class TestWindowExports : public QObject
{
    Q_OBJECT

    QTemporaryDir m_config;
    QTemporaryDir m_files;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_config.isValid() && m_files.isValid());
        isolateSettings(m_config, QStringLiteral("LeakScopeWindowExportsTest"));
        QVERIFY(writeFile(m_config.filePath(QStringLiteral("leakscope/ignore-rules")), "type pkg.Ignored\n"));
    }

    void init()
    {
        // No format or folder remembered from a test before (or a run before: test-mode settings stay).
        QSettings settings;
        settings.remove(QStringLiteral("export"));
        settings.remove(QStringLiteral("files"));
    }

    void reportIsOnlyForASnapshotShown()
    {
        MainWindow window;
        window.show();
        QAction* report = action(window, "actionExport");
        QCOMPARE(report->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_E));
        QVERIFY(!report->isEnabled());
        QVERIFY(!action(window, "actionExportGraph")->isEnabled());
        QVERIFY(runFake(window, heap()));
        QVERIFY(report->isEnabled());
        QVERIFY(action(window, "actionExportGraph")->isEnabled()); // the first suspect is current
        QVERIFY(action(window, "actionExportTable")->isEnabled());
    }

    void reportAsJsonWithTheWindowsRules()
    {
        MainWindow window;
        window.show();
        QVERIFY(runFake(window, heap()));
        const QString path = m_files.filePath(QStringLiteral("report.json"));
        DialogAnswers answers(path);
        const std::optional<QString> error = exportWith(window, action(window, "actionExport"), answers);
        QVERIFY(error);
        QVERIFY2(error->isEmpty(), qPrintable(*error));
        QCOMPARE(answers.dialogName, QStringLiteral("exportReportDialog"));
        // Named after the snapshot's label; every format offered, HTML first (the default).
        QVERIFY2(answers.proposed.endsWith(QStringLiteral("/end-of-script.html")), qPrintable(answers.proposed));
        QCOMPARE(answers.filters.size(), 4);

        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(readFile(path).toUtf8(), &parseError);
        QVERIFY2(parseError.error == QJsonParseError::NoError, qPrintable(parseError.errorString()));
        const QJsonObject report = document.object();
        QCOMPARE(report.value(QStringLiteral("format")).toString(), QStringLiteral("leakscope-report"));
        const QJsonObject summary = report.value(QStringLiteral("summary")).toObject();
        const HeapAnalysis& analysis = window.session()->shownSnapshot()->analysis();
        QCOMPARE(summary.value(QStringLiteral("candidates")).toInteger(), 8);
        QCOMPARE(summary.value(QStringLiteral("suspects")).toInteger(), 6);
        QCOMPARE(summary.value(QStringLiteral("suspects")).toInteger(), qint64(analysis.suspectCount()));
        QCOMPARE(summary.value(QStringLiteral("ignored")).toInteger(), 1); // the window's rules applied
        const QJsonArray candidates = report.value(QStringLiteral("candidates")).toArray();
        QCOMPARE(candidates.size(), 8);
        bool sawIgnored = false;
        for (const QJsonValue& value : candidates) {
            const QJsonObject candidate = value.toObject();
            QVERIFY(candidate.contains(QStringLiteral("retained_size")));
            if (candidate.value(QStringLiteral("type")).toString() == QStringLiteral("pkg.Ignored")) {
                sawIgnored = true;
                QVERIFY(!candidate.value(QStringLiteral("suspect")).toBool());
                QVERIFY(candidate.value(QStringLiteral("ignored_by")).isObject());
            }
            if (candidate.value(QStringLiteral("type")).toString() == QStringLiteral("builtins.list"))
                QCOMPARE(candidate.value(QStringLiteral("retained_size")).toInteger(), 88 + 32 + 32);
        }
        QVERIFY(sawIgnored);
        QTRY_VERIFY(!part<QWidget>(window, "exportProgress")->isVisible());
    }

    void reportAsHtmlAndMarkdown()
    {
        MainWindow window;
        window.show();
        QVERIFY(runFake(window, heap()));
        const QString html = m_files.filePath(QStringLiteral("report.html"));
        DialogAnswers answers(html);
        std::optional<QString> error = exportWith(window, action(window, "actionExport"), answers);
        QVERIFY(error);
        QVERIFY2(error->isEmpty(), qPrintable(*error));
        // Well-formed (the page is XML too), titled after the snapshot, naming the suspects' type.
        QXmlStreamReader reader(readFile(html));
        QString title;
        int elements = 0;
        while (!reader.atEnd()) {
            reader.readNext();
            if (reader.isStartElement()) {
                ++elements;
                if (reader.name() == QLatin1String("title"))
                    title = reader.readElementText();
            }
        }
        QVERIFY2(!reader.hasError(), qPrintable(reader.errorString()));
        QVERIFY(elements > 10);
        QVERIFY2(
            title.startsWith(QStringLiteral("LeakScope report: ")) && title.contains(QStringLiteral("end of script")),
            qPrintable(title));
        QVERIFY(readFile(html).contains(QStringLiteral("pkg.Leak")));

        const QString markdown = m_files.filePath(QStringLiteral("report.md"));
        DialogAnswers more(markdown);
        error = exportWith(window, action(window, "actionExport"), more);
        QVERIFY(error);
        QVERIFY2(error->isEmpty(), qPrintable(*error));
        const QString text = readFile(markdown);
        QVERIFY2(text.startsWith(QStringLiteral("# LeakScope report: ")), qPrintable(text.left(100)));
        QVERIFY(text.contains(QStringLiteral("pkg.Leak")));
        QVERIFY(text.contains(QStringLiteral("\n| ")) || text.contains(QStringLiteral("\n|"))); // its tables
    }

    void reportAsCsvByTheFilterChosen()
    {
        MainWindow window;
        window.show();
        QVERIFY(runFake(window, heap()));
        // No extension typed: the format, and the suffix, of the name filter chosen.
        DialogAnswers answers(
            m_files.filePath(QStringLiteral("by-filter")), QStringLiteral("CSV, one row per candidate (*.csv)"));
        const std::optional<QString> error = exportWith(window, action(window, "actionExport"), answers);
        QVERIFY(error);
        QVERIFY2(error->isEmpty(), qPrintable(*error));
        const QString path = m_files.filePath(QStringLiteral("by-filter.csv"));
        QVERIFY(QFile::exists(path));
        bool wellFormed = false;
        const QList<QStringList> lines = parseCsv(readFile(path), &wellFormed, true);
        QVERIFY(wellFormed);
        QCOMPARE(lines.size(), 1 + 8);
        QCOMPARE(lines[0].value(0), QStringLiteral("address"));
        QCOMPARE(lines[0].value(lines[0].size() - 2), QStringLiteral("retained_size"));
        QCOMPARE(lines[0].last(), QStringLiteral("created_by"));
        for (const QStringList& line : lines)
            QCOMPARE(line.size(), lines[0].size());
        // The next export proposes the format chosen last.
        DialogAnswers again(m_files.filePath(QStringLiteral("again.csv")));
        QVERIFY(exportWith(window, action(window, "actionExport"), again));
        QVERIFY2(again.proposed.endsWith(QStringLiteral(".csv")), qPrintable(again.proposed));
    }

    void candidatesTableAsTheViewShowsIt()
    {
        MainWindow window;
        window.show();
        QVERIFY(runFake(window, heap()));
        auto* view = part<CandidatesView>(window, "candidatesView");
        QAbstractItemModel* model = view->model();
        filterBar(window)->setShowExplained(true);
        QTRY_COMPARE(model->rowCount(), 8);
        // Filtered, sorted by size ascending, Library hidden, Repr moved first.
        view->proxy()->setFilterText(QStringLiteral("pkg.Leak"));
        QTRY_COMPARE(model->rowCount(), 6);
        const int size = columnTitled(*model, QStringLiteral("Size"));
        const int repr = columnTitled(*model, QStringLiteral("Repr"));
        const int library = columnTitled(*model, QStringLiteral("Library"));
        QVERIFY(size >= 0 && repr >= 0 && library >= 0);
        view->sortByColumn(size, Qt::AscendingOrder);
        view->setColumnHidden(library, true);
        QHeaderView* header = view->horizontalHeader();
        header->moveSection(header->visualIndex(repr), 0);

        const QString path = m_files.filePath(QStringLiteral("candidates.csv"));
        DialogAnswers answers(path);
        QAction* exportAction = childAction(*view, "exportTableCsv");
        QVERIFY(exportAction);
        QVERIFY(view->contextActions().contains(exportAction));
        const std::optional<QString> error = exportWith(window, exportAction, answers);
        QVERIFY(error);
        QVERIFY2(error->isEmpty(), qPrintable(*error));
        QCOMPARE(answers.dialogName, QStringLiteral("exportTableDialog"));
        QVERIFY2(
            answers.proposed.endsWith(QStringLiteral("/end-of-script-candidates.csv")), qPrintable(answers.proposed));

        bool wellFormed = false;
        const QList<QStringList> lines = parseCsv(readFile(path), &wellFormed);
        QVERIFY(wellFormed);
        QCOMPARE(lines.size(), 1 + 6);
        // The header's visible columns in visual order.
        QStringList titles;
        QList<int> columns;
        for (int visual = 0; visual < header->count(); ++visual) {
            const int logical = header->logicalIndex(visual);
            if (!header->isSectionHidden(logical)) {
                titles << model->headerData(logical, Qt::Horizontal).toString();
                columns << logical;
            }
        }
        QCOMPARE(lines[0], titles);
        QCOMPARE(lines[0].first(), QStringLiteral("Repr"));
        QVERIFY(!lines[0].contains(QStringLiteral("Library")));
        // Each row as the view shows it, in its order; numbers without separators, reprs whole.
        const QLocale locale;
        for (int row = 0; row < 6; ++row) {
            for (qsizetype k = 0; k < columns.size(); ++k) {
                const QModelIndex cell = model->index(row, columns[k]);
                const QString shown = cell.data().toString();
                const QString written = lines[row + 1].value(k);
                bool isNumber = false;
                const qlonglong number = locale.toLongLong(shown, &isNumber);
                if (isNumber)
                    QCOMPARE(written, QString::number(number));
                else if (shown.endsWith(u'…'))
                    QVERIFY2(
                        written.startsWith(shown.chopped(1)) && written.size() > shown.size(), qPrintable(written));
                else
                    QCOMPARE(written, shown);
            }
        }
        const int sizeAt = static_cast<int>(lines[0].indexOf(QStringLiteral("Size")));
        QStringList sizes;
        for (int row = 1; row <= 6; ++row)
            sizes << lines[row].value(sizeAt);
        QCOMPARE(sizes.join(u' '), QStringLiteral("48 64 100 1200 2048 3000"));
        QCOMPARE(lines[4].first(), QStringLiteral("Leak(\"a,b\")")); // 1200: quoted and read back
        QCOMPARE(lines[6].first(), QString::fromStdString(kLongRepr)); // 3000: whole, not as cut on screen
        QVERIFY(readFile(path).contains(QStringLiteral("\"Leak(\"\"a,b\"\")\"")));
    }

    void tableWithTheFocusFromTheFileMenu()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(runFake(window, heap()));
        QAction* exportTable = action(window, "actionExportTable");
        QCOMPARE(exportTable->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
        QTableView* types = typesView(window);
        window.activateWindow();
        types->setFocus(Qt::OtherFocusReason);
        QTRY_VERIFY2(exportTable->text().contains(QStringLiteral("Types")), qPrintable(exportTable->text()));
        const QString path = m_files.filePath(QStringLiteral("types.csv"));
        DialogAnswers answers(path);
        const std::optional<QString> error = exportWith(window, exportTable, answers);
        QVERIFY(error);
        QVERIFY2(error->isEmpty(), qPrintable(*error));
        bool wellFormed = false;
        const QList<QStringList> lines = parseCsv(readFile(path), &wellFormed);
        QVERIFY(wellFormed);
        QAbstractItemModel* model = types->model();
        QCOMPARE(lines.size(), 1 + model->rowCount());
        const int typeColumn = static_cast<int>(lines[0].indexOf(QStringLiteral("Type")));
        QVERIFY(typeColumn >= 0);
        for (int row = 0; row < model->rowCount(); ++row)
            QCOMPARE(lines[row + 1].value(typeColumn),
                model->index(row, columnTitled(*model, QStringLiteral("Type"))).data().toString());

        // Every other table of the window offers it in its context menu.
        for (const char* name : {"typesView", "explanationsView", "librariesView", "compareTypes", "compareNewSuspects",
                 "compareSurplusGrowth", "growthTree", "snapshotChartTypes"}) {
            auto* table = part<QAbstractItemView>(window, name);
            QCOMPARE(table->contextMenuPolicy(), Qt::ActionsContextMenu);
            QAction* offered = childAction(*table, "exportTableCsv");
            QVERIFY2(offered && table->actions().contains(offered), name);
        }
        // Focus in another table: the File menu's action follows.
        window.activateWindow();
        QTRY_VERIFY(window.isActiveWindow());
        action(window, "actionShowLibraries")->trigger();
        librariesView(window)->setFocus(Qt::OtherFocusReason);
        QTRY_VERIFY2(exportTable->text().contains(QStringLiteral("Libraries")), qPrintable(exportTable->text()));
    }

    void graphAroundTheCurrentObjectAsDot()
    {
        MainWindow window;
        window.show();
        QVERIFY(runFake(window, heap()));
        // The list: its items are referents at depth 1.
        auto* view = part<CandidatesView>(window, "candidatesView");
        filterBar(window)->setShowExplained(true);
        QTRY_VERIFY(view->selectObject(7));
        const QString path = m_files.filePath(QStringLiteral("graph.dot"));
        DialogAnswers answers(path, QStringLiteral("Graphviz DOT (*.dot *.gv)"), 1);
        const std::optional<QString> error = exportWith(window, childAction(*view, "exportGraphOfRow"), answers);
        QVERIFY(error);
        QVERIFY2(error->isEmpty(), qPrintable(*error));
        QCOMPARE(answers.dialogName, QStringLiteral("exportGraphDialog"));
        const QString dot = readFile(path);
        QVERIFY2(dot.startsWith(QStringLiteral("digraph")), qPrintable(dot.left(200)));
        const Snapshot& snapshot = window.session()->shownSnapshot()->snapshot();
        for (ObjectIndex object : {7u, 8u, 9u}) {
            const QString address = QStringLiteral("0x%1").arg(snapshot.address(object), 0, 16);
            QVERIFY2(dot.contains(address), qPrintable(address));
        }
        QVERIFY(!dot.contains(QStringLiteral("0x%1").arg(snapshot.address(0), 0, 16))); // not within depth 1
        QVERIFY(QStandardPaths::findExecutable(QStringLiteral("dot")).isEmpty() || answers.filters.size() == 2);
        // The trees offer it for their nodes.
        QVERIFY(childAction(*referentsView(window), "exportGraphOfNode"));
        QVERIFY(childAction(*referrersView(window), "exportGraphOfNode"));
    }

    void graphAsSvgWhenGraphvizIsThere()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("dot")).isEmpty())
            QSKIP("Graphviz's dot is not on PATH: the window offers DOT only");
        MainWindow window;
        window.show();
        QVERIFY(runFake(window, heap()));
        const QString path = m_files.filePath(QStringLiteral("graph.svg"));
        DialogAnswers answers(path);
        const std::optional<QString> error = exportWith(window, action(window, "actionExportGraph"), answers);
        QVERIFY(error);
        QVERIFY2(error->isEmpty(), qPrintable(*error));
        QVERIFY2(answers.proposed.endsWith(QStringLiteral(".svg")), qPrintable(answers.proposed));
        const QString svg = readFile(path);
        const qsizetype start = svg.indexOf(QStringLiteral("<svg"));
        QVERIFY2(start >= 0, qPrintable(svg.left(300)));
        // Only the XML prolog and doctype before it.
        QVERIFY(svg.left(start).trimmed().isEmpty() || svg.startsWith(QStringLiteral("<?xml")));
        QVERIFY(svg.trimmed().endsWith(QStringLiteral("</svg>")));
        const auto current = part<CandidatesView>(window, "candidatesView")->currentObject();
        QVERIFY(current);
        const Snapshot& snapshot = window.session()->shownSnapshot()->snapshot();
        QVERIFY(svg.contains(QStringLiteral("0x%1").arg(snapshot.address(*current), 0, 16)));
    }

    void graphWithoutGraphvizOrWithAFailingDot()
    {
        MainWindow window;
        window.show();
        QVERIFY(runFake(window, heap()));
        const QByteArray path = qgetenv("PATH");
        QTemporaryDir bin;
        QVERIFY(bin.isValid());
        // No dot on PATH: DOT only, and a name ending in .svg refused with the reason.
        qputenv("PATH", QFile::encodeName(bin.path()));
        const QString svg = m_files.filePath(QStringLiteral("no-dot.svg"));
        DialogAnswers answers(svg);
        QSignalSpy finished(&window, &MainWindow::exportFinished);
        action(window, "actionExportGraph")->trigger();
        QVERIFY(answers.answered);
        QCOMPARE(answers.filters, QStringList{QStringLiteral("Graphviz DOT (*.dot *.gv)")});
        QVERIFY2(answers.proposed.endsWith(QStringLiteral(".dot")), qPrintable(answers.proposed));
        QTRY_VERIFY(fileMessage(window));
        QVERIFY2(
            fileMessage(window)->text().contains(QStringLiteral("Graphviz")), qPrintable(fileMessage(window)->text()));
        fileMessage(window)->accept();
        QVERIFY(!QFileInfo::exists(svg));
        QVERIFY(finished.isEmpty()); // refused before anything started

        // A dot that fails: its error output is shown, nothing is written.
        const QString dot = bin.filePath(QStringLiteral("dot"));
        QVERIFY(
            writeFile(dot, "#!/bin/sh\ncat >/dev/null\necho 'Error: <stdin>: syntax error in line 3' >&2\nexit 1\n"));
        QVERIFY(QFile::setPermissions(dot, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        const QString failing = m_files.filePath(QStringLiteral("failing-dot.svg"));
        DialogAnswers more(failing);
        const std::optional<QString> error = exportWith(window, action(window, "actionExportGraph"), more);
        qputenv("PATH", path);
        QVERIFY(error);
        QVERIFY2(error->contains(QStringLiteral("syntax error in line 3")), qPrintable(*error));
        QVERIFY(!QFileInfo::exists(failing));
        QTRY_VERIFY(fileMessage(window));
        QVERIFY(fileMessage(window)->text().contains(QStringLiteral("syntax error in line 3")));
    }

    void aFileThatCannotBeWrittenIsAnErrorAndNothingIsWritten()
    {
        MainWindow window;
        window.show();
        QVERIFY(runFake(window, heap()));
        // A folder that is not there.
        const QString missing = m_files.filePath(QStringLiteral("no-such-folder/report.json"));
        DialogAnswers answers(missing);
        std::optional<QString> error = exportWith(window, action(window, "actionExport"), answers);
        QVERIFY(error);
        QVERIFY(!error->isEmpty());
        QVERIFY(!QFileInfo::exists(missing));
        QTRY_VERIFY(fileMessage(window));
        QVERIFY2(fileMessage(window)->text().contains(QStringLiteral("no-such-folder")),
            qPrintable(fileMessage(window)->text()));
        fileMessage(window)->accept();

        // A name that a folder holds: the rename fails, the folder stays, no temporary file is left.
        QDir files(m_files.path());
        QVERIFY(files.mkpath(QStringLiteral("taken/table.csv")));
        const QStringList before = QDir(m_files.filePath(QStringLiteral("taken")))
                                       .entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
        DialogAnswers taken(m_files.filePath(QStringLiteral("taken/table.csv")));
        error = exportWith(window, action(window, "actionExportTable"), taken);
        QVERIFY(error);
        QVERIFY(!error->isEmpty());
        QVERIFY(QFileInfo(m_files.filePath(QStringLiteral("taken/table.csv"))).isDir());
        QCOMPARE(QDir(m_files.filePath(QStringLiteral("taken")))
                     .entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
            before);
        QTRY_VERIFY(fileMessage(window));
    }
};

QTEST_MAIN(TestWindowExports)
#include "tst_window_exports.moc"
