// `driftd generate`: writes a model's example traffic as JSON lines (the
// event contract of DESIGN.md section 4) for demos, tests and benchmarks.
// The traffic itself is daemon/generate_traffic.h; this file is the command
// line and the optional real-time pacing.
//
//   driftd generate --events 20000 --shift-at 12000 > events.jsonl
//   driftd generate --events 0 --rate 50 --start now >> events.jsonl
//
// GenerateUsage() lists every flag with its default. Output is deterministic:
// the same flags and seed give byte-identical lines, except that
// `--start now` takes the wall clock at start.
#ifndef DRIFTD_DAEMON_GENERATE_H_
#define DRIFTD_DAEMON_GENERATE_H_

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "daemon/generate_traffic.h"
#include "detectors/time.h"

namespace driftd {

// Waits until a wall-clock time; the only way the generator waits, so tests
// pass a fake that advances a fake clock instead of sleeping.
class Sleeper {
 public:
  virtual ~Sleeper() = default;
  virtual void SleepUntil(Timestamp wall_time) = 0;
};

struct GenerateOptions {
  TrafficOptions traffic;
  bool start_now = false;  // --start now: traffic.start = the clock at start
  // Events per second of wall time; 0 writes as fast as possible. When > 0
  // the event with time t is written at wall time
  //   run start + (t - traffic.start) * (1 s / rate) / traffic.interval,
  // and the output is flushed after each event. Without --interval the
  // interval is 1 s / rate, so with --start now event times are the wall
  // clock at writing (within the sleep's accuracy).
  double rate = 0.0;
};

// Parses the arguments after `driftd generate`. Returns nullopt on success,
// else a one-line message naming the bad flag. `--help` is not handled here.
[[nodiscard]] std::optional<std::string> ParseGenerateArgs(
    const std::vector<std::string>& args, GenerateOptions* options);

// The usage text: synopsis and every flag with its default.
std::string GenerateUsage();

// Writes the traffic of options to out, pacing with sleeper against clock
// when options.rate > 0. Returns 0, or 1 (message on err) when out fails.
// Runs forever when options.traffic.events is 0; stop it with a signal.
int RunGenerate(const GenerateOptions& options, std::ostream& out, std::ostream& err,
                const Clock& clock, Sleeper& sleeper);

// The subcommand: args are those after `driftd generate`. Returns 0 on
// success (or after `--help`, usage on out), 1 on an output error, 2 on a
// usage error (message and usage on err). Uses the system clock and really
// sleeps when pacing.
int GenerateCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// The flag parser's time format, exposed for tests (durations are parsed
// by config::ParseDuration, the configuration file's syntax).
// RFC 3339 date-time: "2026-01-01T00:00:00Z", with optional fraction of a
// second (up to nanoseconds) and offset "+HH:MM" / "-HH:MM" instead of "Z".
[[nodiscard]] std::optional<Timestamp> ParseRfc3339(std::string_view text);

}  // namespace driftd

#endif  // DRIFTD_DAEMON_GENERATE_H_
