#include <Python.h>

#include "script_series.h"

#include "gc_lists.h"
#include "pyobject_access.h"
#include "script_module.h"
#include "snapshot/analysis.h"
#include "snapshot/growth.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace leakscope::capture {

namespace {

// A HeapAnalysis refers to its snapshot: the pair lives in one block, handed out as the analysis.
struct OwnedAnalysis
{
    OwnedAnalysis(SnapshotPtr s, const IgnoreRules* rules)
        : snapshot(std::move(s))
        , analysis(*snapshot, rules)
    {
    }
    SnapshotPtr snapshot;
    HeapAnalysis analysis;
};

std::shared_ptr<const HeapAnalysis> analyse(SnapshotPtr snapshot, const IgnoreRules* rules)
{
    auto owned = std::make_shared<const OwnedAnalysis>(std::move(snapshot), rules);
    return std::shared_ptr<const HeapAnalysis>(owned, &owned->analysis);
}

std::atomic<std::uint32_t> g_lastSeriesId{0};

// References that no gc-tracked object accounts for, summed over the heap: for every distinct
// object in the collector's lists or referred to by one, its reference count, minus every reference
// (edge) those objects report. Objects that come and go referenced by others add as much to one side
// as to the other; a leaked object (held by nothing) or a leaked reference adds one per reference.
// Same walk as a capture's, with nothing recorded: the addresses of the untracked objects reached are
// kept in an open-addressing set (their count is only known by counting them once).
class SurplusCounter
{
public:
    std::int64_t count()
    {
        m_sum = 0;
        m_used = 0;
        std::fill(m_slots.begin(), m_slots.end(), 0);
        for (int list = 0; list < leakscope_gc_list_count(); ++list) {
            auto* head = static_cast<GcHeader*>(leakscope_gc_list_head(list));
            for (auto* header = reinterpret_cast<GcHeader*>(head->next); header != head;
                 header = reinterpret_cast<GcHeader*>(header->next)) {
                auto* object = reinterpret_cast<PyObject*>(header + 1);
                if (static_cast<std::uint64_t>(Py_REFCNT(object)) < kImmortalRefcount)
                    m_sum += Py_REFCNT(object);
                if (traverseproc traverse = Py_TYPE(object)->tp_traverse)
                    traverse(object, &SurplusCounter::visit, this);
            }
        }
        return m_sum;
    }

private:
    static int visit(PyObject* object, void* self)
    {
        auto* counter = static_cast<SurplusCounter*>(self);
        // Statically allocated objects (deep-frozen code and strings, 3.12's immortal ones) carry a
        // huge count that references do not change meaningfully: left out, with the edges into them.
        if (static_cast<std::uint64_t>(Py_REFCNT(object)) >= kImmortalRefcount)
            return 0;
        --counter->m_sum; // the reference the container holds
        if (!(PyObject_IS_GC(object) && gcHeader(object)->next != 0) && counter->insert(object))
            counter->m_sum += Py_REFCNT(object); // an untracked object, counted once
        return 0;
    }

    // True when address was not in the set yet.
    bool insert(PyObject* object)
    {
        if ((m_used + 1) * 2 > m_slots.size())
            grow();
        const auto address = reinterpret_cast<std::uintptr_t>(object);
        const std::size_t mask = m_slots.size() - 1;
        for (std::size_t i = (address >> 4) * 0x9E3779B97F4A7C15ull >> 20 & mask;; i = (i + 1) & mask) {
            if (m_slots[i] == address)
                return false;
            if (m_slots[i] == 0) {
                m_slots[i] = address;
                ++m_used;
                return true;
            }
        }
    }

    void grow()
    {
        std::vector<std::uintptr_t> old = std::move(m_slots);
        m_slots.assign(std::max<std::size_t>(old.size() * 2, 1 << 16), 0);
        m_used = 0;
        for (std::uintptr_t address : old)
            if (address)
                insert(reinterpret_cast<PyObject*>(address));
    }

