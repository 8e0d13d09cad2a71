#include "details_panel.h"

#include "gui/object_details.h"
#include "gui/source_viewer_dialog.h"
#include "session/session.h"
#include "ui_details_panel.h"

#include <QtWidgets/QMessageBox>

namespace leakscope {

DetailsPanel::DetailsPanel(QWidget* parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::DetailsPanel>())
{
    m_ui->setupUi(this);
    connect(m_ui->details, &QTextBrowser::anchorClicked, this, &DetailsPanel::followLink);
    connect(m_ui->fetchLiveRepr, &QPushButton::clicked, this, &DetailsPanel::fetchLiveRepr);
}

DetailsPanel::~DetailsPanel() = default;

void DetailsPanel::setSession(Session* session)
{
    m_session = session;
    connect(session, &Session::stateChanged, this, &DetailsPanel::updateFetchButton);
    connect(session, &Session::objectDescribed, this,
        [this](const LiveObject& object) { m_ui->details->append(liveObjectHtml(object)); });
    updateFetchButton();
}

void DetailsPanel::clear()
{
    m_ui->details->setHtml(tr("<p>Choose a candidate to see its details.</p>"));
    setCandidate(std::nullopt);
}

void DetailsPanel::showObject(ObjectIndex object)
{
    if (const AnalyzedSnapshotPtr shown = m_session ? m_session->shownSnapshot() : nullptr)
        m_ui->details->setHtml(objectDetailsHtml(*shown, object));
}

void DetailsPanel::setCandidate(std::optional<ObjectIndex> candidate)
{
    m_candidate = candidate;
    updateFetchButton();
}

void DetailsPanel::updateFetchButton()
{
    m_ui->fetchLiveRepr->setEnabled(m_session && m_session->isConnected() && m_candidate);
}

void DetailsPanel::followLink(const QUrl& link)
{
    // The details name other objects (the holder of an explained one) as links: follow them here.
    const AnalyzedSnapshotPtr shown = m_session ? m_session->shownSnapshot() : nullptr;
    if (const auto object = objectOfLink(link); object && shown && *object < shown->snapshot().objectCount())
        showObject(*object);
    else if (const std::optional<SourceLocation> location = sourceOfLink(link))
        openSource(*location);
}

void DetailsPanel::openSource(const SourceLocation& location)
{
    // One viewer, reused: following another link shows the new line in it.
    if (!m_sourceViewer) {
        m_sourceViewer = new SourceViewerDialog(this);
        m_sourceViewer->setObjectName(QStringLiteral("sourceViewer"));
    }
    m_sourceViewer->showLocation(location.file, location.line);
    m_sourceViewer->show();
    m_sourceViewer->raise();
    m_sourceViewer->activateWindow();
}

void DetailsPanel::fetchLiveRepr()
{
    const AnalyzedSnapshotPtr shown = m_session ? m_session->shownSnapshot() : nullptr;
    if (!m_session || !m_session->target() || !shown || !m_candidate)
        return;
    const ObjectIndex object = *m_candidate;
    const auto answer = QMessageBox::question(this, tr("Fetch Live Repr"),
        tr("This runs the object's own repr() and dir() in the script's interpreter: its __repr__, __dir__ or "
           "__getattr__ may do anything, and may change what a later snapshot shows.\n\nGo on?"),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer != QMessageBox::Yes)
        return;
    m_session->describeObject(shown->snapshot().address(object));
}

} // namespace leakscope
