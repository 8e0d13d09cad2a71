#include <Python.h>

#include "untracked_orphans.h"

#include "address_table.h"
#include "native_buffers.h"
#include "object_kind.h"
#include "pyobject_access.h"
#include "structural_repr.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace leakscope::capture {

namespace {

// A refcount above this is no refcount: a pointer or stray bytes read where one would be.
constexpr std::uint64_t kMaxPlausibleRefcount = std::uint64_t(1) << 40;
constexpr std::size_t kWord = sizeof(void*);

struct Orphan
{
    PyObject* object;
    const char* start; // the allocation
    std::size_t size;
};

std::uintptr_t wordAt(const char* at)
{
    std::uintptr_t word;
    std::memcpy(&word, at, sizeof word);
    return word;
}

// Marks the orphans an untracked gc object's traverse reports.
struct TraverseMarks
{
    const AddressTable* orphans;
    std::vector<bool>* referenced;
    PyObject* self;

    static int visit(PyObject* referent, void* arg)
    {
        auto* marks = static_cast<TraverseMarks*>(arg);
        if (!referent || referent == marks->self)
            return 0;
        const std::int32_t k = marks->orphans->find(reinterpret_cast<std::uintptr_t>(referent));
        if (k != AddressTable::kAbsent)
            (*marks->referenced)[static_cast<std::size_t>(k)] = true;
        return 0;
    }
};

void traverseInto(PyObject* object, TraverseMarks& marks)
{
    if (!isGcObject(object))
        return;
    // Tracked objects are the snapshot's: their references are its edges already.
    if (gcHeader(object)->next != 0)
        return;
    if (traverseproc traverse = Py_TYPE(object)->tp_traverse) {
        marks.self = object;
        traverse(object, &TraverseMarks::visit, &marks);
    }
}

} // namespace

std::vector<ObjectIndex> appendUntrackedOrphans(SnapshotColumns& columns, TypeTable& types,
                                                const NativeTraceSource& traces, OrphanCensus* census)
{
    OrphanCensus counts;
    const std::size_t rows = columns.address.size();
    // The snapshot's objects, and the types an allocation may point to: every type of a row, and every
    // row that is itself a type (a class no object of the snapshot is an instance of).
    std::vector<std::uintptr_t> addresses(columns.address.begin(), columns.address.end());
    const AddressTable known(addresses);
    std::vector<std::uintptr_t> typeAddresses;
    typeAddresses.reserve(columns.types.size());
    for (const TypeRecord& type : columns.types)
        typeAddresses.push_back(type.address);
    for (std::size_t i = 0; i < rows; ++i) {
        if (columns.type[i] < columns.types.size() && (columns.types[columns.type[i]].flags & Metatype))
            typeAddresses.push_back(columns.address[i]);
    }
    std::sort(typeAddresses.begin(), typeAddresses.end());
    typeAddresses.erase(std::unique(typeAddresses.begin(), typeAddresses.end()), typeAddresses.end());
    addresses = {};
    const AddressTable knownTypes(typeAddresses);

    // 1 and 2: the objects among the allocations that the snapshot does not have.
    std::vector<Orphan> outside;
    traces.forEachAllocation([&](const void* start, std::size_t size, NativeStackId) {
        ++counts.allocations;
        const char* base = static_cast<const char*>(start);
        for (std::size_t offset : {std::size_t(0), 2 * kWord, 4 * kWord}) {
            if (offset + sizeof(PyObject) > size)
                break;
            const std::uintptr_t typeWord = wordAt(base + offset + kWord);
            if (knownTypes.find(typeWord) == AddressTable::kAbsent)
                continue;
            auto* type = reinterpret_cast<PyTypeObject*>(typeWord);
            const bool gc = type->tp_flags & Py_TPFLAGS_HAVE_GC;
            const std::size_t expected = preHeaderSize(type);
            // A compact str is smaller than str's tp_basicsize, which is the legacy layout's.
            const std::size_t smallest = (type->tp_flags & Py_TPFLAGS_UNICODE_SUBCLASS)
                                             ? sizeof(PyASCIIObject)
                                             : static_cast<std::size_t>(type->tp_basicsize);
            if (offset != expected || smallest > size - offset)
                continue;
            const auto refcount = static_cast<std::uint64_t>(wordAt(base + offset));
            if (refcount == 0 || refcount > kMaxPlausibleRefcount)
                continue;
            auto* object = reinterpret_cast<PyObject*>(const_cast<char*>(base + offset));
            if (gc && (!type->tp_is_gc || type->tp_is_gc(object)) && gcHeader(object)->next != 0)
                continue; // tracked, yet not listed: not an object the collector knows as one
            ++counts.objects;
            if (known.find(reinterpret_cast<std::uintptr_t>(object)) == AddressTable::kAbsent)
                outside.push_back({object, base, size});
            break;
        }
    });
    counts.outside = outside.size();

    // 3: whatever refers to them.
    std::vector<std::uintptr_t> outsideAddresses;
    outsideAddresses.reserve(outside.size());
    for (const Orphan& o : outside)
        outsideAddresses.push_back(reinterpret_cast<std::uintptr_t>(o.object));
    const AddressTable candidates(outsideAddresses);
    std::vector<bool> referenced(outside.size(), false);
    if (!outside.empty()) {
        traces.forEachAllocation([&](const void* start, std::size_t size, NativeStackId) {
            const char* base = static_cast<const char*>(start);
            counts.scannedBytes += size;
            candidates.scan(base, base + size, [&](std::uintptr_t at, std::int32_t k) {
                const Orphan& hit = outside[static_cast<std::size_t>(k)];
                // A word inside the orphan's own allocation (a self reference) keeps nothing alive.
                if (at < reinterpret_cast<std::uintptr_t>(hit.start)
                    || at >= reinterpret_cast<std::uintptr_t>(hit.start) + hit.size)
                    referenced[static_cast<std::size_t>(k)] = true;
            });
        });
        // The memory domain's buffers: list item arrays, dict values, extensions' C structs.
        forEachNativeBuffer([&](const void* start, std::size_t size) {
            const char* base = static_cast<const char*>(start);
            counts.scannedBytes += size;
            candidates.scan(base, base + size,
                            [&](std::uintptr_t, std::int32_t k) { referenced[static_cast<std::size_t>(k)] = true; });
        });
        TraverseMarks marks{&candidates, &referenced, nullptr};
        for (std::size_t i = 0; i < rows; ++i) {
            if (!(columns.flags[i] & GcTracked))
                traverseInto(reinterpret_cast<PyObject*>(static_cast<std::uintptr_t>(columns.address[i])), marks);
        }
        for (const Orphan& o : outside)
            traverseInto(o.object, marks);
    }

    // The orphans' rows.
    std::vector<ObjectIndex> appended;
    KindCache kinds;
    for (std::size_t k = 0; k < outside.size(); ++k) {
        if (referenced[k])
            continue;
        PyObject* object = outside[k].object;
        const auto index = static_cast<ObjectIndex>(columns.address.size());
        const KindOf kind = kinds.lookup(Py_TYPE(object));
        columns.appendObject(reinterpret_cast<std::uintptr_t>(object), types.indexOf(Py_TYPE(object)),
                             shallowSize(object, kind), static_cast<std::uint64_t>(Py_REFCNT(object)), UntrackedOrphan);
        appendStructuralRepr(columns.reprBlob, object, kinds);
        columns.reprOffsets.push_back(static_cast<std::uint32_t>(columns.reprBlob.size()));
        appended.push_back(index);
    }
    counts.orphans = appended.size();
    if (census)
        *census = counts;
    return appended;
}

} // namespace leakscope::capture
