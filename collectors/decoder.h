// JSON → Event, per the event contract of DESIGN.md section 4 and each model's
// field map. Never throws on input: a bad message yields a stable reason.
#ifndef DRIFTD_COLLECTORS_DECODER_H_
#define DRIFTD_COLLECTORS_DECODER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "collectors/source.h"
#include "config/config.h"
#include "detectors/event.h"

namespace driftd::collectors {

// Why a message was rejected. Names (RejectReasonName) are stable: they are
// the values of the `reason` label of driftd_events_rejected_total.
enum class RejectReason {
  kEmpty,            // "empty": no bytes, or only whitespace
  kTooLarge,         // "too_large": over daemon.max_event_bytes
  kInvalidJson,      // "invalid_json": not JSON (includes NaN/Infinity literals, truncation)
  kInvalidUtf8,      // "invalid_utf8"
  kTooDeep,          // "too_deep": nesting beyond the decoder's depth limit
  kNotAnObject,      // "not_an_object": valid JSON whose top level is not an object
  kDuplicateKey,     // "duplicate_key": a key repeated in the same object
  kBadKind,          // "bad_kind"
  kMissingModel,     // "missing_model": no model field and no topic mapping
  kUnknownModel,     // "unknown_model": a model not in the config
  kBadTimestamp,     // "bad_timestamp"
  kBadFeatures,      // "bad_features": features is not an object
  kBadFeatureValue,  // "bad_feature_value": a feature that is not null/number/string/bool
  kBadPrediction,    // "bad_prediction"
  kBadLatency,       // "bad_latency"
  kBadLabel,         // "bad_label"
  kMissingId,        // "missing_id": a label event without id
  kBadField,         // "bad_field": another field of the wrong type (id, model_version, ...)
};
inline constexpr int kRejectReasonCount = 18;

const char* RejectReasonName(RejectReason reason);

struct DecodeError {
  RejectReason reason;
  std::string detail;  // human-readable, for a sampled log line
};

// Decoding rules, in the order they are checked (the first failure wins):
//  1. Size: max(message.size, payload.size()) > daemon.max_event_bytes, or a
//     payload cut short by its source (payload.size() < size) -> too_large.
//  2. Only whitespace -> empty. Parse errors: invalid UTF-8 -> invalid_utf8;
//     more than 64 nested arrays/objects -> too_deep; anything else not
//     RFC 8259 JSON -> invalid_json, which includes truncation, trailing
//     text after the object, NaN/Infinity, invalid escapes (lone surrogates),
//     numbers beyond double range (1e400) and integers beyond 64 bits.
//  3. Top level not an object -> not_an_object; a key repeated at the top
//     level, in "features" or in "dependencies" -> duplicate_key.
//  4. Model: the top-level "model" string (non-string -> bad_field); else
//     source.topic_models[topic], else topic_models["*"] (the default for every
//     topic; file sources pass topic "", so "" or "*" maps a whole file);
//     neither -> missing_model; a name not in config.models -> unknown_model.
//  5. The model's FieldMap (JSON Pointers) then locates the other fields. A
//     pointer that does not resolve, and a JSON null, both mean "absent".
//     kind: "prediction" (default) | "input" | "label" | "model", else bad_kind.
//     model_version: string, else bad_field. id: string, or a number kept as
//     its shortest decimal text, else bad_field.
//     ts: RFC 3339 string or epoch seconds (collectors/timestamp.h); absent ->
//     message.timestamp, else ingest_time; anything else, or outside
//     1970..2262-04-11, -> bad_timestamp.
//     features: object (else bad_features) of name -> null | number | string |
//     bool (true/false -> 1/0), else bad_feature_value; kept in input order.
//     prediction: number | string | bool, or an object {"label": v, "score": x}:
//     label -> prediction, score -> Event.score, a score alone is also the
//     prediction; anything else (or an object with neither) -> bad_prediction.
//     latency_ms: number >= 0, else bad_latency.
//     label: number | string | bool, else bad_label.
//     A label event needs an id (missing_id) and a label (bad_label).
//  6. Top-level "trained_at" / "deployed_at" (timestamps as for ts, else
//     bad_timestamp) and "dependencies" (object of name -> string, numbers as
//     text, else bad_field) are decoded for every kind when present.
// Unknown keys are ignored. After a rejection *event holds unspecified (but
// valid) contents.
//
// Speed: messages of the common shape (a flat object with "features" and
// "prediction" objects, escape-free strings, plain numbers; see
// collectors/fast_event_parser.h) are decoded by a purpose-built parser; it
// declines everything else, which the general simdjson DOM decoder then
// decodes or rejects. Both produce the same Event for every input the fast
// parser accepts (collectors/tests/decoder_differential_test.cc).
struct DecoderOptions {
  bool fast_path = true;  // false: every message goes through the DOM decoder
};

// Thread-safety: not thread-safe (reuses parser buffers); one per ingest thread.
class Decoder {
 public:
  // The config must outlive the decoder.
  explicit Decoder(const config::Config& config, DecoderOptions options = {});
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // Decodes message into *event (reusing its storage). ingest_time is the
  // timestamp of last resort (no ts field, no broker timestamp). Parses the
  // payload in place when message.padding >= 64 (SIMDJSON_PADDING), else
  // copies it into a buffer the decoder keeps.
  // Returns nullopt on success.
  [[nodiscard]] std::optional<DecodeError> Decode(const SourceMessage& message,
                                                  Timestamp ingest_time, Event* event);

  // Messages decoded by the fast parser so far (for tests and benchmarks).
  std::uint64_t fast_path_decodes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace driftd::collectors

#endif  // DRIFTD_COLLECTORS_DECODER_H_
