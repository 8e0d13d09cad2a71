#include "library_summary_model.h"

#include "model_text.h"

namespace leakscope {

namespace {

QString noLibraryTitle()
{
    return LibrarySummaryModel::tr("(no library)");
}

QString noLibraryToolTip()
{
    return LibrarySummaryModel::tr("Types with no library behind them: classes defined in Python, and types whose "
                                   "library was not found");
}

} // namespace

QString libraryTitle(std::string_view path)
{
    return toQString(libraryBaseName(path));
}

LibrarySummaryModel::LibrarySummaryModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

LibrarySummaryModel::~LibrarySummaryModel() = default;

void LibrarySummaryModel::setSnapshot(SnapshotPtr snapshot)
{
    setSnapshot(analyzeSnapshot(std::move(snapshot)));
}

void LibrarySummaryModel::setSnapshot(AnalyzedSnapshotPtr analyzed)
{
    // The rows were counted with the analysis: nothing to build here.
    beginResetModel();
    m_analyzed = std::move(analyzed);
    endResetModel();
}

int LibrarySummaryModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_analyzed ? 0 : static_cast<int>(m_analyzed->libraries().size());
}

int LibrarySummaryModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

Qt::ItemFlags LibrarySummaryModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

const LibraryRow& LibrarySummaryModel::libraryAt(int row) const
{
    return m_analyzed->libraries()[static_cast<std::size_t>(row)];
}

QString LibrarySummaryModel::libraryPathAt(int row) const
{
    return toQString(m_analyzed->snapshot().string(libraryAt(row).library));
}

int LibrarySummaryModel::rowOfPath(const QString& path) const
{
    for (int row = 0; row < rowCount(); ++row) {
        if (libraryPathAt(row) == path)
            return row;
    }
    return -1;
}

QVariant LibrarySummaryModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const LibraryRow& row = libraryAt(index.row());
    const int column = index.column();
    const std::string_view path = m_analyzed->snapshot().string(row.library);
    const quint64 number = column == CandidatesColumn ? row.candidates : column == SuspectsColumn ? row.suspects : 0;
    switch (role) {
    case Qt::DisplayRole:
        if (column == LibraryColumn)
            return path.empty() ? noLibraryTitle() : libraryTitle(path);
        return m_locale.toString(number);
    case SortRole:
        if (column == LibraryColumn)
            return libraryTitle(path);
        return QVariant::fromValue<qulonglong>(number);
    case Qt::ToolTipRole:
        if (column != LibraryColumn)
            return {};
        return path.empty() ? noLibraryToolTip() : toQString(path);
    case Qt::TextAlignmentRole:
        if (column != LibraryColumn)
            return QVariant::fromValue(int(Qt::AlignRight | Qt::AlignVCenter));
        return {};
    case LibraryRole:
        return QVariant::fromValue<quint32>(row.library);
    default:
        return {};
    }
}

QVariant LibrarySummaryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case LibraryColumn: return tr("Library");
        case CandidatesColumn: return tr("Candidates");
        case SuspectsColumn: return tr("Suspects");
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case LibraryColumn: return tr("The shared library (or executable) that defines the candidates' types");
        case CandidatesColumn: return tr("Candidates whose type comes from the library");
        case SuspectsColumn: return tr("Candidates that no explanation covers and no ignore rule matches");
        default: return {};
        }
    }
    if (role == Qt::TextAlignmentRole && section != LibraryColumn)
        return QVariant::fromValue(int(Qt::AlignRight | Qt::AlignVCenter));
    return {};
}

} // namespace leakscope
