// The native trace recorder's tables on their own, without an interpreter: the live-allocation table
// against std::unordered_map under millions of random operations, its growth and shrinking, and the
// interned stacks.

#include "capture/native_allocation_table.h"
#include "capture/native_stack_table.h"

#include <QTest>

#include <map>
#include <random>
#include <unordered_map>
#include <vector>

using leakscope::capture::kNoNativeStack;
using leakscope::capture::NativeAllocationTable;
using leakscope::capture::NativeStackTable;

namespace {

struct Value
{
    std::uint32_t size;
    std::uint32_t stack;
};

// Every entry of the table is in the map with the same value, and the counts agree.
bool sameContents(const NativeAllocationTable& table, const std::unordered_map<std::uintptr_t, Value>& map)
{
    if (table.size() != map.size())
        return false;
    std::size_t visited = 0;
    bool same = true;
    table.forEach([&](const NativeAllocationTable::Entry& entry) {
        ++visited;
        const auto it = map.find(entry.start);
        same = same && it != map.end() && it->second.size == entry.size && it->second.stack == entry.stack;
    });
    return same && visited == map.size();
}

} // namespace

class TestNativeTraceTables : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void randomOperationsMatchUnorderedMap_data()
    {
        QTest::addColumn<quint64>("keySpace");
        QTest::addColumn<quint64>("stride");
        // Few keys: the table stays small and churns; many: it grows and shrinks. A 16-byte stride is
        // how pymalloc hands out blocks (neighbouring keys, the hash's hard case); 48 and 4096 leave
        // the low bits constant.
        QTest::newRow("dense-small") << quint64(3000) << quint64(16);
        QTest::newRow("dense-large") << quint64(400000) << quint64(16);
        QTest::newRow("stride-48") << quint64(200000) << quint64(48);
        QTest::newRow("pages") << quint64(100000) << quint64(4096);
    }

    void randomOperationsMatchUnorderedMap()
    {
        QFETCH(quint64, keySpace);
        QFETCH(quint64, stride);
        std::mt19937_64 random(keySpace * 31 + stride);
        NativeAllocationTable table;
        std::unordered_map<std::uintptr_t, Value> map;
        constexpr int kOperations = 3'000'000;
        // Phases bias the mix towards inserts, then erases, so the table grows and shrinks repeatedly.
        for (int op = 0; op < kOperations; ++op) {
            const bool growing = (op / 250'000) % 2 == 0;
            const std::uintptr_t key = 0x7f0000000000ull + (random() % keySpace + 1) * stride;
            const unsigned choice = random() % 10;
            if (choice < (growing ? 6u : 3u)) {
                const Value value{static_cast<std::uint32_t>(random()), static_cast<std::uint32_t>(random() % 1000)};
                QVERIFY(table.insert(key, value.size, value.stack));
                map[key] = value;
            } else if (choice < 9) {
                NativeAllocationTable::Entry removed{};
                const bool erased = table.erase(key, &removed);
                const auto it = map.find(key);
                QCOMPARE(erased, it != map.end());
                if (erased) {
                    QCOMPARE(removed.start, key);
                    QCOMPARE(removed.size, it->second.size);
                    QCOMPARE(removed.stack, it->second.stack);
                    map.erase(it);
                }
            } else {
                const NativeAllocationTable::Entry* found = table.find(key);
                const auto it = map.find(key);
                QCOMPARE(found != nullptr, it != map.end());
                if (found)
                    QCOMPARE(found->stack, it->second.stack);
            }
            if (op % 100'000 == 0)
                QVERIFY(sameContents(table, map));
            QVERIFY(table.size() * 10 <= table.capacity() * 7);
        }
        QVERIFY(sameContents(table, map));
        for (const auto& [key, value] : map)
            QVERIFY(table.erase(key));
        QCOMPARE(table.size(), std::size_t(0));
        QCOMPARE(table.capacity(), NativeAllocationTable::kMinCapacity);
    }

    // A million entries in, all out: the table is back to its smallest, and half-way down it has
    // already given memory back.
    void shrinksWithTheLiveCount()
    {
        NativeAllocationTable table;
        QCOMPARE(table.bytes(), std::size_t(0));
        constexpr std::uintptr_t kBase = 0x560000000000ull;
        constexpr std::size_t kCount = 1'000'000;
        for (std::size_t i = 0; i < kCount; ++i)
            QVERIFY(table.insert(kBase + i * 16, 32, 7));
        QCOMPARE(table.size(), kCount);
        const std::size_t peak = table.bytes();
        QVERIFY(peak >= kCount * 16 * 10 / 7);
        QVERIFY(peak <= kCount * 16 * 4); // 16 bytes an entry, at least 35% full after growth
        for (std::size_t i = 0; i < kCount * 7 / 8; ++i)
            QVERIFY(table.erase(kBase + i * 16));
        QVERIFY(table.bytes() <= peak / 2);
        for (std::size_t i = kCount * 7 / 8; i < kCount; ++i) {
            const NativeAllocationTable::Entry* entry = table.find(kBase + i * 16);
            QVERIFY(entry);
            QCOMPARE(entry->size, 32u);
            QCOMPARE(entry->stack, 7u);
            QVERIFY(table.erase(kBase + i * 16));
        }
        QCOMPARE(table.bytes(), NativeAllocationTable::kMinCapacity * sizeof(NativeAllocationTable::Entry));
        QVERIFY(!table.find(kBase));
        QVERIFY(!table.erase(kBase));
    }

    // A program that builds and drops batches of objects: the table keeps the size the batches need
    // rather than shrinking after each and growing again.
    void batchesDoNotResizeBackAndForth()
    {
        NativeAllocationTable table;
        constexpr std::uintptr_t kBase = 0x7f1000000000ull;
        for (std::uintptr_t i = 0; i < 14'000; ++i) // what stays: the interpreter's own objects
            QVERIFY(table.insert(kBase + i * 16, 16, 0));
        std::uintptr_t next = 1'000'000;
        const auto batch = [&] {
            const std::uintptr_t first = next;
            for (int i = 0; i < 70'000; ++i)
                QVERIFY(table.insert(kBase + next++ * 16, 32, 1));
            for (std::uintptr_t at = first; at < next; ++at)
                QVERIFY(table.erase(kBase + at * 16));
        };
        batch();
        const std::uint64_t settled = table.resizes();
        for (int round = 0; round < 50; ++round)
            batch();
        QCOMPARE(table.size(), std::size_t(14'000));
        QVERIFY2(table.resizes() <= settled + 2, qPrintable(QString::number(table.resizes() - settled)));
    }

    // Once the peak is gone for a whole window of operations, the table shrinks towards what stays.
    void shrinksToFitAfterAQuietWindow()
    {
        NativeAllocationTable table;
        constexpr std::uintptr_t kBase = 0x7f2000000000ull;
        for (std::uintptr_t i = 0; i < 100'000; ++i)
            QVERIFY(table.insert(kBase + i * 16, 16, 0));
        for (std::uintptr_t i = 5'000; i < 100'000; ++i)
            QVERIFY(table.erase(kBase + i * 16));
        QVERIFY(table.capacity() > NativeAllocationTable::fittingCapacity(5'000));
        for (std::uintptr_t i = 0; i < 200'000; ++i) {
            QVERIFY(table.insert(kBase + (500'000 + i) * 16, 16, 0));
            QVERIFY(table.erase(kBase + (500'000 + i) * 16));
        }
        QCOMPARE(table.size(), std::size_t(5'000));
        // At rest the table is at least 1/8 full (the windows' test), within one halving of a fit.
        QVERIFY(table.size() * 8 >= table.capacity());
        QVERIFY(table.capacity() <= 2 * NativeAllocationTable::fittingCapacity(5'001));
        for (std::uintptr_t i = 0; i < 5'000; ++i)
            QVERIFY(table.find(kBase + i * 16));
    }

    void insertReplaces()
    {
        NativeAllocationTable table;
        QVERIFY(table.insert(0x1000, 10, 1));
        QVERIFY(table.insert(0x1000, 20, 2));
        QCOMPARE(table.size(), std::size_t(1));
        QCOMPARE(table.find(0x1000)->size, 20u);
        QCOMPARE(table.find(0x1000)->stack, 2u);
        QVERIFY(!table.find(0x1010));
    }

    // Equal stacks share an id, different ones do not, and frames() stays where it was while the
    // table grows past many chunks and index rehashes.
    void stacksAreInterned()
    {
        NativeStackTable stacks;
        std::mt19937_64 random(42);
        std::map<std::vector<std::uintptr_t>, leakscope::capture::NativeStackId> reference;
        std::vector<std::pair<leakscope::capture::NativeStackId, const std::uintptr_t*>> addresses;
        std::size_t frames = 0;
        for (int i = 0; i < 300'000; ++i) {
            // Draw from a limited set of shapes so that many stacks repeat.
            const std::size_t depth = 1 + random() % (i % 3 == 0 ? 256 : 16);
            std::vector<std::uintptr_t> stack(depth);
            const std::uintptr_t seed = random() % 50'000;
            for (std::size_t f = 0; f < depth; ++f)
                stack[f] = 0x400000 + seed * 64 + f * 8;
            const auto id = stacks.intern(stack.data(), stack.size());
            QVERIFY(id != kNoNativeStack);
            const auto [it, added] = reference.emplace(stack, id);
            if (added) {
                frames += depth;
                addresses.emplace_back(id, stacks.frames(id).data());
            } else {
                QCOMPARE(id, it->second);
            }
        }
        QCOMPARE(stacks.size(), reference.size());
        QCOMPARE(stacks.frameCount(), frames);
        QVERIFY(stacks.size() < 300'000); // repeats were found
        for (const auto& [stack, id] : reference) {
            const auto span = stacks.frames(id);
            QVERIFY(std::equal(span.begin(), span.end(), stack.begin(), stack.end()));
        }
        for (const auto& [id, data] : addresses)
            QCOMPARE(stacks.frames(id).data(), data);
        QVERIFY(stacks.frames(static_cast<leakscope::capture::NativeStackId>(stacks.size())).empty());
        QVERIFY(stacks.frames(kNoNativeStack).empty());
        QVERIFY(stacks.bytes() >= frames * sizeof(std::uintptr_t));
    }

    void emptyAndLongStacks()
    {
        NativeStackTable stacks;
        const auto empty = stacks.intern(nullptr, 0);
        QVERIFY(empty != kNoNativeStack);
        QVERIFY(stacks.frames(empty).empty());
        QCOMPARE(stacks.intern(nullptr, 0), empty);
        std::vector<std::uintptr_t> longStack(300, 0x1234);
        const auto clipped = stacks.intern(longStack.data(), longStack.size());
        QCOMPARE(stacks.frames(clipped).size(), NativeStackTable::kMaxFrames);
        QCOMPARE(stacks.intern(longStack.data(), NativeStackTable::kMaxFrames), clipped);
    }
};

QTEST_GUILESS_MAIN(TestNativeTraceTables)
#include "tst_native_trace_tables.moc"
