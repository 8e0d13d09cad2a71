#pragma once

// Reads a V8 heap snapshot back with QJsonDocument, independently of the writer, and checks what
// every such file must satisfy, for the snapshot layer's tests and the CLI's.

#include <QtCore/QByteArray>
#include <QtCore/QJsonObject>
#include <QtCore/QString>
#include <QtCore/QStringList>

#include <cstddef>
#include <vector>

namespace leakscope::test {

inline constexpr int kHeapNodeFields = 7;

struct ParsedHeapSnapshot
{
    QJsonObject meta;
    qint64 nodeCount = -1;
    qint64 edgeCount = -1;
    std::vector<qint64> nodes;
    std::vector<qint64> edges;
    QStringList strings;
    std::vector<qint64> firstEdge; // per node ordinal, in edges-array entries; nodeCount + 1 entries
    QString error;                 // set when the text is not JSON or lacks a part

    qint64 field(std::size_t ordinal, int f) const { return nodes[ordinal * kHeapNodeFields + f]; }
    QString name(std::size_t ordinal) const { return strings.value(field(ordinal, 1)); }
    qint64 id(std::size_t ordinal) const { return field(ordinal, 2); }
    std::size_t count() const { return nodes.size() / kHeapNodeFields; }
};

struct HeapEdge
{
    QString type;
    QString name; // the string of a named edge, the number of an element edge
    qint64 toOrdinal = -1;
};

ParsedHeapSnapshot parseHeapSnapshot(const QByteArray& text);

// The edges of node ordinal in order; a node's type name ("object", "string"...).
std::vector<HeapEdge> edgesOf(const ParsedHeapSnapshot& p, std::size_t ordinal);
QString nodeType(const ParsedHeapSnapshot& p, std::size_t ordinal);
// The first node with this id, or -1.
qint64 nodeWithId(const ParsedHeapSnapshot& p, qint64 id);

// Field lists, counts (node_count, edge_count, the edge counts summing to the edges), every to_node a
// node's offset, every string index and node type in range, unique 32-bit ids, empty trace arrays:
// the failures as text, empty when there are none.
QString structuralProblems(const ParsedHeapSnapshot& p);

} // namespace leakscope::test
