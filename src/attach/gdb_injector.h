#pragma once

#include "attach/injector.h"

#include <string>
#include <vector>

namespace leakscope::attach {

// Injection through gdb: `gdb --batch -nx`, attach, write the two strings into the target's stack below
// its red zone, call dlopen(path, RTLD_NOW) and leakscope_agent_start(arg), put the registers back,
// detach. No malloc in the target (gdb would call it to place string literals), no Python API, no
// debuginfod, no symbols beyond libc's and the agent's.
class GdbInjector : public Injector
{
public:
    struct Options
    {
        std::string gdbPath = "gdb";
        // The whole gdb run (attach, both calls, detach). When it is exceeded gdb gets SIGINT: it stops
        // the target, unwinds a call in progress (unwindonsignal), puts the registers back and detaches.
        int timeoutMs = 15000;
        // After that SIGINT, how long gdb has to detach before it is killed (the kernel then ends the
        // trace; a call still in progress at that moment would be left half-made in the target).
        int interruptGraceMs = 3000;
    };

    GdbInjector();
    explicit GdbInjector(Options options);

    InjectionResult inject(pid_t pid, const std::string& libraryPath, const std::string& argument) override;
    std::string name() const override { return "gdb"; }

    // The gdb command line for an injection (exposed for tests and logs).
    std::vector<std::string> commandLine(pid_t pid, const std::string& libraryPath,
                                         const std::string& argument) const;

    // Interprets gdb's transcript of a run made with commandLine(); exposed so parsing can be tested on
    // recorded output.
    static InjectionResult parseTranscript(const std::string& transcript, const std::string& libraryPath);

    // Longest path + argument (bytes, both with their terminating NUL) that fit the scratch area.
    static constexpr size_t kMaxStringBytes = 3584;

private:
    Options m_options;
};

} // namespace leakscope::attach
