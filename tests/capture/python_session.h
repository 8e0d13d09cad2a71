#pragma once

#include <Python.h>

#include "capture/interpreter.h"

#include <cstdint>
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

} // namespace testing
