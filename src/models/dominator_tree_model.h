#pragma once

#include "analyzed_snapshot.h"
#include "item_roles.h"

#include <QtCore/QAbstractItemModel>
#include <QtCore/QLocale>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace leakscope {

// The dominator tree of one snapshot (AnalyzedSnapshot::dominators()) as a tree model: the top level
// is the virtual root's children (the candidates, and the roots of what they do not reach), each
// object's children the objects it immediately dominates. Every object is one row, once: the tree
// has no cycles.
//
// Lazy: a node's rows are made when a view asks for them (canFetchMore()/fetchMore()), batchSize()
// at a time, so the top level of a million-object heap shows at once and a node with a hundred
// thousand children costs what is scrolled to. The top level's first batch comes with each reset.
// The tree keeps every list of children sorted largest retained size first, so that order
// (descending on Retained or Share, the default) is free, and ascending reads the same lists from
// their end: no row is copied or sorted. The other columns do not sort (sort() ignores them).
//
// Per object, it keeps the row under its parent once fetched and the number of its children fetched
// (8 bytes an object). The counts of objects dominated are the analysis' (analyzeWithDominators()
// computes them off the GUI thread), or counted when the tree is set (O(N)) when it has none.
class DominatorTreeModel final : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column {
        ObjectColumn, // type name and short repr
        RetainedColumn, // DominatorTree::retainedSize()
        ShareColumn, // the retained size as a percentage of every object's bytes (totalBytes())
        SizeColumn, // the object's own size
        DominatedColumn, // objects it dominates, itself not counted
        ColumnCount
    };
    Q_ENUM(Column)

    static constexpr int kDefaultBatchSize = 500;
    // Rows deeper than this have no children here: QTreeView lays out expanded rows with one call per
    // level, and a few thousand levels overflow the GUI thread's stack. A chain longer than that (a
    // linked list) is followed by going to its last row's object.
    static constexpr int kMaxDepth = 1000;

    explicit DominatorTreeModel(QObject* parent = nullptr);
    ~DominatorTreeModel() override;

    // A reset, with no row fetched yet, unless analyzed has the very tree shown already (the same
    // snapshot analysed with other rules): then the rows, fetched and expanded, stay and only their
    // data may change. Null, or an analysis without a tree, clears the model.
    void setSnapshot(AnalyzedSnapshotPtr analyzed);
    const AnalyzedSnapshotPtr& analyzedSnapshot() const { return m_analyzed; }
    const DominatorTree* tree() const { return m_tree; }

    // Rows fetched by one fetchMore(); at least 1. Applies to the fetches from now on.
    void setBatchSize(int rows);
    int batchSize() const { return m_batchSize; }

    // The object a row shows; nullopt for an invalid index.
    std::optional<ObjectIndex> objectAt(const QModelIndex& index) const;
    // The row of object when it and all its dominators are fetched, else an invalid index (column 0).
    QModelIndex indexOfObject(ObjectIndex object) const;
    // Objects the tree dominates under object, itself not counted.
    std::uint32_t dominatedCount(ObjectIndex object) const { return (*m_dominated)[object]; }
    // Rows made so far over the whole tree: how much of it has been unfolded.
    std::size_t fetchedRowCount() const { return m_fetchedRows; }

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const final;
    QModelIndex parent(const QModelIndex& child) const final;
    int rowCount(const QModelIndex& parent = {}) const final;
    int columnCount(const QModelIndex& parent = {}) const final;
    bool hasChildren(const QModelIndex& parent = {}) const final;
    bool canFetchMore(const QModelIndex& parent) const final;
    void fetchMore(const QModelIndex& parent) final;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const final;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const final;
    Qt::ItemFlags flags(const QModelIndex& index) const final;
    // Retained and Share: descending (largest first) or ascending, a reset with only the top level's
    // first batch fetched.
    // Other columns: nothing happens.
    void sort(int column, Qt::SortOrder order = Qt::DescendingOrder) final;
    Qt::SortOrder sortOrder() const { return m_order; }
    static bool isSortable(int column) { return column == RetainedColumn || column == ShareColumn; }

private:
    // The virtual root's slot in the per-object tables: one past the last object.
    std::uint32_t slotOf(const QModelIndex& parent) const;
    // The rows under slot: none for an object kMaxDepth levels down.
    std::span<const ObjectIndex> childrenOf(std::uint32_t slot) const;
    bool atDepthLimit(ObjectIndex object) const;
    // The object at row of a list of children, in the model's order.
    ObjectIndex childAt(std::span<const ObjectIndex> children, int row) const;
    QString objectText(ObjectIndex object, bool elide) const;
    QVariant shareData(ObjectIndex object, int role) const;
    void clearFetched();
    // Makes the first batchSize() rows of the top level; only inside a reset.
    void fetchTopBatch();

    AnalyzedSnapshotPtr m_analyzed;
    const DominatorTree* m_tree = nullptr;
    // Counters by object that start at zero without touching their memory: calloc hands out pages the
    // kernel zeroes when first written, so a new tree of ten million objects costs page faults only
    // where rows are fetched (zeroing two 40 MB vectors took 230 ms of the GUI thread).
    class ZeroedTable
    {
    public:
        void reset(std::size_t size);
        std::uint32_t& operator[](std::size_t i) { return m_data.get()[i]; }
        std::uint32_t operator[](std::size_t i) const { return m_data.get()[i]; }

    private:
        struct Free
        {
            void operator()(std::uint32_t* data) const;
        };
        std::unique_ptr<std::uint32_t, Free> m_data;
    };

    ZeroedTable m_row; // by object: its row under its parent, once fetched
    ZeroedTable m_fetched; // by object, then the virtual root: children fetched
    DominatedCountsPtr m_dominated; // by object: dominatedCount(); null without a tree
    std::size_t m_fetchedRows = 0;
    int m_batchSize = kDefaultBatchSize;
    Qt::SortOrder m_order = Qt::DescendingOrder;
    QLocale m_locale;
    mutable std::string m_scratch;
};

} // namespace leakscope
