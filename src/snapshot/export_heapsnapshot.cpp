#include "export_heapsnapshot.h"

#include "text.h"

#include <algorithm>
#include <charconv>
#include <deque>
#include <limits>
#include <span>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace leakscope {

namespace {

// Indices into the node_types and edge_types lists written in the meta below.
enum NodeType : std::uint32_t {
    NodeObject = 3,
    NodeString = 2,
    NodeCode = 4,
    NodeClosure = 5,
    NodeNumber = 7,
    NodeSynthetic = 9,
};
enum EdgeType : std::uint32_t {
    EdgeElement = 1,
    EdgeProperty = 2,
    EdgeInternal = 3,
};

constexpr std::string_view kMeta
    = R"({"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count","trace_node_id","detachedness"],)"
      R"("node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic",)"
      R"("concatenated string","sliced string","symbol","bigint","object shape"],"string","number","number","number",)"
      R"("number","number"],"edge_fields":["type","name_or_index","to_node"],)"
      R"("edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"],)"
      R"("trace_function_info_fields":[],"trace_node_fields":[],"sample_fields":[],"location_fields":[]},)";

constexpr std::size_t kFlushBytes = 1 << 20;

// Buffers the output and hands it to the sink in large pieces.
class Output
{
public:
    explicit Output(const ExportSink& sink)
        : m_sink(sink)
    {
        m_buffer.reserve(kFlushBytes + 4096);
    }

