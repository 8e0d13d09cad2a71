#pragma once

// Asking a live object about itself: only on the user's explicit request, because it runs the
// object's own code (__repr__, __dir__, __getattr__...).

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace leakscope::capture {

struct LiveDescription
{
    bool found = false;                  // a live object of the expected type sits at the address
    std::string repr;                    // repr(obj), cut to maxReprBytes
    std::vector<std::string> attributes; // dir(obj)
    std::string error;                   // why not found, or what the object's code raised
    std::string typeName;                // "module.qualname" of the object living there; empty: none
};

// The caller holds the GIL. The address is checked against the live heap before it is touched: it
// must be a gc-tracked object or one that a gc-tracked object refers to, so a stale address from an
// old snapshot is answered "not found" instead of crashing. Its type must then be the type object at
// expectedType (expectedTypeName names it in the error): an address freed since the snapshot may
// hold another object now, and no code of an object the user did not choose runs. beforeCall, when
// given, is told before each call into the object's code ("repr()", "dir()"), with what is known so far;
// when it returns false, that call and the ones after it are not made (the description stays as it is).
using BeforeObjectCode = std::function<bool(const LiveDescription& sofar, const char* call)>;
LiveDescription describeLiveObject(std::uint64_t address, std::uint64_t expectedType,
                                   const std::string& expectedTypeName, std::size_t maxReprBytes = 10000,
                                   const BeforeObjectCode& beforeCall = {});

} // namespace leakscope::capture