    std::int64_t m_sum = 0;
    std::size_t m_used = 0;
    std::vector<std::uintptr_t> m_slots; // kept between counts, so its memory is reused
};

SurplusCounter g_surplusCounter; // used with the GIL held only

struct SeriesState
{
    ScriptSeries info;
    bool keep = false;
    GrowthAnalysis growth;
    // keep: the snapshots taken, delivered by finish() only.
    std::vector<std::pair<std::string, SnapshotPtr>> kept;
    std::uint32_t taken = 0;
    std::vector<std::int64_t> fingerprints; // unexplained references after each fingerprint()
    bool ended = false;
    bool busy = false; // a capture is under way (another thread of the script cannot enter meanwhile)
};

// Not tracked by the collector, so never a leak candidate in the snapshots it takes itself.
struct SeriesObject
{
    PyObject_HEAD
    SeriesState* state;
};

SeriesState* stateOf(PyObject* self)
{
    return reinterpret_cast<SeriesObject*>(self)->state;
}

ScriptHooks* requireHooks()
{
    ScriptHooks* hooks = scriptHooks();
    if (!hooks)
        PyErr_SetString(PyExc_RuntimeError, "leakscope snapshots need the script to run under leakscope-cli or the "
                                            "LeakScope application");
    return hooks;
}

void raiseError(const ScriptError& error)
{
    switch (error.kind) {
    case ScriptError::Kind::Interrupt: PyErr_SetNone(PyExc_KeyboardInterrupt); return;
    case ScriptError::Kind::SnapshotFile: PyErr_SetString(PyExc_OSError, error.message.c_str()); return;
    case ScriptError::Kind::Runtime: break;
    }
    PyErr_SetString(PyExc_RuntimeError, error.message.c_str());
}

bool deliverOne(ScriptHooks* hooks, ScriptSnapshot request, const SnapshotPtr& snapshot)
{
    ScriptError error;
    bool delivered = false;
    try {
        delivered = hooks->deliver(request, snapshot, error);
    } catch (const std::exception& e) {
        error = ScriptError{ScriptError::Kind::Runtime, std::string("leakscope: ") + e.what()};
    }
    if (!delivered)
        raiseError(error);
    return delivered;
}

int seriesInit(PyObject* self, PyObject* args, PyObject* kwargs)
{
    static const char* keywords[] = {"label", "length", "keep", nullptr};
    const char* label = nullptr;
    unsigned int length = 0;
    int keep = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "sI|p:_Series", const_cast<char**>(keywords), &label, &length,
                                     &keep))
        return -1;
    if (length < 2) {
        PyErr_SetString(PyExc_ValueError, "a series needs at least two snapshots");
        return -1;
    }
    if (!requireHooks())
        return -1;
    delete stateOf(self);
    auto* state = new SeriesState;
    state->info.id = ++g_lastSeriesId;
    state->info.length = length;
    state->info.label = label;
    state->keep = keep != 0;
    reinterpret_cast<SeriesObject*>(self)->state = state;
    return 0;
}

void seriesDealloc(PyObject* self)
{
    delete stateOf(self);
    PyTypeObject* type = Py_TYPE(self);
    type->tp_free(self);
    Py_DECREF(type); // instances of a heap type hold a reference to it

}

SeriesState* usableState(PyObject* self)
{
    SeriesState* state = stateOf(self);
    if (!state) {
        PyErr_SetString(PyExc_RuntimeError, "the series was not initialised");
        return nullptr;
    }
    if (state->busy) {
        PyErr_SetString(PyExc_RuntimeError, "the series is busy in another thread");
        return nullptr;
    }
    return state;
}

// capture(label): collects garbage (unless the run says not to), captures, adds the snapshot to the
// growth analysis and delivers it, unless the series keeps its snapshots for finish().
PyObject* seriesCapture(PyObject* self, PyObject* args)
{
    const char* label = nullptr;
    if (!PyArg_ParseTuple(args, "s:capture", &label))
        return nullptr;
    SeriesState* state = usableState(self);
    ScriptHooks* hooks = state ? requireHooks() : nullptr;
    if (!hooks)
        return nullptr;
    if (state->taken >= state->info.length || state->ended) {
        PyErr_SetString(PyExc_RuntimeError, "the series has all its snapshots");
        return nullptr;
    }
    std::string stepLabel = label; // before the capture: the argument may go away with the collection
    state->busy = true;
    SnapshotPtr snapshot;
    std::shared_ptr<const HeapAnalysis> analysis;
    try {
        snapshot = hooks->capture(stepLabel);
        analysis = analyse(snapshot, hooks->ignoreRules());
        state->growth.add(analysis);
    } catch (const std::exception& e) {
        state->busy = false;
        PyErr_SetString(PyExc_RuntimeError, (std::string("leakscope: capture failed: ") + e.what()).c_str());
        return nullptr;
    }
    const std::uint32_t index = state->taken++;
    bool ok = true;
    if (state->keep) {
        state->kept.emplace_back(std::move(stepLabel), std::move(snapshot));
    } else {
        ScriptSnapshot request;
        request.label = std::move(stepLabel);
        request.series = state->info;
        request.series.index = index;
        request.analysis = std::move(analysis);
        ok = deliverOne(hooks, std::move(request), snapshot);
    }
    state->busy = false;
    if (!ok)
        return nullptr;
    Py_RETURN_NONE;
}

