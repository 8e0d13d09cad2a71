#include "filter_bar.h"

#include "models/candidates_filter_proxy.h"
#include "ui_filter_bar.h"

namespace leakscope {

FilterBar::FilterBar(QWidget* parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::FilterBar>())
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
    connect(m_ui->regex, &QCheckBox::toggled, this, &FilterBar::applyText);
    connect(m_ui->showExplained, &QCheckBox::toggled, this, [this](bool show) {
        if (m_proxy)
            m_proxy->setShowExplained(show);
    });
    connect(m_ui->minimumSize, &QSpinBox::valueChanged, this, [this](int bytes) {
        if (m_proxy)
            m_proxy->setMinimumSize(static_cast<quint64>(bytes));
    });
    connect(m_ui->types, &QToolButton::clicked, this, &FilterBar::clearTypesRequested);
    connect(m_ui->groups, &QToolButton::clicked, this, &FilterBar::clearGroupsRequested);
    connect(m_ui->libraries, &QToolButton::clicked, this, &FilterBar::clearLibrariesRequested);
}

FilterBar::~FilterBar() = default;

void FilterBar::setProxy(CandidatesFilterProxy* proxy)
{
    m_proxy = proxy;
    if (!proxy)
        return;
    proxy->setShowExplained(m_ui->showExplained->isChecked());
    proxy->setMinimumSize(static_cast<quint64>(m_ui->minimumSize->value()));
    applyText();
}

void FilterBar::applyText()
{
    if (!m_proxy)
        return;
    m_proxy->setFilterText(m_ui->text->text(), m_ui->regex->isChecked());
    // An invalid expression matches nothing: say so where it is typed.
    m_ui->text->setStyleSheet(m_proxy->isFilterValid() ? QString() : QStringLiteral("color: #b00020;"));
    m_ui->text->setToolTip(m_proxy->isFilterValid() ? QString() : m_proxy->filterErrorString());
}

void FilterBar::focusText()
{
    m_ui->text->setFocus(Qt::ShortcutFocusReason);
    m_ui->text->selectAll();
}

void FilterBar::setChosenTypeCount(int count)
{
    m_ui->types->setText(count == 0 ? tr("All types") : tr("%n type(s) ✕", nullptr, count));
}

void FilterBar::setChosenGroupCount(int count)
{
    m_ui->groups->setText(count == 1 ? tr("1 group ✕") : tr("%1 groups ✕").arg(count));
    m_ui->groups->setVisible(count > 0);
    m_ui->showExplained->setEnabled(count == 0);
    m_ui->showExplained->setToolTip(count == 0 ? tr("Also list candidates LeakScope knows to be legitimate, and those "
                                                    "your ignore rules match")
                                               : tr("The groups chosen in the Explanations tab decide which candidates "
                                                    "are listed"));
}

void FilterBar::setChosenLibraryCount(int count)
{
    m_ui->libraries->setText(count == 1 ? tr("1 library ✕") : tr("%1 libraries ✕").arg(count));
    m_ui->libraries->setVisible(count > 0);
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

qint64 FilterBar::minimumSize() const
{
    return m_ui->minimumSize->value();
}

void FilterBar::setMinimumSize(qint64 bytes)
{
    m_ui->minimumSize->setValue(static_cast<int>(std::min<qint64>(bytes, INT32_MAX)));
}

} // namespace leakscope
