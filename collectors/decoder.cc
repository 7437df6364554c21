#include "collectors/decoder.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/event_slots.h"
#include "collectors/fast_event_parser.h"
#include "collectors/fast_scan.h"
#include "collectors/json_values.h"

namespace driftd::collectors {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// Nesting levels accepted. simdjson's depth counts one more than the number of
// nested containers, hence the +1 at allocation.
constexpr std::size_t kMaxDepth = 64;
// First allocation of the parser; it grows (keeping the depth) for larger events.
constexpr std::size_t kInitialCapacity = 64 * 1024;

using fast_scan::SameText;

// Where one field of a model's events is: a top-level key found by the single
// pass (slot >= 0, the common case), or a general JSON Pointer.
struct FieldRef {
  int slot = -1;
  std::string pointer;
};

FieldRef ResolvePointer(const std::string& pointer) {
  FieldRef ref;
  // "/name" without escapes or further tokens is a plain top-level key.
  if (pointer.size() > 1 && pointer[0] == '/' &&
      pointer.find_first_of("/~", 1) == std::string::npos) {
    ref.slot = SlotOf(std::string_view(pointer).substr(1));
  }
  if (ref.slot < 0) ref.pointer = pointer;
  return ref;
}

struct ModelFields {
  FieldRef kind, model_version, id, ts, features, prediction, latency_ms, label;
};

DecodeError Reject(RejectReason reason, std::string detail) {
  return DecodeError{reason, std::move(detail)};
}

DecodeError WrongType(RejectReason reason, std::string_view field, std::string_view expected,
                      element got) {
  std::string detail(field);
  detail += ": expected ";
  detail += expected;
  detail += ", got ";
  detail += json::TypeName(got);
  return Reject(reason, std::move(detail));
}

RejectReason ParseErrorReason(simdjson::error_code error) {
  switch (error) {
    case simdjson::EMPTY: return RejectReason::kEmpty;
    case simdjson::UTF8_ERROR: return RejectReason::kInvalidUtf8;
    case simdjson::DEPTH_ERROR: return RejectReason::kTooDeep;
    // The parser could not get memory for this message: its size is the cause.
    case simdjson::CAPACITY:
    case simdjson::MEMALLOC: return RejectReason::kTooLarge;
    // Everything else is malformed text, including numbers beyond double range
    // or 64-bit integers (NUMBER_ERROR, BIGINT_ERROR) and NaN/Infinity.
    default: return RejectReason::kInvalidJson;
  }
}

}  // namespace

const char* RejectReasonName(RejectReason reason) {
  switch (reason) {
    case RejectReason::kEmpty: return "empty";
    case RejectReason::kTooLarge: return "too_large";
    case RejectReason::kInvalidJson: return "invalid_json";
    case RejectReason::kInvalidUtf8: return "invalid_utf8";
    case RejectReason::kTooDeep: return "too_deep";
    case RejectReason::kNotAnObject: return "not_an_object";
    case RejectReason::kDuplicateKey: return "duplicate_key";
    case RejectReason::kBadKind: return "bad_kind";
    case RejectReason::kMissingModel: return "missing_model";
    case RejectReason::kUnknownModel: return "unknown_model";
    case RejectReason::kBadTimestamp: return "bad_timestamp";
    case RejectReason::kBadFeatures: return "bad_features";
    case RejectReason::kBadFeatureValue: return "bad_feature_value";
    case RejectReason::kBadPrediction: return "bad_prediction";
    case RejectReason::kBadLatency: return "bad_latency";
    case RejectReason::kBadLabel: return "bad_label";
    case RejectReason::kMissingId: return "missing_id";
    case RejectReason::kBadField: return "bad_field";
  }
  return "unknown";
}

struct Decoder::Impl {
  Impl(const config::Config& config, DecoderOptions options);

  std::optional<DecodeError> Decode(const SourceMessage& message, Timestamp ingest_time,
                                    Event* event);
  // The element a field refers to, or nullptr-like absence (missing or null).
  bool Find(const FieldRef& ref, element* out) const;
  const config::ModelConfig* ModelForTopic(std::string_view topic);
  std::optional<DecodeError> DecodeFeatures(element features, Event* event);
  std::optional<DecodeError> DecodePrediction(element prediction, Event* event);
  std::optional<DecodeError> DecodeDependencies(element dependencies, Event* event);

  const config::Config& config;
  DecoderOptions options;
  FastEventParser fast;
  std::uint64_t fast_decodes = 0;
  simdjson::dom::parser parser;
  std::vector<ModelFields> fields;  // parallel to config.models

