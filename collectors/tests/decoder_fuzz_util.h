// Seeds and the mutation step of the decoder fuzz test; shared with the
// fast/DOM differential test so that both see the same corpus.
#ifndef DRIFTD_COLLECTORS_TESTS_DECODER_FUZZ_UTIL_H_
#define DRIFTD_COLLECTORS_TESTS_DECODER_FUZZ_UTIL_H_

#include <random>
#include <string>
#include <vector>

namespace driftd::collectors::testing {

// Valid events of every kind and field form.
inline std::vector<std::string> Seeds() {
  return {
      R"({"kind": "prediction", "model": "fraud", "model_version": "v42", "id": "req-7f3c",
          "ts": "2026-11-27T01:02:03.456Z", "features": {"amount": 42.5, "country": "DE", "age": null},
          "prediction": 0.93, "latency_ms": 12.4})",
      R"({"kind":"label","model":"fraud","id":"req-7f3c","ts":"2026-11-28T09:00:00+01:00","label":1})",
      R"({"kind":"model","model":"fraud","model_version":"v43","trained_at":"2026-11-20T00:00:00Z",
          "deployed_at":1795737600.5,"dependencies":{"feature_schema":"7","sklearn":"1.5.2"}})",
      R"({"model":"churn","ts":1795741323,"features":{"a":true,"b":"x\u00e9\"","c":-1e-5},
          "prediction":{"label":"yes","score":0.7}})",
      R"({"model":"custom","meta":{"type":"input","time":"2026-11-27T01:02:03Z","request/id":"r"},
          "inputs":{"x":[1],"y":{"z":null}},"output":{"score":1},"timing":[3]})",
  };
}

// One random edit: overwrite, insert, delete, truncate, or copy a span.
inline void Mutate(std::mt19937_64& rng, std::string* text) {
  static const char kInteresting[] = "{}[]\",:\\0123456789-+.eEtfnul \x00\xff\xc3\xed\x80";
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n)(rng); };
  auto byte = [&]() -> char {
    if (pick(1) == 0) return kInteresting[pick(sizeof kInteresting - 2)];
    return static_cast<char>(pick(255));
  };
  if (text->empty()) {
    text->push_back(byte());
    return;
  }
  const std::size_t at = pick(text->size() - 1);
  switch (pick(4)) {
    case 0: (*text)[at] = byte(); break;
    case 1: text->insert(at, 1, byte()); break;
    case 2: text->erase(at, 1 + pick(8)); break;
    case 3: text->resize(at); break;
    case 4: {
      const std::size_t from = pick(text->size() - 1);
      text->insert(at, text->substr(from, 1 + pick(16)));
      break;
    }
  }
}

// The fuzz corpus: case i is seed i mod 5 after 1..4 mutations drawn from
// rng (seeded 20261127 by the fuzz test).
inline std::string MutatedCase(std::mt19937_64& rng, int i) {
  const std::vector<std::string> seeds = Seeds();
  std::string text = seeds[static_cast<std::size_t>(i) % seeds.size()];
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits; ++e) Mutate(rng, &text);
  return text;
}

}  // namespace driftd::collectors::testing

#endif  // DRIFTD_COLLECTORS_TESTS_DECODER_FUZZ_UTIL_H_
