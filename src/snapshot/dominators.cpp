#include "dominators.h"

#include <algorithm>
#include <stdexcept>

namespace leakscope {

namespace {

// The search numbers the virtual root 1 and the objects 2 .. N + 1 in preorder; 0 is the null of
// the link-eval forest (its size and semidominator are 0, so comparisons against it need no test).
constexpr std::uint32_t kNull = 0;
constexpr std::uint32_t kRoot = 1;

using Numbers = std::vector<std::uint32_t>;

template <typename... Vectors> std::size_t bytesOf(const Vectors&... vectors)
{
    return (... + (vectors.capacity() * sizeof(typename Vectors::value_type)));
}

// The link-eval forest of Lengauer and Tarjan with balanced linking ("sophisticated" version), over
// preorder numbers. compress() walks up with an explicit stack: with balanced trees its depth stays
// logarithmic, so the stack stays small.
class LinkEvalForest
{
public:
    LinkEvalForest(Numbers& semi, std::size_t n)
        : m_semi(semi)
        , m_label(n)
        , m_ancestor(n, kNull)
        , m_child(n, kNull)
        , m_size(n, 1)
    {
        for (std::uint32_t v = 0; v < n; ++v)
            m_label[v] = v;
        m_size[kNull] = 0;
    }

    std::size_t memoryBytes() const { return bytesOf(m_label, m_ancestor, m_child, m_size, m_path); }

    // Hands the forest's arrays of n entries over for other uses; the forest is done with then.
    void giveArrays(std::vector<Numbers>& spare)
    {
        for (Numbers* array : {&m_label, &m_ancestor, &m_child, &m_size})
            spare.push_back(std::move(*array));
    }

    // The vertex with the smallest semidominator on the forest path from v up to, not including,
    // the root of v's tree (v itself when v is a root).
    std::uint32_t eval(std::uint32_t v)
    {
        if (m_ancestor[v] == kNull)
            return m_label[v];
        compress(v);
        const std::uint32_t a = m_ancestor[v];
        return m_semi[m_label[a]] >= m_semi[m_label[v]] ? m_label[v] : m_label[a];
    }

    // Makes w (a tree root) a child of v.
    void link(std::uint32_t v, std::uint32_t w)
    {
        std::uint32_t s = w;
        const std::uint32_t semiW = m_semi[m_label[w]];
        while (semiW < m_semi[m_label[m_child[s]]]) {
            const std::uint32_t c = m_child[s];
            if (m_size[s] + m_size[m_child[c]] >= 2 * m_size[c]) {
                m_ancestor[c] = s;
                m_child[s] = m_child[c];
            } else {
                m_size[c] = m_size[s];
                m_ancestor[s] = c;
                s = c;
            }
        }
        m_label[s] = m_label[w];
        m_size[v] += m_size[w];
        if (m_size[v] < 2 * m_size[w])
            std::swap(s, m_child[v]);
        while (s != kNull) {
            m_ancestor[s] = v;
            s = m_child[s];
        }
    }

private:
    void compress(std::uint32_t v)
    {
        m_path.clear();
        for (std::uint32_t x = v; m_ancestor[m_ancestor[x]] != kNull; x = m_ancestor[x])
            m_path.push_back(x);
        // Nearest the tree's root first, as the recursive form finishes its calls.
        while (!m_path.empty()) {
            const std::uint32_t y = m_path.back();
            m_path.pop_back();
            const std::uint32_t a = m_ancestor[y];
            if (m_semi[m_label[a]] < m_semi[m_label[y]])
                m_label[y] = m_label[a];
            m_ancestor[y] = m_ancestor[a];
        }
    }

