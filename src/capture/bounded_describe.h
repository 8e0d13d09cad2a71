#pragma once

// Asking a live object about itself without waiting on it for ever: its __repr__ or __dir__ may loop,
// sleep or wait on a lock, and whoever asked must be able to go on (take the next snapshot, answer the
// next request).

#include "live_object.h"

#include <chrono>
#include <optional>
#include <string>

namespace leakscope::capture {

struct BoundedDescription
{
    // The answer: the object's description, or one that says which of its calls did not return in
    // time (found, with the type, and error naming the call). Empty when the time ran out before any
    // code of the object ran: then failure says why (the interpreter did not give up its lock).
    std::optional<LiveDescription> description;
    std::string failure;
};

// describeLiveObject() on a thread of its own, which takes the GIL itself: the caller must not hold it.
// Returns once the description is made, or once limit has passed. Then the call is abandoned: the thread
// is left to finish on its own (its answer is dropped), and TimeoutError is raised in it, which ends a
// loop of Python code at its next bytecode; a blocking call (sleep(), a lock) notices it only when it
// returns, and code that catches it runs on, with the interpreter's other threads sharing the GIL
// with it as usual.
BoundedDescription describeLiveObjectWithin(std::uint64_t address, std::uint64_t expectedType,
                                            const std::string& expectedTypeName, std::chrono::milliseconds limit,
                                            std::size_t maxReprBytes = 10000);

} // namespace leakscope::capture
