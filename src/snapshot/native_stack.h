#pragma once

// Reading the native (C) allocation stacks of a snapshot: which C function created an object, under
// which piece of the interpreter's allocation machinery, and how a frame reads as one line. Qt-free.

#include "snapshot.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace leakscope {

class HeapAnalysis;

inline constexpr std::uint32_t kNoNativeFrame = UINT32_MAX;

// What an object's native stack says about who made it.
struct NativeCreator
{
    // The first frame past the folded ones (an index for Snapshot::nativeFrame()): the C code that
    // asked the interpreter for the object. kNoNativeFrame when the object has no stack, or when
    // every frame of its stack is folded (the depth ran out inside the allocator).
    std::uint32_t frame = kNoNativeFrame;
    // The outermost folded frame's function ("PyObject_GC_New"); empty when nothing is folded or that
    // frame has no name.
    std::string_view under;
    bool hasStack = false; // the object has a recorded stack at all
};

NativeCreator nativeCreator(const Snapshot& snapshot, ObjectIndex object);

// The object's frames past the folded ones, innermost first (all of them with includeFolded).
std::span<const std::uint32_t> nativeShownFrames(const Snapshot& snapshot, ObjectIndex object,
                                                 bool includeFolded = false);

// The first of objects that has a native stack, or kNoObject: for a group of suspects, whose biggest
// member may have been allocated before native traces began.
ObjectIndex firstWithNativeStack(const Snapshot& snapshot, std::span<const ObjectIndex> objects);

// One frame as one line: "leak_widget at plantleak.c:47 (libfoo.so)", "leak_widget (libfoo.so)"
// without debug information, "?? at 0x7f12345678 (libfoo.so)" without a symbol. The library is shown
// and the source file by their file names; " [inlined]" follows a frame inlined into the next one.
std::string formatNativeFrame(const Snapshot& snapshot, const NativeFrame& frame);
// "plantleak.c:47" (the file's name; its recorded path with fullPath), "plantleak.c" without a line,
// or "" when the frame has no source file.
std::string nativeFrameSource(const Snapshot& snapshot, const NativeFrame& frame, bool fullPath = false);

// The given objects grouped by the C function that created them (nativeCreator()): a row per
// function and library, one per address for frames without a symbol, and one row (frame
// kNoNativeFrame) for the objects whose creator is unknown: no stack, or a stack that is all folded.
struct CreatorRow
{
    std::uint32_t frame = kNoNativeFrame; // a frame of the group (the first object's), for its names
    StringId function = 0;
    StringId library = 0;
    StringId file = 0;
    std::uint32_t line = 0;
    std::uint64_t address = 0;
    std::size_t objects = 0;    // of the objects given
    std::size_t suspects = 0;   // HeapAnalysis::isSuspect()
    std::uint64_t bytes = 0;    // own sizes of the objects
    std::vector<ObjectIndex> members; // in the order given
};

// Most suspects first, then most bytes, then most objects, then by function name; the row of
// unknown creators last. Empty when the snapshot has no native stacks. O(objects + owners) for objects
// in increasing order (the candidates), each stack decided once.
std::vector<CreatorRow> creatorSummary(const HeapAnalysis& analysis, std::span<const ObjectIndex> objects);

} // namespace leakscope
