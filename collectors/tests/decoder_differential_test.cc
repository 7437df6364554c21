// The decoder's fast path must not change behaviour: every input is decoded
// with the fast path enabled and disabled (DOM only), and the outcomes must be
// identical: accept/reject, reason and detail, and every Event field, doubles
// compared by bit pattern. The reference is the DOM decoder itself, decoding
// into a reused Event and into a fresh one (so stale fields of a reused Event
// on the fast path cannot hide).
#include <gtest/gtest.h>

#include <bit>
#include <charconv>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "collectors/decoder.h"
#include "collectors/tests/decoder_fuzz_util.h"
#include "collectors/tests/decoder_reject_cases.h"
#include "collectors/tests/decoder_test_util.h"
#include "daemon/generate_traffic.h"

namespace driftd::collectors {
namespace {

const Timestamp kIngest = Timestamp(std::chrono::seconds(1'900'000'000));
const Timestamp kBroker = Timestamp(std::chrono::seconds(1'850'000'000));

std::string Describe(const Value& value) {
  std::ostringstream out;
  if (std::holds_alternative<Missing>(value)) {
    out << "null";
  } else if (const double* d = std::get_if<double>(&value)) {
    out << "double(" << *d << ", bits " << std::hex << std::bit_cast<std::uint64_t>(*d) << ")";
  } else {
    out << "string(" << std::get<std::string>(value) << ")";
  }
  return out.str();
}

bool SameBits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

bool SameValue(const Value& a, const Value& b) {
  if (a.index() != b.index()) return false;
  if (const double* d = std::get_if<double>(&a)) return SameBits(*d, std::get<double>(b));
  return a == b;
}

template <typename T, typename Eq>
bool SameOptional(const std::optional<T>& a, const std::optional<T>& b, Eq eq) {
  if (a.has_value() != b.has_value()) return false;
  return !a || eq(*a, *b);
}

// Every field of Event; returns the first difference, or "" when identical.
std::string Difference(const Event& a, const Event& b) {
  if (a.kind != b.kind) return "kind";
  if (a.model != b.model) return "model";
  if (a.model_version != b.model_version) return "model_version";
  if (a.id != b.id) return "id";
  if (a.ts != b.ts) return "ts";
  if (a.features.size() != b.features.size()) return "features.size";
  for (std::size_t i = 0; i < a.features.size(); ++i) {
    if (a.features[i].name != b.features[i].name) return "features name " + a.features[i].name;
    if (!SameValue(a.features[i].value, b.features[i].value)) {
      return "features." + a.features[i].name + ": " + Describe(a.features[i].value) + " vs " +
             Describe(b.features[i].value);
    }
  }
  if (!SameOptional(a.prediction, b.prediction, SameValue)) return "prediction";
  if (!SameOptional(a.score, b.score, SameBits)) return "score";
  if (!SameOptional(a.latency_ms, b.latency_ms, SameBits)) return "latency_ms";
  if (!SameOptional(a.label, b.label, SameValue)) return "label";
  if (a.trained_at != b.trained_at) return "trained_at";
  if (a.deployed_at != b.deployed_at) return "deployed_at";
  if (a.dependencies != b.dependencies) return "dependencies";
  return "";
}

class DifferentialTest : public ::testing::Test {
 protected:
  // Decodes text with both decoders and checks identical outcomes. Returns
  // true when accepted.
  bool Check(const std::string& text, std::string_view topic = "",
             std::optional<Timestamp> broker = std::nullopt) {
    SourceMessage message;
    message.payload = text;
    message.size = text.size();
    message.topic = topic;
    message.timestamp = broker;
    const std::uint64_t fast_before = fast_.fast_path_decodes();
    const std::optional<DecodeError> fast = fast_.Decode(message, kIngest, &fast_event_);
    const std::optional<DecodeError> dom = dom_.Decode(message, kIngest, &dom_event_);
    Event fresh;
    const std::optional<DecodeError> dom_fresh = dom_fresh_.Decode(message, kIngest, &fresh);
    if (fast_.fast_path_decodes() != fast_before) ++fast_handled_;
    EXPECT_EQ(dom_.fast_path_decodes(), 0u);
    EXPECT_EQ(fast.has_value(), dom.has_value()) << text;
    EXPECT_EQ(dom.has_value(), dom_fresh.has_value()) << text;
    if (fast.has_value() != dom.has_value()) return false;
    if (fast) {
      EXPECT_EQ(RejectReasonName(fast->reason), std::string(RejectReasonName(dom->reason)))
          << text;
      EXPECT_EQ(fast->detail, dom->detail) << text;
      return false;
    }
    EXPECT_EQ(Difference(fast_event_, dom_event_), "") << text;
    EXPECT_EQ(Difference(fast_event_, fresh), "") << text;
    return true;
  }

  config::Config config_ = testing::MakeConfig();
  Decoder fast_{config_, DecoderOptions{.fast_path = true}};
  Decoder dom_{config_, DecoderOptions{.fast_path = false}};
  Decoder dom_fresh_{config_, DecoderOptions{.fast_path = false}};
  Event fast_event_;
  Event dom_event_;
  int fast_handled_ = 0;
};

// The common event (the benchmark's shape) must take the fast path, or the
// whole mechanism could silently always decline.
TEST_F(DifferentialTest, CommonEventTakesTheFastPath) {
  const std::string common =
      R"({"kind":"prediction","model":"fraud","model_version":"v1","id":"fraud-7",)"
      R"("ts":"2026-01-01T00:00:00.700Z","features":{"num_0":0.4967141530112327,)"
      R"("num_1":-0.13826430117118466,"num_2":12,"cat_0":"a","cat_1":"b"},)"
      R"("prediction":0.25,"latency_ms":4.5})";
  EXPECT_TRUE(Check(common));
  EXPECT_TRUE(Check(common));
  EXPECT_EQ(fast_handled_, 2);
  EXPECT_EQ(fast_.fast_path_decodes(), 2u);
  EXPECT_EQ(fast_event_.features.size(), 5u);
  EXPECT_EQ(fast_event_.id, "fraud-7");
}

// simdjson reads the integer -0 as int64 0 (so +0.0), the decimal -0.0 as
// -0.0; the fast path handles both and must agree bit for bit.
TEST_F(DifferentialTest, NegativeZeroFormsTakeTheFastPathAndAgree) {
  EXPECT_TRUE(Check(R"({"model":"fraud","features":{"a":-0,"b":-0.0}})"));
  EXPECT_EQ(fast_handled_, 1);
  ASSERT_EQ(fast_event_.features.size(), 2u);
  EXPECT_EQ(std::bit_cast<std::uint64_t>(std::get<double>(fast_event_.features[0].value)),
            std::bit_cast<std::uint64_t>(0.0));
  EXPECT_EQ(std::bit_cast<std::uint64_t>(std::get<double>(fast_event_.features[1].value)),
            std::bit_cast<std::uint64_t>(-0.0));
}

TEST_F(DifferentialTest, MalformedCasesGiveTheSameReasons) {
  for (const testing::RejectCase& c : testing::RejectCases()) {
    const std::string_view topic = c.name == "unknown topic" ? "ml.other" : "";
    EXPECT_FALSE(Check(c.input, topic)) << c.name;
  }
  // Between them, clean events (so that reused Events hold something).
  for (const testing::RejectCase& c : testing::RejectCases()) {
    EXPECT_TRUE(Check(R"({"model":"fraud","id":"x","features":{"a":1,"b":"c"},"label":2})"));
    Check(c.input);
  }
  EXPECT_GT(fast_handled_, 0);
}

TEST_F(DifferentialTest, FuzzCorpusDecodesIdentically) {
  std::mt19937_64 rng(20261127);  // the seed of decoder_fuzz_test.cc
  constexpr int kCases = 20000;
  int accepted = 0;
  for (int i = 0; i < kCases; ++i) {
    const std::string text = testing::MutatedCase(rng, i);
    accepted += Check(text) ? 1 : 0;
    accepted += Check(text, "ml.churn", kBroker) ? 1 : 0;
    if (HasFailure()) break;
  }
  // Both outcomes are exercised, and the fast path handles part of it.
  EXPECT_GT(accepted, 200);
  EXPECT_GT(fast_handled_, 100);
}

TEST_F(DifferentialTest, GeneratedTrafficDecodesIdenticallyOnTheFastPath) {
  TrafficOptions demo;  // demo features, labels and a model event
  demo.model = "fraud";
  demo.events = 500;
  TrafficOptions bench;  // the benchmark shape
  bench.model = "churn";
  bench.events = 500;
  bench.benchmark_shape = true;
  bench.numeric = 16;
  bench.categorical = 4;
  bench.label_share = 0.2;
  int lines = 0;
  for (const TrafficOptions& options : {demo, bench}) {
    TrafficGenerator generator(options);
    std::string line;
    while (generator.Next(&line)) {
      if (!line.empty() && line.back() == '\n') line.pop_back();
      EXPECT_TRUE(Check(line)) << line;
      ++lines;
      line.clear();
    }
  }
  // Everything but the two model events is of the fast path's shape.
  EXPECT_EQ(fast_handled_, lines - 2);
}

TEST_F(DifferentialTest, HandWrittenEdgeCases) {
  const std::vector<std::string> numbers = {
      "0", "-0", "-0.0", "0.0", "1", "-1", "12", "1.5", "-1.5e3", "1E5", "1e+5", "1e-5",
      "0e0", "0.1", "0.30000000000000004", "123456789012345678", "-123456789012345678",
      "1234567890123456789", "9223372036854775807", "9223372036854775808",
      "-9223372036854775808", "-9223372036854775809", "18446744073709551615",
      "18446744073709551616", "9007199254740993", "1e400", "-1e400", "1e-400",
      "4.9e-324", "2.2250738585072011e-308", "1.7976931348623157e308",
      "1.7976931348623159e308", "0.1234567890123456789012345678901234567890",
      "01", "1.", ".5", "+1", "-", "1.5e", "1e+", "--1", "0x10", "1_0", "NaN", "Infinity",
      "-Infinity", "1.0e-0", "100000000000000000000000000000000000000000000000000000000000000000001",
      "true", "false", "null", "tru", "nul", "truex"};
  std::vector<std::string> inputs;
  for (const std::string& n : numbers) {
    inputs.push_back(R"({"model":"fraud","features":{"x":)" + n + R"(,"y":1}})");
    inputs.push_back(R"({"model":"fraud","prediction":)" + n + "}");
    inputs.push_back(R"({"model":"fraud","prediction":{"score":)" + n + "}}");
    inputs.push_back(R"({"model":"fraud","latency_ms":)" + n + "}");
    inputs.push_back(R"({"model":"fraud","ts":)" + n + "}");
    inputs.push_back(R"({"model":"fraud","id":)" + n + "}");
    inputs.push_back(R"({"model":"fraud","unknown":)" + n + "}");
    inputs.push_back(R"({"model":"fraud","kind":"label","id":"i","label":)" + n + "}");
  }
  const std::vector<std::string> more = {
      "{}", " { } ", "\t{\"model\":\"fraud\"}\r\n", "{\"model\":\"fraud\"} x",
      "{\"model\":\"fraud\"}}", "{\"model\":\"fraud\",}", "{\"model\" \"fraud\"}",
      "{\"model\":\"fraud\" , \"id\" : \"a\" }", "[1]", "\"x\"", "5", "", "   ",
      R"({"model":"churn","features":{}})", R"({"model":"churn","features":null})",
      R"({"model":"churn","features":[]})", R"({"model":"churn","features":5})",
      R"({"model":"churn","features":{"a":{"b":1}}})", R"({"model":"churn","features":{"a":[1]}})",
      R"({"model":"churn","features":{"a":1,"a":2}})", R"({"model":"churn","features":{"a":1},"features":{"b":1}})",
      R"({"model":"churn","model":"fraud"})", R"({"model":"churn","x":1,"x":2})",
      R"({"model":"churn","x":{"y":1}})", R"({"model":"churn","x":[1,2]})",
      R"({"model":"churn","features":{"a\u0041":1}})", R"({"model":"churn","features":{"a":"b\"c"}})",
      "{\"model\":\"churn\",\"features\":{\"a\":\"tab\there\"}}",
      "{\"model\":\"churn\",\"features\":{\"caf\xc3\xa9\":\"\xe2\x82\xac\"}}",
      "{\"model\":\"churn\",\"features\":{\"a\":\"\xc3\"}}",
      "{\"model\":\"churn\",\"features\":{\"a\":\"\xed\xa0\x80\"}}",
      "{\"model\":\"churn\",\"features\":{\"a\":\"\xff\"}}",
      std::string("{\"model\":\"churn\",\"id\":\"a\0b\"}", 27),
      "{\"model\":\"churn\",\"id\":\"\x7f\"}",
      R"({"model":"churn","prediction":{"label":"yes","score":0.7}})",
      R"({"model":"churn","prediction":{"label":"yes"}})",
      R"({"model":"churn","prediction":{"score":0.7}})",
      R"({"model":"churn","prediction":{"score":"0.7"}})",
      R"({"model":"churn","prediction":{"label":null,"score":null}})",
      R"({"model":"churn","prediction":{"label":null,"score":3}})",
      R"({"model":"churn","prediction":{}})",
      R"({"model":"churn","prediction":{"other":1,"label":true}})",
      R"({"model":"churn","prediction":{"label":1,"label":2}})",
      R"({"model":"churn","prediction":{"label":[1]}})",
      R"({"model":"churn","prediction":{"label":{"a":1}}})",
      R"({"model":"churn","prediction":[1]})", R"({"model":"churn","prediction":"cat"})",
      R"({"model":"churn","prediction":false})", R"({"model":"churn","prediction":null})",
      R"({"model":"churn","label":null})", R"({"model":"churn","label":{"a":1}})",
      R"({"model":"churn","kind":"label","id":"a"})", R"({"model":"churn","kind":"label","label":1})",
      R"({"model":"churn","kind":"label","id":"","label":1})",
      R"({"model":"churn","kind":"input"})", R"({"model":"churn","kind":"model"})",
      R"({"model":"churn","kind":"bogus"})", R"({"model":"churn","kind":1})",
      R"({"model":"churn","kind":null})", R"({"model":1})", R"({"model":null})",
      R"({"model":"nope"})", R"({"model":""})", R"({"id":"topic mapped"})",
      R"({"model":"churn","model_version":"v2"})", R"({"model":"churn","model_version":2})",
      R"({"model":"churn","id":true})", R"({"model":"churn","id":"x","id":"y"})",
      R"({"model":"churn","ts":"2026-11-27T01:02:03Z"})",
      R"({"model":"churn","ts":"2026-11-27T01:02:03.123456789+05:30"})",
      R"({"model":"churn","ts":"2026-02-30T01:02:03Z"})", R"({"model":"churn","ts":"1969-12-31T23:59:59Z"})",
      R"({"model":"churn","ts":"2262-04-11T23:47:17Z"})", R"({"model":"churn","ts":true})",
      R"({"model":"churn","ts":9223372036})", R"({"model":"churn","ts":9223372037})",
      R"({"model":"churn","ts":1795741323.123456789})", R"({"model":"churn","ts":-1})",
      R"({"model":"churn","latency_ms":"5"})", R"({"model":"churn","latency_ms":-0.0})",
      R"({"model":"churn","latency_ms":-0.5})",
      R"({"kind":"model","model":"fraud","trained_at":"2026-11-20T00:00:00Z"})",
      R"({"kind":"model","model":"fraud","dependencies":{"a":"1"}})",
      R"({"model":"custom","meta":{"type":"input"},"inputs":{"x":1}})",
      R"({"model":"custom","features":{"x":1}})",
  };
  inputs.insert(inputs.end(), more.begin(), more.end());
  int accepted = 0;
  for (const std::string& text : inputs) {
    accepted += Check(text) ? 1 : 0;
    accepted += Check(text, "ml.churn", kBroker) ? 1 : 0;
  }
  EXPECT_GT(accepted, 100);
  EXPECT_GT(fast_handled_, 100);
}

// The fast path predicts each message's keys from the last one (top-level
// keys by position, feature names in order) and compares bytes instead of
// scanning. Every way a message can differ from the prediction must decode
// exactly as the DOM decoder does: names that extend or shorten the
// predicted one, spaces around the colon, another order, repeats in a
// predicted position, non-ASCII and escaped names, and a payload ending
// inside a predicted name.
TEST_F(DifferentialTest, KeysDifferingFromThePredictedOnesDecodeIdentically) {
  const std::string head =
      R"({"kind":"prediction","model":"churn","model_version":"v1","id":"e-1",)"
      R"("ts":"2026-01-01T00:00:00.100Z",)";
  const std::string tail = R"(,"prediction":0.5,"latency_ms":3.25})";
  auto event = [&](const std::string& features) {
    return head + R"("features":{)" + features + "}" + tail;
  };
  const std::vector<std::string> sequence = {
      event(R"("num_1":1.5,"num_2":-2.25,"cat_0":"c0")"),
      event(R"("num_1":1.5,"num_2":-2.25,"cat_0":"c0")"),
      event(R"("num_10":1.5,"num_2":-2.25,"cat_0":"c0")"),   // longer name
      event(R"("num_1":1.5,"num_2":-2.25,"cat_0":"c0")"),
      event(R"("num_":1.5,"num_2":-2.25,"cat_0":"c0")"),     // shorter name
      event(R"("num_1" :1.5,"num_2": -2.25,"cat_0" : "c0")"),  // spaces
      event(R"("num_1":1.5, "num_2":-2.25 ,"cat_0":"c0" )"),
      event(R"("num_2":1.5,"num_1":-2.25,"cat_0":"c0")"),    // order
      event(R"("num_1":1.5,"num_1":-2.25,"cat_0":"c0")"),    // repeat
      event(R"("num_1":1.5,"num_2":-2.25,"num_2":"c0")"),
      event(R"("num_1":1.5,"num_2":-2.25,"cat_0":"c0","num_1":4)"),
      event(R"("num_1":1.5,"num_2":-2.25)"),                 // fewer
      event(R"("num_1":1.5,"num_2":-2.25,"cat_0":"c0","cat_1":"c1")"),  // more
      event(R"("num_1":1.5,"num_2":-2.25,"cat_0":"c0","cat_1":"c1")"),
      event("\"n\xc3\xbcm\":1.5,\"num_2\":-2.25"),           // non-ASCII name
      event("\"n\xc3\xbcm\":1.5,\"num_2\":-2.25"),
      event("\"n\xc3\":1.5,\"num_2\":-2.25"),                // invalid UTF-8
      event(R"("num_1":1.5,"num_2":-2.25)"),
      event(R"("num\u005f1":1.5,"num_2":-2.25)"),            // escaped name
      event(R"("num_1":1.5,"num_2":-2.25)"),
      event(R"("num_1":1.5,"num_2":-2.25,"":1)"),            // empty name
      event(R"("num_1":1.5,"num_2":-2.25,"":1)"),
      event(R"("num_1":1.5,"num_2\":-2.25)"),
      // Top level: another order, a repeat in a predicted position, an
      // unknown key where a known one was, a key extending a known one.
      R"({"model":"churn","kind":"prediction","id":"e-2","features":{"num_1":1,"num_2":2}})",
      R"({"model":"churn","kind":"prediction","id":"e-2","features":{"num_1":1,"num_2":2}})",
      R"({"model":"churn","model":"churn","id":"e-2","features":{"num_1":1,"num_2":2}})",
      R"({"model":"churn","kinds":"prediction","id":"e-2","features":{"num_1":1,"num_2":2}})",
      R"({"model":"churn","kind":"input","idx":"e-2","id":"e-3","features":{"num_1":1}})",
      R"({"model":"churn","kind":"input","idx":"e-2","idx":"e-3","features":{"num_1":1}})",
      R"({"model":"churn","kind" : "input","id":"e-2","features":{"num_1":1}})",
      R"({"model":"churn","kind":"input","id":"e-2","features":{"num_1":1},)"
      R"("ts":"2026-01-01T00:00:01Z"})",
  };
  int accepted = 0;
  for (int round = 0; round < 2; ++round) {
    for (const std::string& text : sequence) accepted += Check(text) ? 1 : 0;
  }
  // Payloads cut inside or right after a predicted name (the prediction
  // must not read past the end).
  const std::string full = event(R"("num_1":1.5,"num_2":-2.25,"cat_0":"c0")");
  for (std::size_t cut = 1; cut <= full.size(); ++cut) {
    Check(full);
    accepted += Check(full.substr(0, cut)) ? 1 : 0;
  }
  EXPECT_GT(accepted, 2 * 20);
  EXPECT_GT(fast_handled_, 2 * 15);
}

// Short plain decimals ("D.F" ending within 8 bytes) are read with one
// conversion; every spelling must give the bits of std::from_chars (the
// correctly rounded value) and of the DOM decoder, and every near miss
// (leading zeros, a missing digit, an exponent, a second point) the DOM
// decoder's outcome.
TEST_F(DifferentialTest, ShortDecimalsMatchFromCharsBitForBit) {
  std::mt19937_64 rng(8);
  const std::vector<std::string> after = {",\"z\":1}}", "}}", " ,\"z\":1}}", "e1,\"z\":1}}",
                                          "E-2}}", ".5}}", "x}}", "0}}"};
  int checked = 0;
  for (int int_digits = 1; int_digits <= 7; ++int_digits) {
    for (int fraction_digits = 0; fraction_digits <= 7; ++fraction_digits) {
      for (int trial = 0; trial < 12; ++trial) {
        std::string number = trial % 3 == 0 ? "-" : "";
        for (int i = 0; i < int_digits; ++i) {
          // Leading zeros now and then (invalid JSON past one digit).
          const bool nonzero = i == 0 && trial % 4 != 1;
          number += static_cast<char>('0' + (nonzero ? 1 + rng() % 9 : rng() % 10));
        }
        if (fraction_digits > 0 || trial % 5 == 0) number += '.';
        for (int i = 0; i < fraction_digits; ++i) number += static_cast<char>('0' + rng() % 10);
        for (const std::string& rest : after) {
          const std::string prefix = R"({"model":"churn","features":{"x":)";
          const std::string text = prefix + number + rest;
          if (Check(text)) {
            // The accepted number is the longest numeric prefix there, which
            // from_chars reads too (exponents and appended digits included).
            double expected = 0;
            const auto result =
                std::from_chars(text.data() + prefix.size(), text.data() + text.size(), expected);
            ASSERT_EQ(result.ec, std::errc()) << text;
            const double got = std::get<double>(fast_event_.features[0].value);
            EXPECT_TRUE(SameBits(got, expected)) << text;
            ++checked;
          }
          if (HasFailure()) return;
        }
      }
    }
  }
  EXPECT_GT(checked, 1000);
  EXPECT_GT(fast_handled_, 1000);
}

// A reused Event after a fast decode of a full event, then minimal events
// (fast and DOM paths alternating) keeps no stale field.
TEST_F(DifferentialTest, ReusedEventKeepsNoStaleFields) {
  const std::vector<std::string> sequence = {
      R"({"kind":"label","model":"fraud","model_version":"v","id":"a","ts":1,"features":{"a":1,"b":"x"},"prediction":{"label":"y","score":0.5},"latency_ms":3,"label":"z"})",
      R"({"model":"fraud"})",
      R"({"kind":"model","model":"fraud","trained_at":"2026-11-20T00:00:00Z","deployed_at":5,"dependencies":{"a":"1"},"features":{"q":2}})",
      R"({"model":"fraud","features":{"b":"x","a":1}})",
      R"({"model":"fraud","id":7,"features":{"a":"\u0041"}})",
      R"({"model":"fraud","features":{"a":null}})",
      R"({"model":"churn","features":{"a":1,"b":2,"c":3}})",
      R"({"model":"churn","features":{"a":1,"b":2,"a":3}})",
      R"({"model":"churn","features":{"a":1,"b":2,"c":3}})",
  };
  for (int round = 0; round < 3; ++round) {
    for (const std::string& text : sequence) Check(text, "", round == 1 ? std::optional(kBroker) : std::nullopt);
  }
  EXPECT_GT(fast_handled_, 6);
}

}  // namespace
}  // namespace driftd::collectors