  // Per-message scratch, reused so that steady-state decoding allocates nothing.
  element root;
  std::array<element, kSlotCount> slots;
  std::uint32_t present = 0;  // bit i: slots[i] holds a non-null value
  std::vector<std::string_view> keys;
  // The last features key list found free of duplicates. A stream repeats
  // its key order, so comparing with it (one memcmp per key) usually replaces
  // the duplicate search, which profiling showed at ~15% of ingest.
  std::vector<std::string> distinct_keys;

  // The model of the last event that named one.
  const config::ModelConfig* cached_model = nullptr;
  // The last topic -> model resolution (Kafka delivers runs of one topic).
  std::string cached_topic;
  const config::ModelConfig* cached_topic_model = nullptr;
  bool topic_cache_valid = false;
};

Decoder::Impl::Impl(const config::Config& config, DecoderOptions options)
    : config(config), options(options), fast(config) {
  // A failed allocation here is retried by parse(), which then reports it.
  const simdjson::error_code allocated = parser.allocate(kInitialCapacity, kMaxDepth + 1);
  (void)allocated;
  fields.reserve(config.models.size());
  for (const config::ModelConfig& model : config.models) {
    const config::FieldMap& map = model.fields;
    fields.push_back(ModelFields{ResolvePointer(map.kind), ResolvePointer(map.model_version),
                                 ResolvePointer(map.id), ResolvePointer(map.ts),
                                 ResolvePointer(map.features), ResolvePointer(map.prediction),
                                 ResolvePointer(map.latency_ms), ResolvePointer(map.label)});
  }
  keys.reserve(64);
}

bool Decoder::Impl::Find(const FieldRef& ref, element* out) const {
  if (ref.slot >= 0) {
    if ((present & (1u << ref.slot)) == 0) return false;
    *out = slots[static_cast<std::size_t>(ref.slot)];
    return true;
  }
  // A pointer that does not resolve (missing key, index out of range, a
  // scalar on the path) means the field is absent.
  if (root.at_pointer(ref.pointer).get(*out) != simdjson::SUCCESS) return false;
  return !out->is_null();
}

const config::ModelConfig* Decoder::Impl::ModelForTopic(std::string_view topic) {
  if (topic_cache_valid && cached_topic == topic) return cached_topic_model;
  const auto& map = config.source.topic_models;
  const config::ModelConfig* model = nullptr;
  auto it = map.find(std::string(topic));
  if (it == map.end()) it = map.find("*");
  if (it != map.end()) model = config.FindModel(it->second);
  cached_topic.assign(topic);
  cached_topic_model = model;
  topic_cache_valid = true;
  // An entry naming a model absent from the config behaves as no entry:
  // config validation is expected to refuse such a file before this point.
  return model;
}

