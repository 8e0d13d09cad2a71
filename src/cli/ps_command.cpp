#include "cli.h"

#include "attach/attach_check.h"
#include "attach/process_info.h"
#include "snapshot/text.h"

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace leakscope::cli {

namespace {

const char kPsUsage[] =
    "Usage: leakscope-cli ps [--all] [--format table|json]\n"
    "\n"
    "Lists the running Python processes you may attach to: pid, user, Python version and command\n"
    "line. A process is listed when the attach self-test passes (`leakscope-cli attach --check PID`\n"
    "says why one does not).\n"
    "\n"
    "Options:\n"
    "  --all             list the Python processes that fail the self-test too, with the reason (and\n"
    "                    python* processes whose files cannot be read)\n"
    "  --format FORMAT   table (default) or json\n"
    "  -h, --help        this help\n"
    "\n"
    "Exit status: 0 when the list was written (even empty); 2 on a usage error.\n";

int usageError(const std::string& message)
{
    std::fprintf(stderr, "leakscope-cli ps: %s\nTry 'leakscope-cli ps --help'.\n", message.c_str());
    return kUsageError;
}

std::string jsonString(std::string_view text)
{
    std::string out;
    appendJsonString(out, text);
    return out;
}

// Command lines are anybody's text: control characters would rewrite the terminal.
std::string printable(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (const char c : text)
        out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
    return out;
}

bool listed(const attach::CheckResult& check, bool all)
{
    using attach::Verdict;
    if (check.ok())
        return true;
    if (!all)
        return false;
    switch (check.verdict) {
    case Verdict::NoSuchProcess:
    case Verdict::SelfProcess:
    case Verdict::NotPython:
        return false;
    case Verdict::Unreadable:
    case Verdict::OtherUser:
        // Without its files, a process' own name is the only hint that it runs Python.
        return check.process.python.isPython || check.process.name.rfind("python", 0) == 0;
    default:
        return true;
    }
}

} // namespace

int psCommand(int argc, char** argv)
{
    bool all = false;
    bool json = false;
    for (int i = 0; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            std::fputs(kPsUsage, stdout);
            return 0;
        }
        if (arg == "--all") {
            all = true;
        } else if (arg == "--format" || arg.rfind("--format=", 0) == 0) {
            std::string value;
            if (!optionValue(arg, argc, argv, i, value))
                return usageError("--format needs a value: table or json");
            if (value == "json")
                json = true;
            else if (value != "table")
                return usageError("unknown format '" + value + "': table or json");
        } else {
            return usageError("unexpected argument '" + std::string(arg) + "'");
        }
    }

    const attach::SystemView system = attach::currentSystem();
    std::vector<attach::CheckResult> rows;
    for (const pid_t pid : attach::listPids(system.procRoot)) {
        attach::CheckResult check = attach::checkAttach(pid, system);
        if (listed(check, all))
            rows.push_back(std::move(check));
    }

    std::string out;
    if (json) {
        out += "{\"built_for_python\": " + jsonString(system.builtForVersion) + ", \"processes\": [";
        bool first = true;
        for (const auto& row : rows) {
            const auto& p = row.process;
            out += first ? "\n  " : ",\n  ";
            first = false;
            out += "{\"pid\": " + std::to_string(p.pid);
            out += ", \"user\": " + jsonString(p.user);
            out += ", \"uid\": " + (p.uidKnown ? std::to_string(p.uid) : std::string("null"));
            out += ", \"python\": " + jsonString(p.python.version);
            out += ", \"interpreter\": " + jsonString(p.python.interpreterFile);
            out += ", \"command\": " + jsonString(p.commandLine.empty() ? "[" + p.name + "]" : p.commandLine);
            out += std::string(", \"attachable\": ") + (row.ok() ? "true" : "false");
            out += std::string(", \"verdict\": ") + jsonString(attach::verdictName(row.verdict));
            out += ", \"reason\": " + (row.ok() ? std::string("null") : jsonString(row.message));
            out += "}";
        }
        out += rows.empty() ? "]}\n" : "\n]}\n";
    } else {
        char line[256];
        std::snprintf(line, sizeof line, "%7s  %-12s %-7s %s\n", "PID", "USER", "PYTHON", "COMMAND");
        out += line;
        for (const auto& row : rows) {
            const auto& p = row.process;
            const std::string command = p.commandLine.empty() ? "[" + p.name + "]" : p.commandLine;
            std::snprintf(line, sizeof line, "%7d  %-12s %-7s ", static_cast<int>(p.pid), printable(p.user).c_str(),
                          p.python.version.empty() ? "?" : p.python.version.c_str());
            out += line;
            out += printable(command);
            out += '\n';
            if (!row.ok())
                out += "         cannot attach: " + row.message + "\n";
        }
        if (rows.empty())
            out += all ? "(no Python processes)\n"
                       : "(no Python processes you may attach to; --all lists the others with the reason)\n";
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}

} // namespace leakscope::cli
