#include "comparison_filter_proxy.h"

#include "comparison_table_model.h"
#include "item_roles.h"

namespace leakscope {

ComparisonFilterProxy::ComparisonFilterProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
}

void ComparisonFilterProxy::setSourceModel(QAbstractItemModel* sourceModel)
{
    disconnect(m_resetConnection);
    m_comparison = qobject_cast<ComparisonTableModel*>(sourceModel);
    QSortFilterProxyModel::setSourceModel(sourceModel);
    // A regular expression that hit its match limit on the rows of one comparison gets another chance
    // on the next.
    if (sourceModel) {
        m_resetConnection = connect(sourceModel, &QAbstractItemModel::modelAboutToBeReset, this, [this] {
            const bool wasValid = m_text.isValid();
            m_text.setPattern(m_text.pattern(), m_text.isRegex());
            if (m_text.isValid() != wasValid)
                Q_EMIT filterValidChanged(m_text.isValid());
        });
    }
}

void ComparisonFilterProxy::setFilterText(const QString& text, bool regex)
{
    if (text == m_text.pattern() && regex == m_text.isRegex())
        return;
    const bool wasValid = m_text.isValid();
    m_text.setPattern(text, regex);
    invalidateRowsFilter();
    // A regular expression may not compile, or hit its match limit while the rows are filtered.
    if (m_text.isValid() != wasValid)
        Q_EMIT filterValidChanged(m_text.isValid());
}

void ComparisonFilterProxy::setHideUnchanged(bool hide)
{
    if (hide == m_hideUnchanged)
        return;
    m_hideUnchanged = hide;
    invalidateRowsFilter();
}

bool ComparisonFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (sourceParent.isValid() || !m_comparison || !m_comparison->comparison())
        return true;
    if (m_hideUnchanged && m_comparison->isUnchangedRow(sourceRow))
        return false;
    if (m_text.isEmpty())
        return true;
    return m_text.isValid() && m_comparison->rowMatches(sourceRow, m_text);
}

} // namespace leakscope
