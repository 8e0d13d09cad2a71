#pragma once

// What leakscope-cli says when the script it runs ends the process: a crash (SIGSEGV, SIGBUS, SIGILL,
// SIGFPE, SIGABRT), in the script's own code or in a capture, or SIGTERM. The signal still ends the
// process, as it would end python3, so the exit status says it too (a shell shows 139 for SIGSEGV);
// a line on stderr says first what was going on and what is left.

#include <string>

namespace leakscope::cli {

// Installs the handlers, on a stack of their own so that a C stack overflow is reported too. Call it
// before the interpreter starts, so that Python's faulthandler, when enabled, runs first and hands the
// signal on. consequence ends the line ("no report is written").
void installCrashReport(const std::string& consequence);
// Where the line goes from now on (at first, the fd of stderr at installCrashReport()).
void reportCrashesTo(int fd);

// While one lives, a crash is the capture's: an object's traverse function (an extension's
// tp_traverse) failed.
class CaptureUnderway
{
public:
    CaptureUnderway();
    ~CaptureUnderway();
    CaptureUnderway(const CaptureUnderway&) = delete;
    CaptureUnderway& operator=(const CaptureUnderway&) = delete;
};

// A snapshot file is being written on another thread from this call to the next fileWriteEnded(): a
// crash of the script's thread, SIGTERM or the script's os._exit() meanwhile waits for it (a few
// seconds at most), so that the file the process saved before it ended is complete. (For os._exit,
// this file defines _exit, which takes the C library's place in leakscope-cli.)
void fileWriteStarted();
void fileWriteEnded();

} // namespace leakscope::cli
