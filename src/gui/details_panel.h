#pragma once

#include "models/analyzed_snapshot.h"

#include <QtCore/QPointer>
#include <QtWidgets/QWidget>

#include <memory>
#include <optional>

namespace Ui {
class DetailsPanel;
}

namespace leakscope {

class Session;
class SourceViewerDialog;
struct SourceLocation;

// The details of one object of the snapshot the session shows (see objectDetailsHtml()): the
// objects they name are links shown here when followed, the source lines they name are links that
// open in a source viewer (one, reused). For the candidate chosen in the list, "Fetch live repr" asks
// the session's interpreter for its repr() and dir(), after a warning, and adds the answer.
class DetailsPanel : public QWidget
{
    Q_OBJECT

public:
    explicit DetailsPanel(QWidget* parent = nullptr);
    ~DetailsPanel() override;

    void setSession(Session* session);
    // Says that no candidate is chosen.
    void clear();
    // The details of object in the snapshot shown.
    void showObject(ObjectIndex object);
    // The candidate chosen in the list, whose live repr can be fetched; nothing when none is.
    void setCandidate(std::optional<ObjectIndex> candidate);

private:
    void followLink(const QUrl& link);
    void openSource(const SourceLocation& location);
    void fetchLiveRepr();
    void updateFetchButton();

    std::unique_ptr<Ui::DetailsPanel> m_ui;
    Session* m_session = nullptr;
    std::optional<ObjectIndex> m_candidate;
    QPointer<SourceViewerDialog> m_sourceViewer;
};

} // namespace leakscope