std::optional<DecodeError> Decoder::Impl::Decode(const SourceMessage& message,
                                                 Timestamp ingest_time, Event* event) {
  const std::string_view payload = message.payload;
  const std::size_t size = std::max(message.size, payload.size());
  if (size > config.daemon.max_event_bytes || payload.size() < message.size) {
    return Reject(RejectReason::kTooLarge, std::to_string(size) + " bytes, limit " +
                                               std::to_string(config.daemon.max_event_bytes));
  }
  if (options.fast_path &&
      fast.TryDecode(payload, ModelForTopic(message.topic), message.timestamp, ingest_time,
                     event)) {
    ++fast_decodes;
    return std::nullopt;
  }
  if (json::IsBlank(payload)) return Reject(RejectReason::kEmpty, "no JSON text");

  // With room after the payload (file lines inside the source's read buffer)
  // the parser reads it in place; else (realloc_if_needed) it copies it into
  // its own padded buffer, kept and reused across calls.
  const bool in_place = message.padding >= simdjson::SIMDJSON_PADDING;
  simdjson::error_code error = parser.parse(payload.data(), payload.size(), !in_place).get(root);
  if (error != simdjson::SUCCESS) {
    return Reject(ParseErrorReason(error), simdjson::error_message(error));
  }
  if (root.type() != element_type::OBJECT) {
    return WrongType(RejectReason::kNotAnObject, "event", "object", root);
  }

  // One pass over the top level: remember the known keys, collect all keys
  // for the duplicate check.
  present = 0;
  keys.clear();
  const simdjson::dom::object top = root.get_object().value_unsafe();
  for (simdjson::dom::key_value_pair field : top) {
    keys.push_back(field.key);
    const int slot = SlotOf(field.key);
    if (slot >= 0 && !field.value.is_null()) {
      slots[static_cast<std::size_t>(slot)] = field.value;
      present |= 1u << slot;
    }
  }
  if (auto duplicate = json::FindDuplicate(keys)) {
    return Reject(RejectReason::kDuplicateKey, "key " + json::Quote(*duplicate));
  }

  // The model decides the field map, so it comes first and from fixed places.
  const config::ModelConfig* model = nullptr;
  if (present & (1u << kModel)) {
    const element value = slots[kModel];
    if (value.type() != element_type::STRING) {
      return WrongType(RejectReason::kBadField, "model", "string", value);
    }
    const std::string_view name = value.get_string().value_unsafe();
    // Streams repeat their model: one inline compare before the lookup.
    model = cached_model != nullptr && SameText(cached_model->name, name)
                ? cached_model
                : config.FindModel(name);
    if (model != nullptr) cached_model = model;
    if (model == nullptr) {
      return Reject(RejectReason::kUnknownModel, "model " + json::Quote(name));
    }
  } else {
    model = ModelForTopic(message.topic);
    if (model == nullptr) {
      return Reject(RejectReason::kMissingModel,
                    "no model field and no topic mapping for " + json::Quote(message.topic));
    }
  }
  const ModelFields& map = fields[static_cast<std::size_t>(model - config.models.data())];
  event->model.assign(model->name);

  element value;
  event->kind = EventKind::kPrediction;
  if (Find(map.kind, &value)) {
    std::string_view kind;
    if (value.get_string().get(kind) != simdjson::SUCCESS) {
      return WrongType(RejectReason::kBadKind, "kind", "string", value);
    }
    if (kind == "prediction") {
      event->kind = EventKind::kPrediction;
    } else if (kind == "input") {
      event->kind = EventKind::kInput;
    } else if (kind == "label") {
      event->kind = EventKind::kLabel;
    } else if (kind == "model") {
      event->kind = EventKind::kModel;
    } else {
      return Reject(RejectReason::kBadKind, "kind " + json::Quote(kind));
    }
  }

  event->model_version.clear();
  if (Find(map.model_version, &value) &&
      !json::AssignText(value, /*allow_numbers=*/false, &event->model_version)) {
    return WrongType(RejectReason::kBadField, "model_version", "string", value);
  }
  event->id.clear();
  if (Find(map.id, &value) && !json::AssignText(value, /*allow_numbers=*/true, &event->id)) {
    return WrongType(RejectReason::kBadField, "id", "string or number", value);
  }

  if (Find(map.ts, &value)) {
    std::optional<Timestamp> ts = json::AsTimestamp(value);
    if (!ts) {
      return Reject(RejectReason::kBadTimestamp,
                    "ts: not an RFC 3339 time or epoch seconds in range");
    }
    event->ts = *ts;
  } else {
    event->ts = message.timestamp.value_or(ingest_time);
  }

  if (Find(map.features, &value)) {
    if (auto rejected = DecodeFeatures(value, event)) return rejected;
  } else {
    event->features.clear();
  }

  event->prediction.reset();
  event->score.reset();
  if (Find(map.prediction, &value)) {
    if (auto rejected = DecodePrediction(value, event)) return rejected;
  }

  event->latency_ms.reset();
  if (Find(map.latency_ms, &value)) {
    std::optional<double> latency = json::AsNumber(value);
    if (!latency) return WrongType(RejectReason::kBadLatency, "latency_ms", "number", value);
    if (*latency < 0) return Reject(RejectReason::kBadLatency, "latency_ms: negative");
    event->latency_ms = *latency;
  }

  event->label.reset();
  if (Find(map.label, &value)) {
    if (!json::SetValue(value, &event->label.emplace())) {
      return WrongType(RejectReason::kBadLabel, "label", "number, string or bool", value);
    }
  }
  if (event->kind == EventKind::kLabel) {
    if (event->id.empty()) return Reject(RejectReason::kMissingId, "label event without id");
    if (!event->label) return Reject(RejectReason::kBadLabel, "label event without label");
  }

  event->trained_at.reset();
  event->deployed_at.reset();
  event->dependencies.reset();
  if (present & (1u << kTrainedAt)) {
    event->trained_at = json::AsTimestamp(slots[kTrainedAt]);
    if (!event->trained_at) return Reject(RejectReason::kBadTimestamp, "trained_at");
  }
  if (present & (1u << kDeployedAt)) {
    event->deployed_at = json::AsTimestamp(slots[kDeployedAt]);
    if (!event->deployed_at) return Reject(RejectReason::kBadTimestamp, "deployed_at");
  }
  if (present & (1u << kDependencies)) {
    if (auto rejected = DecodeDependencies(slots[kDependencies], event)) return rejected;
  }
  return std::nullopt;
}