    std::string& buffer() { return m_buffer; }
    void text(std::string_view text)
    {
        m_buffer.append(text);
        maybeFlush();
    }
    void number(std::uint64_t value)
    {
        char digits[24];
        const auto result = std::to_chars(digits, digits + sizeof digits, value);
        m_buffer.append(digits, result.ptr);
    }
    void maybeFlush()
    {
        if (m_buffer.size() >= kFlushBytes)
            flush();
    }
    void flush()
    {
        if (!m_buffer.empty())
            m_sink(m_buffer);
        m_buffer.clear();
    }

private:
    const ExportSink& m_sink;
    std::string m_buffer;
};

// The file's string table: each distinct string once, numbered in order of first use.
class StringTable
{
public:
    std::uint32_t intern(std::string_view text)
    {
        const auto found = m_index.find(text);
        if (found != m_index.end())
            return found->second;
        const auto id = static_cast<std::uint32_t>(m_strings.size());
        m_strings.emplace_back(text); // a deque never moves its elements, so the view below stays valid
        m_index.emplace(std::string_view(m_strings.back()), id);
        return id;
    }
    const std::deque<std::string>& strings() const { return m_strings; }

private:
    std::deque<std::string> m_strings;
    std::unordered_map<std::string_view, std::uint32_t> m_index;
};

enum class Kind : std::uint8_t { Object, String, Number, Closure, Code };

Kind kindOfType(std::string_view name)
{
    if (name == "builtins.str")
        return Kind::String;
    if (name == "builtins.int" || name == "builtins.float" || name == "builtins.complex" || name == "builtins.bool")
        return Kind::Number;
    if (name == "builtins.function")
        return Kind::Closure;
    if (name == "builtins.code")
        return Kind::Code;
    return Kind::Object;
}

std::uint32_t nodeTypeOf(Kind kind)
{
    switch (kind) {
    case Kind::String: return NodeString;
    case Kind::Number: return NodeNumber;
    case Kind::Closure: return NodeClosure;
    case Kind::Code: return NodeCode;
    case Kind::Object: break;
    }
    return NodeObject;
}

bool isSequenceType(std::string_view name)
{
    return name == "builtins.list" || name == "builtins.tuple";
}

// "[12]" -> 12; false for anything else.
bool parseIndexLabel(std::string_view label, std::uint32_t& index)
{
    if (label.size() < 3 || label.front() != '[' || label.back() != ']')
        return false;
    const char* first = label.data() + 1;
    const char* last = label.data() + label.size() - 1;
    const auto [end, error] = std::from_chars(first, last, index);
    return error == std::errc() && end == last;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

constexpr std::string_view kEllipsis = "\u2026";

// The name DevTools shows for a node: the class for objects (its Summary groups by it), the text for
// strings, the value for numbers, the function's qualified name for closures, the repr for code.
std::string_view nodeName(const Snapshot& snapshot, ObjectIndex i, Kind kind, std::string& scratch)
{
    const std::string_view repr = snapshot.storedRepr(i);
    switch (kind) {
    case Kind::String:
        if (!repr.empty() && unquotePythonString(repr, scratch))
            return scratch;
        break;
    case Kind::Number:
    case Kind::Code:
        if (!repr.empty())
            return repr;
        break;
    case Kind::Closure: {
        // "<function Outer.inner at 0x7f…>"
        constexpr std::string_view prefix = "<function ";
        const std::size_t at = repr.rfind(" at ");
        if (repr.substr(0, prefix.size()) == prefix && at != std::string_view::npos && at > prefix.size())
            return repr.substr(prefix.size(), at - prefix.size());
        break;
    }
    case Kind::Object: break;
    }
    return snapshot.typeNameOf(i);
}

struct EdgeName
{
    std::uint32_t type = EdgeInternal;
    std::uint32_t nameOrIndex = 0;
};

// How recorded labels read as V8 edges, computed once per distinct label.
class LabelMapper
{
public:
    LabelMapper(const Snapshot& snapshot, StringTable& strings)
        : m_snapshot(snapshot)
        , m_strings(strings)
        , m_cache(snapshot.columns().strings.size(), kUnknown)
        , m_cacheType(m_cache.size(), EdgeInternal)
    {
    }

    EdgeName map(StringId label, bool sequence, std::uint32_t edge)
    {
        const std::string_view text = m_snapshot.string(label);
        std::uint32_t index = 0;
        if (sequence && parseIndexLabel(text, index))
            return {EdgeElement, index};
        if (text.empty())
            return {EdgeInternal, edgeNumber(edge)};
        if (label < m_cache.size() && m_cache[label] != kUnknown)
            return {m_cacheType[label], m_cache[label]};
        const EdgeName name = compute(text);
        if (label < m_cache.size()) {
            m_cache[label] = name.nameOrIndex;
            m_cacheType[label] = static_cast<std::uint8_t>(name.type);
        }
        return name;
    }

    std::uint32_t edgeNumber(std::uint32_t edge)
    {
        if (edge >= m_numbers.size())
            m_numbers.resize(edge + 1, kUnknown);
        if (m_numbers[edge] == kUnknown)
            m_numbers[edge] = m_strings.intern(std::to_string(edge));
        return m_numbers[edge];
    }

private:
    static constexpr std::uint32_t kUnknown = std::numeric_limits<std::uint32_t>::max();

    EdgeName compute(std::string_view text)
    {
        if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
            // A dict value: "['key']" is named key; a key of another type by its repr ("[1]", "[(1, 2)]").
            const std::string_view key = text.substr(1, text.size() - 2);
            if (unquotePythonString(key, m_scratch) && (key.front() == '\'' || key.front() == '"'))
                return {EdgeProperty, m_strings.intern(m_scratch)};
            return {EdgeProperty, m_strings.intern(key)};
        }
        if (text.size() >= 2 && text.front() == '.')
            return {EdgeProperty, m_strings.intern(text.substr(1))};
        return {EdgeInternal, m_strings.intern(text)};
    }

    const Snapshot& m_snapshot;
    StringTable& m_strings;
    std::vector<std::uint32_t> m_cache; // by label string id: the name's string index
    std::vector<std::uint8_t> m_cacheType;
    std::vector<std::uint32_t> m_numbers; // by edge number: its decimal string's index
    std::string m_scratch;
};

// Objects no candidate reaches, in index order, each the first of its region not reached before:
// edges from one synthetic node to these reach every object the candidates do not. unreached counts
// those objects.
std::vector<ObjectIndex> unreachedEntries(const HeapAnalysis& analysis, std::size_t& unreached)
{
    const Snapshot& snapshot = analysis.snapshot();
    const std::size_t n = snapshot.objectCount();
    std::vector<std::uint8_t> seen(n, 0);
    std::vector<ObjectIndex> queue;
    queue.reserve(n); // at most every object once: growing it by doubling would allocate twice that
    auto walk = [&](ObjectIndex start) {
        queue.clear();
        queue.push_back(start);
        seen[start] = 1;
        for (std::size_t head = 0; head < queue.size(); ++head) {
            for (const ObjectIndex next : snapshot.referents(queue[head])) {
                if (!seen[next]) {
                    seen[next] = 1;
                    queue.push_back(next);
                }
            }
        }
    };
    for (const ObjectIndex candidate : analysis.candidates()) {
        if (!seen[candidate])
            walk(candidate);
    }
    std::vector<ObjectIndex> entries;
    unreached = 0;
    for (ObjectIndex i = 0; i < n; ++i) {
        if (!seen[i]) {
            entries.push_back(i);
            walk(i);
            unreached += queue.size();
        }
    }
    return entries;
}

// Address-derived ids; an object whose id an earlier object already has gets an even one of its own.
std::vector<std::uint32_t> nodeIds(const Snapshot& snapshot, std::size_t& collisions)
{
    const std::size_t n = snapshot.objectCount();
    std::vector<std::uint32_t> ids(n);
    constexpr std::size_t kChunk = 4096;
    std::uint64_t addresses[kChunk];
    for (std::size_t first = 0; first < n; first += kChunk) {
        const std::size_t count = std::min(kChunk, n - first);
        snapshot.copyAddresses(static_cast<ObjectIndex>(first), std::span(addresses, count));
        for (std::size_t k = 0; k < count; ++k)
            ids[first + k] = heapSnapshotId(addresses[k]);
    }
    collisions = 0;
    std::vector<std::uint32_t> sorted = ids;
    std::sort(sorted.begin(), sorted.end());
    std::unordered_set<std::uint32_t> repeated;
    for (std::size_t k = 1; k < sorted.size(); ++k) {
        if (sorted[k] == sorted[k - 1])
            repeated.insert(sorted[k]);
    }
    if (repeated.empty())
        return ids;
    sorted = {};
    std::unordered_set<std::uint32_t> kept;
    std::uint32_t nextEven = kHeapSnapshotUnreachedId + 2;
    for (std::uint32_t& id : ids) {
        if (repeated.count(id) && !kept.insert(id).second) {
            id = nextEven;
            nextEven += 2;
            ++collisions;
        }
    }
    return ids;
}

void writeNode(Output& out, std::uint32_t type, std::uint32_t name, std::uint32_t id, std::uint64_t size,
               std::size_t edges, bool first)
{
    std::string& b = out.buffer();
    b += first ? "\n" : ",\n";
    out.number(type);
    b += ',';
    out.number(name);
    b += ',';
    out.number(id);
    b += ',';
    out.number(std::min<std::uint64_t>(size, std::numeric_limits<std::uint32_t>::max()));
    b += ',';
    out.number(edges);
    b += ",0,0";
    out.maybeFlush();
}

void writeEdge(Output& out, EdgeName name, std::uint64_t toNode, bool& first)
{
    std::string& b = out.buffer();
    b += first ? "\n" : ",\n";
    first = false;
    out.number(name.type);
    b += ',';
    out.number(name.nameOrIndex);
    b += ',';
    out.number(toNode * kHeapSnapshotNodeFields);
    out.maybeFlush();
}

} // namespace

