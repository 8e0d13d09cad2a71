#include <Python.h>

#include "conservative_scan.h"

#include "address_table.h"
#include "held_by_check.h"
#include "object_kind.h"
#include "pyobject_access.h"
#include "runtime_state.h"
#include "static_data.h"
#include "snapshot/text.h"

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace leakscope::capture {

namespace {

// ob_refcnt and ob_type: a heap type's instances report their type, and a static type is never a
// candidate.
constexpr std::uint32_t kHeadBytes = sizeof(PyObject);
// Words kept per candidate, in the order found: enough for one of them to pass the checks that come
// later (a holder held by the candidate, a holder that is itself a candidate).
constexpr std::uint8_t kHitsPerCandidate = 16;
// Objects are scattered: prefetch this many ahead (measured on a 2.6 million object heap: 8 ahead
// took 45 ms, 32 took 31 ms).
constexpr std::size_t kAhead = 32;
// An item part larger than this means ob_size is not an item count: scan the fixed part only.
constexpr std::uint64_t kMaxItemBytes = std::uint64_t(1) << 30;

// How a type's instances are scanned.
struct TypeRule
{
    PyTypeObject* type = nullptr;
    bool scan = false;
    bool items = false;      // tp_itemsize * |ob_size| bytes follow the fixed part
    bool typeObject = false; // instances are types: a static one is only a PyTypeObject
    bool module = false;     // instances may own a module state
    std::uint32_t fixedBytes = 0;
    std::uint8_t skipCount = 0;
    std::uint32_t skip[5] = {}; // offsets of words that are borrowed by design

    void addSkip(std::size_t offset) { skip[skipCount++] = static_cast<std::uint32_t>(offset); }
    bool skips(std::uint32_t offset) const { return std::find(skip, skip + skipCount, offset) != skip + skipCount; }
};

bool isWeakrefType(PyTypeObject* type)
{
    return PyType_IsSubtype(type, &_PyWeakref_RefType) || PyType_IsSubtype(type, &_PyWeakref_ProxyType)
        || PyType_IsSubtype(type, &_PyWeakref_CallableProxyType);
}

// Each exclusion is justified from CPython 3.11's sources in docs/explanations.md.
TypeRule ruleFor(PyTypeObject* type)
{
    TypeRule rule;
    rule.type = type;
    const KindOf kind = classify(type);
    switch (kind.kind) {
    case ObjectKind::Str:
    case ObjectKind::Int:
    case ObjectKind::Bool:
    case ObjectKind::Float:
    case ObjectKind::Complex:
    case ObjectKind::Bytes:
        return rule; // characters, digits, bytes: data that can look like a pointer
    case ObjectKind::Set:
    case ObjectKind::FrozenSet:
        return rule; // the inline table keeps stale keys once the table moved to the heap
    default:
        break;
    }
    if (type == &PyFrame_Type)
        return rule; // live slots are reported; the rest is stale or borrowed
    if (kind.exact && (kind.kind == ObjectKind::Tuple || kind.kind == ObjectKind::List || kind.kind == ObjectKind::Dict))
        return rule; // their tp_traverse reports every object pointer they hold: nothing to find, much to read
    rule.scan = true;
    rule.fixedBytes = static_cast<std::uint32_t>(type->tp_basicsize);
    rule.items = type->tp_itemsize != 0;
    if (type == &PyGen_Type || type == &PyCoro_Type || type == &PyAsyncGen_Type) {
        // The frame is stale past its stack top and once cleared; and the header has no ob_size
        // (tp_itemsize sizes the frame's slots).
        rule.fixedBytes = offsetof(PyGenObject, gi_iframe);
        rule.items = false;
    } else if (type == &PyCode_Type) {
        rule.items = false; // bytecode, whose inline caches hold borrowed pointers
    }
    rule.typeObject = kind.kind == ObjectKind::Type;
    rule.module = kind.kind == ObjectKind::Module;
    if (type->tp_weaklistoffset > 0)
        rule.addSkip(static_cast<std::size_t>(type->tp_weaklistoffset));
    if (isWeakrefType(type)) {
        rule.addSkip(offsetof(PyWeakReference, wr_object));
        rule.addSkip(offsetof(PyWeakReference, wr_prev));
        rule.addSkip(offsetof(PyWeakReference, wr_next));
    }
    if (rule.typeObject)
        rule.addSkip(offsetof(PyHeapTypeObject, _spec_cache)); // borrowed __getitem__, heap types only
    return rule;
}

// Recently seen types' rules; a scan asks for every object and subclass checks walk the MRO.
class RuleCache
{
public:
    const TypeRule& lookup(PyTypeObject* type)
    {
        TypeRule& slot = m_slots[(reinterpret_cast<std::uintptr_t>(type) >> 4) % kSlots];
        if (slot.type != type)
            slot = ruleFor(type);
        return slot;
    }

private:
    static constexpr std::size_t kSlots = 1021; // prime: type objects share their alignment
    std::vector<TypeRule> m_slots = std::vector<TypeRule>(kSlots);
};

enum class HitKind : std::uint8_t { Field, ModuleState, Static };

// One word equal to a candidate's address.
struct Hit
{
    std::uint32_t target;     // position among the targets
    HitKind kind;
    ObjectIndex holder;       // Field, ModuleState: the object holding the word
    std::uint32_t offset;     // Field: in the holder; ModuleState: in its state
    std::uintptr_t address;   // Static: where the word is
    std::uint32_t library;    // Static: StaticData::libraries index
};

// A candidate nothing explained yet.
struct Target
{
    ObjectIndex index;
    std::uintptr_t borrowedSlot; // a weakref's: its referent's list head, which points at it by design
    std::uint8_t hits;
};

class Scan
{
public:
    explicit Scan(ExplainContext& context)
        : m_context(context)
    {
        for (ObjectIndex index : context.candidates()) {
            if (!context.isExplained(index))
                m_targets.push_back({index, borrowedWeakrefSlot(context.object(index)), 0});
        }
        std::sort(m_targets.begin(), m_targets.end(), [](const Target& a, const Target& b) { return a.index < b.index; });
        std::vector<std::uintptr_t> addresses;
        addresses.reserve(m_targets.size());
        for (const Target& target : m_targets)
            addresses.push_back(reinterpret_cast<std::uintptr_t>(context.object(target.index)));
        m_table.emplace(addresses);
    }

    bool empty() const { return m_targets.empty(); }

    void scanObjects()
    {
        RuleCache rules;
        const std::size_t count = m_context.objectCount();
        for (std::size_t i = 0; i < count; ++i) {
            if (i + kAhead < count)
                __builtin_prefetch(m_context.object(static_cast<ObjectIndex>(i + kAhead)));
            PyObject* object = m_context.object(static_cast<ObjectIndex>(i));
            const TypeRule& rule = rules.lookup(Py_TYPE(object));
            if (rule.scan)
                scanObject(static_cast<ObjectIndex>(i), object, rule);
        }
        // Untracked objects outside the snapshot that earlier explainers reached, numbered after it.
        const auto& reached = m_context.reached();
        for (std::size_t k = 0; k < reached.size(); ++k) {
            const TypeRule& rule = rules.lookup(Py_TYPE(reached[k].object));
            if (rule.scan)
                scanObject(static_cast<ObjectIndex>(count + k), reached[k].object, rule);
        }
    }

    void scanStatics()
    {
        const void* runtime = nullptr;
        std::size_t runtimeSize = 0;
        leakscope_runtime_state(&runtime, &runtimeSize);
        const auto runtimeBegin = reinterpret_cast<std::uintptr_t>(runtime);
        m_statics = writableStaticData(reinterpret_cast<const void*>(&explainByConservativeScan), runtimeBegin,
                                       runtimeBegin + runtimeSize);
        for (const StaticRange& range : m_statics.ranges) {
            m_table->scan(reinterpret_cast<const void*>(range.begin), reinterpret_cast<const void*>(range.end),
                          [&](std::uintptr_t at, std::int32_t target) {
                              record({static_cast<std::uint32_t>(target), HitKind::Static, kNoObject, 0, at, range.library});
                          });
        }
    }

    void explain();

private:
    static std::uintptr_t borrowedWeakrefSlot(PyObject* object)
    {
        if (!PyWeakref_Check(object))
            return 0;
        PyObject* referent = reinterpret_cast<PyWeakReference*>(object)->wr_object;
        if (!referent || referent == Py_None || Py_TYPE(referent)->tp_weaklistoffset <= 0)
            return 0;
        return reinterpret_cast<std::uintptr_t>(referent) + static_cast<std::uintptr_t>(Py_TYPE(referent)->tp_weaklistoffset);
    }

    void scanObject(ObjectIndex index, PyObject* object, const TypeRule& rule)
    {
        const auto base = reinterpret_cast<std::uintptr_t>(object);
        std::uint64_t bytes = rule.fixedBytes;
        bool heapType = false;
        if (rule.typeObject) {
            heapType = PyType_HasFeature(reinterpret_cast<PyTypeObject*>(object), Py_TPFLAGS_HEAPTYPE);
            if (!heapType)
                bytes = sizeof(PyTypeObject); // a static type's metatype describes heap types
        }
        if (rule.items && (heapType || !rule.typeObject)) {
            const auto items = static_cast<std::uint64_t>(std::llabs(Py_SIZE(object)));
            const std::uint64_t itemBytes = items * static_cast<std::uint64_t>(rule.type->tp_itemsize);
            if (itemBytes <= kMaxItemBytes)
                bytes += itemBytes;
        }
        m_table->scan(reinterpret_cast<const void*>(base + kHeadBytes), reinterpret_cast<const void*>(base + bytes),
                      [&](std::uintptr_t at, std::int32_t target) {
                          const auto offset = static_cast<std::uint32_t>(at - base);
                          if (rule.skips(offset))
                              return;
                          record({static_cast<std::uint32_t>(target), HitKind::Field, index, offset, at, 0});
                      });
        if (rule.module)
            scanModuleState(index, object);
    }

    void scanModuleState(ObjectIndex index, PyObject* module)
    {
        PyModuleDef* def = PyModule_GetDef(module);
        auto* state = static_cast<const char*>(PyModule_GetState(module));
        if (!def || !state || def->m_size <= 0)
            return;
        const auto base = reinterpret_cast<std::uintptr_t>(state);
        m_table->scan(state, state + def->m_size, [&](std::uintptr_t at, std::int32_t target) {
            record({static_cast<std::uint32_t>(target), HitKind::ModuleState, index, static_cast<std::uint32_t>(at - base), at, 0});
        });
    }

    void record(const Hit& hit)
    {
        Target& target = m_targets[hit.target];
        if ((hit.kind != HitKind::Static && hit.holder == target.index) || hit.address == target.borrowedSlot
            || target.hits >= kHitsPerCandidate)
            return;
        ++target.hits;
        m_hits.push_back(hit);
    }

    // The target position of snapshot object index, or -1 when it is not an unexplained candidate.
    std::int64_t targetOf(ObjectIndex index) const
    {
        auto it = std::lower_bound(m_targets.begin(), m_targets.end(), index,
                                   [](const Target& t, ObjectIndex i) { return t.index < i; });
        return it != m_targets.end() && it->index == index ? it - m_targets.begin() : -1;
    }

    std::string detail(const Hit& hit) const;

    // A holder's object: a snapshot object, or one of the reached objects numbered after them.
    PyObject* holderObject(ObjectIndex holder) const
    {
        const std::size_t count = m_context.objectCount();
        return holder < count ? m_context.object(holder) : m_context.reached()[holder - count].object;
    }
    const ExplainContext::Reached* reachedHolder(const Hit& hit) const
    {
        const std::size_t count = m_context.objectCount();
        return hit.kind == HitKind::Static || hit.holder < count ? nullptr : &m_context.reached()[hit.holder - count];
    }

    ExplainContext& m_context;
    std::vector<Target> m_targets; // by snapshot index
    std::optional<AddressTable> m_table;
    std::vector<Hit> m_hits;
    StaticData m_statics;
};

std::string Scan::detail(const Hit& hit) const
{
    if (hit.kind == HitKind::Static) {
        const StaticLibrary& library = m_statics.libraries[hit.library];
        return "held by static data of " + library.name + " (" + describeStaticAddress(hit.address, library) + ")";
    }
    PyObject* holder = holderObject(hit.holder);
    const std::string where = " at " + formatAddress(reinterpret_cast<std::uintptr_t>(holder));
    if (hit.kind == HitKind::ModuleState) {
        PyModuleDef* def = PyModule_GetDef(holder);
        const std::string name = def && def->m_name ? def->m_name : "?";
        return "held by module state " + formatOffset(hit.offset) + " of module " + name + where
            + (def && def->m_traverse ? ", which its m_traverse does not report" : ", which has no m_traverse");
    }
    std::string module, qualname;
    typeNames(Py_TYPE(holder), module, qualname);
    const bool tracked = hit.holder < m_context.listed().size();
    std::string text = "held by C field " + formatOffset(hit.offset) + " of " + module + "." + qualname + where
        + (tracked ? ", which its tp_traverse does not report" : ", which the collector does not track");
    if (const ExplainContext::Reached* reached = reachedHolder(hit))
        text += " (not in the snapshot: " + reached->via + ")";
    return text;
}

// A hit explains its target when its holder is static data, or an object that is neither held by
// the target nor an unexplained candidate. A holder that is an unexplained candidate passes its
// standing on: explained if it gets explained, and among candidates that hold only one another,
// one stays a suspect (the first by index) and explains the others.
void Scan::explain()
{
    const std::size_t n = m_targets.size();
    std::vector<std::int64_t> settledBy(n, -1); // hit index
    struct Edge
    {
        std::uint32_t from; // target holding the word
        std::uint32_t hit;
    };
    std::vector<Edge> edges;
    std::vector<std::uint32_t> firstHit(n + 1, 0);
    for (const Hit& hit : m_hits)
        ++firstHit[hit.target + 1];
    for (std::size_t t = 0; t < n; ++t)
        firstHit[t + 1] += firstHit[t];
    std::vector<std::uint32_t> byTarget(m_hits.size());
    {
        std::vector<std::uint32_t> next(firstHit.begin(), firstHit.end() - 1);
        for (std::uint32_t h = 0; h < m_hits.size(); ++h)
            byTarget[next[m_hits[h].target]++] = h;
    }

    HeldByCheck heldBy;
    for (std::size_t t = 0; t < n; ++t) {
        PyObject* candidate = m_context.object(m_targets[t].index);
        for (std::uint32_t k = firstHit[t]; k < firstHit[t + 1] && settledBy[t] < 0; ++k) {
            const Hit& hit = m_hits[byTarget[k]];
            if (hit.kind != HitKind::Static) {
                const std::int64_t holderTarget = targetOf(hit.holder);
                if (holderTarget >= 0) {
                    edges.push_back({static_cast<std::uint32_t>(holderTarget), byTarget[k]});
                    continue;
                }
                if (heldBy.holds(candidate, holderObject(hit.holder)))
                    continue;
            }
            settledBy[t] = byTarget[k];
        }
    }

    // Edges by holding target.
    std::vector<std::uint32_t> firstEdge(n + 1, 0), inDegree(n, 0);
    for (const Edge& e : edges) {
        ++firstEdge[e.from + 1];
        ++inDegree[m_hits[e.hit].target];
    }
    for (std::size_t t = 0; t < n; ++t)
        firstEdge[t + 1] += firstEdge[t];
    std::vector<std::uint32_t> edgeOrder(edges.size());
    {
        std::vector<std::uint32_t> next(firstEdge.begin(), firstEdge.end() - 1);
        for (std::uint32_t e = 0; e < edges.size(); ++e)
            edgeOrder[next[edges[e].from]++] = e;
    }
    std::vector<bool> done(n, false);
    std::vector<std::uint32_t> queue;
    auto spread = [&]() {
        while (!queue.empty()) {
            const std::uint32_t from = queue.back();
            queue.pop_back();
            for (std::uint32_t k = firstEdge[from]; k < firstEdge[from + 1]; ++k) {
                const Edge& e = edges[edgeOrder[k]];
                const std::uint32_t to = m_hits[e.hit].target;
                if (!done[to]) {
                    done[to] = true;
                    settledBy[to] = e.hit;
                    queue.push_back(to);
                }
            }
        }
    };
    // Explained holders first, then suspects that hold others, then loops of candidates.
    for (std::uint32_t t = 0; t < n; ++t) {
        if (settledBy[t] >= 0) {
            done[t] = true;
            queue.push_back(t);
        }
    }
    spread();
    for (int pass = 0; pass < 2; ++pass) {
        for (std::uint32_t t = 0; t < n; ++t) {
            if (!done[t] && (pass == 1 || inDegree[t] == 0)) {
                done[t] = true; // stays a suspect
                queue.push_back(t);
                spread();
            }
        }
    }

    for (std::size_t t = 0; t < n; ++t) {
        if (settledBy[t] < 0)
            continue;
        const Hit& hit = m_hits[static_cast<std::size_t>(settledBy[t])];
        static constexpr ExplanationKind kinds[] = {ExplanationKind::CField, ExplanationKind::ModuleState,
                                                    ExplanationKind::CStatic};
        if (const ExplainContext::Reached* reached = reachedHolder(hit)) {
            // Not in the snapshot: named through the snapshot object it was reached from.
            m_context.explainIndex(m_targets[t].index, ExplanationKind::UntrackedHolder, detail(hit), reached->anchor, 0);
            continue;
        }
        m_context.explainIndex(m_targets[t].index, kinds[static_cast<int>(hit.kind)], detail(hit),
                               hit.kind == HitKind::Static ? kNoObject : hit.holder,
                               hit.kind == HitKind::Static ? 0 : hit.offset);
    }
}

} // namespace

void explainByConservativeScan(ExplainContext& context)
{
    Scan scan(context);
    if (scan.empty())
        return;
    scan.scanObjects();
    scan.scanStatics();
    scan.explain();
}

} // namespace leakscope::capture