// finish(): delivers the kept snapshots (if the series keeps them) and tells the hooks the series
// ended, with its growth analysis.
PyObject* seriesFinish(PyObject* self, PyObject*)
{
    SeriesState* state = usableState(self);
    ScriptHooks* hooks = state ? requireHooks() : nullptr;
    if (!hooks)
        return nullptr;
    if (state->taken != state->info.length || state->ended) {
        PyErr_SetString(PyExc_RuntimeError, state->ended ? "the series has ended already"
                                                         : "the series does not have all its snapshots yet");
        return nullptr;
    }
    state->ended = true;
    state->busy = true;
    std::vector<std::pair<std::string, SnapshotPtr>> kept = std::move(state->kept);
    state->kept.clear();
    bool ok = true;
    for (std::uint32_t i = 0; ok && i < kept.size(); ++i) {
        ScriptSnapshot request;
        request.label = std::move(kept[i].first);
        request.series = state->info;
        request.series.index = i;
        ok = deliverOne(hooks, std::move(request), kept[i].second);
        kept[i].second.reset();
    }
    if (ok) {
        try {
            hooks->seriesEnded(state->info, state->growth);
        } catch (const std::exception& e) {
            PyErr_SetString(PyExc_RuntimeError, (std::string("leakscope: ") + e.what()).c_str());
            ok = false;
        }
    }
    state->busy = false;
    if (!ok)
        return nullptr;
    Py_RETURN_NONE;
}

template<typename T>
PyObject* integerList(const std::vector<T>& values);

// fingerprint(): collects garbage and records the references no gc object accounts for, instead of
// capturing: O(N + E) and nothing of Python allocated, several times cheaper than a capture.
PyObject* seriesFingerprint(PyObject* self, PyObject*)
{
    SeriesState* state = usableState(self);
    if (!state)
        return nullptr;
    if (state->fingerprints.size() >= state->info.length) {
        PyErr_SetString(PyExc_RuntimeError, "the series has all its fingerprints");
        return nullptr;
    }
    PyGC_Collect();
    if (leakscope_gc_collecting()) {
        PyErr_SetString(PyExc_RuntimeError, "leakscope: the collector is running");
        return nullptr;
    }
    state->fingerprints.reserve(state->info.length);
    state->fingerprints.push_back(g_surplusCounter.count());
    Py_RETURN_NONE;
}

// fingerprints_grow(): the unexplained references rose in every round: a leak may be there, and the
// series is worth capturing.
PyObject* seriesFingerprintsGrow(PyObject* self, PyObject*)
{
    SeriesState* state = usableState(self);
    if (!state)
        return nullptr;
    const std::vector<std::int64_t>& f = state->fingerprints;
    bool grows = f.size() >= 2;
    for (std::size_t k = 1; grows && k < f.size(); ++k)
        grows = f[k] > f[k - 1];
    return PyBool_FromLong(grows);
}

PyObject* seriesFingerprints(PyObject* self, PyObject*)
{
    SeriesState* state = usableState(self);
    return state ? integerList(state->fingerprints) : nullptr;
}

PyObject* seriesLeaks(PyObject* self, PyObject*)
{
    SeriesState* state = usableState(self);
    if (!state)
        return nullptr;
    return PyBool_FromLong(state->growth.leaks());
}

// Python values from the rows. Each helper returns a new reference or null with an exception set.
PyObject* text(std::string_view s)
{
    return PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
}

PyObject* textOrNone(const std::string& s)
{
    if (s.empty())
        Py_RETURN_NONE;
    return text(s);
}

