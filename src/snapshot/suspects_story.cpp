#include "suspects_story.h"

#include "findings.h"
#include "text.h"

#include <algorithm>
#include <charconv>
#include <optional>

namespace leakscope {

namespace {

struct Held
{
    ObjectIndex holder;
    ObjectIndex object;
};

// Builds the referrer index the first time a caller needs one, unless the options lent one.
class LazyReferrers
{
public:
    LazyReferrers(const Snapshot& snapshot, const ReferrerIndex* given)
        : m_snapshot(snapshot)
        , m_given(given)
    {
    }
    const ReferrerIndex& get()
    {
        if (m_given)
            return *m_given;
        if (!m_built)
            m_built.emplace(m_snapshot);
        return *m_built;
    }

private:
    const Snapshot& m_snapshot;
    const ReferrerIndex* m_given;
    std::optional<ReferrerIndex> m_built;
};

// The object every referrer of o is, when it has referrers and they are all one object; else kNoObject.
ObjectIndex singleReferrer(const ReferrerIndex& referrers, ObjectIndex o)
{
    const auto row = referrers.referrers(o);
    if (row.empty())
        return kNoObject;
    // The row is sorted: one referrer throughout when its ends agree.
    return row.front() == row.back() ? row.front() : kNoObject;
}

// Sums the retained sizes of the objects that no other of them dominates. The objects are those whose
// mark entry holds the stamp (the caller sets and clears them). Each dominator's answer ("a marked
// object is at or above it") is remembered for the stamp, so a call walks every dominator at most
// once however many objects share it: O(objects + their distinct dominators), never objects × depth.
// Suspects have no dominator, and then no memory is taken at all.
class OverlapCounter
{
public:
    explicit OverlapCounter(std::size_t objectCount)
        : m_objectCount(objectCount)
    {
    }

    std::uint64_t sum(const DominatorTree& tree, std::span<const ObjectIndex> objects,
        const std::vector<std::uint32_t>& mark, std::uint32_t stamp)
    {
        std::uint64_t total = 0;
        for (ObjectIndex o : objects) {
            if (!markedAtOrAbove(tree, tree.immediateDominator(o), mark, stamp))
                total += tree.retainedSize(o);
        }
        return total;
    }

private:
    bool markedAtOrAbove(
        const DominatorTree& tree, ObjectIndex d, const std::vector<std::uint32_t>& mark, std::uint32_t stamp)
    {
        m_path.clear();
        bool found = false;
        for (; d != kNoObject; d = tree.immediateDominator(d)) {
            if (mark[d] == stamp) {
                found = true;
                break;
            }
            if (!m_memoStamp.empty() && m_memoStamp[d] == stamp) {
                found = m_memoFound[d] != 0;
                break;
            }
            m_path.push_back(d);
        }
        if (m_path.empty())
            return found;
        if (m_memoStamp.empty()) {
            m_memoStamp.assign(m_objectCount, 0);
            m_memoFound.assign(m_objectCount, 0);
        }
        for (ObjectIndex p : m_path) {
            m_memoStamp[p] = stamp;
            m_memoFound[p] = found ? 1 : 0;
        }
        return found;
    }

    std::size_t m_objectCount;
    std::vector<std::uint32_t> m_memoStamp; // by object: the stamp its answer is for (0: none)
    std::vector<std::uint8_t> m_memoFound;
    std::vector<ObjectIndex> m_path;
};

// SuspectGroup::retainedTypes: a walk down the dominator tree from each member, every object visited
// once per group (a member inside another's retained set is met there first, or skipped). The arrays
// are allocated once, on the first group, and reset through the types touched.
class RetainedTypeCounter
{
public:
    explicit RetainedTypeCounter(const Snapshot& snapshot)
        : m_s(snapshot)
    {
    }

