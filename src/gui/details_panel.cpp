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
    m_ui->fetchNote->hide();
    connect(m_ui->details, &QTextBrowser::anchorClicked, this, &DetailsPanel::followLink);
    connect(m_ui->fetchLiveRepr, &QPushButton::clicked, this, &DetailsPanel::fetchLiveRepr);
}

DetailsPanel::~DetailsPanel() = default;

void DetailsPanel::setSession(Session* session)
{
    m_session = session;
    connect(session, &Session::stateChanged, this, &DetailsPanel::updateFetchButton);
    connect(session, &Session::runStarted, this, &DetailsPanel::updateFetchButton);
    connect(session, &Session::objectDescribed, this, &DetailsPanel::showLiveObject);
    updateFetchButton();
}

void DetailsPanel::clear()
{
    m_object.reset();
    if (m_session && m_session->shownSnapshot())
        m_ui->details->setHtml(tr("<p>Choose a candidate to see its details.</p>"));
    else
        m_ui->details->setHtml(tr("<p>No snapshot yet.</p><p>Run a script with <b>File ▸ Run Script…</b> (Ctrl+R): "
                                  "a snapshot of its heap is taken when it ends. While it runs, <b>Session ▸ "
                                  "Snapshot</b> (F5) takes one at once, and the script can take its own with "
                                  "<code>leakscope.snapshot()</code>.</p><p>Then choose a candidate in the list to "
                                  "see its details here.</p>"));
    updateFetchButton();
}

void DetailsPanel::showObject(ObjectIndex object)
{
    const AnalyzedSnapshotPtr shown = m_session ? m_session->shownSnapshot() : nullptr;
    if (!shown || object >= shown->snapshot().objectCount()) {
        clear();
        return;
    }
    m_object = object;
    m_ui->details->setHtml(objectDetailsHtml(*shown, object));
    updateFetchButton();
}

void DetailsPanel::updateFetchButton()
{
    const int shown = m_session ? m_session->shownIndex() : -1;
    const bool live = m_object && m_session->isFromCurrentTarget(shown);
    m_ui->fetchLiveRepr->setEnabled(live && m_session->isConnected());
    // Why not, when the button cannot say it by itself: a file, another process, or one gone.
    QString why;
    if (m_object && !live)
        why = m_session->whyNotLive(shown);
    m_ui->fetchNote->setText(why);
    m_ui->fetchNote->setVisible(!why.isEmpty());
    m_ui->fetchLiveRepr->setToolTip(why.isEmpty()
            ? tr("Ask the running interpreter for repr() and dir() of the object shown: runs the object's own code")
            : why);
}

void DetailsPanel::followLink(const QUrl& link)
{
    // The details name other objects (the holder of an explained one) as links: the window goes there.
    const AnalyzedSnapshotPtr shown = m_session ? m_session->shownSnapshot() : nullptr;
    if (const auto object = objectOfLink(link); object && shown && *object < shown->snapshot().objectCount())
        Q_EMIT objectLinkActivated(*object);
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
    if (!shown || !m_object || !m_session->isFromCurrentTarget(m_session->shownIndex()))
        return;
    const ObjectIndex object = *m_object;
    const auto answer = QMessageBox::question(this, tr("Fetch Live Repr"),
        tr("This runs the object's own repr() and dir() in the script's interpreter: its __repr__, __dir__ or "
           "__getattr__ may do anything, and may change what a later snapshot shows.\n\nGo on?"),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer != QMessageBox::Yes || m_object != object || m_session->shownSnapshot() != shown)
        return;
    // The session checks in the interpreter that the address still holds an object of the snapshot's
    // type before it runs anything.
    if (m_session->describeObject(m_session->shownIndex(), object))
        m_describedAddress = shown->snapshot().address(object);
}

void DetailsPanel::showLiveObject(const LiveObject& live)
{
    // An answer about an object no longer shown stays out of the details of the one that is.
    const AnalyzedSnapshotPtr shown = m_session->shownSnapshot();
    if (!shown || !m_object || live.address != m_describedAddress
        || shown->snapshot().address(*m_object) != live.address)
        return;
    m_ui->details->append(liveObjectHtml(live));
}

} // namespace leakscope
