// Flags of the offline subcommands (baseline, replay): "--flag value" or
// "--flag=value", each from a known set; --help or -h prints the usage.
#ifndef DRIFTD_DAEMON_COMMAND_FLAGS_H_
#define DRIFTD_DAEMON_COMMAND_FLAGS_H_

#include <algorithm>
#include <initializer_list>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace driftd {

enum class FlagsOutcome { kOk, kHelp, kError };

// Reads `args` into *values (flag name with its dashes -> value). kHelp after
// printing `usage` to out; kError after printing "driftd <command>: <why>"
// and the usage to err (a flag without a value, an unknown flag).
inline FlagsOutcome ParseFlags(const std::vector<std::string>& args, std::initializer_list<std::string_view> known,
                               std::string_view command, std::string_view usage, std::ostream& out,
                               std::ostream& err, std::map<std::string, std::string>* values) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i], value;
    if (flag == "--help" || flag == "-h") {
      out << usage;
      return FlagsOutcome::kHelp;
    }
    if (const auto eq = flag.find('='); eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      err << "driftd " << command << ": " << flag << " needs a value\n" << usage;
      return FlagsOutcome::kError;
    }
    if (std::find(known.begin(), known.end(), flag) == known.end()) {
      err << "driftd " << command << ": unknown argument " << flag << "\n" << usage;
      return FlagsOutcome::kError;
    }
    (*values)[flag] = value;
  }
  return FlagsOutcome::kOk;
}

}  // namespace driftd

#endif  // DRIFTD_DAEMON_COMMAND_FLAGS_H_
