// Robustness: random byte-level mutations of valid events never crash the
// decoder and always end in an event or a named rejection.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "collectors/decoder.h"
#include "collectors/tests/decoder_fuzz_util.h"
#include "collectors/tests/decoder_test_util.h"

namespace driftd::collectors {
namespace {

using testing::Mutate;
using testing::Seeds;

TEST(DecoderFuzzTest, RandomMutationsYieldEventOrNamedReason) {
  const config::Config config = testing::MakeConfig();
  Decoder decoder(config);
  Event event;
  const std::vector<std::string> seeds = Seeds();
  std::mt19937_64 rng(20261127);
  constexpr int kCases = 20000;
  int accepted = 0;
  std::vector<int> by_reason(kRejectReasonCount, 0);
  for (int i = 0; i < kCases; ++i) {
    std::string text = seeds[static_cast<std::size_t>(i) % seeds.size()];
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) Mutate(rng, &text);
    SourceMessage message;
    message.payload = text;
    message.size = text.size();
    std::optional<DecodeError> error =
        decoder.Decode(message, Timestamp(std::chrono::seconds(1'900'000'000)), &event);
    if (!error) {
      ++accepted;
      ASSERT_NE(config.FindModel(event.model), nullptr) << text;
      continue;
    }
    const int reason = static_cast<int>(error->reason);
    ASSERT_GE(reason, 0) << text;
    ASSERT_LT(reason, kRejectReasonCount) << text;
    ASSERT_STRNE(RejectReasonName(error->reason), "unknown") << text;
    ++by_reason[static_cast<std::size_t>(reason)];
  }
  // The mutations must exercise both outcomes and several reasons, or the
  // test checks nothing.
  EXPECT_GT(accepted, 100);
  int reasons_seen = 0;
  for (int count : by_reason) reasons_seen += count > 0 ? 1 : 0;
  EXPECT_GE(reasons_seen, 6);
  // A decoder that has seen garbage still decodes a clean event.
  SourceMessage message;
  message.payload = seeds[0];
  message.size = seeds[0].size();
  ASSERT_FALSE(decoder.Decode(message, Timestamp(), &event).has_value());
  EXPECT_EQ(event.id, "req-7f3c");
}

}  // namespace
}  // namespace driftd::collectors
