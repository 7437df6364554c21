// driftd's command line: dispatches to the subcommands of DESIGN.md section 6.
// Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "config/loader.h"
#include "daemon/app.h"
#include "daemon/baseline_cmd.h"
#include "daemon/generate.h"
#include "daemon/notifier.h"
#include "daemon/replay_cmd.h"
#include "daemon/report_cmd.h"
#include "daemon/system_clock.h"
#include "daemon/version.h"

namespace driftd {
namespace {

constexpr const char* kUsage =
    "usage: driftd <command> [options]\n"
    "\n"
    "commands:\n"
    "  run --config FILE [--listen HOST:PORT]   run the daemon in the foreground\n"
    "  check-config FILE                        validate a configuration file\n"
    "  generate [options]                       write example events as JSONL (--help)\n"
    "  report --reference A --current B [...]   one-shot drift report of two tables (--help)\n"
    "  baseline --config F --model M --input I --output O   build a reference profile\n"
    "  replay --config F --input events.jsonl   run the pipeline over a file on event time; print findings\n"
    "  --version                                print version and build information\n"
    "\n"
    "exit codes: 0 success, 1 runtime failure, 2 usage or configuration error\n";

int Usage(const std::string& error) {
  if (!error.empty()) std::cerr << "driftd: " << error << "\n";
  std::cerr << kUsage;
  return 2;
}

int RunCommand(const std::vector<std::string>& args) {
  RunOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&](const char* flag) -> const std::string* {
      if (i + 1 >= args.size()) return nullptr;
      (void)flag;
      return &args[++i];
    };
    if (arg == "--config" || arg == "-c") {
      const std::string* v = value("--config");
      if (!v) return Usage("--config needs a file");
      options.config_path = *v;
    } else if (arg.rfind("--config=", 0) == 0) {
      options.config_path = arg.substr(9);
    } else if (arg == "--listen") {
      const std::string* v = value("--listen");
      if (!v) return Usage("--listen needs HOST:PORT");
      options.listen = *v;
    } else if (arg.rfind("--listen=", 0) == 0) {
      options.listen = arg.substr(9);
    } else {
      return Usage("run: unknown argument " + arg);
    }
  }
  if (options.config_path.empty()) return Usage("run: --config FILE is required");
  SystemClock clock;
  SystemdNotifier notifier;
  return RunDaemon(options, clock, notifier, stderr);
}

int CheckConfigCommand(const std::vector<std::string>& args) {
  if (args.size() != 1) return Usage("check-config takes exactly one FILE");
  const config::LoadResult result = config::LoadConfigFile(args[0]);
  if (!result.ok()) {
    for (const auto& e : result.errors) std::cerr << e.ToString() << "\n";
    std::cerr << args[0] << ": " << result.errors.size() << " error(s)\n";
    return 2;
  }
  std::cout << args[0] << ": ok: " << config::ConfigSummary(*result.config) << "\n";
  return 0;
}

}  // namespace
}  // namespace driftd

int main(int argc, char** argv) {
  using namespace driftd;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return Usage("");
  const std::string command = args[0];
  args.erase(args.begin());
  if (command == "--version" || command == "version") {
    std::cout << "driftd " << kVersion << " (revision " << kRevision << ")\n";
    return 0;
  }
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kUsage;
    return 0;
  }
  if (command == "run") return RunCommand(args);
  if (command == "check-config") return CheckConfigCommand(args);
  if (command == "generate") return GenerateCommand(args, std::cout, std::cerr);
  if (command == "report") return ReportCommand(args, std::cout, std::cerr);
  if (command == "baseline") return BaselineCommand(args, std::cout, std::cerr);
  if (command == "replay") return ReplayCommand(args, std::cout, std::cerr);
  return Usage("unknown command " + command);
}
