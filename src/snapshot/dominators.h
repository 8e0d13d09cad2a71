#pragma once

#include "analysis.h"
#include "snapshot.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace leakscope {

// The dominator tree of a snapshot's reference graph and the retained size of every object.
//
// The graph gets a virtual root. Its children are, first, every candidate (HeapAnalysis::candidates():
// gc-tracked objects nothing in the snapshot refers to; the interpreter's own roots, sys.modules,
// the builtins dict, the running frames' holders, are among them, explained). Objects the search
// from the candidates does not reach (a cycle held only by C code or by objects outside the
// snapshot, an untracked object nothing refers to) are not dropped: after that search, each object
// still unreached, in index order, becomes a further child of the virtual root and the search goes
// on from it. So every object has a dominator, and the retained sizes of the virtual root's
// children sum to totalBytes(). In a cycle that nothing outside it reaches, the member with the
// lowest index is the one made a root child, and it dominates the rest of the cycle.
//
// Object d dominates object o when every path from the virtual root to o passes through d; d's
// retained size is the bytes that would be freed with it: its own size plus the sizes of everything
// it dominates (Snapshot::size, the sys.getsizeof-like own sizes recorded at capture).
//
// Built with the Lengauer–Tarjan algorithm (link-eval with balanced trees and path compression,
// every recursion unrolled into loops) in O((N + E) α(N)) time; sorting the children lists adds
// O(N log N) at worst. No per-object allocation: the construction uses nine 32-bit arrays of
// N + 2 entries plus a 32-bit predecessor array of E entries, freed or taken over by the tree
// before it returns; the tree keeps five 32-bit arrays and one 64-bit array of about N entries
// (memoryBytes(), 28 bytes an object).
//
// Immutable after construction and safe to share between threads. It keeps no reference to the
// snapshot or the analysis it was built from.
class DominatorTree
{
public:
    // Throws std::length_error when the snapshot holds more objects than the 32-bit numbering allows
    // (2^32 - 3).
    DominatorTree(const Snapshot& snapshot, const HeapAnalysis& analysis);

    std::size_t objectCount() const { return m_order.size(); }

    // The object's immediate dominator: the closest object every path from the virtual root to it
    // passes through; kNoObject for the virtual root's children. O(1).
    ObjectIndex immediateDominator(ObjectIndex i) const { return m_vertex[m_dom[m_order[i]]]; }

    // Bytes freed with the object: its own size plus the retained sizes of its children in the tree.
    std::uint64_t retainedSize(ObjectIndex i) const { return m_retained[m_order[i]]; }

    // The objects the object immediately dominates, largest retained size first (equal sizes in
    // preorder()).
    std::span<const ObjectIndex> children(ObjectIndex i) const { return row(m_order[i]); }
    // The virtual root's children, in the same order: the candidates and the objects the unreached
    // rule above made roots, together with every object that no single object dominates.
    std::span<const ObjectIndex> rootChildren() const { return row(0); }

    // Whether the object was reached by neither the candidates nor anything they hold: one of the
    // roots the unreached rule added, or an object found from one of them. O(1).
    bool isUnreached(ObjectIndex i) const { return m_order[i] >= m_firstUnreachedOrder; }
    // Objects reached only through the unreached rule.
    std::size_t unreachedCount() const { return objectCount() + 1 - m_firstUnreachedOrder; }

    // The sum of every object's size: the virtual root's retained size.
    std::uint64_t totalBytes() const { return m_retained[0]; }

    // Retained bytes per type, indexed by TypeIndex (Snapshot::typeCount() entries): the sum of the
    // retained sizes of the type's objects that no other object of the same type dominates. An
    // object inside another of its type's retained set is already counted there, so no byte is
    // counted twice for one type (a linked list's retained bytes are its head's, not the sum over
    // its nodes); bytes can count towards several types (a dict's, and its list's that holds it).
    const std::vector<std::uint64_t>& retainedByType() const { return m_typeRetained; }

    // Position of the object in the depth-first preorder of the search (the virtual root is 0, its
    // first child 1): an object's dominators all come before it. O(1).
    std::uint32_t preorder(ObjectIndex i) const { return m_order[i]; }

    // Bytes the tree keeps.
    std::size_t memoryBytes() const;
    // The most bytes the construction held at once in its arrays (what it keeps included), counted
    // from their capacities: the allocator's own overhead and the snapshot are not included.
    std::size_t constructionPeakBytes() const { return m_buildPeakBytes; }

private:
    std::span<const ObjectIndex> row(std::uint32_t p) const
    {
        return {m_children.data() + m_childOffsets[p], m_childOffsets[p + 1] - m_childOffsets[p]};
    }

    // The tree is kept by preorder (0 is the virtual root, then the objects 1 .. N); m_order leads
    // from an object to its preorder.
    std::vector<std::uint32_t> m_order; // by object
    std::vector<ObjectIndex> m_vertex; // by preorder: the object; kNoObject at 0
    std::vector<std::uint32_t> m_dom; // by preorder: the immediate dominator's preorder
    std::vector<std::uint64_t> m_retained; // by preorder; the total at 0
    std::vector<std::uint32_t> m_childOffsets; // by preorder, N + 2 entries
    std::vector<ObjectIndex> m_children; // objects, grouped by the preorder of their dominator
    std::vector<std::uint64_t> m_typeRetained;
    std::size_t m_buildPeakBytes = 0;
    std::uint32_t m_firstUnreachedOrder = 1; // preorder of the first root the unreached rule added, or N + 1
};

} // namespace leakscope