HeapSnapshotExportStats writeHeapSnapshot(const HeapAnalysis& analysis, const ExportSink& sink)
{
    const Snapshot& snapshot = analysis.snapshot();
    const std::size_t n = snapshot.objectCount();
    std::size_t unreachedObjects = 0;
    const std::vector<ObjectIndex> unreached = unreachedEntries(analysis, unreachedObjects);
    const std::size_t synthetic = unreached.empty() ? 1 : 2; // the root, and the unreached objects' node
    const std::size_t nodes = n + synthetic;
    // to_node is a node's offset in the nodes array, which DevTools keeps in 32 bits.
    if (nodes * kHeapSnapshotNodeFields > std::numeric_limits<std::uint32_t>::max())
        throw std::length_error("the heap has too many objects (" + std::to_string(n)
                                + ") for a V8 heap snapshot's 32-bit node offsets");
    const std::size_t rootEdges = analysis.candidates().size() + (unreached.empty() ? 0 : 1);
    const std::size_t edges = snapshot.edgeCount() + rootEdges + unreached.size();

    HeapSnapshotExportStats stats;
    stats.nodes = nodes;
    stats.edges = edges;
    stats.unreached = unreachedObjects;
    stats.unreachedEntries = unreached.size();
    const std::vector<std::uint32_t> ids = nodeIds(snapshot, stats.idCollisions);

    Output out(sink);
    StringTable strings;
    out.text(kMeta);
    out.text("\"node_count\":");
    out.number(nodes);
    out.text(",\"edge_count\":");
    out.number(edges);
    out.text(",\"trace_function_count\":0},\n\"nodes\":[");

    // Nodes: the root, the unreached objects' node, then every object in index order, so object i is
    // node i + synthetic.
    writeNode(out, NodeSynthetic, strings.intern("(Python heap)"), kHeapSnapshotRootId, 0, rootEdges, true);
    if (!unreached.empty())
        writeNode(out, NodeSynthetic, strings.intern("(not reached from a candidate)"), kHeapSnapshotUnreachedId, 0,
                  unreached.size(), false);
    std::vector<Kind> typeKinds(snapshot.typeCount());
    std::vector<std::uint32_t> typeNames(snapshot.typeCount());
    for (TypeIndex t = 0; t < snapshot.typeCount(); ++t) {
        typeKinds[t] = kindOfType(snapshot.typeName(t));
        typeNames[t] = strings.intern(snapshot.typeName(t));
    }
    std::string scratch;
    for (ObjectIndex i = 0; i < n; ++i) {
        const TypeIndex t = snapshot.typeOf(i);
        const Kind kind = typeKinds[t];
        const std::uint32_t name
            = kind == Kind::Object ? typeNames[t] : strings.intern(nodeName(snapshot, i, kind, scratch));
        writeNode(out, nodeTypeOf(kind), name, ids[i], snapshot.size(i), snapshot.referents(i).size(), false);
    }

    out.text("],\n\"edges\":[");
    bool first = true;
    const std::uint32_t suspectName = strings.intern("suspect");
    const std::uint32_t ignoredName = strings.intern("ignored");
    for (const ObjectIndex candidate : analysis.candidates()) {
        std::uint32_t name = suspectName;
        if (const ExplanationRecord* explanation = snapshot.explanation(candidate))
            name = strings.intern("explained: " + std::string(snapshot.string(explanation->kind)));
        else if (analysis.ignoredBy(candidate))
            name = ignoredName;
        writeEdge(out, {EdgeProperty, name}, candidate + synthetic, first);
    }
    if (!unreached.empty()) {
        writeEdge(out, {EdgeElement, 0}, 1, first);
        for (std::size_t k = 0; k < unreached.size(); ++k)
            writeEdge(out, {EdgeElement, static_cast<std::uint32_t>(k)}, unreached[k] + synthetic, first);
    }
    LabelMapper labels(snapshot, strings);
    std::vector<bool> sequenceType(snapshot.typeCount());
    for (TypeIndex t = 0; t < snapshot.typeCount(); ++t)
        sequenceType[t] = isSequenceType(snapshot.typeName(t));
    for (ObjectIndex i = 0; i < n; ++i) {
        const std::span<const ObjectIndex> referents = snapshot.referents(i);
        if (referents.empty())
            continue;
        const std::span<const StringId> itemLabels = snapshot.edgeLabels(i);
        const bool sequence = sequenceType[snapshot.typeOf(i)];
        const auto count = static_cast<std::uint32_t>(referents.size());
        for (std::uint32_t j = 0; j < count; ++j) {
            EdgeName name;
            if (!itemLabels.empty())
                name = labels.map(itemLabels[j], sequence, j);
            else if (sequence) // an exact list or tuple traverses its items last to first
                name = {EdgeElement, count - 1 - j};
            else
                name = {EdgeInternal, labels.edgeNumber(j)};
            writeEdge(out, name, referents[j] + synthetic, first);
        }
    }

    out.text("],\n\"trace_function_infos\":[],\n\"trace_tree\":[],\n\"samples\":[],\n\"locations\":[],\n\"strings\":[");
    bool firstString = true;
    for (const std::string& text : strings.strings()) {
        std::string& b = out.buffer();
        b += firstString ? "\n" : ",\n";
        firstString = false;
        appendJsonString(b, text);
        out.maybeFlush();
    }
    out.text("]}\n");
    out.flush();
    stats.strings = strings.strings().size();
    return stats;
}

