// Deterministic example traffic of one model: the events behind
// `driftd generate`, as JSON lines in the event contract of DESIGN.md
// section 4. Pure computation: no clock, no I/O; the caller decides where the
// lines go and how fast (daemon/generate.h).
//
// The traffic:
//  * optionally one model event first (model_version, trained_at = start - 7d,
//    deployed_at = start - 1d, dependencies), stamped with the start time;
//  * predictions n = 0, 1, ... at event time start + n * interval, with id
//    "<model>-<id_offset + n>", a features object, a score in [0, 1] and a
//    latency in milliseconds;
//  * for a share of the predictions, a label event (0/1) label_delay later.
// Lines come out in event-time order: a label is written before the first
// prediction whose time is not earlier than the label's; after the last
// prediction the outstanding labels follow.
//
// Features. The default shape is the demo model's:
//   amount          numeric, lognormal (median ~33), rounded to cents
//   age             numeric, normal(41, 12) clipped to [18, 95], integer
//   tenure_days     numeric, lognormal (median ~245 days), integer
//   score_external  numeric, normal(0.5, 0.15) clipped to [0, 1]
//   country         categorical, DE FR US GB ES IT NL PL
//   device          categorical, ios android web
// The benchmark shape (numeric N, categorical M) has num_0..num_{N-1}, each
// normal with mean 10*(i mod 5) and sd 1 + (i mod 3), and cat_0..cat_{M-1}
// with 3 + (j mod 6) categories "c0", "c1", ... of Zipf-like frequencies.
//
// Every numeric feature is a transform of a standard normal draw z. The
// prediction is the logistic function of a linear score in those z values and
// of per-category effects; the label is 1 with the prediction's probability,
// so the score is calibrated; on the demo shape its AUC is about 0.80 and its
// mean about 0.29 (0.77 after a shift of magnitude 1).
// Latency is lognormal with a median of 20 ms (p99 ~57 ms).
//
// Shift. From prediction shift_at on (0-based, counted in this run), every z
// has mean shift_magnitude instead of 0: a normal feature's mean moves by
// shift_magnitude standard deviations (a lognormal feature's log moves by
// that many of its standard deviations); each categorical's k-th of K
// categories has its weight multiplied by exp(2 * magnitude * k / (K - 1)),
// skewing towards the later categories; and since all weights of the score
// are positive, prediction scores rise. Latency does not shift.
//
// Determinism: the same options give byte-identical lines. Each prediction
// consumes the same random draws whatever the label share or shift, so those
// options change only what they are about.
#ifndef DRIFTD_DAEMON_GENERATE_TRAFFIC_H_
#define DRIFTD_DAEMON_GENERATE_TRAFFIC_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "daemon/generate_random.h"
#include "detectors/time.h"

namespace driftd {

struct TrafficOptions {
  std::string model = "demo";
  std::string model_version = "v1";
  std::uint64_t events = 10000;  // predictions; 0 = unbounded
  std::uint64_t seed = 1;
  Timestamp start = Timestamp(std::chrono::seconds(1767225600));  // 2026-01-01T00:00:00Z
  Duration interval = std::chrono::milliseconds(100);
  std::optional<std::uint64_t> shift_at;  // nullopt: no shift
  double shift_magnitude = 1.0;
  double label_share = 0.5;  // in [0, 1]
  Duration label_delay = std::chrono::seconds(10);
  bool model_event = true;
  std::uint64_t id_offset = 0;  // first id is "<model>-<id_offset>"
  // Shape: the demo features, or num_*/cat_* when benchmark_shape is set.
  bool benchmark_shape = false;
  int numeric = 0;
  int categorical = 0;
};

// Thread-safety: not thread-safe.
class TrafficGenerator {
 public:
  // REQUIRES: label_share in [0, 1]; interval and label_delay >= 0; with
  // benchmark_shape, numeric and categorical >= 0 and not both 0.
  explicit TrafficGenerator(const TrafficOptions& options);
  TrafficGenerator(const TrafficGenerator&) = delete;
  TrafficGenerator& operator=(const TrafficGenerator&) = delete;

  // Event time of the next event, or nullopt when the traffic is over
  // (never, when options.events is 0).
  std::optional<Timestamp> PeekTime() const;

  // Appends the next event as one JSON line, '\n' included, to *line and
  // returns its event time; returns false (leaving *line alone) when over.
  bool Next(std::string* line);

  // The feature names, in the order they appear in each features object.
  std::vector<std::string> FeatureNames() const;

 private:
  struct NumericFeature {
    std::string key;  // JSON-quoted name followed by ':'
    bool lognormal;
    double mu, sigma;  // of the underlying normal
    double lo, hi;     // clip range
    double scale;      // rounded to 1/scale; 0 keeps full precision
    double weight;     // in the logistic score, per unit of z
  };
  struct CategoricalFeature {
    std::string key;
    std::vector<std::string> values;  // JSON-quoted
    std::vector<double> cumulative;          // base weights, running sums
    std::vector<double> shifted_cumulative;  // after the shift
    std::vector<double> effect;              // added to the logistic score
  };
  struct PendingLabel {
    Timestamp ts;
    std::uint64_t index;
    bool label;
  };

  void AddCategorical(std::string name, std::vector<std::string> values,
                      std::vector<double> weights);
  void AppendModelEvent(std::string* line) const;
  void AppendPrediction(std::string* line);
  void AppendLabel(const PendingLabel& label, std::string* line) const;

  TrafficOptions options_;
  std::string model_json_;    // JSON-quoted model name
  std::string version_json_;  // JSON-quoted model version
  std::vector<NumericFeature> numeric_;
  std::vector<CategoricalFeature> categorical_;
  double intercept_ = 0.0;
  Random random_;
  bool model_event_pending_;
  std::uint64_t next_prediction_ = 0;
  std::deque<PendingLabel> labels_;  // in time order (constant delay)
};

// Appends t as RFC 3339 UTC with milliseconds ("2026-01-01T00:00:00.000Z"),
// rounding toward the past.
void AppendRfc3339Millis(Timestamp t, std::string* out);

// Appends s as a JSON string literal, quotes included.
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace driftd

#endif  // DRIFTD_DAEMON_GENERATE_TRAFFIC_H_