std::optional<DecodeError> Decoder::Impl::DecodeFeatures(element features, Event* event) {
  simdjson::dom::object object;
  if (features.get_object().get(object) != simdjson::SUCCESS) {
    return WrongType(RejectReason::kBadFeatures, "features", "object", features);
  }
  // Overwrite the previous event's features in place: names and string
  // values keep their capacity, so a steady stream allocates nothing.
  // The names are compared with the last duplicate-free list as they come
  // (one short compare each) and only copied when they differ from what the
  // reused event already holds.
  std::vector<Feature>& out = event->features;
  std::size_t count = 0;
  bool known_keys = true;  // so far equal to distinct_keys, in order
  keys.clear();
  for (simdjson::dom::key_value_pair field : object) {
    keys.push_back(field.key);
    if (count == out.size()) out.emplace_back();
    known_keys =
        known_keys && count < distinct_keys.size() && SameText(distinct_keys[count], field.key);
    Feature& feature = out[count++];
    if (!SameText(feature.name, field.key)) feature.name.assign(field.key);
    if (!json::SetValue(field.value, &feature.value)) {
      out.resize(count);
      return WrongType(RejectReason::kBadFeatureValue, "features." + json::Quote(field.key),
                       "null, number, string or bool", field.value);
    }
  }
  out.resize(count);
  if (known_keys && count == distinct_keys.size()) return std::nullopt;
  if (auto duplicate = json::FindDuplicate(keys)) {
    return Reject(RejectReason::kDuplicateKey, "features key " + json::Quote(*duplicate));
  }
  // FindDuplicate reordered keys; the cache wants the input order.
  distinct_keys.resize(count);
  for (std::size_t i = 0; i < count; ++i) distinct_keys[i].assign(out[i].name);
  return std::nullopt;
}

std::optional<DecodeError> Decoder::Impl::DecodePrediction(element prediction, Event* event) {
  constexpr std::string_view kExpected = "number, string, bool or {\"label\", \"score\"}";
  if (prediction.type() == element_type::ARRAY) {
    return WrongType(RejectReason::kBadPrediction, "prediction", kExpected, prediction);
  }
  if (prediction.type() != element_type::OBJECT) {
    // Scalars; null never reaches here (absent).
    if (!json::SetValue(prediction, &event->prediction.emplace())) {
      return WrongType(RejectReason::kBadPrediction, "prediction", kExpected, prediction);
    }
    return std::nullopt;
  }
  // {"label": ..., "score": ...}: the label is the prediction; a score alone
  // is also the prediction (score models). Other keys are ignored.
  element label, score;
  const bool has_label = prediction.at_key("label").get(label) == simdjson::SUCCESS &&
                         !label.is_null();
  const bool has_score = prediction.at_key("score").get(score) == simdjson::SUCCESS &&
                         !score.is_null();
  if (!has_label && !has_score) {
    return Reject(RejectReason::kBadPrediction, "prediction object without label or score");
  }
  if (has_score) {
    event->score = json::AsNumber(score);
    if (!event->score) {
      return WrongType(RejectReason::kBadPrediction, "prediction.score", "number", score);
    }
  }
  if (has_label) {
    if (!json::SetValue(label, &event->prediction.emplace())) {
      return WrongType(RejectReason::kBadPrediction, "prediction.label",
                       "number, string or bool", label);
    }
  } else {
    event->prediction = *event->score;
  }
  return std::nullopt;
}

std::optional<DecodeError> Decoder::Impl::DecodeDependencies(element dependencies,
                                                             Event* event) {
  simdjson::dom::object object;
  if (dependencies.get_object().get(object) != simdjson::SUCCESS) {
    return WrongType(RejectReason::kBadField, "dependencies", "object", dependencies);
  }
  auto& out = event->dependencies.emplace();
  keys.clear();
  for (simdjson::dom::key_value_pair field : object) {
    keys.push_back(field.key);
    auto& entry = out.emplace_back(std::string(field.key), std::string());
    if (!json::AssignText(field.value, /*allow_numbers=*/true, &entry.second)) {
      return WrongType(RejectReason::kBadField, "dependencies." + json::Quote(field.key),
                       "string or number", field.value);
    }
  }
  if (auto duplicate = json::FindDuplicate(keys)) {
    return Reject(RejectReason::kDuplicateKey,
                  "dependencies key " + json::Quote(*duplicate));
  }
  return std::nullopt;
}

Decoder::Decoder(const config::Config& config, DecoderOptions options)
    : impl_(std::make_unique<Impl>(config, options)) {}
Decoder::~Decoder() = default;

std::optional<DecodeError> Decoder::Decode(const SourceMessage& message, Timestamp ingest_time,
                                           Event* event) {
  return impl_->Decode(message, ingest_time, event);
}

std::uint64_t Decoder::fast_path_decodes() const { return impl_->fast_decodes; }

}  // namespace driftd::collectors
