#pragma once

#include "snapshot/snapshot.h"

#include <QtCore/QObject>

#include <cstddef>
#include <optional>
#include <vector>

namespace leakscope {

// One object the user went to: an object of one of the session's snapshots (its index there).
struct NavigationEntry
{
    int snapshot = -1;
    ObjectIndex object = kNoObject;

    friend bool operator==(const NavigationEntry&, const NavigationEntry&) = default;
};

// The objects visited, as a browser keeps the pages: visit() makes an entry current and drops those
// ahead of it; back() and forward() move through the others. Entries of every snapshot are kept, so
// going back may go to another snapshot. At most limit() entries: the oldest go first.
class NavigationHistory : public QObject
{
    Q_OBJECT

public:
    static constexpr std::size_t kDefaultLimit = 1000;

    explicit NavigationHistory(QObject* parent = nullptr);

    // entry becomes current, after the current one; the entries ahead of the current one are dropped.
    // Visiting the current entry again changes nothing.
    void visit(const NavigationEntry& entry);
    // Moves one entry back or forward and returns the entry now current; nothing (and no move) when
    // there is none that way.
    std::optional<NavigationEntry> back();
    std::optional<NavigationEntry> forward();
    bool canGoBack() const { return m_current > 0 && m_current != kNone; }
    bool canGoForward() const { return m_current != kNone && m_current + 1 < m_entries.size(); }
    // Nothing before the first visit and after clear().
    std::optional<NavigationEntry> current() const;
    const std::vector<NavigationEntry>& entries() const { return m_entries; }
    void clear();
    // Snapshot snapshot is gone and the later ones moved down by one: its entries are dropped (the
    // current one becomes the nearest entry before it that is left) and the later ones renumbered.
    void removeSnapshot(int snapshot);

    void setLimit(std::size_t limit);
    std::size_t limit() const { return m_limit; }

Q_SIGNALS:
    // The current entry, canGoBack() or canGoForward() may have changed.
    void changed();

private:
    static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

    // Drops the oldest entries beyond the limit; true when it dropped some.
    bool trimToLimit();

    std::vector<NavigationEntry> m_entries;
    std::size_t m_current = kNone;
    std::size_t m_limit = kDefaultLimit;
};

} // namespace leakscope
