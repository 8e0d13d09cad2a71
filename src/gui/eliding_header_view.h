#pragma once

#include <QtWidgets/QHeaderView>

namespace leakscope {

// A header whose titles are elided ("Cand…") when their section is too narrow for them. Qt 6.4's own
// header clips such a title at both ends instead ("ndidates"), whatever its text elide mode.
class ElidingHeaderView : public QHeaderView
{
public:
    explicit ElidingHeaderView(Qt::Orientation orientation, QWidget* parent = nullptr);

    // The room a section leaves for its title: its size less the style's margins and, in the sorted
    // section, the sort arrow.
    int titleRoom(int logicalIndex) const;

protected:
    void initStyleOptionForIndex(QStyleOptionHeader* option, int logicalIndex) const override;
};

} // namespace leakscope
