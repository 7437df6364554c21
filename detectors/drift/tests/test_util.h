// Helpers shared by the drift tests: summaries from plain vectors, and the
// generated oracle file.
#ifndef DRIFTD_DETECTORS_DRIFT_TESTS_TEST_UTIL_H_
#define DRIFTD_DETECTORS_DRIFT_TESTS_TEST_UTIL_H_

#include <boost/json.hpp>

#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.h"
#include "detectors/drift/drift.h"
#include "detectors/window/categorical_counts.h"
#include "detectors/window/numeric_summary.h"

namespace driftd::detectors::testing {

// An exact, sorted summary of `values`.
inline NumericSummary Exact(const std::vector<double>& values) {
  NumericSummary s(NumericSummaryOptions{std::numeric_limits<std::size_t>::max(), 200, 0});
  for (double x : values) s.Add(x);
  s.Sort();
  return s;
}

// A KLL summary (sketch from the first value) of `values`.
inline NumericSummary Sketch(const std::vector<double>& values, int k = 200) {
  NumericSummary s(NumericSummaryOptions{0, k, 7});
  for (double x : values) s.Add(x);
  return s;
}

inline CategoricalCounts Counts(const std::vector<std::pair<std::string, std::uint64_t>>& counts) {
  CategoricalCounts c;
  for (const auto& [name, n] : counts) c.Add(name, n);
  return c;
}

inline DriftFeatureSpec Spec(std::string name, config::FeatureType type, std::string test = "auto") {
  DriftFeatureSpec s;
  s.name = std::move(name);
  s.type = type;
  s.test = std::move(test);
  return s;
}

inline config::FeatureConfig Feature(std::string name, config::FeatureType type) {
  config::FeatureConfig f;
  f.name = std::move(name);
  f.type = type;
  return f;
}

inline const boost::json::object& Cases() {
  static const boost::json::value* cases = [] {
    std::ifstream f(DRIFTD_DRIFT_TEST_DATA);
    std::stringstream s;
    s << f.rdbuf();
    return new boost::json::value(boost::json::parse(s.str()));
  }();
  return cases->as_object();
}

inline std::vector<double> Doubles(const boost::json::value& v) {
  std::vector<double> out;
  for (const auto& x : v.as_array()) out.push_back(x.to_number<double>());
  return out;
}

}  // namespace driftd::detectors::testing

#endif  // DRIFTD_DETECTORS_DRIFT_TESTS_TEST_UTIL_H_
