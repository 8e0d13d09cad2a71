#include "growth_filter_proxy.h"

#include "growth_model.h"
#include "item_roles.h"

namespace leakscope {

GrowthFilterProxy::GrowthFilterProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    // A finding stays when one of its objects matches; a finding that matches keeps its objects.
    setRecursiveFilteringEnabled(true);
    setAutoAcceptChildRows(true);
}

void GrowthFilterProxy::setSourceModel(QAbstractItemModel* sourceModel)
{
    disconnect(m_resetConnection);
    m_growth = qobject_cast<GrowthModel*>(sourceModel);
    QSortFilterProxyModel::setSourceModel(sourceModel);
    // A regular expression that hit its match limit on the rows of one series gets another chance on
    // the next.
    if (sourceModel) {
        m_resetConnection = connect(sourceModel, &QAbstractItemModel::modelAboutToBeReset, this,
            [this] { m_text.setPattern(m_text.pattern(), m_text.isRegex()); });
    }
}

void GrowthFilterProxy::setFilterText(const QString& text, bool regex)
{
    if (text == m_text.pattern() && regex == m_text.isRegex())
        return;
    m_text.setPattern(text, regex);
    invalidateRowsFilter();
}

bool GrowthFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (!m_growth || m_text.isEmpty())
        return true;
    return m_text.isValid() && m_growth->rowMatches(sourceRow, sourceParent, m_text);
}

} // namespace leakscope
