// Test-only helpers: load the oracle JSON files and CSV streams the stats
// tests compare against, and compare numbers with a stated tolerance.
#ifndef DRIFTD_DETECTORS_STATS_TESTS_TEST_DATA_H_
#define DRIFTD_DETECTORS_STATS_TESTS_TEST_DATA_H_

#include <string>
#include <vector>

#include <boost/json.hpp>

namespace driftd::detectors::stats::testing {

// <shared data>/oracle_vectors/<name>, parsed. Fails the test (ADD_FAILURE)
// and returns null when the file is missing or malformed.
boost::json::value LoadSharedJson(const std::string& relative_path);

// detectors/stats/tests/data/<name>, parsed.
boost::json::value LoadTestDataJson(const std::string& name);

// The "value" column of a river_streams CSV.
std::vector<double> LoadRiverStream(const std::string& name);

// Raw lines of a shared data file.
std::vector<std::string> ReadSharedLines(const std::string& relative_path);

double AsDouble(const boost::json::value& v);
std::vector<double> AsDoubles(const boost::json::value& v);
std::vector<double> Sorted(std::vector<double> v);

// |actual - expected| <= rtol * |expected| + atol, with infinities equal.
bool Close(double actual, double expected, double rtol, double atol = 0.0);

}  // namespace driftd::detectors::stats::testing

#endif  // DRIFTD_DETECTORS_STATS_TESTS_TEST_DATA_H_
