#include "collectors/json_values.h"

#include <algorithm>
#include <charconv>

#include "collectors/timestamp.h"

namespace driftd::collectors::json {

using simdjson::dom::element;
using simdjson::dom::element_type;

const char* TypeName(element value) {
  switch (value.type()) {
    case element_type::OBJECT: return "object";
    case element_type::ARRAY: return "array";
    case element_type::STRING: return "string";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE: return "number";
    case element_type::BOOL: return "bool";
    case element_type::NULL_VALUE: return "null";
  }
  return "unknown";
}

bool IsBlank(std::string_view text) {
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
  }
  return true;
}

std::optional<std::string_view> FindDuplicate(std::vector<std::string_view>& keys) {
  // Events have a handful of top-level keys and usually tens of features:
  // pairwise comparison beats sorting there (most pairs differ in length).
  constexpr std::size_t kPairwiseLimit = 16;
  const std::size_t n = keys.size();
  if (n <= kPairwiseLimit) {
    // Length and last byte first: feature names often share a length and a
    // prefix ("f1", "f2"), and memcmp is a call.
    for (std::size_t i = 1; i < n; ++i) {
      const std::string_view a = keys[i];
      for (std::size_t j = 0; j < i; ++j) {
        const std::string_view b = keys[j];
        if (a.size() == b.size() && (a.empty() || (a.back() == b.back() && a == b))) return a;
      }
    }
    return std::nullopt;
  }
  std::sort(keys.begin(), keys.end());
  auto it = std::adjacent_find(keys.begin(), keys.end());
  if (it != keys.end()) return *it;
  return std::nullopt;
}

std::string Quote(std::string_view text) {
  constexpr std::size_t kMaxBytes = 64;
  std::size_t keep = text.size();
  if (keep > kMaxBytes) {
    keep = kMaxBytes;
    // Step back over UTF-8 continuation bytes (10xxxxxx) to a character start.
    while (keep > 0 && (static_cast<unsigned char>(text[keep]) & 0xC0) == 0x80) --keep;
  }
  std::string out = "\"";
  for (char c : text.substr(0, keep)) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte == 0x7F) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    } else {
      out += c;
    }
  }
  if (keep < text.size()) out += "...";
  out += '"';
  return out;
}

std::optional<double> AsNumber(element value) {
  switch (value.type()) {
    case element_type::INT64: return static_cast<double>(value.get_int64().value_unsafe());
    case element_type::UINT64: return static_cast<double>(value.get_uint64().value_unsafe());
    case element_type::DOUBLE: return value.get_double().value_unsafe();
    default: return std::nullopt;
  }
}

bool SetValue(element value, Value* out) {
  switch (value.type()) {
    case element_type::NULL_VALUE:
      *out = Missing{};
      return true;
    case element_type::BOOL:
      *out = value.get_bool().value_unsafe() ? 1.0 : 0.0;
      return true;
    // One type dispatch per value: this runs for every feature.
    case element_type::INT64:
      *out = static_cast<double>(value.get_int64().value_unsafe());
      return true;
    case element_type::UINT64:
      *out = static_cast<double>(value.get_uint64().value_unsafe());
      return true;
    case element_type::DOUBLE:
      *out = value.get_double().value_unsafe();
      return true;
    case element_type::STRING: {
      std::string_view text = value.get_string().value_unsafe();
      if (auto* s = std::get_if<std::string>(out)) {
        s->assign(text);
      } else {
        out->emplace<std::string>(text);
      }
      return true;
    }
    default:
      return false;
  }
}

bool AssignText(element value, bool allow_numbers, std::string* out) {
  // Large enough for any int64, uint64 or shortest round-trip double.
  char buffer[32];
  std::to_chars_result result{};
  switch (value.type()) {
    case element_type::STRING:
      out->assign(value.get_string().value_unsafe());
      return true;
    case element_type::INT64:
      if (!allow_numbers) return false;
      result = std::to_chars(buffer, buffer + sizeof buffer, value.get_int64().value_unsafe());
      break;
    case element_type::UINT64:
      if (!allow_numbers) return false;
      result = std::to_chars(buffer, buffer + sizeof buffer, value.get_uint64().value_unsafe());
      break;
    case element_type::DOUBLE:
      if (!allow_numbers) return false;
      result = std::to_chars(buffer, buffer + sizeof buffer, value.get_double().value_unsafe());
      break;
    default:
      return false;
  }
  out->assign(buffer, result.ptr);
  return true;
}

std::optional<Timestamp> AsTimestamp(element value) {
  switch (value.type()) {
    case element_type::STRING: return ParseRfc3339(value.get_string().value_unsafe());
    case element_type::INT64: return FromEpochSeconds(value.get_int64().value_unsafe());
    case element_type::DOUBLE: return FromEpochSeconds(value.get_double().value_unsafe());
    default: return std::nullopt;  // uint64 only holds values beyond int64: far too late
  }
}

}  // namespace driftd::collectors::json
