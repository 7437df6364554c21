#include "collectors/fast_event_parser.h"

#include <simdjson.h>

#include <array>
#include <bit>
#include <charconv>
#include <cstring>

#include "collectors/event_slots.h"
#include "collectors/fast_scan.h"
#include "collectors/json_values.h"
#include "collectors/timestamp.h"

namespace driftd::collectors {
namespace {

using fast_scan::AccumulateDigits;
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
  void SkipSpace() {
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) ++p;
  }
  bool Consume(char c) {
    if (Peek() != c) return false;
    ++p;
    return true;
  }
  // After the opening quote: the contents up to the closing quote. Declines
  // escapes and control bytes (the general decoder unescapes or rejects).
  bool String(std::string_view* out) {
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

[[gnu::always_inline]] inline bool FastEventParser::ParseScalar(Cursor& in, Token* out) {
  const char c = in.Peek();
  if (c == '"') {
    ++in.p;
    out->kind = Token::Kind::kString;
    return in.String(&out->text);
  }
  if (c == '-' || IsDigit(c)) {
    // JSON number syntax, checked here because std::from_chars is laxer
    // (leading zeros, "1.", ".5").
    const char* start = in.p;
    const char* p = start;
    const char* end = in.end;
    if (*p == '-') ++p;
    if (p == end || !IsDigit(*p)) return false;
    const char* int_start = p;
    // All digits (integer and fraction part) as one integer, while it fits.
    std::uint64_t mantissa = 0;
    int digits = 0;
    if (*p == '0') {
      ++p;
      digits = 1;
    } else {
      // Wraps past 19 digits, but then the number is declined below.
      p = AccumulateDigits(p, end, &mantissa);
      digits = static_cast<int>(p - int_start);
      if (digits > 19) return false;  // beyond every 64-bit integer: general parser
    }
    const std::size_t int_digits = static_cast<std::size_t>(p - int_start);
    bool integer = true;
    int exponent = 0;  // power of ten to apply to mantissa
    if (p < end && *p == '.') {
      integer = false;
      ++p;
      if (p == end || !IsDigit(*p)) return false;
      // Past 19 digits in all the mantissa wraps: from_chars below then.
      const char* fraction = p;
      p = AccumulateDigits(p, end, &mantissa);
      exponent = -static_cast<int>(p - fraction);
      digits -= exponent;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
      integer = false;
      ++p;
      bool negative_exponent = false;
      if (p < end && (*p == '+' || *p == '-')) negative_exponent = *p++ == '-';
      if (p == end || !IsDigit(*p)) return false;
      int explicit_exponent = 0;
      while (p < end && IsDigit(*p)) {
        if (explicit_exponent < 10000) explicit_exponent = explicit_exponent * 10 + (*p - '0');
        ++p;
      }
      exponent += negative_exponent ? -explicit_exponent : explicit_exponent;
    }
    in.p = p;
    out->kind = Token::Kind::kNumber;
    out->integer = integer;
    if (integer) {
      // At most 18 digits always fit an int64 exactly; longer integers may
      // be uint64 or out of range for the general parser: declined. "-0" is
      // the integer 0 there too (+0.0 as a double), which the differential
      // test pins down.
      if (int_digits > 18) return false;
      auto value = static_cast<std::int64_t>(mantissa);
      if (*start == '-') value = -value;
      out->int_value = value;
      out->number = static_cast<double>(value);
      return true;
    }
    // Clinger's fast path: a mantissa below 2^53 and a power of ten up to
    // 1e22 are both exact doubles, so one IEEE multiplication or division
    // gives the correctly rounded result, which simdjson also computes.
    constexpr std::uint64_t kMaxExactMantissa = std::uint64_t{1} << 53;
    static constexpr double kPowersOfTen[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                              1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                              1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    if (digits <= 19 && mantissa <= kMaxExactMantissa && exponent >= -22 && exponent <= 22) {
      double value = static_cast<double>(mantissa);
      value = exponent < 0 ? value / kPowersOfTen[-exponent] : value * kPowersOfTen[exponent];
      out->number = *start == '-' ? -value : value;
      return true;
    }
    // Otherwise std::from_chars, correctly rounded like simdjson's; out of
    // range (1e400, 1e-400) is declined rather than interpreted.
    if (p - start > 64) return false;
    const std::from_chars_result result = std::from_chars(start, p, out->number);
    return result.ec == std::errc() && result.ptr == p;
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
  switch (token.kind) {
    case Token::Kind::kNull: *out = Missing{}; return;
    case Token::Kind::kTrue: *out = 1.0; return;
    case Token::Kind::kFalse: *out = 0.0; return;
    case Token::Kind::kNumber: *out = token.number; return;
    case Token::Kind::kString:
      if (auto* s = std::get_if<std::string>(out)) {
        s->assign(token.text);
      } else {
        out->emplace<std::string>(token.text);
      }
      return;
    case Token::Kind::kObject: return;  // never passed here
  }
}

// After '{': name -> scalar pairs, written over the event's previous features
// in place (as the general decoder does, so a stream allocates nothing).
bool FastEventParser::ParseFeatures(Cursor& in, Event* event) {
  std::vector<Feature>& out = event->features;
  std::size_t count = 0;
  bool known_keys = true;  // so far equal to distinct_keys_, in order
  in.SkipSpace();
  if (in.Consume('}')) {
    out.clear();
    return true;
  }
  Token token;
  while (true) {
    std::string_view key;
    if (!in.Consume('"') || !in.String(&key)) return false;
    in.SkipSpace();
    if (!in.Consume(':')) return false;
    in.SkipSpace();
    if (!ParseScalar(in, &token)) return false;
    if (count == out.size()) out.emplace_back();
    known_keys =
        known_keys && count < distinct_keys_.size() && SameText(distinct_keys_[count], key);
    Feature& feature = out[count++];
    if (!SameText(feature.name, key)) feature.name.assign(key);
    AssignValue(token, &feature.value);
    in.SkipSpace();
    if (in.Consume(',')) {
      in.SkipSpace();
      continue;
    }
    if (in.Consume('}')) break;
    return false;
  }
  out.resize(count);
  if (known_keys && count == distinct_keys_.size()) return true;
  std::vector<std::string_view> names;
  names.reserve(count);
  for (const Feature& feature : out) names.emplace_back(feature.name);
  if (json::FindDuplicate(names)) return false;
  distinct_keys_.resize(count);
  for (std::size_t i = 0; i < count; ++i) distinct_keys_[i].assign(out[i].name);
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
  bool features_seen = false;
  keys_.clear();

  in.SkipSpace();
  if (!in.Consume('{')) return false;
  in.SkipSpace();
  if (!in.Consume('}')) {
    while (true) {
      std::string_view key;
      if (!in.Consume('"') || !in.String(&key)) return false;
      keys_.push_back(key);
      in.SkipSpace();
      if (!in.Consume(':')) return false;
      in.SkipSpace();
      const int slot = SlotOf(key);
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
      } else {
        Token token;
        if (!ParseScalar(in, &token)) return false;
        if (slot >= 0 && token.kind != Token::Kind::kNull) {
          slots[static_cast<std::size_t>(slot)] = token;
          present |= 1u << slot;
        }
      }
      in.SkipSpace();
      if (in.Consume(',')) {
        in.SkipSpace();
        continue;
      }
      if (in.Consume('}')) break;
      return false;
    }
  }
  in.SkipSpace();
  if (in.p != in.end) return false;
  if (json::FindDuplicate(keys_)) return false;
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
  event->model.assign(model->name);

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

  event->model_version.clear();
  if (present & (1u << kModelVersion)) {
    if (slots[kModelVersion].kind != Token::Kind::kString) return false;
    event->model_version.assign(slots[kModelVersion].text);
  }
  // Numeric ids (decimal or shortest double text) are left to the general path.
  event->id.clear();
  if (present & (1u << kId)) {
    if (slots[kId].kind != Token::Kind::kString) return false;
    event->id.assign(slots[kId].text);
  }

  if (present & (1u << kTs)) {
    const Token& ts = slots[kTs];
    std::optional<Timestamp> parsed;
    if (ts.kind == Token::Kind::kString) {
      parsed = ParseRfc3339(ts.text);
    } else if (ts.kind == Token::Kind::kNumber) {
      parsed = ts.integer ? FromEpochSeconds(ts.int_value) : FromEpochSeconds(ts.number);
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
        event->score = prediction_score_.number;
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
    if (latency.kind != Token::Kind::kNumber || latency.number < 0) return false;
    event->latency_ms = latency.number;
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
