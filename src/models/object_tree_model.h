#pragma once

#include "analyzed_snapshot.h"
#include "item_roles.h"

#include <QtCore/QAbstractItemModel>
#include <QtCore/QLocale>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace leakscope {

// item_roles.h belongs to the whole layer; this role only makes sense for the object trees, so it is
// numbered right after the last shared role instead of being added there.
constexpr int IsCycleRole = IsSuspectRole + 1; // bool: the object is one of its own ancestors

// The reference graph of one snapshot unfolded into a tree from one object, for the object browser:
// Referents ("what does this hold?") or Referrers ("who holds this?"). The graph has millions of nodes
// and cycles, so nothing is precomputed: a node's children are made when a view asks for them
// (canFetchMore()/fetchMore()), in the order of the snapshot's edges, one row per edge (an object held
// twice by its parent shows twice). A child that is already among its ancestors is shown, marked as a
// cycle, and has no children. A node shows at most childLimit() children and then one "… N more" row.
//
// The data is local and a fetch is bounded by the limit, so fetchMore() fills the children at once:
// no "Loading…" placeholder or batching timer as in a remote model.
class ObjectTreeModel final : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Direction { Referents, Referrers };
    Q_ENUM(Direction)

    enum Column {
        ObjectColumn,    // type name and short repr
        EdgeColumn,      // how the holder holds the other, where the snapshot can tell: "[3]", "['key']", ".attr"
        SizeColumn,
        RefcountColumn,
        ReferrersColumn,
        SurplusColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    static constexpr int kDefaultChildLimit = 10000;
    // Nodes this many levels below the top row have no children: QTreeView lays out expanded rows with
    // one call per level, and a few thousand levels overflow the GUI thread's stack. Going to such a
    // node's object (activating it) makes it the top row, from which the tree goes on.
    static constexpr int kMaxDepth = 1000;

    explicit ObjectTreeModel(Direction direction, QObject* parent = nullptr);
    ~ObjectTreeModel() override;

    Direction direction() const { return m_direction; }

    // The only reset: root becomes the single top-level row, with no children fetched yet. A null
    // snapshot or a root out of range clears the model. The ReferrerIndex is kept while the snapshot
    // stays the same.
    void setRoot(AnalyzedSnapshotPtr analyzed, ObjectIndex root);
    const AnalyzedSnapshotPtr& analyzedSnapshot() const { return m_analyzed; }
    std::optional<ObjectIndex> root() const;

    // Children shown under one node before the "… N more" row; at least 1. Applies to the nodes
    // fetched from now on.
    void setChildLimit(int limit);
    int childLimit() const { return m_childLimit; }

    // The snapshot's reverse adjacency, built in O(N + E) on first need (the first fetch in the
    // Referrers direction, or this call) and kept until the snapshot changes, so other users such as
    // rootPaths() can share it. Null without a snapshot.
    std::shared_ptr<const ReferrerIndex> referrerIndex() const;

    // The object a row shows; nullopt for an invalid index and for the "… N more" row.
    std::optional<ObjectIndex> objectAt(const QModelIndex& index) const;
    bool isCycle(const QModelIndex& index) const;
    // Nodes made so far (top row included): how much of the graph has been unfolded.
    std::size_t nodeCount() const { return m_nodes.size(); }

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const final;
    QModelIndex parent(const QModelIndex& child) const final;
    int rowCount(const QModelIndex& parent = {}) const final;
    int columnCount(const QModelIndex& parent = {}) const final;
    bool hasChildren(const QModelIndex& parent = {}) const final;
    bool canFetchMore(const QModelIndex& parent) const final;
    void fetchMore(const QModelIndex& parent) final;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const final;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const final;
    Qt::ItemFlags flags(const QModelIndex& index) const final;

private:
    enum NodeState : std::uint8_t { Unfetched, Fetched, Cycle, Placeholder, DepthLimit };
    static constexpr std::uint32_t kNoNode = UINT32_MAX;
    static constexpr std::uint32_t kNoEdge = UINT32_MAX;

    // One row of the tree; a node's children are contiguous, so a row maps to a node in O(1).
    struct Node
    {
        ObjectIndex object = 0;           // unused for a Placeholder
        std::uint32_t parent = kNoNode;   // node index; kNoNode for the top row
        std::uint32_t row = 0;            // row under the parent
        std::uint32_t firstChild = 0;     // node index of row 0, once Fetched
        std::uint32_t childCount = 0;     // rows, the "… N more" row included, once Fetched
        // The edge between this node and its parent, as a position among the holder's referents (the
        // parent holds this node in Referents, this node holds the parent in Referrers); kNoEdge for
        // the top row and placeholders.
        std::uint32_t edge = kNoEdge;
        NodeState state = Unfetched;
    };

    // A valid index of this model, in range; invalid ones are not warned about (views pass them).
    bool isOurs(const QModelIndex& index) const { return index.isValid() && checkIndex(index); }
    const Node& nodeOf(const QModelIndex& index) const { return m_nodes[static_cast<std::size_t>(index.internalId())]; }
    // The edges out of object in this model's direction: its referents, or the edges into it.
    std::size_t edgeCount(ObjectIndex object) const;
    bool mayHaveChildren(const Node& node) const;
    // The cells of the two columns only the trees have; the others are the object columns'.
    QVariant objectData(const Node& node, int role) const;
    QVariant edgeData(const Node& node, int role) const;
    QString objectText(ObjectIndex object, bool elide) const;
    QString edgeText(const Node& node) const;
    bool isSequence(ObjectIndex object) const; // an exact list or tuple
    // The object holding the other end of node's edge: the parent's object, or in Referrers the node's.
    ObjectIndex holderOf(const Node& node) const;
    // Index of node's object in the holder when the holder is an exact list or tuple.
    std::optional<std::uint32_t> edgePosition(const Node& node) const;
    std::uint64_t hiddenCount(const Node& placeholder) const;

    const Direction m_direction;
    AnalyzedSnapshotPtr m_analyzed;
    const Snapshot* m_snapshot = nullptr;
    const HeapAnalysis* m_analysis = nullptr;
    mutable std::shared_ptr<const ReferrerIndex> m_referrers; // for m_analyzed, built on first need
    std::vector<Node> m_nodes; // node 0 is the top row when there is one
    std::vector<TypeIndex> m_sequenceTypes; // builtins.list and builtins.tuple, when present
    int m_childLimit = kDefaultChildLimit;
    QLocale m_locale;
    mutable std::string m_scratch;
};

} // namespace leakscope
