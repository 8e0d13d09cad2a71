#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace leakscope {

// Length (1 to 4) of the valid UTF-8 sequence starting at text[i], its code point in codePoint; 0 when
// the bytes there are not one (a stray continuation, overlong, a surrogate, past U+10FFFF, cut short).
std::size_t decodeUtf8(std::string_view text, std::size_t i, std::uint32_t& codePoint);

// Appends the code point's UTF-8 form; a surrogate or a value past U+10FFFF, which have none, as
// U+FFFD.
void appendUtf8(std::string& out, std::uint32_t codePoint);

// Number of code points in UTF-8 text (continuation bytes are not counted).
std::size_t utf8Length(std::string_view text);

// At most maxCodePoints code points of text, ending in "…" when something was cut.
std::string elideUtf8(std::string_view text, std::size_t maxCodePoints);

// At most maxBytes bytes of text (plus "…" when something was cut), never cutting a UTF-8 sequence.
std::string clipUtf8(std::string text, std::size_t maxBytes);

// Appends text as a JSON string literal; invalid UTF-8 bytes become U+FFFD so the output stays valid.
void appendJsonString(std::string& out, std::string_view text);

// A byte offset into an object, a module's state or a symbol, as every explanation and report writes
// it: "+136 (0x88)" (decimal, then hex).
std::string formatOffset(std::uint64_t offset);

// Appends text as one CSV field (RFC 4180 quoting when needed).
void appendCsvField(std::string& out, std::string_view text);

} // namespace leakscope
