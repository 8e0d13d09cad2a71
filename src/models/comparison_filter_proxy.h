#pragma once

#include "text_filter.h"

#include <QtCore/QPointer>
#include <QtCore/QSortFilterProxyModel>

namespace leakscope {

class ComparisonTableModel;

// Sorts a ComparisonTableModel on SortRole (-1, the default: the comparison's own order) and filters
// it by a text, as the candidates' filter does: a case-insensitive substring or regular expression that
// must occur in the row's type name (object rows: or repr); optionally it hides the rows that say
// nothing changed. Other sources pass unfiltered. Changing a filter never resets the source;
// debouncing keystrokes is the caller's job.
class ComparisonFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit ComparisonFilterProxy(QObject* parent = nullptr);

    void setSourceModel(QAbstractItemModel* sourceModel) override;

    // An invalid regular expression filters out every row; isFilterValid() tells.
    void setFilterText(const QString& text, bool regex = false);
    QString filterText() const { return m_text.pattern(); }
    bool isFilterRegex() const { return m_text.isRegex(); }
    bool isFilterValid() const { return m_text.isValid(); }
    QString filterErrorString() const { return m_text.errorString(); }

    // Hides the rows of ComparisonTableModel::isUnchangedRow(). False by default.
    void setHideUnchanged(bool hide);
    bool hidesUnchanged() const { return m_hideUnchanged; }

Q_SIGNALS:
    void filterValidChanged(bool valid);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QPointer<ComparisonTableModel> m_comparison;
    TextFilter m_text;
    bool m_hideUnchanged = false;
    QMetaObject::Connection m_resetConnection;
};

} // namespace leakscope
