// LabelJoin: joins delayed labels to their predictions by event `id` with
// bounded memory (M7).
//
// A prediction with an id waits in the pending set until its label arrives
// or it is older than `label_timeout` (counted as expired: its label never
// came). A label whose prediction has not arrived yet (an "early" label, e.g.
// from a faster topic) waits the same way on the other side and is joined
// when the prediction comes; if it never does it is counted as orphaned.
// Ids joined within the timeout are remembered so that a second label for
// the same id is counted as a duplicate and not joined twice; a second
// prediction for a pending id replaces the first (counted).
//
// Memory: each of the three sets holds at most `max_pending` ids; beyond
// that the oldest entry is evicted (and counted). Expiry compares an entry's
// event time with `now - label_timeout`, where now is the newest event time
// (Observe) or the evaluation time (Expire), so it runs without traffic.
//
// Thread-safety: none; one owner.
#ifndef DRIFTD_DETECTORS_MONITORS_LABEL_JOIN_H_
#define DRIFTD_DETECTORS_MONITORS_LABEL_JOIN_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "detectors/event.h"
#include "detectors/time.h"

namespace driftd::detectors {

// What quality needs of a prediction.
struct JoinPrediction {
  std::optional<double> score;   // P(positive) or the regression output
  std::optional<int> predicted;  // 0/1 class, when known
  bool operator==(const JoinPrediction&) const = default;
};

struct JoinedPair {
  JoinPrediction prediction;
  Value label;
  Timestamp prediction_ts{};
  Timestamp label_ts{};
};

struct LabelJoinCounters {
  std::uint64_t joined = 0;
  std::uint64_t expired_predictions = 0;  // no label within label_timeout
  std::uint64_t evicted_predictions = 0;  // pending set full
  std::uint64_t early_labels = 0;         // label arrived before its prediction
  std::uint64_t orphaned_labels = 0;      // early label whose prediction never came
  std::uint64_t evicted_labels = 0;       // early-label set full
  std::uint64_t duplicate_labels = 0;     // second label for a joined id
  std::uint64_t duplicate_predictions = 0;
  std::uint64_t missing_id = 0;  // predictions or labels without id
  bool operator==(const LabelJoinCounters&) const = default;
};

class LabelJoin {
 public:
  // REQUIRES: max_pending >= 1.
  LabelJoin(Duration label_timeout, std::uint64_t max_pending);

  // The joined pair when an early label was waiting for this prediction.
  std::optional<JoinedPair> AddPrediction(std::string_view id, Timestamp ts,
                                          JoinPrediction prediction);
  // The joined pair when the prediction was pending.
  std::optional<JoinedPair> AddLabel(std::string_view id, Timestamp ts, const Value& label);
  // Expires entries with event time before now - label_timeout.
  void Expire(Timestamp now);

  const LabelJoinCounters& counters() const { return counters_; }
  std::uint64_t pending_predictions() const { return predictions_.size(); }
  std::uint64_t pending_labels() const { return labels_.size(); }

  void AppendTo(std::string* out) const;
  [[nodiscard]] bool ParseFrom(std::string_view* in);

  // An id-keyed set in arrival order with lazy deletion: the queue may hold
  // ids already taken (their sequence number no longer matches). Public so
  // that the .cc's helpers can name it; not part of the interface.
  template <typename V>
  struct FifoMap {
    struct Entry {
      Timestamp ts;
      std::uint64_t seq;
      V value;
    };
    std::unordered_map<std::string, Entry> map;
    std::deque<std::pair<std::string, std::uint64_t>> order;
    std::uint64_t next_seq = 0;
    std::size_t size() const { return map.size(); }
  };

 private:
  struct Nothing {};

  Duration timeout_;
  std::uint64_t max_pending_;
  FifoMap<JoinPrediction> predictions_;
  FifoMap<Value> labels_;
  FifoMap<Nothing> joined_;
  LabelJoinCounters counters_;
};

}  // namespace driftd::detectors

#endif  // DRIFTD_DETECTORS_MONITORS_LABEL_JOIN_H_
