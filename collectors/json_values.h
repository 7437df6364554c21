// Helpers of the decoder that turn simdjson DOM elements into Event parts.
// Internal to collectors/: the only header outside .cc files that names
// simdjson types, and only decoder.cc includes it.
#ifndef DRIFTD_COLLECTORS_JSON_VALUES_H_
#define DRIFTD_COLLECTORS_JSON_VALUES_H_

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "detectors/event.h"
#include "detectors/time.h"

namespace driftd::collectors::json {

// "object", "array", "string", "number", "bool" or "null", for error details.
const char* TypeName(simdjson::dom::element value);

// True when every byte is JSON whitespace (space, tab, LF, CR); true for "".
bool IsBlank(std::string_view text);

// Returns a key that occurs more than once in keys, or nullopt. Reorders keys
// (sorts them when there are many) and allocates nothing.
std::optional<std::string_view> FindDuplicate(std::vector<std::string_view>& keys);

// Stores a feature/label value: null -> Missing, number -> double,
// bool -> 0/1, string -> string (reusing *out's string storage when it
// already holds one). Returns false, leaving *out unspecified, for an array
// or an object.
[[nodiscard]] bool SetValue(simdjson::dom::element value, Value* out);

// Text in double quotes for an error detail: at most 64 bytes of it (cut at a
// UTF-8 boundary, then "..."), with '"', '\\' and control bytes escaped, so
// that raw traffic cannot forge log lines or blow up their size.
std::string Quote(std::string_view text);

// A number as a double (int64, uint64 or double elements); nullopt otherwise.
std::optional<double> AsNumber(simdjson::dom::element value);

// A string or a number as text: strings verbatim, integers in decimal,
// doubles in the shortest form that reads back to the same double (1.0 -> "1").
// Returns false, leaving *out unspecified, for any other type.
[[nodiscard]] bool AssignText(simdjson::dom::element value, bool allow_numbers, std::string* out);

// A timestamp: an RFC 3339 string or epoch seconds (see collectors/timestamp.h).
std::optional<Timestamp> AsTimestamp(simdjson::dom::element value);

}  // namespace driftd::collectors::json

#endif  // DRIFTD_COLLECTORS_JSON_VALUES_H_
