#include "ignore_like_dialog.h"

#include "gui/rule_match_counter.h"
#include "models/model_text.h"
#include "ui_ignore_like_dialog.h"

#include <QtGui/QFontDatabase>
#include <QtWidgets/QPushButton>

namespace leakscope {

namespace {

// A glob that matches exactly text: "*", "?" and "\" made literal, control characters (which a rule
// line cannot hold) matched by "?".
QString literalGlob(std::string_view text)
{
    QString glob;
    for (const QChar c : toQString(text)) {
        if (c == u'*' || c == u'?' || c == u'\\')
            glob += u'\\';
        glob += c.isPrint() || c == u' ' ? c : QChar(u'?');
    }
    return glob;
}

} // namespace

IgnoreLikeDialog::IgnoreLikeDialog(AnalyzedSnapshotPtr analyzed, ObjectIndex object, const QString& rulesPath,
                                   QWidget* parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::IgnoreLikeDialog>())
    , m_analyzed(std::move(analyzed))
    , m_counter(new RuleMatchCounter(this))
{
    m_ui->setupUi(this);
    const Snapshot& s = m_analyzed->snapshot();
    const QString typeName = toQString(s.typeNameOf(object));
    m_ui->intro->setText(tr("Add an ignore rule for candidates like the %1 at %2, so that they are no longer "
                            "suspects.")
                             .arg(typeName.toHtmlEscaped(), addressText(s.address(object))));
    m_ui->typePattern->setText(literalGlob(s.typeNameOf(object)));
    m_ui->modulePattern->setText(literalGlob(s.string(s.type(s.typeOf(object)).module)));
    std::string scratch;
    m_ui->reprPattern->setText(literalGlob(displayRepr(s, object, scratch)));
    for (const CandidateGroups::Group& group : m_analyzed->groups().groups()) {
        if (group.key.kind == CandidateGroupKey::Explained)
            m_ui->explanationPattern->addItem(toQString(group.key.explanation));
    }
    if (const ExplanationRecord* explanation = s.explanation(object))
        m_ui->explanationPattern->setCurrentText(toQString(s.string(explanation->kind)));
    else
        m_ui->explanationPattern->setCurrentIndex(-1); // no kind of its own to propose
    m_ui->useType->setChecked(true);
    m_ui->rule->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_ui->target->setText(rulesPath.isEmpty()
                              ? tr("There is no folder for settings (HOME is not set): the rule cannot be saved.")
                              : tr("Added at the end of %1.").arg(rulesPath.toHtmlEscaped()));
    m_ui->buttons->button(QDialogButtonBox::Ok)->setText(tr("&Add Rule"));

    m_recount.setSingleShot(true);
    m_recount.setInterval(200);
    connect(&m_recount, &QTimer::timeout, this, [this] {
        const ParsedIgnoreRules parsed = parseIgnoreRules(m_rule.toStdString());
        m_counter->count(m_analyzed, parsed.rules.empty() ? nullptr : std::make_shared<const IgnoreRules>(parsed.rules));
    });
    connect(m_counter, &RuleMatchCounter::counted, this, [this](const std::vector<RuleMatchCount>& counts) {
        if (counts.empty()) {
            m_ui->matches->clear();
            return;
        }
        const RuleMatchCount& count = counts.front();
        if (count.candidates == 0)
            m_ui->matches->setText(tr("Matches no candidate of the snapshot shown."));
        else
            m_ui->matches->setText(tr("Matches %L1 of the snapshot's candidates, %L2 of them suspects now.")
                                       .arg(count.candidates)
                                       .arg(count.suspects));
    });
    for (QCheckBox* box : {m_ui->useType, m_ui->useModule, m_ui->useExplanation, m_ui->useRepr})
        connect(box, &QCheckBox::toggled, this, &IgnoreLikeDialog::update);
    for (QLineEdit* edit : {m_ui->typePattern, m_ui->modulePattern, m_ui->reprPattern})
        connect(edit, &QLineEdit::textChanged, this, &IgnoreLikeDialog::update);
    connect(m_ui->explanationPattern, &QComboBox::currentTextChanged, this, &IgnoreLikeDialog::update);
    connect(m_ui->buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_ui->buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    m_canSave = !rulesPath.isEmpty();
    update();
}

IgnoreLikeDialog::~IgnoreLikeDialog() = default;

QString IgnoreLikeDialog::comment() const
{
    return m_ui->comment->text().simplified();
}

bool IgnoreLikeDialog::isCounting() const
{
    return m_recount.isActive() || m_counter->isCounting();
}

QString IgnoreLikeDialog::matchesText() const
{
    return m_ui->matches->text();
}

void IgnoreLikeDialog::setCondition(RuleField field, bool used, const QString& pattern)
{
    QCheckBox* box = nullptr;
    QLineEdit* edit = nullptr;
    switch (field) {
    case RuleField::Type: box = m_ui->useType; edit = m_ui->typePattern; break;
    case RuleField::Module: box = m_ui->useModule; edit = m_ui->modulePattern; break;
    case RuleField::Repr: box = m_ui->useRepr; edit = m_ui->reprPattern; break;
    case RuleField::Explanation: box = m_ui->useExplanation; edit = m_ui->explanationPattern->lineEdit(); break;
    }
    if (!pattern.isEmpty())
        edit->setText(pattern);
    box->setChecked(used);
}

void IgnoreLikeDialog::update()
{
    struct Row
    {
        RuleField field;
        QCheckBox* use;
        QWidget* editor;
        QString pattern;
    };
    const Row rows[] = {
        {RuleField::Type, m_ui->useType, m_ui->typePattern, m_ui->typePattern->text()},
        {RuleField::Module, m_ui->useModule, m_ui->modulePattern, m_ui->modulePattern->text()},
        {RuleField::Explanation, m_ui->useExplanation, m_ui->explanationPattern, m_ui->explanationPattern->currentText()},
        {RuleField::Repr, m_ui->useRepr, m_ui->reprPattern, m_ui->reprPattern->text()},
    };
    IgnoreRule rule;
    for (const Row& row : rows) {
        row.editor->setEnabled(row.use->isChecked());
        if (row.use->isChecked())
            rule.conditions.push_back({row.field, RulePattern::glob(row.pattern.toStdString())});
    }
    QString problem;
    m_rule.clear();
    if (rule.conditions.empty()) {
        problem = tr("Tick at least one condition.");
    } else {
        // What formatRule() writes must read back as this very rule; a pattern with a control character
        // typed in would not.
        const std::string text = formatRule(rule);
        const ParsedIgnoreRules parsed = parseIgnoreRules(text);
        if (!parsed.errors.empty() || parsed.rules.size() != 1)
            problem = tr("This rule cannot be written on one line: %1")
                          .arg(parsed.errors.empty() ? tr("a pattern holds a line break")
                                                     : QString::fromStdString(parsed.errors.front().message));
        else
            m_rule = QString::fromStdString(text);
    }
    m_ui->rule->setText(m_rule);
    m_ui->problem->setText(problem);
    m_ui->buttons->button(QDialogButtonBox::Ok)->setEnabled(!m_rule.isEmpty() && m_canSave);
    m_ui->matches->setText(m_rule.isEmpty() ? QString() : tr("Counting…"));
    m_recount.start();
}

} // namespace leakscope
