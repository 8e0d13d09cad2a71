#include "heapsnapshot_checks.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonValue>

#include <set>

using namespace Qt::StringLiterals;

namespace leakscope::test {

namespace {

std::vector<qint64> numbers(const QJsonArray& array)
{
    std::vector<qint64> out;
    out.reserve(array.size());
    for (const QJsonValue& v : array)
        out.push_back(v.toInteger(-1));
    return out;
}

QStringList edgeTypesOf(const ParsedHeapSnapshot& p)
{
    QStringList types;
    for (const QJsonValue& v : p.meta[u"edge_types"_s].toArray().at(0).toArray())
        types.append(v.toString());
    return types;
}

} // namespace

ParsedHeapSnapshot parseHeapSnapshot(const QByteArray& text)
{
    ParsedHeapSnapshot p;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError) {
        p.error = u"JSON error at %1: %2"_s.arg(error.offset).arg(error.errorString());
        return p;
    }
    const QJsonObject root = document.object();
    const QJsonObject snapshot = root[u"snapshot"_s].toObject();
    p.meta = snapshot[u"meta"_s].toObject();
    p.nodeCount = snapshot[u"node_count"_s].toInteger(-1);
    p.edgeCount = snapshot[u"edge_count"_s].toInteger(-1);
    p.nodes = numbers(root[u"nodes"_s].toArray());
    p.edges = numbers(root[u"edges"_s].toArray());
    for (const QJsonValue& s : root[u"strings"_s].toArray())
        p.strings.append(s.toString());
    for (const char* key : {"trace_function_infos", "trace_tree", "samples", "locations"}) {
        if (!root[QLatin1StringView(key)].isArray() || !root[QLatin1StringView(key)].toArray().isEmpty())
            p.error = u"%1 is not an empty array"_s.arg(QLatin1StringView(key));
    }
    qint64 offset = 0;
    for (std::size_t k = 0; k + kHeapNodeFields <= p.nodes.size(); k += kHeapNodeFields) {
        p.firstEdge.push_back(offset);
        offset += p.nodes[k + 4] * 3;
    }
    p.firstEdge.push_back(offset);
    return p;
}

std::vector<HeapEdge> edgesOf(const ParsedHeapSnapshot& p, std::size_t ordinal)
{
    const QStringList types = edgeTypesOf(p);
    std::vector<HeapEdge> out;
    for (qint64 e = p.firstEdge[ordinal]; e < p.firstEdge[ordinal + 1]; e += 3) {
        HeapEdge edge;
        edge.type = types.value(p.edges[e]);
        const bool numbered = edge.type == u"element"_s || edge.type == u"hidden"_s;
        edge.name = numbered ? QString::number(p.edges[e + 1]) : p.strings.value(p.edges[e + 1]);
        edge.toOrdinal = p.edges[e + 2] / kHeapNodeFields;
        out.push_back(edge);
    }
    return out;
}

QString nodeType(const ParsedHeapSnapshot& p, std::size_t ordinal)
{
    return p.meta[u"node_types"_s].toArray().at(0).toArray().at(p.field(ordinal, 0)).toString();
}

QString structuralProblems(const ParsedHeapSnapshot& p)
{
    if (!p.error.isEmpty())
        return p.error;
    const QStringList nodeFields = {u"type"_s, u"name"_s, u"id"_s, u"self_size"_s, u"edge_count"_s,
                                    u"trace_node_id"_s, u"detachedness"_s};
    QStringList fields;
    for (const QJsonValue& v : p.meta[u"node_fields"_s].toArray())
        fields.append(v.toString());
    if (fields != nodeFields)
        return u"node_fields: "_s + fields.join(u',');
    fields.clear();
    for (const QJsonValue& v : p.meta[u"edge_fields"_s].toArray())
        fields.append(v.toString());
    if (fields != QStringList{u"type"_s, u"name_or_index"_s, u"to_node"_s})
        return u"edge_fields: "_s + fields.join(u',');
    if (p.nodes.size() % kHeapNodeFields != 0)
        return u"nodes length %1 is not a multiple of 7"_s.arg(p.nodes.size());
    if (static_cast<qint64>(p.nodes.size()) / kHeapNodeFields != p.nodeCount)
        return u"node_count %1, nodes hold %2"_s.arg(p.nodeCount).arg(p.nodes.size() / kHeapNodeFields);
    if (p.edges.size() % 3 != 0 || static_cast<qint64>(p.edges.size()) / 3 != p.edgeCount)
        return u"edge_count %1, edges length %2"_s.arg(p.edgeCount).arg(p.edges.size());
    if (p.firstEdge.back() != static_cast<qint64>(p.edges.size()))
        return u"edge counts add up to %1 entries, edges has %2"_s.arg(p.firstEdge.back()).arg(p.edges.size());
    const qint64 nodeTypes = p.meta[u"node_types"_s].toArray().at(0).toArray().size();
    const QStringList types = edgeTypesOf(p);
    std::set<qint64> ids;
    for (qint64 k = 0; k < p.nodeCount; ++k) {
        const auto ordinal = static_cast<std::size_t>(k);
        if (p.field(ordinal, 0) < 0 || p.field(ordinal, 0) >= nodeTypes)
            return u"node %1 has type %2"_s.arg(k).arg(p.field(ordinal, 0));
        if (p.field(ordinal, 1) < 0 || p.field(ordinal, 1) >= p.strings.size())
            return u"node %1's name index %2 is out of range"_s.arg(k).arg(p.field(ordinal, 1));
        if (!ids.insert(p.field(ordinal, 2)).second)
            return u"node %1 repeats id %2"_s.arg(k).arg(p.field(ordinal, 2));
        if (p.field(ordinal, 2) < 0 || p.field(ordinal, 2) > 0xFFFFFFFFLL || p.field(ordinal, 3) > 0xFFFFFFFFLL)
            return u"node %1: id or size does not fit 32 bits"_s.arg(k);
    }
    for (std::size_t e = 0; e < p.edges.size(); e += 3) {
        const QString type = types.value(p.edges[e]);
        if (type.isEmpty())
            return u"edge %1 has type %2"_s.arg(e / 3).arg(p.edges[e]);
        const bool numbered = type == u"element"_s || type == u"hidden"_s;
        if (!numbered && (p.edges[e + 1] < 0 || p.edges[e + 1] >= p.strings.size()))
            return u"edge %1's name index %2 is out of range"_s.arg(e / 3).arg(p.edges[e + 1]);
        const qint64 to = p.edges[e + 2];
        if (to % kHeapNodeFields != 0 || to < 0 || to >= static_cast<qint64>(p.nodes.size()))
            return u"edge %1's to_node %2 is not a node's offset"_s.arg(e / 3).arg(to);
    }
    return {};
}

qint64 nodeWithId(const ParsedHeapSnapshot& p, qint64 id)
{
    for (std::size_t k = 0; k < p.count(); ++k) {
        if (p.id(k) == id)
            return static_cast<qint64>(k);
    }
    return -1;
}

} // namespace leakscope::test
