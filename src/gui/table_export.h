#pragma once

// What the window's exports share: a table view's CSV as the user sees it (models/table_csv.h does
// the cells), file names made of labels, and writing a file atomically from a background thread.

#include "models/table_csv.h"

#include <QtCore/QByteArray>
#include <QtCore/QList>
#include <QtCore/QString>

#include <functional>
#include <string_view>

class QAbstractItemView;
class QHeaderView;
class QModelIndex;

namespace leakscope {

// The horizontal header of a table or tree view; null for other views.
QHeaderView* columnHeader(const QAbstractItemView* view);

// The columns view shows (not hidden, not sized to nothing), in their visual order (as the user moved
// them): model column numbers.
QList<int> visibleColumns(const QAbstractItemView* view);

// What a view shows of a tree: the children of its expanded rows; null (every row) for a table.
std::function<bool(const QModelIndex&)> shownChildren(const QAbstractItemView* view);

// The CSV of view's model (the proxy it shows: its filter and sort) in the view's visible columns and
// order (tableCsv()); in a tree, the children of the rows it shows expanded. On the GUI thread, where
// the model lives.
QByteArray viewCsv(QAbstractItemView* view, TableCsvStats* stats = nullptr);

// A file name made of text (a snapshot's label, a table's title): the characters file systems or shells
// dislike become "-"; "export" when nothing is left. Without a suffix.
QString exportFileStem(const QString& text);

// Writes bytes to path atomically (snapshot/atomic_file.h): path names the whole file or what it named
// before. An empty string when written; else a sentence saying why not ("cannot write 'PATH': the disk
// is full"). Safe on any thread.
QString writeFileAtomically(const QString& path, std::string_view bytes);

} // namespace leakscope
