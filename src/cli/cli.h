#pragma once

namespace leakscope::cli {

// Entry point of leakscope-cli; returns the process exit status.
int run(int argc, char** argv);

// Subcommands, each given the arguments after its name.
int reportCommand(int argc, char** argv);
int runCommand(int argc, char** argv);
int diffCommand(int argc, char** argv);
int benchCommand(int argc, char** argv);

// Exit status for LeakScope's own errors (bad arguments, a script that cannot run, capture failure,
// a snapshot file that cannot be read or written).
inline constexpr int kUsageError = 2;

} // namespace leakscope::cli
