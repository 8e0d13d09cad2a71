#pragma once

#include <string>
#include <string_view>

namespace leakscope::cli {

// Entry point of leakscope-cli; returns the process exit status.
int run(int argc, char** argv);

// Subcommands, each given the arguments after its name.
int reportCommand(int argc, char** argv);
int runCommand(int argc, char** argv);
int diffCommand(int argc, char** argv);
int growthCommand(int argc, char** argv);
int benchCommand(int argc, char** argv);
int psCommand(int argc, char** argv);
int attachCommand(int argc, char** argv);
int exportCommand(int argc, char** argv);

// The value of option arg, argv[i]: after its '=' ("--name=VALUE"), else the next argument (i moves
// past it). False when there is none.
bool optionValue(std::string_view arg, int argc, char** argv, int& i, std::string& out);

// Exit status for LeakScope's own errors (bad arguments, a script that cannot run, capture failure,
// a snapshot file that cannot be read or written).
inline constexpr int kUsageError = 2;

// Exit status of `growth` when it found a leak (leaked objects or surplus growth in every round), so
// that a CI job fails on it; distinct from the script's own statuses (0, 1) and kUsageError.
inline constexpr int kLeaksFound = 3;

} // namespace leakscope::cli
