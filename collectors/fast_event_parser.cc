#include "collectors/fast_event_parser.h"

#include <simdjson.h>

#include <array>
#include <bit>
#include <cstring>

#include "collectors/event_slots.h"
#include "collectors/fast_scan.h"
#include "collectors/json_values.h"
#include "collectors/timestamp.h"

namespace driftd::collectors {
namespace {

using fast_scan::IsDigit;
using fast_scan::SameText;

// The fast path reads the slots of collectors/event_slots.h; the model
// event fields among them make it decline.
static_assert(kSlotCount == 12, "FastEventParser::kSlots");

bool IsDefaultFieldMap(const config::FieldMap& map) {
  const config::FieldMap defaults;
  return map.kind == defaults.kind && map.model_version == defaults.model_version &&
         map.id == defaults.id && map.ts == defaults.ts && map.features == defaults.features &&
         map.prediction == defaults.prediction && map.latency_ms == defaults.latency_ms &&
         map.label == defaults.label;
}

}  // namespace

// Reading position. Peek() yields '\0' at the end: a NUL is never valid where
// the parser looks (outside strings it is unexpected, inside a control byte),
// so the end needs no separate test on every path.
struct FastEventParser::Cursor {
  const char* p;
  const char* end;
  bool non_ascii = false;

  char Peek() const { return p < end ? *p : '\0'; }
  static bool IsSpace(char c) {
    // One compare for the usual non-space byte, then a bit test.
    constexpr std::uint64_t kSpaces =
        (1ULL << ' ') | (1ULL << '\n') | (1ULL << '\r') | (1ULL << '\t');
    const auto byte = static_cast<unsigned char>(c);
    return byte <= ' ' && ((kSpaces >> byte) & 1) != 0;
  }
  void SkipSpace() {
    while (p < end && IsSpace(*p)) ++p;
  }
  // Consumes the two bytes a, b when they come next (one 16-bit compare;
  // x86-64 and the SWAR code of fast_scan.h are little-endian).
  bool NextTwoAre(char a, char b) {
    if (end - p < 2) return false;
    std::uint16_t two;
    std::memcpy(&two, p, 2);
    const auto expected = static_cast<std::uint16_t>(static_cast<unsigned char>(a) |
                                                     (static_cast<unsigned char>(b) << 8));
    if (two != expected) return false;
    p += 2;
    return true;
  }
  bool Consume(char c) {
    if (Peek() != c) return false;
    ++p;
    return true;
  }
  // After the opening quote: the contents up to the closing quote. Declines
  // escapes and control bytes (the general decoder unescapes or rejects).
  [[gnu::always_inline]] bool String(std::string_view* out) {
    const char* start = p;
    // Eight bytes at a time while none is '"', '\\', a control byte or
    // non-ASCII (names and categories are short ASCII words); the byte loop
    // below sorts out the word that has one.
    constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
    constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
    while (end - p >= 8) {
      std::uint64_t v;
      std::memcpy(&v, p, 8);
      const std::uint64_t quote = v ^ (kOnes * '"');
      const std::uint64_t backslash = v ^ (kOnes * '\\');
      const std::uint64_t special = ((quote - kOnes) & ~quote) |
                                    ((backslash - kOnes) & ~backslash) |
                                    ((v - kOnes * 0x20) & ~v) | v;
      const std::uint64_t found = special & kHigh;
      if (found == 0) {
        p += 8;
        continue;
      }
      // The lowest flagged byte is exact (false flags only follow a true one).
      p += std::countr_zero(found) / 8;
      const auto c = static_cast<unsigned char>(*p);
      if (c == '"') {
        *out = std::string_view(start, static_cast<std::size_t>(p - start));
        ++p;
        return true;
      }
      if (c < 0x80) return false;  // backslash or control byte
      non_ascii = true;
      ++p;
    }
    while (p < end) {
      const auto c = static_cast<unsigned char>(*p);
      if (c == '"') {
        *out = std::string_view(start, static_cast<std::size_t>(p - start));
        ++p;
        return true;
      }
      if (c == '\\' || c < 0x20) return false;
      if (c >= 0x80) non_ascii = true;
      ++p;
    }
    return false;
  }
};

namespace {

// *out = text. Categories and ids mostly keep their length from one event to
// the next: then the bytes are overwritten in place (or left alone when
// equal) instead of a call into std::string's general replace.
[[gnu::always_inline]] inline void AssignText(std::string_view text, std::string* out) {
  if (out->size() != text.size()) {
    out->assign(text);
  } else if (!SameText(*out, text)) {
    std::memcpy(out->data(), text.data(), text.size());
  }
}

// The name of a distinct_keys_ entry (the name, '"' and ':').
std::string_view PredictedName(std::string_view expected) {
  return expected.substr(0, expected.size() - 2);
}

}  // namespace

// expected is a key (a distinct_keys_ or kSlotKeys entry): a name, its
// closing quote and a colon. When the input at in.p (after the opening
// quote) starts with exactly those bytes, sets *key to the name, steps past
// the colon and returns true; else leaves in untouched. The bytes equal a
// name that the string scan accepted before (ASCII, no escape or control
// byte), so the scan would have read the same key.
[[gnu::always_inline]] inline bool FastEventParser::ExpectKey(Cursor& in,
                                                             std::string_view expected,
                                                             std::string_view* key) {
  const std::size_t n = expected.size();
  if (static_cast<std::size_t>(in.end - in.p) < n) return false;
  if (!SameText(std::string_view(in.p, n), expected)) return false;
  *key = std::string_view(in.p, n - 2);
  in.p += n;
  return true;
}

[[gnu::always_inline]] inline bool FastEventParser::ParseScalar(Cursor& in, Token* out) {
  const char c = in.Peek();
  if (c == '"') {
    ++in.p;
    out->kind = Token::Kind::kString;
    return in.String(&out->text);
  }
  if (c == '-' || IsDigit(c)) {
    const char* next = fast_scan::ScanNumber(in.p, in.end, &out->number);
    if (next == nullptr) return false;
    in.p = next;
    out->kind = Token::Kind::kNumber;
    return true;
  }
  auto literal = [&in](std::string_view word) {
    if (static_cast<std::size_t>(in.end - in.p) < word.size() ||
        std::memcmp(in.p, word.data(), word.size()) != 0) {
      return false;
    }
    in.p += word.size();
    return true;
  };
  if (c == 't') {
    out->kind = Token::Kind::kTrue;
    return literal("true");
  }
  if (c == 'f') {
    out->kind = Token::Kind::kFalse;
    return literal("false");
  }
  if (c == 'n') {
    out->kind = Token::Kind::kNull;
    return literal("null");
  }
  return false;
}

[[gnu::always_inline]] inline void FastEventParser::AssignValue(const Token& token, Value* out) {
  // Numbers first and without the switch's indirect jump: most values.
  if (token.kind == Token::Kind::kNumber) {
    if (double* d = std::get_if<double>(out)) {
      *d = token.number.value;
    } else {
      *out = token.number.value;
    }
    return;
  }
  switch (token.kind) {
    case Token::Kind::kNull: *out = Missing{}; return;
    case Token::Kind::kTrue: *out = 1.0; return;
    case Token::Kind::kFalse: *out = 0.0; return;
    case Token::Kind::kNumber: *out = token.number.value; return;
    case Token::Kind::kString:
      if (auto* s = std::get_if<std::string>(out)) {
        AssignText(token.text, s);
      } else {
        out->emplace<std::string>(token.text);
      }
      return;
    case Token::Kind::kObject: return;  // never passed here
  }
}

// After '{': name -> scalar pairs, written over the event's previous features
// in place (as the general decoder does, so a stream allocates nothing).
bool FastEventParser::ParseFeatures(Cursor& cursor, Event* event) {
  // A local copy of the cursor and the vectors' arrays: the byte stores of
  // the loop (names, categories) could alias them otherwise, and the
  // compiler would reload each after every store.
  Cursor in = cursor;
  std::vector<Feature>& out = event->features;
  Feature* features = out.data();
  const std::string* expected = distinct_keys_.data();
  std::size_t count = 0;
  std::size_t reusable = out.size();
  const std::size_t known = distinct_keys_.size();
  // So far equal to the last duplicate-free key list, in order. While it
  // holds, the next name is predicted: one comparison of the name, its
  // closing quote and the colon replaces the string scan (a stream repeats
  // its key order).
  bool known_keys = true;
  // Predictions are tried up to this count (none once a name differed).
  std::size_t predictable = predict_keys_ ? known : 0;
  in.SkipSpace();
  if (in.Consume('}')) {
    cursor = in;
    out.clear();
    return true;
  }
  if (!in.Consume('"')) return false;
  Token token;
  while (true) {
    // After the opening quote of a name.
    std::string_view key;
    if (count < predictable && ExpectKey(in, expected[count], &key)) {
      // key is bytes equal to a name the scan accepted before; the colon
      // is consumed.
    } else {
      if (!in.String(&key)) return false;
      known_keys = known_keys && count < known &&
                   SameText(key, PredictedName(expected[count]));
      if (!known_keys) predictable = 0;
      in.SkipSpace();
      if (!in.Consume(':')) return false;
    }
    in.SkipSpace();
    if (!ParseScalar(in, &token)) return false;
    if (count == reusable) {
      out.emplace_back();
      ++reusable;
      features = out.data();
    }
    Feature& feature = features[count++];
    AssignText(key, &feature.name);
    AssignValue(token, &feature.value);
    // Compact text: the comma and the next name's quote, in one compare.
    if (in.NextTwoAre(',', '"')) continue;
    in.SkipSpace();
    if (in.Consume(',')) {
      in.SkipSpace();
      if (!in.Consume('"')) return false;
      continue;
    }
    if (in.Consume('}')) break;
    return false;
  }
  cursor = in;
  if (count < reusable) out.resize(count);
  if (known_keys && count == known) return true;
  std::vector<std::string_view> names;
  names.reserve(count);
  for (const Feature& feature : out) names.emplace_back(feature.name);
  if (json::FindDuplicate(names)) return false;
  distinct_keys_.resize(count);
  predict_keys_ = true;
  for (std::size_t i = 0; i < count; ++i) {
    distinct_keys_[i].assign(out[i].name);
    distinct_keys_[i].append("\":");
    // A name with non-ASCII bytes must go through the scan, which flags
    // the payload for UTF-8 validation.
    for (char c : out[i].name) {
      if (static_cast<unsigned char>(c) >= 0x80) predict_keys_ = false;
    }
  }
  return true;
}

// After '{': {"label": v, "score": x, other scalars ignored}.
bool FastEventParser::ParsePrediction(Cursor& in) {
  has_label_ = false;
  has_score_ = false;
  bool seen_label = false;
  bool seen_score = false;
  in.SkipSpace();
  if (in.Consume('}')) return true;
  Token token;
  while (true) {
    std::string_view key;
    if (!in.Consume('"') || !in.String(&key)) return false;
    in.SkipSpace();
    if (!in.Consume(':')) return false;
    in.SkipSpace();
    if (!ParseScalar(in, &token)) return false;
    // A repeated "label"/"score" would leave the choice to the general
    // parser's lookup: declined.
    if (key == "label") {
      if (seen_label) return false;
      seen_label = true;
      has_label_ = token.kind != Token::Kind::kNull;
      prediction_label_ = token;
    } else if (key == "score") {
      if (seen_score) return false;
      seen_score = true;
      has_score_ = token.kind != Token::Kind::kNull;
      prediction_score_ = token;
    }
    in.SkipSpace();
    if (in.Consume(',')) {
      in.SkipSpace();
      continue;
    }
    if (in.Consume('}')) return true;
    return false;
  }
}

FastEventParser::FastEventParser(const config::Config& config) : config_(config) {
  eligible_.reserve(config.models.size());
  for (const config::ModelConfig& model : config.models) {
    eligible_.push_back(IsDefaultFieldMap(model.fields));
  }
  keys_.reserve(32);
  top_order_.fill(-1);
}

bool FastEventParser::TryDecode(std::string_view payload,
                                const config::ModelConfig* topic_model,
                                std::optional<Timestamp> broker_ts, Timestamp ingest_time,
                                Event* event) {
  // Messages arrive cold (a fresh network or file buffer): ask for all of
  // the payload's cache lines at once rather than one miss at a time as the
  // scan reaches them.
  for (std::size_t offset = 0; offset < payload.size(); offset += 64) {
    __builtin_prefetch(payload.data() + offset);
  }
  Cursor in{payload.data(), payload.data() + payload.size()};
  std::array<Token, kSlotCount>& slots = slots_;  // valid where present has the bit
  std::uint32_t present = 0;  // bit i: slots[i] holds a non-null value
  std::uint32_t seen = 0;     // bit i: the key of slot i was read (null too)
  bool features_seen = false;
  keys_.clear();  // the keys without a slot

  in.SkipSpace();
  if (!in.Consume('{')) return false;
  in.SkipSpace();
  if (!in.Consume('}')) {
    if (!in.Consume('"')) return false;
    Token scratch;  // values of keys without a slot
    for (std::size_t index = 0;; ++index) {
      // After the opening quote of a key. The key of the same position in
      // the last message is tried first (a stream repeats its key order);
      // on a match the key, its quote and the colon are consumed.
      std::string_view key;
      int slot = index < top_order_.size() ? top_order_[index] : -1;
      if (slot < 0 || !ExpectKey(in, kSlotKeys[static_cast<std::size_t>(slot)], &key)) {
        if (!in.String(&key)) return false;
        in.SkipSpace();
        if (!in.Consume(':')) return false;
        slot = SlotOf(key);
        if (index < top_order_.size()) top_order_[index] = static_cast<std::int8_t>(slot);
      }
      in.SkipSpace();
      // Duplicates: a slot's key is one bit; only keys without a slot (rare)
      // go to the pairwise search below. The two sets cannot share a key.
      if (slot >= 0) {
        if (seen & (1u << slot)) return false;
        seen |= 1u << slot;
      } else {
        keys_.push_back(key);
      }
      if (in.Peek() == '{') {
        ++in.p;
        if (slot == kFeatures) {
          if (!ParseFeatures(in, event)) return false;
          features_seen = true;
        } else if (slot == kPrediction) {
          if (!ParsePrediction(in)) return false;
        } else {
          return false;
        }
        slots[static_cast<std::size_t>(slot)].kind = Token::Kind::kObject;
        present |= 1u << slot;
      } else if (slot >= 0) {
        Token& token = slots[static_cast<std::size_t>(slot)];
        if (!ParseScalar(in, &token)) return false;
        if (token.kind != Token::Kind::kNull) present |= 1u << slot;
      } else {
        if (!ParseScalar(in, &scratch)) return false;
      }
      if (in.NextTwoAre(',', '"')) continue;
      in.SkipSpace();
      if (in.Consume(',')) {
        in.SkipSpace();
        if (!in.Consume('"')) return false;
        continue;
      }
      if (in.Consume('}')) break;
      return false;
    }
  }
  in.SkipSpace();
  if (in.p != in.end) return false;
  if (keys_.size() > 1 && json::FindDuplicate(keys_)) return false;
  if (in.non_ascii && !simdjson::validate_utf8(payload.data(), payload.size())) return false;

  // Model events (rare) go to the general decoder.
  constexpr std::uint32_t kModelFields =
      (1u << kTrainedAt) | (1u << kDeployedAt) | (1u << kDependencies);
  if (present & kModelFields) return false;

  const config::ModelConfig* model = topic_model;
  if (present & (1u << kModel)) {
    const Token& name = slots[kModel];
    if (name.kind != Token::Kind::kString) return false;
    model = cached_model_ != nullptr && SameText(cached_model_->name, name.text)
                ? cached_model_
                : config_.FindModel(name.text);
    if (model != nullptr) cached_model_ = model;
  }
  if (model == nullptr) return false;
  if (!eligible_[static_cast<std::size_t>(model - config_.models.data())]) return false;
  AssignText(model->name, &event->model);

  event->kind = EventKind::kPrediction;
  if (present & (1u << kKind)) {
    const Token& kind = slots[kKind];
    if (kind.kind != Token::Kind::kString) return false;
    if (kind.text == "prediction") {
      event->kind = EventKind::kPrediction;
    } else if (kind.text == "input") {
      event->kind = EventKind::kInput;
    } else if (kind.text == "label") {
      event->kind = EventKind::kLabel;
    } else if (kind.text == "model") {
      event->kind = EventKind::kModel;
    } else {
      return false;
    }
  }

  if (present & (1u << kModelVersion)) {
    if (slots[kModelVersion].kind != Token::Kind::kString) return false;
    AssignText(slots[kModelVersion].text, &event->model_version);
  } else {
    event->model_version.clear();
  }
  // Numeric ids (decimal or shortest double text) are left to the general path.
  if (present & (1u << kId)) {
    if (slots[kId].kind != Token::Kind::kString) return false;
    AssignText(slots[kId].text, &event->id);
  } else {
    event->id.clear();
  }

  if (present & (1u << kTs)) {
    const Token& ts = slots[kTs];
    std::optional<Timestamp> parsed;
    if (ts.kind == Token::Kind::kString) {
      parsed = timestamps_.Parse(ts.text);
    } else if (ts.kind == Token::Kind::kNumber) {
      parsed = ts.number.integer ? FromEpochSeconds(ts.number.int_value)
                                  : FromEpochSeconds(ts.number.value);
    }
    if (!parsed) return false;
    event->ts = *parsed;
  } else {
    event->ts = broker_ts.value_or(ingest_time);
  }

  if (present & (1u << kFeatures)) {
    if (!features_seen || slots[kFeatures].kind != Token::Kind::kObject) return false;
  } else {
    event->features.clear();
  }

  event->prediction.reset();
  event->score.reset();
  if (present & (1u << kPrediction)) {
    const Token& prediction = slots[kPrediction];
    if (prediction.kind == Token::Kind::kObject) {
      if (!has_label_ && !has_score_) return false;
      if (has_score_) {
        if (prediction_score_.kind != Token::Kind::kNumber) return false;
        event->score = prediction_score_.number.value;
      }
      if (has_label_) {
        AssignValue(prediction_label_, &event->prediction.emplace());
      } else {
        event->prediction = *event->score;
      }
    } else {
      AssignValue(prediction, &event->prediction.emplace());
    }
  }

  event->latency_ms.reset();
  if (present & (1u << kLatencyMs)) {
    const Token& latency = slots[kLatencyMs];
    if (latency.kind != Token::Kind::kNumber || latency.number.value < 0) return false;
    event->latency_ms = latency.number.value;
  }

  event->label.reset();
  if (present & (1u << kLabel)) {
    AssignValue(slots[kLabel], &event->label.emplace());
  }
  if (event->kind == EventKind::kLabel && (event->id.empty() || !event->label)) return false;

  event->trained_at.reset();
  event->deployed_at.reset();
  event->dependencies.reset();
  return true;
}

}  // namespace driftd::collectors