bool unquotePythonString(std::string_view literal, std::string& out)
{
    out.clear();
    std::size_t start = 0;
    if (!literal.empty() && literal.front() == 'b')
        start = 1; // bytes: b'...'
    if (literal.size() < start + 2)
        return false;
    const char quote = literal[start];
    if (quote != '\'' && quote != '"')
        return false;
    std::string_view body = literal.substr(start + 1);
    bool cut = false;
    // A repr that was cut short ends in "…" instead of its closing quote.
    if (body.back() == quote) {
        body.remove_suffix(1);
    } else if (body.size() >= kEllipsis.size() && body.substr(body.size() - kEllipsis.size()) == kEllipsis) {
        body.remove_suffix(kEllipsis.size());
        cut = true;
    } else {
        return false;
    }
    for (std::size_t i = 0; i < body.size(); ++i) {
        const char c = body[i];
        if (c != '\\') {
            out += c;
            continue;
        }
        if (i + 1 >= body.size()) { // an escape the cut split
            cut = true;
            break;
        }
        const char e = body[++i];
        std::size_t digits = 0;
        switch (e) {
        case 'n': out += '\n'; continue;
        case 'r': out += '\r'; continue;
        case 't': out += '\t'; continue;
        case '\\':
        case '\'':
        case '"': out += e; continue;
        case 'x': digits = 2; break;
        case 'u': digits = 4; break;
        case 'U': digits = 8; break;
        default: return false;
        }
        if (i + digits >= body.size()) {
            cut = true;
            break;
        }
        std::uint32_t cp = 0;
        for (std::size_t k = 1; k <= digits; ++k) {
            const int v = hexValue(body[i + k]);
            if (v < 0)
                return false;
            cp = cp << 4 | static_cast<std::uint32_t>(v);
        }
        i += digits;
        if (start == 1 && cp >= 0x80)
            cp = 0xFFFD; // a byte that is not ASCII stands for no character
        appendUtf8(out, cp);
    }
    if (cut)
        out += kEllipsis;
    return true;
}

} // namespace leakscope
