#include "object_columns.h"

#include "model_text.h"

#include "snapshot/findings.h"

#include <QtCore/QCoreApplication>

namespace leakscope {

namespace {

QString fieldTr(const char* text)
{
    return QCoreApplication::translate("ObjectField", text);
}

std::string_view libraryPathOf(const Snapshot& snapshot, ObjectIndex object)
{
    return snapshot.string(snapshot.type(snapshot.typeOf(object)).library);
}

QVariant sortValue(const HeapAnalysis& analysis, ObjectIndex object, ObjectField field, const DominatorTree* dominators)
{
    switch (field) {
    case ObjectField::Type:
    case ObjectField::Library: return fieldText(analysis, object, field, QLocale::c()); // texts sort as shown
    default: return QVariant::fromValue<qulonglong>(fieldKey(analysis, object, field, dominators));
    }
}

bool countsNothing(const HeapAnalysis& analysis, ObjectIndex object, ObjectField field)
{
    return (field == ObjectField::Refcount || field == ObjectField::Surplus) && analysis.hasImmortalRefcount(object);
}

QVariant toolTip(const HeapAnalysis& analysis, ObjectIndex object, ObjectField field, const QLocale& locale)
{
    if (countsNothing(analysis, object, field)) {
        return fieldTr("Refcount %1: a statically allocated or immortal object (CPython 3.11 starts its static "
                       "objects at 999,999,999; 3.12 and later give immortal ones 2³⁰ − 1 or more). Its "
                       "refcount counts no references, so it has no meaningful surplus.")
            .arg(locale.toString(static_cast<qulonglong>(analysis.snapshot().refcount(object))));
    }
    if (field == ObjectField::Surplus) {
        const SurplusCause cause = analysis.surplusCause(object);
        if (cause == SurplusCause::Unexplained)
            return {};
        return fieldTr("Expected: %1. Sorted below the surpluses nothing explains.")
            .arg(toQString(surplusCauseDescription(cause)));
    }
    if (field != ObjectField::Library)
        return {};
    const std::string_view path = libraryPathOf(analysis.snapshot(), object);
    return path.empty() ? fieldTr("No library: a class defined in Python, or a type whose library was not found")
                        : toQString(path);
}

QVariant rightAligned()
{
    return QVariant::fromValue(int(Qt::AlignRight | Qt::AlignVCenter));
}

} // namespace

QString fieldText(const HeapAnalysis& analysis, ObjectIndex object, ObjectField field, const QLocale& locale,
                  const DominatorTree* dominators)
{
    const Snapshot& snapshot = analysis.snapshot();
    if (countsNothing(analysis, object, field))
        return fieldTr("immortal");
    switch (field) {
    case ObjectField::Address: return addressText(snapshot.address(object));
    case ObjectField::Type: return toQString(snapshot.typeNameOf(object));
    case ObjectField::Library: return libraryTitle(libraryPathOf(snapshot, object));
    case ObjectField::Surplus: return locale.toString(static_cast<qlonglong>(analysis.surplus(object)));
    case ObjectField::Retained:
        return dominators ? locale.toString(static_cast<qulonglong>(dominators->retainedSize(object))) : QString();
    default: return locale.toString(static_cast<qulonglong>(fieldKey(analysis, object, field)));
    }
}

QString fieldTitle(ObjectField field)
{
    switch (field) {
    case ObjectField::Address: return fieldTr("Address");
    case ObjectField::Type: return fieldTr("Type");
    case ObjectField::Library: return fieldTr("Library");
    case ObjectField::Size: return fieldTr("Size");
    case ObjectField::Refcount: return fieldTr("Refcount");
    case ObjectField::Referrers: return fieldTr("Referrers");
    case ObjectField::Surplus: return fieldTr("Surplus");
    case ObjectField::Referents: return fieldTr("Referents");
    case ObjectField::Retained: return fieldTr("Retained");
    }
    return {};
}

QString fieldToolTip(ObjectField field)
{
    switch (field) {
    case ObjectField::Address:
    case ObjectField::Type: return {};
    case ObjectField::Library:
        return fieldTr("The shared library (or executable) that defines the type; empty for classes defined in "
                       "Python and types whose library was not found");
    case ObjectField::Size: return fieldTr("Bytes the object itself occupies (sys.getsizeof)");
    case ObjectField::Refcount: return fieldTr("References the program holds to the object");
    case ObjectField::Referrers: return fieldTr("References from other objects in the snapshot");
    case ObjectField::Surplus:
        return fieldTr("References no object in the snapshot accounts for: held by C code, or leaked. "
                       "Sorted most first, surpluses nothing explains come first, then those with a known "
                       "cause (strings that code objects hold, types their instances hold: see the cell's "
                       "tooltip), then none; “immortal” for static and immortal objects, whose refcount "
                       "counts nothing, last");
    case ObjectField::Referents: return fieldTr("Objects this one refers to");
    case ObjectField::Retained:
        return fieldTr("Bytes freed with the object: its own size and that of every object only it keeps alive "
                       "(every path from a root to them passes through it)");
    }
    return {};
}

bool isNumericField(ObjectField field)
{
    return field != ObjectField::Type && field != ObjectField::Library;
}

QVariant fieldHeaderData(ObjectField field, int role)
{
    switch (role) {
    case Qt::DisplayRole: return fieldTitle(field);
    case Qt::ToolTipRole: {
        const QString tip = fieldToolTip(field);
        return tip.isEmpty() ? QVariant() : QVariant(tip);
    }
    case Qt::TextAlignmentRole: return isNumericField(field) ? rightAligned() : QVariant();
    default: return {};
    }
}

QVariant fieldData(const HeapAnalysis& analysis, ObjectIndex object, ObjectField field, int role,
                   const QLocale& locale, const DominatorTree* dominators)
{
    switch (role) {
    case Qt::DisplayRole: return fieldText(analysis, object, field, locale, dominators);
    case SortRole: return sortValue(analysis, object, field, dominators);
    case Qt::ToolTipRole: return toolTip(analysis, object, field, locale);
    case Qt::TextAlignmentRole: return isNumericField(field) ? rightAligned() : QVariant();
    default: return {};
    }
}

QString libraryTitle(std::string_view path)
{
    return toQString(libraryBaseName(path));
}

QVariant objectRoleData(const HeapAnalysis& analysis, ObjectIndex object, int role)
{
    const Snapshot& snapshot = analysis.snapshot();
    switch (role) {
    case ObjectIndexRole: return QVariant::fromValue<quint32>(object);
    case TypeIndexRole: return QVariant::fromValue<quint32>(snapshot.typeOf(object));
    case LibraryRole: return QVariant::fromValue<quint32>(snapshot.type(snapshot.typeOf(object)).library);
    case IsSuspectRole: return analysis.isSuspect(object);
    default: return {};
    }
}

QString reprText(const Snapshot& snapshot, ObjectIndex object, qsizetype maxCodePoints, std::string& scratch)
{
    const std::string_view repr = displayRepr(snapshot, object, scratch);
    return maxCodePoints < 0 ? toQString(repr) : toQStringElided(repr, maxCodePoints);
}

} // namespace leakscope
