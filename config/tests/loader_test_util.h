// Helpers shared by the loader tests.
#ifndef DRIFTD_CONFIG_TESTS_LOADER_TEST_UTIL_H_
#define DRIFTD_CONFIG_TESTS_LOADER_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "config/loader.h"

namespace driftd::config::testing {

// The errors of `toml` parsed as "driftd.toml", each as ToString() gives it.
inline std::vector<std::string> Errors(std::string_view toml) {
  std::vector<std::string> out;
  for (const ConfigError& e : ParseConfig(toml, "driftd.toml").errors) out.push_back(e.ToString());
  return out;
}

// Parses `toml`, which must be valid; fails the test otherwise.
inline Config MustParse(std::string_view toml, std::string_view name = "driftd.toml") {
  LoadResult result = ParseConfig(toml, name);
  for (const ConfigError& e : result.errors) ADD_FAILURE() << e.ToString();
  return result.config ? *result.config : Config{};
}

}  // namespace driftd::config::testing

#endif  // DRIFTD_CONFIG_TESTS_LOADER_TEST_UTIL_H_
