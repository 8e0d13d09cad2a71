#pragma once

#include <string>
#include <sys/types.h>

// Loading LeakScope's agent into a running process. The injector only gets the library in and calls its
// start function, which starts the agent's own thread and returns at once; everything else (the GIL,
// the capture, the socket) happens later on that thread, never in the injector's stopped context.
namespace leakscope::attach {

struct InjectionResult
{
    bool ok = false;
    // One line a user can act on when ok is false; empty otherwise.
    std::string error;
    // How long the target was stopped, in milliseconds; negative when it was never stopped.
    double stoppedMs = -1.0;
    // How stoppedMs was measured (so figures are reported honestly).
    std::string stoppedMeasuredBy;
    // Remarks that do not make the injection fail (e.g. a degraded read-back); may be empty.
    std::string warning;
    // The injector's raw transcript (gdb's output), for logs and bug reports.
    std::string transcript;
};

class Injector
{
public:
    virtual ~Injector() = default;
    // Loads the shared library at libraryPath (absolute) into process pid and calls its exported
    // `int leakscope_agent_start(const char* argument)`. Returns within the injector's timeout; the
    // target keeps running whatever the outcome.
    virtual InjectionResult inject(pid_t pid, const std::string& libraryPath, const std::string& argument) = 0;
    // A short name for messages ("gdb").
    virtual std::string name() const = 0;
};

} // namespace leakscope::attach
