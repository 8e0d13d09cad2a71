#include "table_csv.h"

#include "item_roles.h"

#include <QtCore/QAbstractItemModel>
#include <QtCore/QVariant>

namespace leakscope {

namespace {

bool isNumber(const QVariant& value)
{
    switch (value.typeId()) {
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
    case QMetaType::Short:
    case QMetaType::UShort:
    case QMetaType::Long:
    case QMetaType::ULong:
    case QMetaType::Double:
    case QMetaType::Float: return true;
    default: return false;
    }
}

// A number as the model's locale wrote it, written plainly; null when text is no such number.
QString plainNumber(const QString& text, const QLocale& locale)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return {};
    bool ok = false;
    const qlonglong whole = locale.toLongLong(trimmed, &ok);
    if (ok)
        return QString::number(whole);
    const qulonglong big = locale.toULongLong(trimmed, &ok); // above 2^63
    if (ok)
        return QString::number(big);
    const double real = locale.toDouble(trimmed, &ok);
    if (ok)
        return QLocale::c().toString(real, 'g', QLocale::FloatingPointShortest);
    return {};
}

void appendLine(QByteArray& out, const QStringList& fields)
{
    for (qsizetype k = 0; k < fields.size(); ++k) {
        if (k > 0)
            out += ',';
        out += csvField(fields[k]).toUtf8();
    }
    out += "\r\n";
}

} // namespace

QString csvField(const QString& text)
{
    static const QString special = QStringLiteral(",\"\r\n");
    bool quote = false;
    for (const QChar c : text) {
        if (special.contains(c)) {
            quote = true;
            break;
        }
    }
    if (!quote)
        return text;
    QString quoted = text;
    quoted.replace(u'"', QStringLiteral("\"\""));
    return u'"' + quoted + u'"';
}

QString csvCellText(const QVariant& display, const QVariant& sortValue, const QLocale& locale)
{
    const QString text = display.toString();
    if (isNumber(sortValue)) {
        if (const QString plain = plainNumber(text, locale); !plain.isNull())
            return plain;
        return text;
    }
    // Cut for the screen: the whole text is the sort value's.
    if (text.endsWith(u'…') && sortValue.typeId() == QMetaType::QString) {
        const QString whole = sortValue.toString();
        if (whole.size() >= text.size() && whole.startsWith(QStringView(text).chopped(1)))
            return whole;
    }
    return text;
}

// Only the cells that may be written otherwise than shown ask for their SortRole: a number (a digit or
// a sign first) or a text cut for the screen. Asking a proxy for a role costs as much as the text.
bool mayNeedSortValue(const QString& text)
{
    if (text.isEmpty())
        return false;
    const QChar first = text.front();
    return first.isDigit() || first == u'-' || first == u'+' || first == u'.' || text.endsWith(u'…');
}

TableCsvWriter::TableCsvWriter(QAbstractItemModel& model, QList<int> columns, const QLocale& locale,
    std::function<bool(const QModelIndex&)> descend)
    : m_model(model)
    , m_columns(std::move(columns))
    , m_locale(locale)
    , m_descend(std::move(descend))
{
    m_fields.reserve(m_columns.size());
    m_numeric.assign(static_cast<std::size_t>(m_columns.size()), -1);
    const auto interrupt = [this] {
        if (!m_fetching)
            m_interrupted = true;
    };
    QAbstractItemModel* watched = &model;
    m_connections << QObject::connect(watched, &QAbstractItemModel::rowsInserted, interrupt)
                  << QObject::connect(watched, &QAbstractItemModel::rowsRemoved, interrupt)
                  << QObject::connect(watched, &QAbstractItemModel::rowsMoved, interrupt)
                  << QObject::connect(watched, &QAbstractItemModel::layoutChanged, interrupt)
                  << QObject::connect(watched, &QAbstractItemModel::modelReset, interrupt)
                  << QObject::connect(watched, &QAbstractItemModel::columnsInserted, interrupt)
                  << QObject::connect(watched, &QAbstractItemModel::columnsRemoved, interrupt);
}

TableCsvWriter::~TableCsvWriter()
{
    for (const QMetaObject::Connection& connection : std::as_const(m_connections))
        QObject::disconnect(connection);
}

void TableCsvWriter::fetchAll(const QModelIndex& parent)
{
    m_fetching = true;
    while (m_model.canFetchMore(parent)) {
        const int before = m_model.rowCount(parent);
        m_model.fetchMore(parent);
        if (m_model.rowCount(parent) <= before)
            break; // a model that promises more and gives none would loop forever
    }
    m_fetching = false;
}

void TableCsvWriter::writeRow(int row, const QModelIndex& parent)
{
    m_fields.clear();
    for (qsizetype k = 0; k < m_columns.size(); ++k) {
        const QModelIndex cell = m_model.index(row, m_columns[k], parent);
        const QVariant display = cell.data(Qt::DisplayRole);
        const QString text = display.toString();
        if (!mayNeedSortValue(text)) {
            m_fields << text;
        } else if (text.endsWith(u'…') || m_numeric[k] < 0) {
            const QVariant sortValue = cell.data(SortRole);
            if (!text.endsWith(u'…'))
                m_numeric[k] = isNumber(sortValue) ? 1 : 0;
            m_fields << csvCellText(display, sortValue, m_locale);
        } else if (m_numeric[k] > 0) {
            // A column's SortRole is a number in every row or in none: asked once, not per cell.
            const QString plain = plainNumber(text, m_locale);
            m_fields << (plain.isNull() ? text : plain);
        } else {
            m_fields << text;
        }
    }
    appendLine(m_out, m_fields);
    ++m_rows;
}

bool TableCsvWriter::writeRows(qsizetype maxRows)
{
    if (m_interrupted)
        return false;
    if (!m_started) {
        m_started = true;
        QStringList titles;
        for (const int column : std::as_const(m_columns))
            titles << m_model.headerData(column, Qt::Horizontal, Qt::DisplayRole).toString();
        appendLine(m_out, titles);
        fetchAll(QModelIndex());
        m_stack.push_back({QPersistentModelIndex(), 0});
    }
    for (qsizetype written = 0; written < maxRows && !m_stack.empty();) {
        Level& level = m_stack.back();
        const QModelIndex parent = level.parent;
        if (level.next >= m_model.rowCount(parent)) {
            m_stack.pop_back();
            continue;
        }
        const int row = level.next++;
        writeRow(row, parent);
        ++written;
        const QModelIndex first = m_model.index(row, 0, parent);
        if (m_model.hasChildren(first) && (!m_descend || m_descend(first))) {
            fetchAll(first);
            m_stack.push_back({QPersistentModelIndex(first), 0});
        }
    }
    return isDone();
}

qsizetype TableCsvWriter::topRowsWritten() const
{
    return m_stack.empty() ? topRowCount() : m_stack.front().next;
}

qsizetype TableCsvWriter::topRowCount() const
{
    return m_model.rowCount();
}

QByteArray tableCsv(QAbstractItemModel& model, const QList<int>& columns, const QLocale& locale, TableCsvStats* stats,
    const std::function<bool(const QModelIndex&)>& descend)
{
    TableCsvWriter writer(model, columns, locale, descend);
    while (!writer.writeRows(1 << 20) && !writer.isInterrupted()) { }
    if (stats)
        *stats = writer.stats();
    return writer.takeBytes();
}

} // namespace leakscope
