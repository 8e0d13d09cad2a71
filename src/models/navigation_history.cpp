#include "navigation_history.h"

#include <algorithm>

namespace leakscope {

NavigationHistory::NavigationHistory(QObject* parent)
    : QObject(parent)
{
}

void NavigationHistory::visit(const NavigationEntry& entry)
{
    if (m_current != kNone && m_entries[m_current] == entry)
        return;
    // Going somewhere new from an entry in the past forgets the entries that were ahead of it.
    const std::size_t kept = m_current == kNone ? 0 : m_current + 1;
    m_entries.erase(m_entries.begin() + static_cast<std::ptrdiff_t>(kept), m_entries.end());
    m_entries.push_back(entry);
    m_current = m_entries.size() - 1;
    trimToLimit();
    Q_EMIT changed();
}

std::optional<NavigationEntry> NavigationHistory::back()
{
    if (!canGoBack())
        return std::nullopt;
    --m_current;
    Q_EMIT changed();
    return m_entries[m_current];
}

std::optional<NavigationEntry> NavigationHistory::forward()
{
    if (!canGoForward())
        return std::nullopt;
    ++m_current;
    Q_EMIT changed();
    return m_entries[m_current];
}

std::optional<NavigationEntry> NavigationHistory::current() const
{
    if (m_current == kNone)
        return std::nullopt;
    return m_entries[m_current];
}

void NavigationHistory::clear()
{
    if (m_entries.empty())
        return;
    m_entries.clear();
    m_current = kNone;
    Q_EMIT changed();
}

void NavigationHistory::removeSnapshot(int snapshot)
{
    if (m_entries.empty())
        return;
    std::vector<NavigationEntry> kept;
    kept.reserve(m_entries.size());
    std::size_t current = kNone;
    for (std::size_t k = 0; k < m_entries.size(); ++k) {
        NavigationEntry entry = m_entries[k];
        if (entry.snapshot != snapshot) {
            if (entry.snapshot > snapshot)
                --entry.snapshot;
            // Two entries that the removed ones kept apart may be the same now: one is enough.
            if (kept.empty() || !(kept.back() == entry))
                kept.push_back(entry);
        }
        if (k <= m_current && !kept.empty())
            current = kept.size() - 1;
    }
    m_entries = std::move(kept);
    m_current = m_entries.empty() ? kNone : (current == kNone ? 0 : current);
    Q_EMIT changed();
}

void NavigationHistory::setLimit(std::size_t limit)
{
    m_limit = std::max<std::size_t>(limit, 1);
    if (trimToLimit())
        Q_EMIT changed();
}

bool NavigationHistory::trimToLimit()
{
    if (m_entries.size() <= m_limit)
        return false;
    const std::size_t dropped = m_entries.size() - m_limit;
    m_entries.erase(m_entries.begin(), m_entries.begin() + static_cast<std::ptrdiff_t>(dropped));
    // The current entry is the last one after a visit; after setLimit() it may be among the dropped.
    m_current = m_current >= dropped ? m_current - dropped : 0;
    return true;
}

} // namespace leakscope
