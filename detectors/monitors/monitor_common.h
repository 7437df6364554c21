// Small pieces shared by the monitors of detectors/monitors: numeric reading
// of event values, running moments, and Finding construction.
#ifndef DRIFTD_DETECTORS_MONITORS_MONITOR_COMMON_H_
#define DRIFTD_DETECTORS_MONITORS_MONITOR_COMMON_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "detectors/event.h"
#include "detectors/finding.h"
#include "detectors/time.h"

namespace driftd::detectors {

// The number a value carries: a double as is, and the strings "NaN", "nan",
// "Infinity", "inf", "+Infinity", "-Infinity", "-inf" (how NaN and infinity
// reach a JSON event, which cannot hold them as numbers) as NaN / +-inf.
// nullopt for Missing and any other string. Inline for the common case (a
// number): called for every numeric value of every event, and as an
// out-of-line call its optional was returned through memory, a store-forwarding
// stall that profiled at 10% of the whole pipeline.
std::optional<double> NumericOfText(const Value& value);
inline std::optional<double> NumericOf(const Value& value) {
  if (const double* d = std::get_if<double>(&value)) return *d;
  return NumericOfText(value);
}

// Count, mean and M2 (Welford), merged with Chan et al.'s formula.
struct Moments {
  std::uint64_t n = 0;
  double mean = 0;
  double m2 = 0;

  void Add(double x);
  void Merge(const Moments& other);
  // Population variance; 0 when n == 0.
  double Variance() const { return n == 0 ? 0.0 : m2 / static_cast<double>(n); }
  void AppendTo(std::string* out) const;
  [[nodiscard]] bool ParseFrom(std::string_view* in);
};

// Fields every monitor fills the same way.
struct FindingBase {
  std::string model;
  Timestamp now{};
  Duration window{};
};

Finding MakeFinding(const FindingBase& base, Check check, std::string subject, std::string test,
                    double statistic, double threshold, bool failing, bool judged,
                    std::uint64_t samples, std::string details);

// "12.5" style numbers for finding details: shortest round-trip form.
std::string FormatNumber(double v);

}  // namespace driftd::detectors

#endif  // DRIFTD_DETECTORS_MONITORS_MONITOR_COMMON_H_
