// Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/), each made by the
// project's own encoders from small test graphs: snapshots in every format version and both file
// storages, every protocol message, the rules file of docs/ignore-rules.md, regular expressions and
// globs with texts they meet. Run from the source folder as
//     build/fuzz/tests/fuzz/fuzz_make_seeds tests/fuzz/corpus
// (or the normal build's build/default/tests/fuzz/fuzz_make_seeds); it overwrites the files it makes.

#include "fuzz_graph.h"

#include "../snapshot/synthetic_heap.h"
#include "protocol/protocol.h"
#include "snapshot/snapshot_codec.h"
#include "snapshot/snapshot_file.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using namespace leakscope;

namespace {

fs::path g_root;

void write(const std::string& target, const std::string& name, const std::string& bytes)
{
    const fs::path folder = g_root / target;
    fs::create_directories(folder);
    std::ofstream file(folder / name, std::ios::binary | std::ios::trunc);
    file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!file)
        throw std::runtime_error("cannot write " + (folder / name).string());
}

// The encoding of version 1 or 2 from a version 3 one: the native stack sections dropped and, for
// version 1, allocation frames without their function. The older decoders' branches need these.
std::string olderEncoding(const std::string& v3, std::uint32_t version)
{
    constexpr std::size_t kHeaderBytes = 16;
    std::string out = v3.substr(0, kHeaderBytes);
    const std::uint32_t sections = 24;
    std::memcpy(out.data() + 8, &version, 4);
    std::memcpy(out.data() + 12, &sections, 4);
    for (std::size_t at = kHeaderBytes; at < v3.size();) {
        const std::string tag = v3.substr(at, 4);
        std::uint32_t elementSize = 0;
        std::uint64_t count = 0;
        std::memcpy(&elementSize, v3.data() + at + 4, 4);
        std::memcpy(&count, v3.data() + at + 8, 8);
        const std::size_t bytes = elementSize * count;
        const std::size_t padded = (bytes + 7) / 8 * 8;
        const std::string payload = v3.substr(at + 16, bytes);
        at += 16 + padded;
        if (tag == "NOWN" || tag == "NSOF" || tag == "NSOO" || tag == "NSFR" || tag == "NFLD" || tag == "NFRM")
            continue;
        std::string kept = payload;
        if (tag == "AFRM" && version == 1) {
            elementSize = 8;
            kept.clear();
            for (std::size_t k = 0; k < count; ++k)
                kept += payload.substr(k * 12, 8);
        }
        out += tag;
        out.append(reinterpret_cast<const char*>(&elementSize), 4);
        out.append(reinterpret_cast<const char*>(&count), 8);
        out += kept;
        out.append((8 - kept.size() % 8) % 8, '\0');
    }
    return out;
}

SnapshotColumns withoutNativeStacks(SnapshotColumns c)
{
    c.nativeOwners.clear();
    c.nativeStackOf.clear();
    c.nativeStackOffsets = {0};
    c.nativeStackFrames.clear();
    c.nativeStackFolded.clear();
    c.nativeFrames.clear();
    c.info.nativeTraceDepth = 0;
    return c;
}