template<typename T>
PyObject* integerList(const std::vector<T>& values)
{
    PyObject* list = PyList_New(static_cast<Py_ssize_t>(values.size()));
    if (!list)
        return nullptr;
    for (std::size_t i = 0; i < values.size(); ++i) {
        PyObject* value;
        if constexpr (std::is_signed_v<T>)
            value = PyLong_FromLongLong(static_cast<long long>(values[i]));
        else
            value = PyLong_FromUnsignedLongLong(static_cast<unsigned long long>(values[i]));
        if (!value) {
            Py_DECREF(list);
            return nullptr;
        }
        PyList_SET_ITEM(list, static_cast<Py_ssize_t>(i), value);
    }
    return list;
}

// "PyDict_Type in /usr/lib/.../libpython3.11.so.1.0 (Objects/dictobject.c:4016)", as much as is known.
std::string originOf(const Snapshot& s, ObjectIndex i)
{
    const TypeRecord& type = s.type(s.typeOf(i));
    std::string out(s.string(type.symbol));
    if (const std::string_view library = s.string(type.library); !library.empty())
        out += (out.empty() ? "" : " in ") + std::string(library);
    if (const std::string_view source = s.string(type.source); !source.empty())
        out += (out.empty() ? "" : " ") + ("(" + std::string(source) + ")");
    return out;
}

// "file.py:12 in function" of the innermost frame tracemalloc recorded, or empty.
std::string siteOf(const Snapshot& s, ObjectIndex i)
{
    const std::span<const AllocationFrame> frames = s.allocationSite(i);
    if (frames.empty())
        return {};
    std::string out = std::string(s.string(frames[0].file)) + ':' + std::to_string(frames[0].line);
    if (frames[0].function != 0)
        out += " in " + std::string(s.string(frames[0].function));
    return out;
}

// Adds key: value to dict, taking the reference to value. False with an exception set on failure.
bool put(PyObject* dict, const char* key, PyObject* value)
{
    if (!value)
        return false;
    const int status = PyDict_SetItemString(dict, key, value);
    Py_DECREF(value);
    return status == 0;
}

PyObject* objectDict(const HeapAnalysis& analysis, ObjectIndex i)
{
    const Snapshot& s = analysis.snapshot();
    PyObject* dict = PyDict_New();
    if (!dict)
        return nullptr;
    if (!put(dict, "type", text(s.typeNameOf(i))) || !put(dict, "address", PyLong_FromUnsignedLongLong(s.address(i)))
        || !put(dict, "repr", text(s.repr(i))) || !put(dict, "origin", textOrNone(originOf(s, i)))
        || !put(dict, "site", textOrNone(siteOf(s, i)))) {
        Py_DECREF(dict);
        return nullptr;
    }
    return dict;
}

bool append(PyObject* list, PyObject* item)
{
    if (!item)
        return false;
    const int status = PyList_Append(list, item);
    Py_DECREF(item);
    return status == 0;
}

PyObject* typesList(const GrowthAnalysis& growth)
{
    PyObject* list = PyList_New(0);
    if (!list)
        return nullptr;
    for (const GrowingTypeRow& row : growth.growingTypes()) {
        PyObject* increases = integerList(row.increases());
        if (!increases || !append(list, Py_BuildValue("(NN)", text(row.typeName), increases))) {
            Py_DECREF(list);
            return nullptr;
        }
    }
    return list;
}

PyObject* objectsList(const GrowthAnalysis& growth, std::size_t perRow)
{
    PyObject* list = PyList_New(0);
    if (!list || !growth.last())
        return list;
    for (const LeakedObjectsRow& row : growth.leakedObjects()) {
        for (std::size_t k = 0; k < row.objects.size() && k < perRow; ++k) {
            PyObject* dict = objectDict(*growth.last(), row.objects[k]);
            if (!dict || !put(dict, "per_round", integerList(row.perRound)) || !append(list, dict)) {
                Py_XDECREF(dict);
                Py_DECREF(list);
                return nullptr;
            }
        }
    }
    return list;
}

PyObject* surplusList(const GrowthAnalysis& growth)
{
    PyObject* list = PyList_New(0);
    if (!list || !growth.last())
        return list;
    for (const SurplusSeriesRow& row : growth.surplusGrowth()) {
        PyObject* dict = objectDict(*growth.last(), row.object);
        if (!dict || !put(dict, "growth", integerList(row.growth)) || !put(dict, "surplus", integerList(row.surplus))
            || !append(list, dict)) {
            Py_XDECREF(dict);
            Py_DECREF(list);
            return nullptr;
        }
    }
    return list;
}