    std::vector<SuspectGroup::RetainedType> count(
        const DominatorTree& tree, std::span<const ObjectIndex> members, std::uint32_t stamp, std::size_t max)
    {
        if (m_visit.empty()) {
            m_visit.assign(m_s.objectCount(), 0);
            m_rows.assign(m_s.typeCount(), {});
        }
        for (ObjectIndex m : members) {
            m_stack.assign(1, m);
            while (!m_stack.empty()) {
                const ObjectIndex x = m_stack.back();
                m_stack.pop_back();
                if (m_visit[x] == stamp)
                    continue;
                m_visit[x] = stamp;
                const TypeIndex t = m_s.typeOf(x);
                if (m_rows[t].objects++ == 0)
                    m_touched.push_back(t);
                m_rows[t].bytes += m_s.size(x);
                for (ObjectIndex c : tree.children(x))
                    m_stack.push_back(c);
            }
        }
        std::vector<SuspectGroup::RetainedType> out;
        out.reserve(m_touched.size());
        for (TypeIndex t : m_touched) {
            out.push_back({t, m_rows[t].objects, m_rows[t].bytes});
            m_rows[t] = {};
        }
        m_touched.clear();
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
            if (a.bytes != b.bytes)
                return a.bytes > b.bytes;
            return a.objects != b.objects ? a.objects > b.objects : a.type < b.type;
        });
        if (out.size() > max)
            out.resize(max);
        return out;
    }

private:
    struct Row
    {
        std::uint64_t objects = 0;
        std::uint64_t bytes = 0;
    };
    const Snapshot& m_s;
    std::vector<std::uint32_t> m_visit; // by object: the stamp of the last group that counted it
    std::vector<Row> m_rows; // by type
    std::vector<TypeIndex> m_touched;
    std::vector<ObjectIndex> m_stack;
};

void appendFixed1(std::string& out, double value)
{
    char buffer[32];
    // to_chars, unlike printf, ignores the locale: a GUI's decimal comma must not change a report.
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, 1);
    out.append(buffer, result.ptr);
}

std::string shareText(double share)
{
    if (share > 0 && share < 0.001)
        return "<0.1%";
    std::string out;
    appendFixed1(out, share * 100);
    return out + '%';
}

// "builtins.dict at 0x7f…": how a sentence names one object (a repr could be anything, and long).
std::string objectName(const Snapshot& s, ObjectIndex o)
{
    return std::string(s.typeNameOf(o)) + " at " + formatAddress(s.address(o));
}

} // namespace

std::string formatByteSize(std::uint64_t bytes)
{
    if (bytes < 1024)
        return std::to_string(bytes) + " B";
    static const char* const units[] = {"KB", "MB", "GB", "TB", "PB"};
    double value = static_cast<double>(bytes) / 1024;
    std::size_t unit = 0;
    // 1023.96 KB would print as "1024.0 KB": move up once the rounded value reaches 1024.
    while (value >= 1023.95 && unit + 1 < std::size(units)) {
        value /= 1024;
        ++unit;
    }
    std::string out;
    appendFixed1(out, value);
    return out + ' ' + units[unit];
}