void snapshotSeeds()
{
    const Snapshot feature(fuzz::featureColumns());
    const Snapshot synthetic(test::syntheticHeap(40, "synthetic"));
    const Snapshot empty{SnapshotColumns()};
    const Snapshot graph(fuzz::graphColumns({{"builtins.list", "[1]", "", {1, 2}},
                                             {"builtins.dict", "", "startup", {2}},
                                             {"__main__.Node", "", "", {0}},
                                             {"builtins.int", "1", "", {}, false}}));
    write("snapshot_codec", "feature-v3", encodeSnapshot(feature));
    write("snapshot_codec", "synthetic-v3", encodeSnapshot(synthetic));
    write("snapshot_codec", "empty-v3", encodeSnapshot(empty));
    write("snapshot_codec", "graph-v3", encodeSnapshot(graph));
    const std::string plain = encodeSnapshot(Snapshot(withoutNativeStacks(fuzz::featureColumns())));
    write("snapshot_codec", "feature-v2", olderEncoding(plain, 2));
    write("snapshot_codec", "feature-v1", olderEncoding(plain, 1));

    const fs::path scratch = fs::temp_directory_path() / ("fuzz-seeds-" + std::to_string(::getpid()) + ".lssnap");
    const auto file = [&](const Snapshot& snapshot, SnapshotCompression compression) {
        saveSnapshotFile(snapshot, scratch.string(), {.compression = compression});
        std::ifstream in(scratch, std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        fs::remove(scratch);
        return bytes;
    };
    write("snapshot_file", "feature-zstd.lssnap", file(feature, SnapshotCompression::Zstd));
    write("snapshot_file", "feature-raw.lssnap", file(feature, SnapshotCompression::None));
    write("snapshot_file", "graph-zstd.lssnap", file(graph, SnapshotCompression::Zstd));
    write("snapshot_file", "empty-raw.lssnap", file(empty, SnapshotCompression::None));
}

std::vector<std::pair<std::string, protocol::Message>> messages()
{
    using namespace protocol;
    const std::string snapshot = encodeSnapshot(Snapshot(fuzz::graphColumns({{"builtins.list", "[]", "", {}}})));
    return {
        {"hello", Hello{kProtocolVersion, "0123456789abcdef", "3.11.2", 4242}},
        {"welcome", Welcome{}},
        {"run", Run{}},
        {"snapshot", SnapshotRequest{7, "after warm-up", kSnapshotNoCollect}},
        {"continue", Continue{}},
        {"interrupt", Interrupt{}},
        {"terminate", Terminate{}},
        {"describe", DescribeRequest{8, 0x7f0000001000ULL, 0x7f5500100000ULL, "builtins.dict"}},
        {"progress", Progress{7, 500, "walking the heap"}},
        {"snapshot-ready", SnapshotReady{7, "round 2", true, snapshot, 1, 2, 5}},
        {"script-finished", ScriptFinished{1, "raised", "Traceback (most recent call last):\n  ...\nValueError"}},
        {"object-description",
         ObjectDescription{8, 0x7f0000001000ULL, true, "{'caf\xc3\xa9': 1}", {"__class__", "keys"}, "", "builtins.dict"}},
        {"error", Error{8, "no object at 0x7f0000001000"}},
    };
}

void protocolSeeds()
{
    std::string conversation;
    const auto all = messages();
    for (std::size_t k = 0; k < all.size(); ++k) {
        const auto& [name, message] = all[k];
        const std::string frame = protocol::encode(message);
        conversation += frame;
        // fuzz_protocol_payload: the index of the type, then the payload.
        write("protocol_payload", name, std::string(1, static_cast<char>(k)) + frame.substr(protocol::kHeaderSize));
    }
    // fuzz_protocol_stream: the read size byte, then the stream.
    write("protocol_stream", "conversation-reads-of-1", std::string(1, '\0') + conversation);
    write("protocol_stream", "conversation-reads-of-7", std::string(1, '\6') + conversation);
    write("protocol_stream", "hello-welcome-reads-of-64",
          std::string(1, '\77') + protocol::encode(all[0].second) + protocol::encode(all[1].second));
}

void ruleSeeds()
{
    write("ignore_rules", "documented",
          "# _ctypes keeps these tuples in C statics.\n"
          "type builtins.tuple repr \"(<built-in function from_param>*\"\n"
          "\n"
          "# Every ufunc numpy creates on import.\n"
          "module numpy type numpy.ufunc\n"
          "\n"
          "# Our request cache, whatever it holds.\n"
          "repr re:\"^\\{'cache-key': \"\n"
          "\n"
          "# Already explained; listed so the report shows the rule.\n"
          "explanation startup\n"
          "{'cache-key': 1}\n"
          "(<built-in function from_param>, 1)\n");
    write("ignore_rules", "quoting",
          "\xEF\xBB\xBFrepr \"a \\\"quoted\\\" \\\\ text\" type \"\" module re:(?i)^BUILT\r\n"
          "repr \"re:literal\" type \\*x\\? repr caf\xc3\xa9* # comment\n"
          "repr re:\"(a+)+$\" explanation type-*\n"
          "type builtins.dict repr x#y\n"
          "bogus field\n"
          "repr\n"
          "repr re:\"(unclosed\"\n"
          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\n");
}

void patternSeeds()
{
    const auto seed = [](const std::string& name, bool caseless, const std::string& pattern, const std::string& text) {
        write("pattern", name, std::string(1, caseless ? '\1' : '\0') + pattern + std::string(1, '\0') + text);
    };
    seed("cache-key", false, "^\\{'cache-key': ", "{'cache-key': 42, 'value': [1, 2]}");
    seed("exponential", false, "(a+)+$", std::string(40, 'a') + "b");
    seed("caseless-utf8", true, "caf\xc3\xa9|\xe6\x97\xa5\xe6\x9c\xac", "CAF\xc3\x89 and \xe6\x97\xa5\xe6\x9c\xac");
    seed("invalid-utf8-text", false, ".+", "ok \xff\xfe bytes");
    seed("glob", false, "builtins.*.?ict\\*", "builtins.x.dict*");
    seed("lookaround-backref", false, "(?<=<)(\\w+) at (0x[0-9a-f]+)(?=>)\\b", "<numpy.ufunc at 0x7f00>");
    seed("bad-pattern", false, "(unclosed[", "text");
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::cerr << "usage: " << argv[0] << " CORPUS_FOLDER\n";
        return 2;
    }
    g_root = argv[1];
    try {
        snapshotSeeds();
        protocolSeeds();
        ruleSeeds();
        patternSeeds();
    } catch (const std::exception& error) {
        std::cerr << error.what() << '\n';
        return 1;
    }
    return 0;
}
