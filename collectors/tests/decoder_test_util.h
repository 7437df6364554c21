// Configs and helpers shared by the decoder tests.
#ifndef DRIFTD_COLLECTORS_TESTS_DECODER_TEST_UTIL_H_
#define DRIFTD_COLLECTORS_TESTS_DECODER_TEST_UTIL_H_

#include <string>

#include "config/config.h"

namespace driftd::collectors::testing {

inline constexpr std::uint64_t kTestMaxEventBytes = 4096;

// Models "fraud" and "churn" use the default field map; "custom" locates its
// fields elsewhere:
//   {"model": "custom", "meta": {"type": ..., "time": ..., "request/id": ...,
//    "v": ...}, "inputs": {...}, "output": {"score": ...}, "timing": [ms],
//    "truth": ...}
// Topic "ml.churn" maps to churn. with_default adds "*" -> fraud.
inline config::Config MakeConfig(bool with_default = false) {
  config::Config config;
  config.daemon.max_event_bytes = kTestMaxEventBytes;
  config::ModelConfig fraud;
  fraud.name = "fraud";
  config::ModelConfig churn;
  churn.name = "churn";
  config::ModelConfig custom;
  custom.name = "custom";
  custom.fields.kind = "/meta/type";
  custom.fields.ts = "/meta/time";
  custom.fields.id = "/meta/request~1id";
  custom.fields.model_version = "/meta/v";
  custom.fields.features = "/inputs";
  custom.fields.prediction = "/output/score";
  custom.fields.latency_ms = "/timing/0";
  custom.fields.label = "/truth";
  config.models = {fraud, churn, custom};
  config.source.topic_models["ml.churn"] = "churn";
  if (with_default) config.source.topic_models["*"] = "fraud";
  return config;
}

}  // namespace driftd::collectors::testing

#endif  // DRIFTD_COLLECTORS_TESTS_DECODER_TEST_UTIL_H_
