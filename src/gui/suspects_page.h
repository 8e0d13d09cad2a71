#pragma once

#include "models/analyzed_snapshot.h"

#include <QtCore/QPointer>
#include <QtCore/QString>
#include <QtCore/QUrl>
#include <QtWidgets/QWidget>

#include <optional>

class QTextBrowser;

namespace leakscope {

class SourceViewerDialog;
struct SourceLocation;

// The Suspects page: the leak suspects story of the snapshot shown (AnalyzedSnapshot::suspectsStory(),
// docs/suspects.md), as text a person reads first. A headline (how many suspects in how many groups,
// what they retain of the heap), then one block per group, biggest first: its sentence, count,
// retained bytes and heap share, C library and symbol, allocation site, accumulation point and the
// shortest path from a root. Objects it names are links that make them the current object; each group
// has a "Show in table" link; source lines open in the source viewer. Nothing it shows runs user code.
class SuspectsPage : public QWidget
{
    Q_OBJECT

public:
    explicit SuspectsPage(QWidget* parent = nullptr);
    ~SuspectsPage() override;

    // Shows analyzed's story (null: no snapshot). Keeps the scroll position when it is the same
    // snapshot as before (a new analysis with other rules).
    void setAnalysis(AnalyzedSnapshotPtr analyzed);
    const AnalyzedSnapshotPtr& analysis() const { return m_analyzed; }
    // Groups the page shows (0 with no story or no suspects).
    int groupCount() const;
    QTextBrowser* browser() const { return m_browser; }

Q_SIGNALS:
    // The user followed a link to object (of the snapshot shown).
    void objectChosen(ObjectIndex object);
    // The user asked to see a group in the candidates table: its members' type (the representative's
    // when they are of several: mixedTypes), its biggest member.
    void showInTableRequested(const QString& typeName, ObjectIndex representative, bool mixedTypes);

private:
    void followLink(const QUrl& link);
    void openSource(const SourceLocation& location);

    QTextBrowser* m_browser;
    AnalyzedSnapshotPtr m_analyzed;
    QPointer<SourceViewerDialog> m_sourceViewer;
};

// The page's rich text for analyzed (null: no snapshot), every value escaped. Objects are objectLink()s,
// source lines sourceLink()s, and each group's "Show in table" a groupLink().
QString suspectsPageHtml(const AnalyzedSnapshot* analyzed);

// "group:3": the link to the 0-based group of the story, read back by groupOfLink().
QString groupLink(int group);
std::optional<int> groupOfLink(const QUrl& link);

} // namespace leakscope