SuspectsStory buildSuspectsStory(
    const HeapAnalysis& analysis, const DominatorTree& dominators, const SuspectsStoryOptions& options)
{
    const Snapshot& s = analysis.snapshot();
    const std::size_t n = s.objectCount();
    SuspectsStory story;
    story.heapBytes = dominators.totalBytes();

    // The objects, once each, in index order.
    std::vector<ObjectIndex> objects;
    if (options.objects.empty()) {
        objects.reserve(analysis.suspectCount());
        for (ObjectIndex c : analysis.candidates()) {
            if (analysis.isSuspect(c))
                objects.push_back(c);
        }
    } else {
        for (ObjectIndex o : options.objects) {
            if (o < n && o < dominators.objectCount())
                objects.push_back(o);
        }
        std::sort(objects.begin(), objects.end());
        objects.erase(std::unique(objects.begin(), objects.end()), objects.end());
    }
    story.objects = objects.size();
    if (objects.empty())
        return story;

    // One stamp array serves every "is this object in the set" question below: stamp 1 marks the
    // whole set, stamp 2 + g the members of group g.
    std::vector<std::uint32_t> mark(n, 0);
    for (ObjectIndex o : objects)
        mark[o] = 1;
    OverlapCounter overlap(n);
    story.retainedBytes = overlap.sum(dominators, objects, mark, 1);

    LazyReferrers referrers(s, options.referrers);

    // Common holders: the immediate dominator, or for an object no single object dominates (a root the
    // dominator tree's unreached rule made) the one object that refers to it.
    std::vector<Held> held;
    for (ObjectIndex o : objects) {
        ObjectIndex holder = dominators.immediateDominator(o);
        if (holder == kNoObject && analysis.referrerCount(o) > 0)
            holder = singleReferrer(referrers.get(), o);
        if (holder != kNoObject)
            held.push_back({holder, o});
    }
    std::sort(held.begin(), held.end(),
        [](const Held& a, const Held& b) { return a.holder != b.holder ? a.holder < b.holder : a.object < b.object; });

    std::vector<SuspectGroup> groups;
    std::vector<std::uint8_t> inHolderGroup(objects.size(), 0); // by position in objects
    for (std::size_t first = 0; first < held.size();) {
        std::size_t last = first + 1;
        while (last < held.size() && held[last].holder == held[first].holder)
            ++last;
        if (last - first >= 2) {
            SuspectGroup g;
            g.kind = SuspectGroup::Kind::CommonHolder;
            g.holder = held[first].holder;
            for (std::size_t k = first; k < last; ++k) {
                g.members.push_back(held[k].object);
                const auto at = std::lower_bound(objects.begin(), objects.end(), held[k].object);
                inHolderGroup[static_cast<std::size_t>(at - objects.begin())] = 1;
            }
            groups.push_back(std::move(g));
        }
        first = last;
    }

    // The rest by type (a type has one library, so this is by type and library too).
    std::vector<ObjectIndex> rest;
    rest.reserve(objects.size());
    for (std::size_t k = 0; k < objects.size(); ++k) {
        if (!inHolderGroup[k])
            rest.push_back(objects[k]);
    }
    std::stable_sort(rest.begin(), rest.end(), [&](ObjectIndex a, ObjectIndex b) { return s.typeOf(a) < s.typeOf(b); });
    for (std::size_t first = 0; first < rest.size();) {
        std::size_t last = first + 1;
        while (last < rest.size() && s.typeOf(rest[last]) == s.typeOf(rest[first]))
            ++last;
        SuspectGroup g;
        g.kind = SuspectGroup::Kind::TypeAndLibrary;
        g.members.assign(
            rest.begin() + static_cast<std::ptrdiff_t>(first), rest.begin() + static_cast<std::ptrdiff_t>(last));
        groups.push_back(std::move(g));
        first = last;
    }

    // Sizes and ranks.
    for (std::size_t gi = 0; gi < groups.size(); ++gi) {
        SuspectGroup& g = groups[gi];
        const auto stamp = static_cast<std::uint32_t>(2 + gi);
        for (ObjectIndex o : g.members)
            mark[o] = stamp;
        g.retainedBytes = overlap.sum(dominators, g.members, mark, stamp);
        for (ObjectIndex o : g.members)
            mark[o] = 1;
        g.count = g.members.size();
        g.heapShare = story.heapBytes ? static_cast<double>(g.retainedBytes) / static_cast<double>(story.heapBytes) : 0;
        std::sort(g.members.begin(), g.members.end(), [&](ObjectIndex a, ObjectIndex b) {
            const auto ra = dominators.retainedSize(a), rb = dominators.retainedSize(b);
            return ra != rb ? ra > rb : a < b;
        });
    }
    std::sort(groups.begin(), groups.end(), [&](const SuspectGroup& a, const SuspectGroup& b) {
        if (a.retainedBytes != b.retainedBytes)
            return a.retainedBytes > b.retainedBytes;
        if (a.count != b.count)
            return a.count > b.count;
        return a.members.front() < b.members.front();
    });
    story.totalGroups = groups.size();
    if (groups.size() > options.maxGroups)
        groups.resize(options.maxGroups);

    // The details of the groups kept.
    std::vector<ObjectIndex> parent; // breadth-first search: by object, the object one step nearer the target
    std::vector<ObjectIndex> frontier, next, visited;
    RetainedTypeCounter retainedTypes(s);
    for (std::size_t gi = 0; gi < groups.size(); ++gi) {
        SuspectGroup& g = groups[gi];
        g.retainedTypes
            = retainedTypes.count(dominators, g.members, static_cast<std::uint32_t>(gi + 1), options.maxRetainedTypes);
        if (g.members.size() > options.maxMembers)
            g.members.resize(std::max<std::size_t>(options.maxMembers, 1));
        g.representative = g.members.front();
        g.type = s.typeOf(g.representative);
        for (ObjectIndex o : g.members) {
            if (s.typeOf(o) != g.type)
                g.mixedTypes = true;
        }
        const TypeRecord& type = s.type(g.type);
        g.library = std::string(s.string(type.library));
        g.symbol = std::string(s.string(type.symbol));
        g.source = std::string(s.string(type.source));
        g.nothingRefersToRepresentative = analysis.referrerCount(g.representative) == 0;

        // The accumulation point: down the biggest child while it holds most of the representative's bytes.
        const double threshold
            = options.accumulationShare * static_cast<double>(dominators.retainedSize(g.representative));
        ObjectIndex point = g.representative;
        for (;;) {
            const auto children = dominators.children(point);
            if (children.empty() || static_cast<double>(dominators.retainedSize(children.front())) <= threshold)
                break;
            point = children.front(); // children come biggest first
        }
        g.accumulationPoint = point;
        g.accumulationRetained = dominators.retainedSize(point);
        g.representativeRetained = dominators.retainedSize(g.representative);

        // The shortest path from a root to the point: breadth-first over referrers from the point.
        if (analysis.referrerCount(point) == 0) {
            g.pathFromRoot = {point};
        } else {
            const ReferrerIndex& index = referrers.get();
            if (parent.empty())
                parent.assign(n, kNoObject);
            frontier.assign(1, point);
            visited.assign(1, point);
            parent[point] = point;
            ObjectIndex root = kNoObject;
            for (std::size_t depth = 0; root == kNoObject && !frontier.empty() && depth < options.maxPathLength;
                 ++depth) {
                next.clear();
                for (ObjectIndex o : frontier) {
                    for (ObjectIndex r : index.referrers(o)) {
                        if (parent[r] != kNoObject)
                            continue;
                        parent[r] = o;
                        visited.push_back(r);
                        if (analysis.referrerCount(r) == 0) {
                            root = r;
                            break;
                        }
                        next.push_back(r);
                    }
                    if (root != kNoObject)
                        break;
                }
                frontier.swap(next);
            }
            if (root != kNoObject) {
                for (ObjectIndex o = root;; o = parent[o]) {
                    g.pathFromRoot.push_back(o);
                    if (o == point)
                        break;
                }
            }
            for (ObjectIndex o : visited)
                parent[o] = kNoObject;
        }

        for (ObjectIndex o : g.members) {
            const auto site = s.allocationSite(o);
            if (!site.empty()) {
                g.allocatedMember = o;
                g.allocationSite.assign(site.begin(), site.end());
                break;
            }
        }
    }
    story.groups = std::move(groups);
    return story;
}

