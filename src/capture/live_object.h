#pragma once

// Asking a live object about itself: only on the user's explicit request, because it runs the
// object's own code (__repr__, __dir__, __getattr__...).

#include <cstdint>
#include <string>
#include <vector>

namespace leakscope::capture {

struct LiveDescription
{
    bool found = false;                  // a live object sits at the address
    std::string repr;                    // repr(obj), cut to maxReprBytes
    std::vector<std::string> attributes; // dir(obj)
    std::string error;                   // what the object's code raised, if it did
};

// The caller holds the GIL. The address is checked against the live heap before it is touched: it
// must be a gc-tracked object or one that a gc-tracked object refers to, so a stale address from an
// old snapshot is answered "not found" instead of crashing.
LiveDescription describeLiveObject(std::uint64_t address, std::size_t maxReprBytes = 10000);

} // namespace leakscope::capture
