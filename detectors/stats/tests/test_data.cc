#include "detectors/stats/tests/test_data.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace driftd::detectors::stats::testing {
namespace {

boost::json::value LoadJsonFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    ADD_FAILURE() << "cannot open " << path;
    return nullptr;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  boost::json::error_code ec;
  boost::json::value v = boost::json::parse(buffer.str(), ec);
  if (ec) {
    ADD_FAILURE() << "cannot parse " << path << ": " << ec.message();
    return nullptr;
  }
  return v;
}

}  // namespace

boost::json::value LoadSharedJson(const std::string& relative_path) {
  return LoadJsonFile(std::string(DRIFTD_SHARED_DATA_DIR) + "/" + relative_path);
}

boost::json::value LoadTestDataJson(const std::string& name) {
  return LoadJsonFile(std::string(DRIFTD_STATS_TEST_DATA_DIR) + "/" + name);
}

std::vector<std::string> ReadSharedLines(const std::string& relative_path) {
  const std::string path = std::string(DRIFTD_SHARED_DATA_DIR) + "/" + relative_path;
  std::ifstream in(path);
  if (!in) ADD_FAILURE() << "cannot open " << path;
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<double> LoadRiverStream(const std::string& name) {
  std::vector<double> values;
  const std::vector<std::string> lines = ReadSharedLines("river_streams/" + name + ".csv");
  for (size_t i = 1; i < lines.size(); ++i) {
    if (!lines[i].empty()) values.push_back(std::strtod(lines[i].c_str(), nullptr));
  }
  return values;
}

double AsDouble(const boost::json::value& v) {
  if (v.is_string()) return std::strtod(v.as_string().c_str(), nullptr);
  return v.to_number<double>();
}

std::vector<double> AsDoubles(const boost::json::value& v) {
  std::vector<double> out;
  for (const auto& e : v.as_array()) out.push_back(AsDouble(e));
  return out;
}

std::vector<double> Sorted(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v;
}

bool Close(double actual, double expected, double rtol, double atol) {
  if (std::isinf(expected) || std::isinf(actual)) return actual == expected;
  return std::abs(actual - expected) <= rtol * std::abs(expected) + atol;
}

}  // namespace driftd::detectors::stats::testing
