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

class Writer
{
public:
    Writer(QAbstractItemModel& model, const QList<int>& columns, const QLocale& locale, QByteArray& out,
           const std::function<bool(const QModelIndex&)>& descend)
        : m_model(model)
        , m_columns(columns)
        , m_locale(locale)
        , m_out(out)
        , m_descend(descend)
    {
        m_fields.reserve(columns.size());
    }

    // The rows under parent and, after each, its children.
    void writeRows(const QModelIndex& parent)
    {
        fetchAll(parent);
        const int rows = m_model.rowCount(parent);
        for (int row = 0; row < rows; ++row) {
            m_fields.clear();
            for (const int column : m_columns) {
                const QModelIndex cell = m_model.index(row, column, parent);
                m_fields << csvCellText(cell.data(Qt::DisplayRole), cell.data(SortRole), m_locale);
            }
            appendLine(m_out, m_fields);
            ++m_rows;
            const QModelIndex first = m_model.index(row, 0, parent);
            if (m_model.hasChildren(first) && (!m_descend || m_descend(first)))
                writeRows(first);
        }
    }

    qsizetype rows() const { return m_rows; }

private:
    void fetchAll(const QModelIndex& parent)
    {
        while (m_model.canFetchMore(parent)) {
            const int before = m_model.rowCount(parent);
            m_model.fetchMore(parent);
            if (m_model.rowCount(parent) <= before)
                break; // a model that promises more and gives none would loop forever
        }
    }

    QAbstractItemModel& m_model;
    const QList<int>& m_columns;
    const QLocale& m_locale;
    QByteArray& m_out;
    const std::function<bool(const QModelIndex&)>& m_descend;
    QStringList m_fields;
    qsizetype m_rows = 0;
};

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

QByteArray tableCsv(QAbstractItemModel& model, const QList<int>& columns, const QLocale& locale, TableCsvStats* stats,
                    const std::function<bool(const QModelIndex&)>& descend)
{
    QByteArray out;
    QStringList titles;
    for (const int column : columns)
        titles << model.headerData(column, Qt::Horizontal, Qt::DisplayRole).toString();
    appendLine(out, titles);
    Writer writer(model, columns, locale, out, descend);
    writer.writeRows(QModelIndex());
    if (stats) {
        stats->rows = writer.rows();
        stats->columns = columns.size();
    }
    return out;
}

} // namespace leakscope
