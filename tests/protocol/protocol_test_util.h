#pragma once

// Helpers shared by the protocol tests: field-by-field comparison of messages (written independently of
// protocol.cpp's field lists) and a little builder for hand-made, possibly malformed, frames.

#include "protocol/protocol.h"

#include <QtCore/QByteArray>
#include <QtCore/QString>

#include <cstdint>
#include <limits>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

namespace protocol_test {

using namespace leakscope::protocol;

inline auto fields(const Hello& m) { return std::tie(m.protocolVersion, m.token, m.pythonVersion, m.pid); }
inline auto fields(const Welcome& m) { return std::tie(m.protocolVersion); }
inline auto fields(const Run&) { return std::tie(); }
inline auto fields(const SnapshotRequest& m) { return std::tie(m.requestId, m.label); }
inline auto fields(const Continue&) { return std::tie(); }
inline auto fields(const Interrupt&) { return std::tie(); }
inline auto fields(const Terminate&) { return std::tie(); }
inline auto fields(const DescribeRequest& m) { return std::tie(m.requestId, m.address, m.typeAddress, m.typeName); }
inline auto fields(const Progress& m) { return std::tie(m.requestId, m.permille, m.message); }
inline auto fields(const SnapshotReady& m)
{
    return std::tie(m.requestId, m.label, m.paused, m.snapshot, m.seriesId, m.seriesIndex, m.seriesLength);
}
inline auto fields(const ScriptFinished& m) { return std::tie(m.exitCode, m.outcome, m.message); }
inline auto fields(const ObjectDescription& m)
{
    return std::tie(m.requestId, m.address, m.found, m.repr, m.attributes, m.error, m.typeName);
}
inline auto fields(const Error& m) { return std::tie(m.requestId, m.message); }

inline bool sameMessage(const Message& a, const Message& b)
{
    if (a.index() != b.index())
        return false;
    return std::visit(
        [&](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            return fields(x) == fields(std::get<T>(b));
        },
        a);
}

inline QByteArray toBytes(std::string_view s)
{
    return QByteArray(s.data(), static_cast<qsizetype>(s.size()));
}

// Little-endian byte builder for hand-made frames.
struct Bytes
{
    QByteArray data;

    Bytes& u8(std::uint8_t v)
    {
        data.append(static_cast<char>(v));
        return *this;
    }
    Bytes& u16(std::uint16_t v) { return u8(v & 0xff).u8(v >> 8); }
    Bytes& u32(std::uint32_t v) { return u16(v & 0xffff).u16(v >> 16); }
    Bytes& u64(std::uint64_t v) { return u32(v & 0xffffffffu).u32(v >> 32); }
    Bytes& raw(const QByteArray& bytes)
    {
        data.append(bytes);
        return *this;
    }
    Bytes& str(const QByteArray& bytes) { return u32(static_cast<std::uint32_t>(bytes.size())).raw(bytes); }
};

inline QByteArray header(std::uint32_t length, std::uint16_t type, std::uint16_t flags = 0)
{
    return Bytes().u32(length).u16(type).u16(flags).data;
}

inline QByteArray frame(MessageType type, const QByteArray& payload, std::uint16_t flags = 0)
{
    return header(static_cast<std::uint32_t>(payload.size()), static_cast<std::uint16_t>(type), flags) + payload;
}

// Every byte value once.
inline std::string allBytes()
{
    std::string s(256, '\0');
    for (int i = 0; i < 256; ++i)
        s[static_cast<std::size_t>(i)] = static_cast<char>(i);
    return s;
}

// Every message type, with extreme integers, empty and non-ASCII strings. With large, also a long traceback
// and a dir() of 20000 names; without, everything stays small enough to mutate thousands of times.
inline std::vector<Message> sampleMessages(bool large)
{
    using Limits32 = std::numeric_limits<std::int32_t>;
    using Limits64 = std::numeric_limits<std::int64_t>;
    const std::string snake = "Gr\xc3\xb6\xc3\x9f" "e \xe2\x80\x93 \xe6\xbc\xa2\xe5\xad\x97 \xf0\x9f\x90\x8d";
    std::vector<Message> messages = {
        Hello{kProtocolVersion, "3f9a0c5e1b7d4a2f8e6c0b9d7a5f3e1c", "3.11.2", 123456},
        Hello{UINT32_MAX, "", "", Limits64::min()},
        Hello{0, std::string("nul\0inside", 10) + allBytes(), snake, Limits64::max()},
        Welcome{},
        Welcome{UINT32_MAX},
        Run{},
        SnapshotRequest{1, "before"},
        SnapshotRequest{UINT32_MAX, ""},
        SnapshotRequest{7, snake},
        SnapshotRequest{9, "attached", kSnapshotNoCollect},
        Continue{},
        Interrupt{},
        Terminate{},
        DescribeRequest{42, 0x7f86add34450, 0x55d0c0a8e2a0, "__main__.Request"},
        DescribeRequest{0, UINT64_MAX, UINT64_MAX, snake},
        DescribeRequest{1, 0, 0, ""},
        Progress{3, 0, ""},
        Progress{0, 1000, "walking objects\xe2\x80\xa6"},
        SnapshotReady{0, "after warm-up", true, allBytes() + allBytes()},
        SnapshotReady{UINT32_MAX, "", false, ""},
        SnapshotReady{5, snake, false, std::string(3, '\0')},
        SnapshotReady{0, "f: round 3/5", false, allBytes(), 1, 3, 6},
        SnapshotReady{0, "tests/test_a.py::test_leak: warm-up", false, "", UINT32_MAX, UINT32_MAX - 1, UINT32_MAX},
        ScriptFinished{0, "completed", ""},
        ScriptFinished{Limits32::min(), "raised", "Traceback (most recent call last):\n  ...\nValueError: " + snake},
        ScriptFinished{Limits32::max(), "not-run", ""},
        ObjectDescription{9, 0x7f86add34450, true, "<Request at 0x7f86add34450>",
                          {"__class__", "", snake, allBytes()}, "", "__main__.Request"},
        ObjectDescription{10, 0, false, "", {}, "no live object at 0x0"},
        ObjectDescription{11, 0x7f86add34450, false, "", {},
                          "the object at this address is now a builtins.dict, not the __main__.Request of the snapshot",
                          "builtins.dict"},
        ObjectDescription{UINT32_MAX, UINT64_MAX, true, "", {""}, snake},
        Error{0, "unknown request"},
        Error{UINT32_MAX, ""},
    };
    if (large) {
        std::string traceback;
        for (int i = 0; traceback.size() < 200000; ++i)
            traceback += "  File \"/srv/app/module_" + std::to_string(i) + ".py\", line " + std::to_string(i * 7)
                         + ", in handler\n";
        messages.push_back(ScriptFinished{1, "raised", traceback});
        ObjectDescription many{77, 0x1000, true, "<module 'big'>", {}, ""};
        for (int i = 0; i < 20000; ++i)
            many.attributes.push_back(i % 1000 == 0 ? std::string() : "attribute_" + std::to_string(i) + snake);
        messages.push_back(std::move(many));
    }
    return messages;
}

} // namespace protocol_test
