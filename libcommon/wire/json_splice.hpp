// Pass-through with one key added: how each stage adds its own field to a
// record without re-serializing (and so without changing) what it does not
// know.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace spamflow {

// Returns `object_text` with top-level key `key` set to `value_json`, an
// already-serialized JSON value (e.g. from JsonWriter), which is copied as is.
//
// - If `key` already exists at top level (compared after unescaping, so
//   "cl\u0061ss" matches "class"), the value of its first occurrence is
//   replaced in place and any later top-level duplicates are removed with
//   their comma; this is what json.loads-then-assign gives.
// - Otherwise `"key":value_json` is appended as the last member, right after
//   the last value (or right after '{' for an empty object).
// - Every other byte, including whitespace around and inside the object, is
//   kept. Keys of nested objects never match: only the top level counts.
//
// The text is checked structurally (one object, strings closed, brackets
// balanced and matched, scalars made of literal/number characters, nothing
// but whitespace after it); an Error says what is wrong. It is not a full
// validator: the stages splice into lines simdjson has already accepted.
Result<std::string> splice_json_key(std::string_view object_text, std::string_view key,
                                    std::string_view value_json);

// Same, appending the result to `out` (no allocation once `out` has grown).
// Returns the number of bytes appended; on error `out` is left unchanged.
Result<std::size_t> splice_json_key_into(std::string &out, std::string_view object_text,
                                         std::string_view key, std::string_view value_json);

} // namespace spamflow
