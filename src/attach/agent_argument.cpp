#include "agent_argument.h"

namespace leakscope::attach {

std::string formatAgentArgument(const AgentArgument& argument)
{
    return "socket=" + argument.socketPath + "\ntoken=" + argument.token + "\n";
}

std::optional<AgentArgument> parseAgentArgument(const std::string& text, std::string* error)
{
    auto fail = [error](const std::string& why) -> std::optional<AgentArgument> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    AgentArgument argument;
    bool haveSocket = false, haveToken = false;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        if (end == std::string::npos)
            return fail("the last line has no newline");
        const std::string line = text.substr(start, end - start);
        start = end + 1;
        const std::size_t equals = line.find('=');
        if (equals == std::string::npos)
            return fail("a line without '=': " + line);
        const std::string key = line.substr(0, equals), value = line.substr(equals + 1);
        if (key == "socket" && !haveSocket) {
            if (value.empty() || value[0] != '/')
                return fail("the socket path is not absolute");
            argument.socketPath = value;
            haveSocket = true;
        } else if (key == "token" && !haveToken) {
            if (value.empty() || value.find_first_not_of("0123456789abcdef") != std::string::npos)
                return fail("the token is not lower-case hexadecimal");
            argument.token = value;
            haveToken = true;
        } else {
            return fail("unknown or repeated key '" + key + "'");
        }
    }
    if (!haveSocket || !haveToken)
        return fail(haveSocket ? "no token" : "no socket path");
    return argument;
}

} // namespace leakscope::attach