    Numbers& m_semi;
    Numbers m_label;
    Numbers m_ancestor;
    Numbers m_child;
    Numbers m_size;
    Numbers m_path;
};

// Depth-first search from the virtual root in preorder: the candidates first, then every object
// still unreached in index order. Fills number (by object), vertex and parent (by number); returns
// the number of the first object the unreached rule made a root (n when there is none).
std::uint32_t search(const Snapshot& snapshot, const HeapAnalysis& analysis, Numbers& number, Numbers& vertex,
    Numbers& parent, std::size_t& peakBytes)
{
    const auto objects = static_cast<ObjectIndex>(snapshot.objectCount());
    // Objects on the search path and the position reached among each one's referents.
    Numbers pathNodes, pathCursors;
    std::uint32_t next = kRoot + 1;
    auto searchFrom = [&](ObjectIndex start) {
        number[start] = next;
        vertex[next] = start;
        parent[next] = kRoot;
        ++next;
        pathNodes.assign(1, start);
        pathCursors.assign(1, 0);
        while (!pathNodes.empty()) {
            const ObjectIndex node = pathNodes.back();
            const std::span<const ObjectIndex> referents = snapshot.referents(node);
            std::uint32_t cursor = pathCursors.back();
            while (cursor < referents.size() && number[referents[cursor]] != kNull)
                ++cursor;
            if (cursor == referents.size()) {
                pathNodes.pop_back();
                pathCursors.pop_back();
                continue;
            }
            pathCursors.back() = cursor + 1;
            const ObjectIndex target = referents[cursor];
            number[target] = next;
            vertex[next] = target;
            parent[next] = number[node];
            ++next;
            pathNodes.push_back(target);
            pathCursors.push_back(0);
        }
    };
    for (ObjectIndex c : analysis.candidates()) {
        if (number[c] == kNull)
            searchFrom(c);
    }
    const std::uint32_t firstUnreached = next;
    for (ObjectIndex i = 0; i < objects; ++i) {
        if (number[i] == kNull)
            searchFrom(i);
    }
    peakBytes = std::max(peakBytes, bytesOf(number, vertex, parent, pathNodes, pathCursors));
    return firstUnreached;
}

// Semidominators and immediate dominators by preorder number (Lengauer and Tarjan). On return
// parent[w] holds the immediate dominator of w. number (by object, n entries) is used up: once the
// referrers are numbered, it becomes the heads of the buckets. Arrays of n entries the computation
// no longer needs go to spare, whose pages are then used again instead of fresh ones (which
// cost a page fault each).
void computeDominators(const Snapshot& snapshot, const Numbers& vertex, Numbers& parent, Numbers& number,
    std::vector<Numbers>& spare, std::size_t& peakBytes)
{
    const std::size_t n = vertex.size();
    // Referrers by preorder number, from the snapshot's edges.
    Numbers predStarts(n + 1, 0);
    const auto objects = static_cast<ObjectIndex>(snapshot.objectCount());
    for (ObjectIndex target : snapshot.columns().edges)
        ++predStarts[number[target]];
    for (std::size_t w = 1; w <= n; ++w)
        predStarts[w] += predStarts[w - 1];
    Numbers preds(snapshot.edgeCount());
    for (ObjectIndex source = 0; source < objects; ++source) {
        for (ObjectIndex target : snapshot.referents(source))
            preds[--predStarts[number[target]]] = number[source];
    }
    Numbers& bucketHead = number;
    std::fill(bucketHead.begin(), bucketHead.end(), kNull);

    Numbers semi(n);
    for (std::uint32_t v = 0; v < n; ++v)
        semi[v] = v;
    LinkEvalForest forest(semi, n);
    // parent[w] is read once, in w's turn; after it the same slot links w into the bucket of its
    // semidominator, and once that bucket is processed it holds w's (provisional) dominator.
    Numbers& dom = parent;
    for (auto w = static_cast<std::uint32_t>(n - 1); w > kRoot; --w) {
        // Every object after w is linked now, so eval() sees the tree paths up to w.
        for (std::uint32_t v = bucketHead[w]; v != kNull;) {
            const std::uint32_t nextInBucket = dom[v];
            const std::uint32_t u = forest.eval(v);
            dom[v] = semi[u] < semi[v] ? u : w;
            v = nextInBucket;
        }
        const std::uint32_t p = parent[w];
        if (p == kRoot) {
            semi[w] = kRoot; // a child of the virtual root: no path can avoid the root
        } else {
            for (std::uint32_t k = predStarts[w]; k < predStarts[w + 1]; ++k) {
                const std::uint32_t u = forest.eval(preds[k]);
                if (semi[u] < semi[w])
                    semi[w] = semi[u];
            }
        }
        dom[w] = bucketHead[semi[w]];
        bucketHead[semi[w]] = w;
        forest.link(p, w);
    }
    peakBytes = std::max(peakBytes, bytesOf(vertex, parent, number, predStarts, preds, semi) + forest.memoryBytes());
    for (std::uint32_t v = bucketHead[kRoot]; v != kNull;) {
        const std::uint32_t nextInBucket = dom[v];
        dom[v] = kRoot;
        v = nextInBucket;
    }
    for (std::uint32_t w = kRoot + 1; w < n; ++w) {
        if (dom[w] != semi[w])
            dom[w] = dom[dom[w]];
    }
    forest.giveArrays(spare);
    spare.push_back(std::move(semi));
    spare.push_back(std::move(number));
}

} // namespace

DominatorTree::DominatorTree(const Snapshot& snapshot, const HeapAnalysis& analysis)
{
    const std::size_t objects = snapshot.objectCount();
    if (objects > UINT32_MAX - 3)
        throw std::length_error("the snapshot has too many objects for a dominator tree");
    const std::size_t n = objects + 2;

    Numbers vertex(n, kNull);
    Numbers parent(n, kNull);
    std::uint32_t firstUnreached = 0;
    std::vector<Numbers> spare; // arrays of n entries, each with its pages already in memory
    {
        Numbers number(n, kNull);
        firstUnreached = search(snapshot, analysis, number, vertex, parent, m_buildPeakBytes);
        computeDominators(snapshot, vertex, parent, number, spare, m_buildPeakBytes);
    }
    const auto reuse = [&spare](Numbers& array) {
        array = std::move(spare.back());
        spare.pop_back();
    };
    reuse(m_order);
    reuse(m_childOffsets);
    reuse(m_children);
    spare.clear();
    m_firstUnreachedOrder = firstUnreached - 1;

    // From here on the tree is kept by preorder (the search's number less one: the virtual root is
    // 0), where a node's dominator and children mostly lie close to it, and only m_order leads from
    // objects to it: the passes below then touch memory in order rather than all over the heap.
    const auto last = static_cast<std::uint32_t>(objects); // the last preorder
    m_vertex = std::move(vertex);
    m_vertex.erase(m_vertex.begin());
    m_vertex[0] = kNoObject;
    m_dom = std::move(parent);
    for (std::uint32_t p = 1; p <= last; ++p)
        m_dom[p] = m_dom[p + 1] - 1;
    m_dom[0] = 0;
    m_dom.pop_back();

    m_order.resize(objects); // capacity stays n
    m_retained.resize(objects + 1);
    for (std::uint32_t p = 1; p <= last; ++p) {
        m_order[m_vertex[p]] = p;
        m_retained[p] = snapshot.size(m_vertex[p]);
    }
    // Dominators come before what they dominate in preorder: going backwards, each node's retained
    // size is complete before it is added to its dominator's; the virtual root's ends up the total.
    m_retained[0] = 0;
    for (std::uint32_t p = last; p >= 1; --p)
        m_retained[m_dom[p]] += m_retained[p];

    // Children lists: counted by row, filled backwards so that each row's start ends up in its
    // offset and its children in preorder, sorted, then turned into objects.
    m_childOffsets.assign(objects + 2, 0);
    for (std::uint32_t p = 1; p <= last; ++p)
        ++m_childOffsets[m_dom[p]];
    for (std::size_t row = 1; row < m_childOffsets.size(); ++row)
        m_childOffsets[row] += m_childOffsets[row - 1];
    m_children.resize(objects);
    for (std::uint32_t p = last; p >= 1; --p)
        m_children[--m_childOffsets[m_dom[p]]] = p;
    m_buildPeakBytes = std::max(m_buildPeakBytes, memoryBytes());
    const auto bySize = [this](std::uint32_t a, std::uint32_t b) {
        return m_retained[a] != m_retained[b] ? m_retained[a] > m_retained[b] : a < b;
    };
    for (std::size_t row = 0; row + 1 < m_childOffsets.size(); ++row) {
        if (m_childOffsets[row + 1] - m_childOffsets[row] > 1)
            std::sort(m_children.begin() + m_childOffsets[row], m_children.begin() + m_childOffsets[row + 1], bySize);
    }

    // Per type: a depth-first walk of the tree counting, per type, the objects of that type on the
    // path above; an object counts when none is.
    m_typeRetained.assign(snapshot.typeCount(), 0);
    std::vector<std::uint32_t> onPath(snapshot.typeCount(), 0);
    std::vector<std::pair<std::uint32_t, std::uint32_t>> path{{0, m_childOffsets[0]}}; // node, next child
    while (!path.empty()) {
        auto& [node, position] = path.back();
        if (position == m_childOffsets[node + 1]) {
            if (node != 0)
                --onPath[snapshot.typeOf(m_vertex[node])];
            path.pop_back();
            continue;
        }
        const std::uint32_t child = m_children[position++];
        const TypeIndex type = snapshot.typeOf(m_vertex[child]);
        if (onPath[type]++ == 0)
            m_typeRetained[type] += m_retained[child];
        path.emplace_back(child, m_childOffsets[child]);
    }
    m_buildPeakBytes = std::max(m_buildPeakBytes, memoryBytes() + bytesOf(onPath, path));

    for (std::uint32_t& child : m_children)
        child = m_vertex[child];
}

std::size_t DominatorTree::memoryBytes() const
{
    return bytesOf(m_order, m_vertex, m_dom, m_retained, m_childOffsets, m_children, m_typeRetained);
}

} // namespace leakscope
