// One problem found in a configuration file, located by file, line, column
// and key path so that a person can go straight to it.
#ifndef DRIFTD_CONFIG_CONFIG_ERROR_H_
#define DRIFTD_CONFIG_CONFIG_ERROR_H_

#include <string>

namespace driftd::config {

struct ConfigError {
  std::string file;      // the path or source name the text came from
  int line = 0;          // 1-based; 0 when the problem has no position (e.g. unreadable file)
  int column = 0;        // 1-based; 0 when unknown
  std::string key_path;  // dotted TOML key path, e.g. "models.fraud.window"; may be empty
  std::string message;   // what is wrong, lower case, no trailing period

  // "file:line:col: key.path: message"; the position is left out when line is
  // 0 and the key path when it is empty, e.g.
  // "driftd.toml:14:9: models.fraud.features.amount.threshold: expected a number, got string".
  std::string ToString() const;
};

// Orders errors by position (line, then column); ties keep their order when
// used with std::stable_sort.
bool ErrorPositionLess(const ConfigError& a, const ConfigError& b);

}  // namespace driftd::config

#endif  // DRIFTD_CONFIG_CONFIG_ERROR_H_
