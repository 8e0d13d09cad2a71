#include "graph_export_dialog.h"

#include <QtWidgets/QDialogButtonBox>
#include <QtWidgets/QFormLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QVBoxLayout>

#include <algorithm>

namespace leakscope {

namespace {

// The last choice, for the next export of this run of the application.
DotOptions g_lastOptions;

} // namespace

GraphExportDialog::GraphExportDialog(const QString& object, QWidget* parent)
    : QDialog(parent)
    , m_depth(new QSpinBox(this))
    , m_maxNodes(new QSpinBox(this))
{
    setWindowTitle(tr("Export Graph Around Object"));
    setObjectName(QStringLiteral("graphExportDialog"));
    auto* intro = new QLabel(tr("The references around %1: what it holds and what holds it, as a Graphviz "
                                "graph (DOT, or an SVG picture when Graphviz is installed).")
                                 .arg(object.toHtmlEscaped()),
        this);
    intro->setWordWrap(true);
    intro->setTextFormat(Qt::RichText);
    m_depth->setObjectName(QStringLiteral("graphDepth"));
    m_depth->setRange(0, kMaxDepth);
    m_depth->setValue(static_cast<int>(std::min<std::size_t>(g_lastOptions.depth, kMaxDepth)));
    m_depth->setToolTip(tr("Levels of referents, and of referrers, drawn from the object (0: the object alone)"));
    m_maxNodes->setObjectName(QStringLiteral("graphMaxNodes"));
    m_maxNodes->setRange(1, kMaxNodes);
    m_maxNodes->setValue(static_cast<int>(std::min<std::size_t>(g_lastOptions.maxNodes, kMaxNodes)));
    m_maxNodes->setToolTip(tr("Objects drawn at most, nearest levels first; a note says how many more there were"));

    auto* form = new QFormLayout;
    form->addRow(tr("&Depth:"), m_depth);
    form->addRow(tr("&At most:"), m_maxNodes);
    m_maxNodes->setSuffix(tr(" objects"));

    auto* buttons = new QDialogButtonBox(this);
    QPushButton* save = buttons->addButton(tr("&Save As…"), QDialogButtonBox::AcceptRole);
    save->setDefault(true);
    buttons->addButton(QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        g_lastOptions = options();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(buttons);
}

DotOptions GraphExportDialog::options() const
{
    DotOptions options;
    options.depth = static_cast<std::size_t>(m_depth->value());
    options.maxNodes = static_cast<std::size_t>(m_maxNodes->value());
    return options;
}

} // namespace leakscope
