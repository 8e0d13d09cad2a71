#pragma once

// The environment of the Python processes the attach tests start and attach to.
//
// In a sanitizer build (the asan and tsan presets) the agent, and the tests' own agent, are built with
// the sanitizer and need its runtime, which must be loaded before anything else in a process: Debian's
// python3 has none, so dlopen() of the agent would fail there ("ASan runtime does not come first",
// "cannot allocate memory in static TLS block"). Such a build's target is started with the runtime
// preloaded, as a program built with the sanitizer would have it; python3 itself stays
// uninstrumented. In the default build this is the caller's environment, unchanged.

#include <QtCore/QProcessEnvironment>
#include <QtCore/QString>

namespace leakscope::attachtest {

// ThreadSanitizer's runtime starts a thread of its own in a process once it has a second one: a target
// attached once has one thread more after the detach than before, by the runtime's doing.
#if defined(__SANITIZE_THREAD__)
inline constexpr bool kRuntimeAddsAThread = true;
#else
inline constexpr bool kRuntimeAddsAThread = false;
#endif

inline QProcessEnvironment targetEnvironment()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
#if defined(LEAKSCOPE_SANITIZER_RUNTIME)
    environment.insert(QStringLiteral("LD_PRELOAD"), QStringLiteral(LEAKSCOPE_SANITIZER_RUNTIME));
#endif
    return environment;
}

} // namespace leakscope::attachtest
