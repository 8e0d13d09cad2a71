#pragma once

// Sizes as people type them into a filter box ("4096", "1k", "1.5M", "2 MiB") and as the box shows
// them back.

#include <QtCore/QString>

#include <cstdint>
#include <optional>

namespace leakscope {

// Parses a number of bytes: a number, then optionally a unit, spaces allowed around and between.
// The number has digits and at most one decimal mark: '.', or ',' where the default locale writes
// decimals so (no group separators). Units, whatever their case: none, "B", "byte" or "bytes" for
// bytes; a prefix k, M, G or T alone or with "iB" is binary (k = KiB = 1024, M = MiB = 1024^2...), as
// memory sizes usually are; with just "B" it is decimal (kB = KB = 1000, MB = 1000^2...), as the SI
// writes. A fraction is rounded to the nearest byte. Empty or blank text is 0. Nothing (nullopt) for
// anything else, a negative number or a size past INT64_MAX bytes.
std::optional<std::uint64_t> parseByteSize(const QString& text);

// bytes as parseByteSize() reads it back: "0", "4095", "4 KiB", "2 MiB", "3 GiB", "1 TiB" (the largest
// binary unit that divides it exactly, else plain bytes).
QString formatByteSize(std::uint64_t bytes);

} // namespace leakscope
