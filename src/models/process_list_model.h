#pragma once

#include "item_roles.h"

#include "attach/attach_check.h"

#include <QtCore/QAbstractTableModel>
#include <QtCore/QList>
#include <QtCore/QString>

namespace leakscope {

// What the process list shows of one Python process.
struct ProcessRow
{
    qint64 pid = 0;
    QString user;
    QString python;  // "3.11"; empty when it cannot be told
    QString command; // the command line, or "[name]" when it has none
    bool attachable = false;
    QString reason;  // the self-test's message when not attachable

    bool operator==(const ProcessRow&) const = default;
};

// The Python processes of this machine, one row each in increasing pid order: PID, User, Python,
// Command. A row the self-test refuses stays listed when showAll() (AttachableRole false, its reason as
// tooltip and ReasonRole), else it is left out; processes that are not Python are never listed (the
// same choice as leakscope-cli ps [--all]). refresh() reads /proc again and changes the rows in place
// (inserted, removed, changed rows; never a reset), so a view's selection and scroll position survive.
class ProcessListModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Role { AttachableRole = LibraryRole + 100, ReasonRole, PidRole }; // any column
    enum Column { PidColumn, UserColumn, PythonColumn, CommandColumn, ColumnCount };

    explicit ProcessListModel(QObject* parent = nullptr);

    // The machine the rows are read from (currentSystem() by default; tests give a fake /proc).
    void setSystem(attach::SystemView system) { m_system = std::move(system); }
    // Lists the Python processes the self-test refuses too. Takes effect at the next refresh().
    void setShowAll(bool showAll);
    bool showAll() const { return m_showAll; }

    // Reads /proc and updates the rows. Returns the milliseconds it took.
    double refresh();
    // The rows of a listing, in increasing pid order, as refresh() would read them.
    static QList<ProcessRow> readRows(const attach::SystemView& system, bool showAll);
    // Makes the model's rows rows (sorted by pid) with the fewest changes: rows whose pid is gone are
    // removed, new pids inserted, changed rows updated.
    void setRows(const QList<ProcessRow>& rows);

    const ProcessRow& processRow(int row) const { return m_rows.at(row); }
    // The row of pid; -1 when it is not listed.
    int rowOfPid(qint64 pid) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

private:
    attach::SystemView m_system;
    bool m_showAll = false;
    QList<ProcessRow> m_rows;
};

} // namespace leakscope

#include <QtCore/QSortFilterProxyModel>

namespace leakscope {

// The process list filtered by a text found in the pid, the user or the command line (case-insensitive,
// plain text), sorted on SortRole (by pid unless told otherwise). The rows are few: it filters at once.
class ProcessFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit ProcessFilterProxy(QObject* parent = nullptr);

    void setFilterText(const QString& text);
    QString filterText() const { return m_text; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_text;
};

} // namespace leakscope
