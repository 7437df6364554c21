// The malformed-input cases of the decoder tests, each with the reason the
// decoder must give; shared by decoder_test.cc and the fast/DOM differential
// test.
#ifndef DRIFTD_COLLECTORS_TESTS_DECODER_REJECT_CASES_H_
#define DRIFTD_COLLECTORS_TESTS_DECODER_REJECT_CASES_H_

#include <string>
#include <vector>

#include "collectors/decoder.h"
#include "collectors/tests/decoder_test_util.h"

namespace driftd::collectors::testing {

// An event whose "extra" value nests `levels` containers deep in all.
inline std::string Nested(int levels) {
  std::string text = R"({"model":"fraud","extra":{"deep":)";
  // The event object and "extra" are two levels already.
  for (int i = 2; i < levels; ++i) text += "[";
  text += "1";
  for (int i = 2; i < levels; ++i) text += "]";
  return text + "}}";
}

inline std::string ManyFeatures(int count, bool duplicate_last) {
  std::string text = R"({"model":"fraud","features":{)";
  for (int i = 0; i < count; ++i) {
    if (i > 0) text += ",";
    const int name = (duplicate_last && i == count - 1) ? 3 : i;
    text += "\"f" + std::to_string(name) + "\":" + std::to_string(i);
  }
  return text + "}}";
}

struct RejectCase {
  std::string name;
  std::string input;
  RejectReason reason;
};

inline std::vector<RejectCase> RejectCases() {
  using R = RejectReason;
  return {
      {"empty input", "", R::kEmpty},
      {"whitespace only", " \t\r\n  ", R::kEmpty},
      {"truncated object", R"({"model":"fraud")", R::kInvalidJson},
      {"truncated string", R"({"model":"fra)", R::kInvalidJson},
      {"truncated features", R"({"model":"fraud","features":{"a":1})", R::kInvalidJson},
      {"trailing garbage", R"({"model":"fraud"} x)", R::kInvalidJson},
      {"two objects", R"({"model":"fraud"}{"model":"fraud"})", R::kInvalidJson},
      {"NaN literal", R"({"model":"fraud","prediction":NaN})", R::kInvalidJson},
      {"Infinity literal", R"({"model":"fraud","features":{"a":Infinity}})", R::kInvalidJson},
      {"-Infinity literal", R"({"model":"fraud","features":{"a":-Infinity}})", R::kInvalidJson},
      {"number beyond double", R"({"model":"fraud","prediction":1e400})", R::kInvalidJson},
      {"integer beyond 64 bits",
       R"({"model":"fraud","features":{"a":123456789012345678901234567890}})", R::kInvalidJson},
      {"leading zero number", R"({"model":"fraud","prediction":01})", R::kInvalidJson},
      {"single quotes", "{'model':'fraud'}", R::kInvalidJson},
      {"trailing comma", R"({"model":"fraud",})", R::kInvalidJson},
      {"bare word", R"({"model":fraud})", R::kInvalidJson},
      {"lone surrogate escape", R"({"model":"fraud","id":"\ud800"})", R::kInvalidJson},
      {"unescaped control char", "{\"model\":\"fraud\",\"id\":\"a\x01\"}", R::kInvalidJson},
      {"invalid byte 0xff", "{\"model\":\"fraud\",\"id\":\"\xff\"}", R::kInvalidUtf8},
      {"bad continuation", "{\"model\":\"fraud\",\"id\":\"\xc3\x28\"}", R::kInvalidUtf8},
      {"overlong encoding", "{\"model\":\"fraud\",\"id\":\"\xc0\xaf\"}", R::kInvalidUtf8},
      {"encoded surrogate", "{\"model\":\"fraud\",\"id\":\"\xed\xa0\x80\"}", R::kInvalidUtf8},
      {"truncated sequence", "{\"model\":\"fraud\",\"id\":\"\xe2\x82\"}", R::kInvalidUtf8},
      {"nesting 65 levels", Nested(65), R::kTooDeep},
      {"nesting 1000 levels", std::string(1000, '[') + std::string(1000, ']'), R::kTooDeep},
      {"top-level array", R"([{"model":"fraud"}])", R::kNotAnObject},
      {"top-level string", R"("fraud")", R::kNotAnObject},
      {"top-level number", "42", R::kNotAnObject},
      {"top-level null", "null", R::kNotAnObject},
      {"duplicate top-level key", R"({"model":"fraud","ts":1,"ts":2})", R::kDuplicateKey},
      {"duplicate unknown key", R"({"model":"fraud","x":1,"y":2,"x":3})", R::kDuplicateKey},
      {"duplicate model key", R"({"model":"fraud","model":"churn"})", R::kDuplicateKey},
      {"duplicate feature",
       R"({"model":"fraud","features":{"a":1,"b":2,"a":3}})", R::kDuplicateKey},
      {"duplicate among many features", ManyFeatures(40, true), R::kDuplicateKey},
      {"duplicate dependency",
       R"({"kind":"model","model":"fraud","dependencies":{"x":"1","x":"2"}})", R::kDuplicateKey},
      {"unknown kind", R"({"kind":"predict","model":"fraud"})", R::kBadKind},
      {"numeric kind", R"({"kind":1,"model":"fraud"})", R::kBadKind},
      {"kind case", R"({"kind":"Label","model":"fraud"})", R::kBadKind},
      {"no model", R"({"prediction":0.5})", R::kMissingModel},
      {"unknown topic", R"({"prediction":0.5})", R::kMissingModel},
      {"unknown model", R"({"model":"nope"})", R::kUnknownModel},
      {"empty model name", R"({"model":""})", R::kUnknownModel},
      {"numeric model", R"({"model":7})", R::kBadField},
      {"ts words", R"({"model":"fraud","ts":"yesterday"})", R::kBadTimestamp},
      {"ts without zone", R"({"model":"fraud","ts":"2026-11-27T01:02:03"})", R::kBadTimestamp},
      {"ts impossible date", R"({"model":"fraud","ts":"2026-02-30T00:00:00Z"})", R::kBadTimestamp},
      {"ts year 9999", R"({"model":"fraud","ts":"9999-12-31T23:59:59Z"})", R::kBadTimestamp},
      {"ts negative", R"({"model":"fraud","ts":-5})", R::kBadTimestamp},
      {"ts negative fraction", R"({"model":"fraud","ts":-0.5})", R::kBadTimestamp},
      {"ts too far", R"({"model":"fraud","ts":1e12})", R::kBadTimestamp},
      {"ts uint64", R"({"model":"fraud","ts":18446744073709551615})", R::kBadTimestamp},
      {"ts bool", R"({"model":"fraud","ts":true})", R::kBadTimestamp},
      {"ts object", R"({"model":"fraud","ts":{}})", R::kBadTimestamp},
      {"features array", R"({"model":"fraud","features":[1,2]})", R::kBadFeatures},
      {"features string", R"({"model":"fraud","features":"a=1"})", R::kBadFeatures},
      {"features number", R"({"model":"fraud","features":3})", R::kBadFeatures},
      {"feature array value", R"({"model":"fraud","features":{"a":[1]}})", R::kBadFeatureValue},
      {"feature object value",
       R"({"model":"fraud","features":{"a":{"b":1}}})", R::kBadFeatureValue},
      {"prediction array", R"({"model":"fraud","prediction":[0.5]})", R::kBadPrediction},
      {"prediction empty object", R"({"model":"fraud","prediction":{}})", R::kBadPrediction},
      {"prediction string score",
       R"({"model":"fraud","prediction":{"score":"high"}})", R::kBadPrediction},
      {"prediction array label",
       R"({"model":"fraud","prediction":{"label":[1],"score":0.5}})", R::kBadPrediction},
      {"latency negative", R"({"model":"fraud","latency_ms":-1})", R::kBadLatency},
      {"latency string", R"({"model":"fraud","latency_ms":"12"})", R::kBadLatency},
      {"latency bool", R"({"model":"fraud","latency_ms":true})", R::kBadLatency},
      {"label object", R"({"model":"fraud","id":"a","kind":"label","label":{}})", R::kBadLabel},
      {"label array", R"({"model":"fraud","label":[1]})", R::kBadLabel},
      {"label event without id", R"({"kind":"label","model":"fraud","label":1})", R::kMissingId},
      {"label event with null id",
       R"({"kind":"label","model":"fraud","id":null,"label":1})", R::kMissingId},
      {"label event without label", R"({"kind":"label","model":"fraud","id":"r1"})", R::kBadLabel},
      {"id bool", R"({"model":"fraud","id":true})", R::kBadField},
      {"id object", R"({"model":"fraud","id":{"x":1}})", R::kBadField},
      {"model_version number", R"({"model":"fraud","model_version":42})", R::kBadField},
      {"model_version array", R"({"model":"fraud","model_version":["v1"]})", R::kBadField},
      {"dependencies array",
       R"({"kind":"model","model":"fraud","dependencies":["a"]})", R::kBadField},
      {"dependency bool",
       R"({"kind":"model","model":"fraud","dependencies":{"a":true}})", R::kBadField},
      {"dependency null",
       R"({"kind":"model","model":"fraud","dependencies":{"a":null}})", R::kBadField},
      {"trained_at words",
       R"({"kind":"model","model":"fraud","trained_at":"soon"})", R::kBadTimestamp},
      {"deployed_at negative",
       R"({"kind":"model","model":"fraud","deployed_at":-1})", R::kBadTimestamp},
      {"custom features not object", R"({"model":"custom","inputs":[1]})", R::kBadFeatures},
      {"custom kind wrong", R"({"model":"custom","meta":{"type":"x"}})", R::kBadKind},
      {"oversize",
       R"({"model":"fraud","id":")" + std::string(kTestMaxEventBytes, 'x') + "\"}",
       R::kTooLarge},
      {"oversize garbage", std::string(kTestMaxEventBytes + 1, '{'), R::kTooLarge},
  };
}

}  // namespace driftd::collectors::testing

#endif  // DRIFTD_COLLECTORS_TESTS_DECODER_REJECT_CASES_H_
