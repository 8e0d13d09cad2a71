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
struct LiveObject;
struct SourceLocation;

// The details of one object of the snapshot the session shows (see objectDetailsHtml()): the objects
// they name are links whose following is announced (the window goes there), the source lines they
// name are links that open in a source viewer (one, reused). "Fetch live repr" asks the session's
// interpreter for the repr() and dir() of the object shown, after a warning, and adds the answer; it
// is disabled, saying why, for a snapshot of an earlier run, whose process is gone.
class DetailsPanel : public QWidget
{
    Q_OBJECT

public:
    explicit DetailsPanel(QWidget* parent = nullptr);
    ~DetailsPanel() override;

    void setSession(Session* session);
    // Shows no object: how to start without a snapshot, else how to choose one.
    void clear();
    // The details of object in the snapshot shown.
    void showObject(ObjectIndex object);
    // The object shown; nothing after clear().
    std::optional<ObjectIndex> object() const { return m_object; }

Q_SIGNALS:
    // A link to another object of the snapshot shown was followed.
    void objectLinkActivated(leakscope::ObjectIndex object);

private:
    void followLink(const QUrl& link);
    void openSource(const SourceLocation& location);
    void fetchLiveRepr();
    void showLiveObject(const LiveObject& live);
    void updateFetchButton();

    std::unique_ptr<Ui::DetailsPanel> m_ui;
    Session* m_session = nullptr;
    std::optional<ObjectIndex> m_object;
    quint64 m_describedAddress = 0; // the address of the last object whose live repr was asked for
    QPointer<SourceViewerDialog> m_sourceViewer;
};

} // namespace leakscope