// report(title, objects_per_row=5): the analysis as a dict of plain values (text, json, leaks,
// rounds, types, objects, surplus) for leakscope.Growth. The text lists objects_per_row objects under
// each row; `objects` lists up to 100 per row.
PyObject* seriesReport(PyObject* self, PyObject* args, PyObject* kwargs)
{
    static const char* keywords[] = {"title", "objects_per_row", nullptr};
    const char* title = "";
    Py_ssize_t perRow = 5;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|sn:report", const_cast<char**>(keywords), &title, &perRow))
        return nullptr;
    SeriesState* state = usableState(self);
    if (!state)
        return nullptr;
    GrowthReportOptions options;
    options.title = title;
    options.objectsPerRow = perRow < 0 ? 0 : static_cast<std::size_t>(perRow);
    std::string reportText, json;
    try {
        reportText = growthText(state->growth, options);
        json = growthJson(state->growth, options);
    } catch (const std::exception& e) {
        PyErr_SetString(PyExc_RuntimeError, (std::string("leakscope: ") + e.what()).c_str());
        return nullptr;
    }
    PyObject* dict = PyDict_New();
    if (!dict)
        return nullptr;
    if (!put(dict, "text", text(reportText)) || !put(dict, "json", text(json))
        || !put(dict, "leaks", PyBool_FromLong(state->growth.leaks()))
        || !put(dict, "rounds", PyLong_FromSize_t(state->growth.rounds()))
        || !put(dict, "types", typesList(state->growth)) || !put(dict, "objects", objectsList(state->growth, 100))
        || !put(dict, "surplus", surplusList(state->growth))) {
        Py_DECREF(dict);
        return nullptr;
    }
    return dict;
}

PyCFunction asFunction(PyObject* (*function)(PyObject*, PyObject*, PyObject*))
{
    return reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(function));
}

PyMethodDef seriesMethods[] = {
    {"capture", seriesCapture, METH_VARARGS,
     "capture(label)\n--\n\nCollect garbage, capture the heap and add the snapshot to the series."},
    {"finish", seriesFinish, METH_NOARGS,
     "finish()\n--\n\nDeliver the kept snapshots, if any, and end the series (the CLI prints its growth)."},
    {"leaks", seriesLeaks, METH_NOARGS, "leaks()\n--\n\nWhether the growth analysis found a leak so far."},
    {"fingerprint", seriesFingerprint, METH_NOARGS,
     "fingerprint()\n--\n\nCollect garbage and record the references no gc object accounts for (no capture)."},
    {"fingerprints_grow", seriesFingerprintsGrow, METH_NOARGS,
     "fingerprints_grow()\n--\n\nWhether the recorded references rose in every round."},
    {"fingerprints", seriesFingerprints, METH_NOARGS, "fingerprints()\n--\n\nThe recorded counts."},
    {"report", asFunction(seriesReport), METH_VARARGS | METH_KEYWORDS,
     "report(title='', objects_per_row=5)\n--\n\nThe growth analysis as a dict of plain values."},
    {nullptr, nullptr, 0, nullptr},
};

PyType_Slot seriesSlots[] = {
    {Py_tp_doc, const_cast<char*>("_Series(label, length, keep=False)\n--\n\nA series of snapshots analysed for "
                                  "growth; the machinery under iterate() and the pytest plugin.")},
    {Py_tp_init, reinterpret_cast<void*>(seriesInit)},
    {Py_tp_new, reinterpret_cast<void*>(PyType_GenericNew)},
    {Py_tp_dealloc, reinterpret_cast<void*>(seriesDealloc)},
    {Py_tp_methods, seriesMethods},
    {0, nullptr},
};

PyType_Spec seriesSpec = {
    "leakscope._Series",
    sizeof(SeriesObject),
    0,
    Py_TPFLAGS_DEFAULT,
    seriesSlots,
};

} // namespace

PyObject* createSeriesType(PyObject* module)
{
    return PyType_FromModuleAndSpec(module, &seriesSpec, nullptr);
}

} // namespace leakscope::capture
