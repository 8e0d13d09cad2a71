#include "ignore_rules_dialog.h"

#include "gui/ignore_rules_file.h"
#include "gui/rule_match_counter.h"
#include "gui/rules_text_edit.h"
#include "ui_ignore_rules_dialog.h"

#include <QtWidgets/QMessageBox>
#include <QtWidgets/QPushButton>

namespace leakscope {

namespace {

constexpr int kLineRole = Qt::UserRole;

} // namespace

IgnoreRulesDialog::IgnoreRulesDialog(IgnoreRulesFile* file, AnalyzedSnapshotPtr shown, const QString& snapshotLabel,
                                     QWidget* parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::IgnoreRulesDialog>())
    , m_file(file)
    , m_shown(std::move(shown))
    , m_snapshotLabel(snapshotLabel)
    , m_counter(new RuleMatchCounter(this))
{
    m_ui->setupUi(this);
    m_ui->buttons->button(QDialogButtonBox::Ok)->setText(tr("&Save"));
    m_ui->buttons->button(QDialogButtonBox::Apply)->setText(tr("&Apply"));
    m_ui->buttons->button(QDialogButtonBox::Apply)->setToolTip(tr("Save the file and analyse the snapshots with its rules"));
    // A file that could not be read is not overwritten from here: its text is not what the editor shows.
    const bool writable = !m_file->path().isEmpty() && m_file->readError().isEmpty();
    m_ui->file->setText(m_file->path().isEmpty()
                            ? tr("There is no folder for settings (HOME is not set): rules cannot be saved.")
                        : !m_file->readError().isEmpty() ? m_file->readError()
                        : m_file->exists() ? tr("File: %1").arg(m_file->path())
                                           : tr("File: %1 (does not exist yet: saving creates it)").arg(m_file->path()));
    m_ui->buttons->button(QDialogButtonBox::Ok)->setEnabled(writable);
    m_ui->buttons->button(QDialogButtonBox::Apply)->setEnabled(writable);
    m_ui->editor->setPlainText(m_file->text());
    m_ui->editor->document()->setModified(false);
    m_ui->problems->setIconSize(QSize(16, 16));

    m_checkLater.setSingleShot(true);
    m_checkLater.setInterval(250);
    connect(&m_checkLater, &QTimer::timeout, this, &IgnoreRulesDialog::check);
    connect(m_ui->editor, &QPlainTextEdit::textChanged, this, [this] { m_checkLater.start(); });
    connect(m_counter, &RuleMatchCounter::counted, this, &IgnoreRulesDialog::showCounts);
    connect(m_ui->problems, &QListWidget::itemClicked, this,
            [this](QListWidgetItem* item) { m_ui->editor->goToLine(item->data(kLineRole).toInt()); });
    connect(m_ui->buttons->button(QDialogButtonBox::Apply), &QPushButton::clicked, this, &IgnoreRulesDialog::apply);
    connect(m_ui->buttons, &QDialogButtonBox::accepted, this, &IgnoreRulesDialog::accept);
    connect(m_ui->buttons, &QDialogButtonBox::rejected, this, &IgnoreRulesDialog::reject);
    // An edit made in another editor shows here, unless this one has changes of its own.
    connect(m_file, &IgnoreRulesFile::changed, this, [this] {
        if (!m_ui->editor->document()->isModified() && m_ui->editor->toPlainText() != m_file->text()) {
            m_ui->editor->setPlainText(m_file->text());
            m_ui->editor->document()->setModified(false);
        }
    });
    check();
}

IgnoreRulesDialog::~IgnoreRulesDialog() = default;

RulesTextEdit* IgnoreRulesDialog::editor() const
{
    return m_ui->editor;
}

bool IgnoreRulesDialog::isChecking() const
{
    return m_checkLater.isActive() || m_counter->isCounting();
}

QStringList IgnoreRulesDialog::problems() const
{
    QStringList lines;
    for (int row = 0; row < m_ui->problems->count(); ++row)
        lines << m_ui->problems->item(row)->text();
    return lines;
}

void IgnoreRulesDialog::check()
{
    m_checkLater.stop();
    const ParsedIgnoreRules parsed = parseIgnoreRules(m_ui->editor->toPlainText().toStdString());
    QMap<int, RulesTextEdit::LineNote> notes;
    m_ui->problems->clear();
    for (const RuleError& error : parsed.errors) {
        const QString message = QString::fromStdString(error.message);
        const int line = static_cast<int>(error.line);
        notes.insert(line, {tr("bad line"), message, true});
        auto* item = new QListWidgetItem(style()->standardIcon(QStyle::SP_MessageBoxWarning),
                                         QString::fromStdString(formatRuleError(error)), m_ui->problems);
        item->setData(kLineRole, line);
    }
    m_ui->problems->setVisible(!parsed.errors.empty());
    m_countedLines.clear();
    for (const IgnoreRule& rule : parsed.rules)
        m_countedLines.push_back(static_cast<int>(rule.line));
    if (m_shown && !parsed.rules.empty()) {
        for (int line : m_countedLines)
            notes.insert(line, {tr("counting…"), {}, false});
    }
    m_ui->editor->setLineNotes(notes);

    const std::size_t rules = parsed.rules.size();
    const std::size_t bad = parsed.errors.size();
    QString summary = rules == 1 ? tr("1 rule") : tr("%L1 rules").arg(rules);
    if (bad > 0)
        summary += (bad == 1 ? tr(", 1 bad line that makes no rule") : tr(", %L1 bad lines that make no rule").arg(bad))
            + tr(" — the other rules still apply");
    summary += QStringLiteral(". ");
    summary += m_shown ? tr("The counts beside the rules are for the snapshot \"%1\": the candidates each rule is the "
                            "first to match, and how many of those have no explanation.")
                             .arg(m_snapshotLabel)
                       : tr("No snapshot is shown, so nothing is counted.");
    m_ui->summary->setText(summary);
    m_counter->count(m_shown, parsed.rules.empty() ? nullptr : std::make_shared<const IgnoreRules>(parsed.rules));
}

void IgnoreRulesDialog::showCounts(const std::vector<RuleMatchCount>& counts)
{
    if (counts.size() != m_countedLines.size())
        return;
    QMap<int, RulesTextEdit::LineNote> notes = m_ui->editor->lineNotes();
    for (std::size_t k = 0; k < counts.size(); ++k) {
        const RuleMatchCount& count = counts[k];
        RulesTextEdit::LineNote note;
        if (count.candidates == 0) {
            note.text = tr("no match");
            note.toolTip = tr("No candidate of the snapshot is matched first by this rule");
        } else {
            note.text = tr("%L1 matched, %L2 unexplained").arg(count.candidates).arg(count.unexplained);
            note.toolTip = tr("This rule is the first to match %L1 candidates of the snapshot; %L2 of them have no "
                              "explanation, so this rule is what keeps them from being suspects.")
                               .arg(count.candidates)
                               .arg(count.unexplained);
        }
        notes.insert(m_countedLines[k], note);
    }
    m_ui->editor->setLineNotes(notes);
}

bool IgnoreRulesDialog::apply()
{
    QString error;
    if (!m_file->save(m_ui->editor->toPlainText(), &error)) {
        QMessageBox::warning(this, tr("Ignore Rules"), error);
        return false;
    }
    m_ui->editor->document()->setModified(false);
    m_ui->file->setText(tr("File: %1").arg(m_file->path()));
    return true;
}

void IgnoreRulesDialog::accept()
{
    if (apply())
        QDialog::accept();
}

void IgnoreRulesDialog::reject()
{
    if (m_ui->editor->document()->isModified()) {
        const auto answer = QMessageBox::question(this, tr("Ignore Rules"), tr("Save the changes to the rules?"),
                                                  QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel,
                                                  QMessageBox::Save);
        if (answer == QMessageBox::Cancel || (answer == QMessageBox::Save && !apply()))
            return;
    }
    QDialog::reject();
}

} // namespace leakscope
