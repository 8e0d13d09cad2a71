#include "table_export.h"

#include "snapshot/atomic_file.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QPointer>
#include <QtCore/QRegularExpression>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QTableView>
#include <QtWidgets/QTreeView>

#include <exception>

namespace leakscope {

QHeaderView* columnHeader(const QAbstractItemView* view)
{
    if (const auto* table = qobject_cast<const QTableView*>(view))
        return table->horizontalHeader();
    if (const auto* tree = qobject_cast<const QTreeView*>(view))
        return tree->header();
    return nullptr;
}

QList<int> visibleColumns(const QAbstractItemView* view)
{
    QList<int> columns;
    const QHeaderView* header = columnHeader(view);
    if (!header || !view->model())
        return columns;
    const int count = view->model()->columnCount();
    for (int visual = 0; visual < header->count(); ++visual) {
        const int logical = header->logicalIndex(visual);
        // A column sized to nothing is as hidden as a hidden one.
        if (logical >= 0 && logical < count && !header->isSectionHidden(logical) && header->sectionSize(logical) > 0)
            columns << logical;
    }
    return columns;
}

std::function<bool(const QModelIndex&)> shownChildren(const QAbstractItemView* view)
{
    if (const auto* tree = qobject_cast<const QTreeView*>(view)) {
        return [tree = QPointer<const QTreeView>(tree)](
                   const QModelIndex& index) { return tree && tree->isExpanded(index); };
    }
    return {};
}

QByteArray viewCsv(QAbstractItemView* view, TableCsvStats* stats)
{
    if (!view->model())
        return {};
    return tableCsv(*view->model(), visibleColumns(view), QLocale(), stats, shownChildren(view));
}

QString exportFileStem(const QString& text)
{
    static const QRegularExpression unsafe(QStringLiteral("[\\\\/:*?\"<>|\\s]+"));
    static const QRegularExpression ends(QStringLiteral("^[-.]+|[-.]+$"));
    QString name = text.trimmed();
    name.replace(unsafe, QStringLiteral("-"));
    name.remove(ends);
    if (name.isEmpty())
        name = QStringLiteral("export");
    return name.left(120);
}

QString writeFileAtomically(const QString& path, std::string_view bytes)
{
    const QString shown = QDir::toNativeSeparators(path);
    try {
        AtomicFile file(QFile::encodeName(path).toStdString());
        file.write(bytes.data(), bytes.size());
        file.commit();
    } catch (const AtomicFileError& error) {
        return QObject::tr("cannot write '%1': %2").arg(shown, QString::fromStdString(error.what()));
    } catch (const std::exception& error) {
        return QObject::tr("cannot write '%1': %2").arg(shown, QString::fromStdString(error.what()));
    }
    return {};
}

} // namespace leakscope
