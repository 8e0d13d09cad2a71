#include "filter_bar.h"

#include "models/byte_size.h"
#include "models/candidates_filter_proxy.h"
#include "ui_filter_bar.h"

#include <QtGui/QAction>
#include <QtGui/QKeyEvent>

namespace leakscope {

namespace {

const QString kInvalidStyle = QStringLiteral("color: #b00020;");

// The error beside the text box is cut to this width; its tooltip has it whole.
constexpr int kErrorWidth = 320;

} // namespace

FilterBar::FilterBar(QWidget* parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::FilterBar>())
    , m_allObjects(new QAction(tr("&All Objects"), this))
{
    m_ui->setupUi(this);
    // Typing should not re-filter a million rows per keystroke.
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(300);
    connect(&m_debounce, &QTimer::timeout, this, &FilterBar::applyText);
    connect(m_ui->text, &QLineEdit::textChanged, this, [this] { m_debounce.start(); });
    connect(m_ui->text, &QLineEdit::returnPressed, this, [this] {
        m_debounce.stop();
        applyText();
    });
    m_ui->text->installEventFilter(this);
    connect(m_ui->regex, &QCheckBox::toggled, this, &FilterBar::applyText);
    connect(m_ui->showExplained, &QCheckBox::toggled, this, [this](bool show) {
        if (m_proxy)
            m_proxy->setShowExplained(show);
    });

    m_ui->text->setToolTip(textHelp());
    m_ui->minimumSize->setToolTip(sizeHelp());
    m_sizeDebounce.setSingleShot(true);
    m_sizeDebounce.setInterval(300);
    connect(&m_sizeDebounce, &QTimer::timeout, this, &FilterBar::applyMinimumSize);
    connect(m_ui->minimumSize, &QLineEdit::textChanged, this, [this] {
        // Said at once, applied once typing pauses.
        const bool valid = isMinimumSizeValid();
        m_ui->minimumSize->setStyleSheet(valid ? QString() : kInvalidStyle);
        if (valid)
            m_sizeDebounce.start();
    });
    connect(m_ui->minimumSize, &QLineEdit::editingFinished, this, [this] {
        m_sizeDebounce.stop();
        applyMinimumSize();
    });

    m_allObjects->setObjectName(QStringLiteral("actionAllObjects"));
    m_allObjects->setCheckable(true);
    m_allObjects->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
    m_allObjects->setToolTip(m_ui->objectsMode->toolTip());
    addAction(m_allObjects);
    auto request = [this](bool all) {
        const auto mode = all ? CandidatesModel::ListMode::AllObjects : CandidatesModel::ListMode::Candidates;
        if (mode == m_mode)
            return;
        setListMode(mode);
        Q_EMIT listModeRequested(mode);
    };
    connect(m_ui->objectsMode, &QCheckBox::toggled, this, request);
    connect(m_allObjects, &QAction::toggled, this, request);

    connect(m_ui->types, &QToolButton::clicked, this, &FilterBar::clearTypesRequested);
    connect(m_ui->groups, &QToolButton::clicked, this, &FilterBar::clearGroupsRequested);
    connect(m_ui->libraries, &QToolButton::clicked, this, &FilterBar::clearLibrariesRequested);
    connect(m_ui->creators, &QToolButton::clicked, this, &FilterBar::clearCreatorsRequested);
    updateShowExplained();
}

FilterBar::~FilterBar() = default;

void FilterBar::setProxy(CandidatesFilterProxy* proxy)
{
    m_proxy = proxy;
    if (!proxy)
        return;
    proxy->setShowExplained(m_ui->showExplained->isChecked());
    proxy->setMinimumSize(static_cast<quint64>(m_minimumSize));
    applyText();
}

QString FilterBar::textHelp()
{
    return tr("Lists only objects whose type or repr contains this text (or matches this regular expression); Esc "
              "clears it");
}

QString FilterBar::sizeHelp()
{
    return tr("Lists only objects of at least this size: bytes, or a number with a unit. k, M, G, T alone or with iB "
              "count in powers of 1024 (1k = 1 KiB = 1024 bytes); kB, MB, GB, TB in powers of 1000");
}

void FilterBar::applyText()
{
    if (!m_proxy)
        return;
    m_proxy->setFilterText(m_ui->text->text(), m_ui->regex->isChecked());
    updateTextError();
}

void FilterBar::updateTextError()
{
    // An invalid expression matches nothing: say so, and why, where it is typed.
    const bool valid = !m_proxy || m_proxy->isFilterValid();
    const QString why = valid ? QString() : m_proxy->filterErrorString();
    if (valid && m_ui->textError->isHidden() && m_ui->text->styleSheet().isEmpty())
        return; // as it is: called after every filter pass, and a style sheet change re-polishes
    m_ui->text->setStyleSheet(valid ? QString() : kInvalidStyle);
    m_ui->text->setToolTip(valid ? textHelp() : why);
    const QString shown = tr("Invalid: %1").arg(why);
    m_ui->textError->setText(m_ui->textError->fontMetrics().elidedText(shown, Qt::ElideRight, kErrorWidth));
    m_ui->textError->setToolTip(why);
    m_ui->textError->setVisible(!valid);
}

void FilterBar::applyMinimumSize()
{
    const std::optional<std::uint64_t> bytes = parseByteSize(m_ui->minimumSize->text());
    if (!bytes) {
        // Shown invalid; the last valid size still applies.
        m_ui->minimumSize->setStyleSheet(kInvalidStyle);
        m_ui->minimumSize->setToolTip(tr("Not a size: type bytes (4096) or a number with a unit (1k, 1.5M, 2 MiB, "
                                         "10 kB). %1 applies meanwhile")
                                          .arg(formatByteSize(static_cast<std::uint64_t>(m_minimumSize))));
        return;
    }
    m_ui->minimumSize->setStyleSheet(QString());
    m_ui->minimumSize->setToolTip(sizeHelp());
    m_minimumSize = static_cast<qint64>(*bytes);
    if (m_proxy)
        m_proxy->setMinimumSize(*bytes);
}

bool FilterBar::isMinimumSizeValid() const
{
    return parseByteSize(m_ui->minimumSize->text()).has_value();
}

bool FilterBar::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_ui->text && event->type() == QEvent::KeyPress
        && static_cast<QKeyEvent*>(event)->key() == Qt::Key_Escape && !m_ui->text->text().isEmpty()) {
        clearText();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

void FilterBar::focusText()
{
    m_ui->text->setFocus(Qt::ShortcutFocusReason);
    m_ui->text->selectAll();
}

QString FilterBar::text() const
{
    return m_ui->text->text();
}

void FilterBar::clearText()
{
    m_ui->text->clear();
    m_debounce.stop();
    applyText();
}

void FilterBar::setChosenTypeCount(int count)
{
    m_ui->types->setText(count == 0 ? tr("All types") : tr("%n type(s) ✕", nullptr, count));
}

void FilterBar::setChosenGroupCount(int count)
{
    m_chosenGroups = count;
    m_ui->groups->setText(count == 1 ? tr("1 group ✕") : tr("%1 groups ✕").arg(count));
    m_ui->groups->setVisible(count > 0);
    updateShowExplained();
}

void FilterBar::updateShowExplained()
{
    const bool allObjects = listMode() == CandidatesModel::ListMode::AllObjects;
    m_ui->showExplained->setEnabled(m_chosenGroups == 0 && !allObjects);
    if (m_chosenGroups > 0)
        m_ui->showExplained->setToolTip(
            tr("The groups chosen in the Explanations tab decide which candidates are listed"));
    else if (allObjects)
        m_ui->showExplained->setToolTip(tr("All objects are listed, explained candidates too"));
    else
        m_ui->showExplained->setToolTip(
            tr("Also list candidates LeakScope knows to be legitimate, and those your ignore rules match"));
}

void FilterBar::setChosenLibraryCount(int count)
{
    m_ui->libraries->setText(count == 1 ? tr("1 library ✕") : tr("%1 libraries ✕").arg(count));
    m_ui->libraries->setVisible(count > 0);
}

void FilterBar::setChosenCreatorCount(int count)
{
    m_ui->creators->setText(count == 1 ? tr("1 creator ✕") : tr("%1 creators ✕").arg(count));
    m_ui->creators->setVisible(count > 0);
}

bool FilterBar::showExplained() const
{
    return m_ui->showExplained->isChecked();
}

void FilterBar::setShowExplained(bool show)
{
    m_ui->showExplained->setChecked(show);
}

bool FilterBar::regex() const
{
    return m_ui->regex->isChecked();
}

void FilterBar::setRegex(bool regex)
{
    m_ui->regex->setChecked(regex);
}

void FilterBar::setMinimumSize(qint64 bytes)
{
    m_sizeDebounce.stop();
    const auto size = static_cast<std::uint64_t>(std::max<qint64>(bytes, 0));
    {
        const QSignalBlocker blocker(m_ui->minimumSize); // applied below, not after a pause
        m_ui->minimumSize->setText(size ? formatByteSize(size) : QString());
    }
    applyMinimumSize();
}

void FilterBar::setListMode(CandidatesModel::ListMode mode)
{
    m_mode = mode;
    const bool all = mode == CandidatesModel::ListMode::AllObjects;
    {
        const QSignalBlocker blockBox(m_ui->objectsMode);
        const QSignalBlocker blockAction(m_allObjects);
        m_ui->objectsMode->setChecked(all);
        m_allObjects->setChecked(all);
    }
    updateShowExplained();
}

CandidatesModel::ListMode FilterBar::listMode() const
{
    return m_mode;
}

} // namespace leakscope