std::string groupSentence(const Snapshot& s, const SuspectGroup& g)
{
    const bool one = g.count == 1;
    std::string out = std::to_string(g.count);
    if (g.kind == SuspectGroup::Kind::CommonHolder) {
        out += one ? " object" : " objects";
        if (!g.mixedTypes)
            out += " of type " + std::string(s.typeName(g.type));
        out += " held by " + objectName(s, g.holder);
    } else {
        out += one ? " instance of " : " instances of ";
        out += s.typeName(g.type);
    }
    if (!g.library.empty() && !g.mixedTypes)
        out += ", defined in " + std::string(libraryBaseName(g.library)) + ',';
    out += one ? " retains " : " retain ";
    out += formatByteSize(g.retainedBytes) + " (" + shareText(g.heapShare) + " of the heap)";
    if (g.nothingRefersToRepresentative) {
        if (g.kind == SuspectGroup::Kind::CommonHolder)
            out += "; nothing in the heap refers to the biggest";
        else
            out += one ? "; nothing in the heap refers to it" : "; nothing in the heap refers to them";
    } else if (g.pathFromRoot.empty()) {
        out += "; no root reaches the biggest: it is held only by a cycle";
    } else {
        out += "; the biggest is reached from " + objectName(s, g.pathFromRoot.front());
    }
    return out + '.';
}

std::string accumulationSentence(const Snapshot& s, const SuspectGroup& g)
{
    if (g.accumulationPoint == kNoObject || g.accumulationPoint == g.representative)
        return {};
    // The point is the biggest member's: with several members, say so, and give that member's bytes
    // beside the group's.
    std::string out = g.count == 1 ? std::string("Most of it (")
                                   : "In the biggest (" + formatByteSize(g.representativeRetained) + "), most (";
    out += formatByteSize(g.accumulationRetained) + ") accumulates in " + objectName(s, g.accumulationPoint);
    if (g.pathFromRoot.size() >= 2 && g.pathFromRoot.front() == g.representative) {
        const std::size_t steps = g.pathFromRoot.size() - 1;
        out += ", " + std::to_string(steps) + (steps == 1 ? " reference" : " references") + " below it";
    } else {
        out += ", below it";
    }
    return out + '.';
}

} // namespace leakscope
