#pragma once

#include "models/analyzed_snapshot.h"
#include "target/target.h"

#include <QtCore/QString>
#include <QtCore/QUrl>

#include <cstdint>
#include <optional>
#include <string_view>

namespace leakscope {

// The details pane's text for one object of a snapshot, as HTML with every value escaped: what it is,
// why it is or is not a suspect (its explanation and the object holding it, or the ignore rule that
// matched it), the C origin of its type (library, symbol, source line: what the snapshot does not
// know is said to be unknown), where it was allocated when tracemalloc traced the run, and the C code
// that created it when native traces were on. Other objects
// it names are links that objectOfLink() reads back; source lines (allocation frames, and the origin's
// source line when that file exists here) are links that sourceOfLink() reads back.
QString objectDetailsHtml(const AnalyzedSnapshot& analyzed, ObjectIndex object);

// The object's native allocation stack as HTML, innermost first: the interpreter's allocator frames
// folded into one line ("under PyObject_GC_New", the frames in its tooltip), then each frame as
// `function` at file:line in library, its source line a link (sourceOfLink()) when the file is here.
// Without native traces, how to get them.
QString nativeStackHtml(const AnalyzedSnapshot& analyzed, ObjectIndex object);

// An offset into an object's memory, as the details write every one: formatOffset(), "+136 (0x88)".
QString offsetText(std::uint64_t offset);

// The link to an object that objectOfLink() reads back: "object:12".
QString objectLink(ObjectIndex object);

// The object a link of objectDetailsHtml() names, or nothing for any other link. The index is not
// checked against a snapshot.
std::optional<ObjectIndex> objectOfLink(const QUrl& link);

// A line of a source file, 1-based.
struct SourceLocation
{
    QString file;
    int line = 0;
};

// A link to a source line, as the details write it.
QUrl sourceLink(const QString& file, int line);

// The source line a link of objectDetailsHtml() names, or nothing for any other link.
std::optional<SourceLocation> sourceOfLink(const QUrl& link);

// "file:line" as the capture records a source line, split at the last colon followed by digits only;
// nothing when text has no such line number.
std::optional<SourceLocation> parseSourceLine(std::string_view text);

// The answer of a "fetch live repr", as HTML to append to the details.
QString liveObjectHtml(const LiveObject& object);

} // namespace leakscope
