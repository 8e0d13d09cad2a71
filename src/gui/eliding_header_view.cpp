#include "eliding_header_view.h"

#include <QtWidgets/QStyle>
#include <QtWidgets/QStyleOptionHeader>

namespace leakscope {

ElidingHeaderView::ElidingHeaderView(Qt::Orientation orientation, QWidget* parent)
    : QHeaderView(orientation, parent)
{
    setTextElideMode(Qt::ElideRight);
}

int ElidingHeaderView::titleRoom(int logicalIndex) const
{
    const int margin = style()->pixelMetric(QStyle::PM_HeaderMargin, nullptr, this);
    int room = sectionSize(logicalIndex) - 4 * margin;
    if (isSortIndicatorShown() && sortIndicatorSection() == logicalIndex)
        room -= style()->pixelMetric(QStyle::PM_HeaderMarkSize, nullptr, this) + margin;
    return room;
}

void ElidingHeaderView::initStyleOptionForIndex(QStyleOptionHeader* option, int logicalIndex) const
{
    QHeaderView::initStyleOptionForIndex(option, logicalIndex);
    if (textElideMode() == Qt::ElideNone || option->text.isEmpty())
        return;
    const QFontMetrics metrics(font());
    const int room = titleRoom(logicalIndex);
    if (metrics.horizontalAdvance(option->text) > room)
        option->text = metrics.elidedText(option->text, textElideMode(), std::max(room, 0));
}

} // namespace leakscope
