#pragma once

#include <optional>
#include <string>

// The one string the attaching side hands the agent's start function (leakscope_agent_start): where to
// connect and the secret that proves the connection is the one expected. Written by the attaching side
// (CLI, GUI), read by the agent inside the target; both link this file, so the format has one owner.
//
// Format: lines "key=value\n"; keys "socket" (absolute path of the attaching side's Unix socket) and
// "token" (hex). Unknown keys are refused, so a mismatched agent says so instead of half-working.
namespace leakscope::attach {

struct AgentArgument
{
    std::string socketPath;
    std::string token;
};

std::string formatAgentArgument(const AgentArgument& argument);
// Nothing when the text is not a well-formed argument (error says why, when given).
std::optional<AgentArgument> parseAgentArgument(const std::string& text, std::string* error = nullptr);

// The exported start function's name and return codes (see src/agent/agent.cpp).
inline constexpr const char* kAgentStartSymbol = "leakscope_agent_start";
enum AgentStartCode : int {
    kAgentStarted = 0,
    kAgentBadArgument = 1,
    kAgentBusy = 2,         // an agent session is already active in the process
    kAgentNoThread = 3,     // the agent's thread could not be created
};

} // namespace leakscope::attach
