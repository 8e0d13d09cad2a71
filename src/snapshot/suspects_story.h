#pragma once

#include "analysis.h"
#include "dominators.h"
#include "snapshot.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace leakscope {

// The leak suspects story: the suspects of one snapshot gathered into groups a person can act on,
// biggest first, each with what it retains, where that memory accumulates, how it is reached and where
// it comes from. docs/suspects.md defines every rule below.

// One group of the story.
struct SuspectGroup
{
    enum class Kind : std::uint8_t {
        // Members of one type (so of one C origin library: a type has one). type is theirs.
        TypeAndLibrary,
        // Two or more members that hang under one object: the same immediate dominator (other than the
        // virtual root), or else the same single referrer. holder is that object; type is the
        // representative's, and members may be of other types too (mixedTypes).
        CommonHolder,
    };

    Kind kind = Kind::TypeAndLibrary;
    TypeIndex type = 0;
    bool mixedTypes = false; // CommonHolder only: members of more than one type
    std::string library; // TypeRecord::library of type: a full path, empty when unknown
    std::string symbol; // TypeRecord::symbol, empty when unknown
    std::string source; // TypeRecord::source ("file:line"), empty when unknown
    ObjectIndex holder = kNoObject; // CommonHolder: the holder; kNoObject otherwise

    // Members ranked by retained size, biggest first (ties by object index), at most
    // SuspectsStoryOptions::maxMembers of them; count is the group's full size.
    std::vector<ObjectIndex> members;
    std::size_t count = 0;
    // Bytes the group retains: the retained sizes of its members that no other member of the group
    // dominates (no byte counted twice). heapShare is retainedBytes / DominatorTree::totalBytes(), in
    // [0, 1]; 0 for an empty heap.
    std::uint64_t retainedBytes = 0;
    double heapShare = 0;

    // The biggest member (members.front()) and its retained size.
    ObjectIndex representative = kNoObject;
    std::uint64_t representativeRetained = 0;
    // Where the representative's retained size sits: starting at the representative, step down to the
    // child in the dominator tree with the biggest retained size as long as that child retains more
    // than SuspectsStoryOptions::accumulationShare of the representative's retained size. The
    // representative itself when no child does.
    ObjectIndex accumulationPoint = kNoObject;
    std::uint64_t accumulationRetained = 0; // the accumulation point's retained size

    // The shortest chain of references from a root (an object nothing in the snapshot refers to) to
    // the accumulation point, root first, the accumulation point last. For a suspect the root is the
    // representative itself (nothing refers to a suspect), so a one-element path means the
    // accumulation point is the representative. Empty when no root reaches it (it is held only by a
    // cycle that nothing in the snapshot refers to) or when the search stopped at maxPathLength.
    std::vector<ObjectIndex> pathFromRoot;
    // Nothing in the snapshot refers to the representative: it is held only from outside the snapshot
    // (C code, the interpreter, a leaked reference). True for every suspect.
    bool nothingRefersToRepresentative = false;

    // The allocation traceback of the first ranked member that has one (innermost frame first), and
    // that member; kNoObject and empty when tracemalloc recorded none for any member. The frames'
    // strings are the snapshot's (Snapshot::string).
    ObjectIndex allocatedMember = kNoObject;
    std::vector<AllocationFrame> allocationSite;

    // What the group holds, by type: every object in the members' retained sets (the members
    // included), counted once, with the sum of their own sizes per type; most bytes first (then most
    // objects, then type index), at most SuspectsStoryOptions::maxRetainedTypes rows. Over all the
    // members, not only those kept in members; the bytes of every row, before the cut, add up to
    // retainedBytes.
    struct RetainedType
    {
        TypeIndex type = 0;
        std::uint64_t objects = 0;
        std::uint64_t bytes = 0;
    };
    std::vector<RetainedType> retainedTypes;
};

struct SuspectsStory
{
    std::vector<SuspectGroup> groups; // by retainedBytes, biggest first; at most maxGroups
    std::size_t totalGroups = 0; // groups before maxGroups cut the list
    std::size_t objects = 0; // objects the story was built over (the suspects by default)
    std::uint64_t retainedBytes = 0; // bytes those objects retain together, none counted twice
    std::uint64_t heapBytes = 0; // DominatorTree::totalBytes()
};

struct SuspectsStoryOptions
{
    std::size_t maxGroups = 10;
    std::size_t maxMembers = 100; // members kept per group (count still says how many there are)
    // Share of the representative's retained size a child must retain for the accumulation point to
    // move down to it: MAT's rule of thumb, "most of it" (more than half by default).
    double accumulationShare = 0.5;
    // Steps the backward search for pathFromRoot may go before giving up (the path is then empty).
    std::size_t maxPathLength = 64;
    std::size_t maxRetainedTypes = 10; // rows of SuspectGroup::retainedTypes
    // The objects to tell the story of; empty: the analysis's suspects (HeapAnalysis::isSuspect).
    // Objects out of range are skipped.
    std::span<const ObjectIndex> objects;
    // Referrers of the snapshot, when the caller has them; null: built when a path needs one (O(N + E)).
    const ReferrerIndex* referrers = nullptr;
};

// Builds the story. The analysis and the tree must be of the same snapshot. O(N) for the marks it
// keeps; O(objects + their distinct dominators) to find the members other members dominate (each
// dominator's answer is remembered), O(objects log objects) to sort; then, for each kept group, the
// dominator walk to its accumulation point and a backward breadth-first search bounded by
// maxPathLength (for a suspect it stays inside the suspect's retained set). No allocation per object
// in its loops.
SuspectsStory buildSuspectsStory(
    const HeapAnalysis& analysis, const DominatorTree& dominators, const SuspectsStoryOptions& options = {});

// Sizes for people: "512 B", "1.2 KB", "3.4 MB", "1.1 GB" (powers of 1024, one decimal from KB up).
std::string formatByteSize(std::uint64_t bytes);

// The group in one sentence, plain text (the reports escape it):
// "3 instances of __main__.Request retain 3.5 KB (4.1% of the heap); nothing refers to them."
// "1 instance of plantleak.Leaky, defined in plantleak.cpython-311-x86_64-linux-gnu.so, retains ..."
// "2 objects held by builtins.dict at 0x… retain ..."
std::string groupSentence(const Snapshot& snapshot, const SuspectGroup& group);
// Where the memory sits, or empty when the accumulation point is the representative and there is
// nothing more to say: "Most of it (2.9 KB) accumulates in builtins.list at 0x…, 2 references below
// it." for one member; "In the biggest (3.1 KB), most (2.9 KB) accumulates in ..." for several.
std::string accumulationSentence(const Snapshot& snapshot, const SuspectGroup& group);

} // namespace leakscope
