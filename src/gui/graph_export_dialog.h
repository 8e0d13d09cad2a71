#pragma once

#include "snapshot/export_dot.h"

#include <QtWidgets/QDialog>

class QSpinBox;

namespace leakscope {

// The first step of Export Graph Around Object…: how far to draw around the object (levels of
// referents and of referrers) and at most how many objects, with the command line's defaults (3 and
// 200, docs/export.md). The choice is kept for the next export while the application runs.
class GraphExportDialog : public QDialog
{
    Q_OBJECT

public:
    // object: how the object is named in the dialog ("0x7f… builtins.dict").
    explicit GraphExportDialog(const QString& object, QWidget* parent = nullptr);

    DotOptions options() const;
    QSpinBox* depthBox() const { return m_depth; }
    QSpinBox* maxNodesBox() const { return m_maxNodes; }

    static constexpr int kMaxDepth = 20;
    static constexpr int kMaxNodes = 100000;

private:
    QSpinBox* m_depth;
    QSpinBox* m_maxNodes;
};

} // namespace leakscope
