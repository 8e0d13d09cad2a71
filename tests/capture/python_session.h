#pragma once

#include <Python.h>

#include "capture/heap_capture.h"
#include "capture/interpreter.h"
#include "snapshot/analysis.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>
#include <memory>
#include <string>

// Test helpers around the process's embedded interpreter.
namespace testing {

// Starts the interpreter once for the test executable.
leakscope::capture::Interpreter& interpreter();

// Runs Python statements in __main__; fails the calling test (returns false) when they raise.
bool run(const std::string& source, std::string* error = nullptr);

// Evaluates a Python expression in __main__ and returns it as an integer (-1 and an error otherwise).
std::int64_t evalInt(const std::string& expression);

// Evaluates a Python expression in __main__ and returns str() of it as UTF-8.
std::string evalStr(const std::string& expression);

// The snapshot index of the object at address, searched linearly; nullopt when absent.
std::optional<leakscope::ObjectIndex> findByAddress(const leakscope::Snapshot& snapshot, std::uint64_t address);

// The candidates the predicate accepts, in index order.
std::vector<leakscope::ObjectIndex> candidatesWhere(const leakscope::HeapAnalysis& analysis,
                                                   const std::function<bool(leakscope::ObjectIndex)>& match);

bool reprContains(const leakscope::Snapshot& s, leakscope::ObjectIndex i, std::string_view text);

// id() of a Python expression evaluated in __main__.
std::uint64_t addressOf(const std::string& expression);

// gc.collect(), then a capture.
leakscope::SnapshotPtr collectAndCapture(leakscope::capture::CaptureDiagnostics* diagnostics = nullptr);

} // namespace testing
