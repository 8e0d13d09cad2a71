#pragma once

#include "text_filter.h"

#include <QtCore/QPointer>
#include <QtCore/QSortFilterProxyModel>

namespace leakscope {

class GrowthModel;

// Sorts a GrowthModel on SortRole (-1, the default: the growth analysis' own order) and filters it by a
// text as the comparison's filter does: a case-insensitive substring or regular expression that must
// occur in the row's type name, or an object row's repr. A finding that matches keeps all its objects;
// one whose objects match keeps those. Changing the filter never resets the source; debouncing
// keystrokes is the caller's job.
class GrowthFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit GrowthFilterProxy(QObject* parent = nullptr);

    void setSourceModel(QAbstractItemModel* sourceModel) override;

    // An invalid regular expression filters out every row; isFilterValid() tells.
    void setFilterText(const QString& text, bool regex = false);
    QString filterText() const { return m_text.pattern(); }
    bool isFilterValid() const { return m_text.isValid(); }
    QString filterErrorString() const { return m_text.errorString(); }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QPointer<GrowthModel> m_growth;
    TextFilter m_text;
    QMetaObject::Connection m_resetConnection;
};

} // namespace leakscope
