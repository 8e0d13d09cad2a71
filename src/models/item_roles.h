#pragma once

#include <QtCore/Qt>

namespace leakscope {

// Roles shared by every model of this layer, so one proxy or view helper serves them all.
enum ItemRole : int {
    // The raw value behind DisplayRole: qulonglong or qlonglong for numbers, QString for text.
    SortRole = Qt::UserRole + 1,
    ObjectIndexRole, // quint32 ObjectIndex in the model's snapshot
    TypeIndexRole,   // quint32 TypeIndex in the model's snapshot
    IsSuspectRole,   // bool: a candidate that no explanation covers and no ignore rule matches
    LibraryRole,     // quint32 StringId of the library behind the row's type (TypeRecord::library; 0: none)
};

} // namespace leakscope
