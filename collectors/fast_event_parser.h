// A purpose-built parser for the common event shape, tried before the
// general (simdjson DOM) decoder. It either decodes a message into exactly
// the Event the general decoder would accept, or declines ("not handled")
// and leaves the decision, including every rejection, to the general decoder.
//
// Handled (anything else is declined):
//  - one JSON object, whitespace around tokens, nothing but whitespace after it;
//  - values: strings without a backslash or control byte, numbers in JSON
//    syntax (integers of at most 18 digits, or decimals/exponent
//    forms that std::from_chars reads without range error), true/false/null;
//  - nested objects only as "features" (flat: scalar values) and "prediction"
//    (flat: scalar values; "label"/"score" at most once each);
//  - non-ASCII bytes only inside strings, and only when the whole payload is
//    valid UTF-8;
//  - models whose field map is the default one (every field a top-level key
//    of its own name), no model fields (trained_at, deployed_at,
//    dependencies), and only messages the general decoder accepts (a message
//    it would reject is always declined: the general decoder names the reason).
// Keys must be distinct at the top level and in "features"; a repeated key is
// declined (the general decoder rejects it as duplicate_key).
//
// A stream repeats its shape, so the parser remembers the last message's
// top-level key order and feature names and first compares the bytes at each
// key with the key expected there (name, closing quote and colon, as compact
// JSON writes them); only a key that differs is scanned. Likewise the day of
// the last RFC 3339 date is kept (Rfc3339Parser). These only save work: the
// decoded Event and the accept/decline decision never depend on them.
//
// Thread-safety: not thread-safe (reuses scratch buffers); one per decoder.
#ifndef DRIFTD_COLLECTORS_FAST_EVENT_PARSER_H_
#define DRIFTD_COLLECTORS_FAST_EVENT_PARSER_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/fast_scan.h"
#include "collectors/timestamp.h"
#include "config/config.h"
#include "detectors/event.h"
#include "detectors/time.h"

namespace driftd::collectors {

class FastEventParser {
 public:
  // The config must outlive the parser.
  explicit FastEventParser(const config::Config& config);

  // Decodes payload into *event and returns true when the message is of the
  // handled shape and valid; returns false otherwise, leaving *event with
  // unspecified (but valid) contents. topic_model is the model the message's
  // topic maps to (nullptr for none); broker_ts and ingest_time are the
  // fallbacks of an absent "ts", as in the general decoder. The caller has
  // already checked the size limit.
  [[nodiscard]] bool TryDecode(std::string_view payload, const config::ModelConfig* topic_model,
                               std::optional<Timestamp> broker_ts, Timestamp ingest_time,
                               Event* event);

 private:
  // One scalar token (or the marker of a parsed nested object).
  struct Token {
    enum class Kind : std::uint8_t { kString, kNumber, kTrue, kFalse, kNull, kObject };
    Kind kind = Kind::kNull;
    fast_scan::Number number{};  // numbers
    std::string_view text;     // strings: the raw (escape-free) contents
  };
  struct Cursor;

  bool ParseScalar(Cursor& in, Token* out);
  static bool ExpectKey(Cursor& in, std::string_view expected, std::string_view* key);
  bool ParseFeatures(Cursor& in, Event* event);
  bool ParsePrediction(Cursor& in);
  static void AssignValue(const Token& token, Value* out);

  const config::Config& config_;
  std::vector<bool> eligible_;  // parallel to config.models: default field map
  const config::ModelConfig* cached_model_ = nullptr;
  Rfc3339Parser timestamps_;

  // Per-message scratch.
  static constexpr std::size_t kSlots = 12;  // top-level keys read (see the .cc)
  std::array<Token, kSlots> slots_;
  std::vector<std::string_view> keys_;
  // The slot of each top-level key of the last message, by position (-1:
  // none): the key predicted there in the next message.
  std::array<std::int8_t, 16> top_order_;
  // The last duplicate-free features key list, each name followed by its
  // closing quote and a colon (the bytes of compact JSON); predict_keys_ when
  // all of them are ASCII (see the .cc).
  std::vector<std::string> distinct_keys_;
  bool predict_keys_ = false;
  bool has_label_ = false;                  // of a prediction object
  bool has_score_ = false;
  Token prediction_label_;
  Token prediction_score_;
};

}  // namespace driftd::collectors

#endif  // DRIFTD_COLLECTORS_FAST_EVENT_PARSER_H_
