#include "daemon/generate.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <thread>

#include "config/duration.h"
#include "daemon/system_clock.h"

namespace driftd {
namespace {

// Flags followed by a value (ApplyFlag handles each).
constexpr std::array<std::string_view, 15> kValueFlags = {
    "--model",    "--model-version",   "--events", "--seed",        "--id-offset",
    "--start",    "--interval",        "--rate",   "--shift-at",    "--shift-magnitude",
    "--labels",   "--label-delay",     "--numeric", "--categorical", "--features"};

// Unpaced output goes out in blocks of about this size.
constexpr std::size_t kWriteBlockBytes = 64 * 1024;

class RealSleeper : public Sleeper {
 public:
  void SleepUntil(Timestamp wall_time) override {
    std::this_thread::sleep_until(
        std::chrono::time_point_cast<std::chrono::system_clock::duration>(wall_time));
  }
};

template <typename T>
bool ParseWhole(std::string_view text, T* value) {
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, *value);
  return result.ec == std::errc() && result.ptr == end && !text.empty();
}

bool ParseDigits(std::string_view text, std::size_t pos, std::size_t count, int* value) {
  if (pos + count > text.size()) return false;
  *value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    *value = *value * 10 + (text[i] - '0');
  }
  return true;
}

// The flags that take a value, and where each one's value goes.
std::optional<std::string> ApplyFlag(std::string_view flag, std::string_view value,
                                     GenerateOptions* options, bool* interval_set) {
  TrafficOptions& traffic = options->traffic;
  const auto bad = [&](std::string_view expected) {
    return std::string(flag) + ": expected " + std::string(expected) + ", got \"" +
           std::string(value) + "\"";
  };
  if (flag == "--model") {
    if (value.empty()) return bad("a model name");
    traffic.model = value;
  } else if (flag == "--model-version") {
    if (value.empty()) return bad("a version string");
    traffic.model_version = value;
  } else if (flag == "--events") {
    if (!ParseWhole(value, &traffic.events)) return bad("a count (0 = unbounded)");
  } else if (flag == "--seed") {
    if (!ParseWhole(value, &traffic.seed)) return bad("an unsigned integer");
  } else if (flag == "--id-offset") {
    if (!ParseWhole(value, &traffic.id_offset)) return bad("an unsigned integer");
  } else if (flag == "--start") {
    if (value == "now") {
      options->start_now = true;
    } else if (auto t = ParseRfc3339(value)) {
      options->start_now = false;
      traffic.start = *t;
    } else {
      return bad("an RFC 3339 time or \"now\"");
    }
  } else if (flag == "--interval") {
    const auto d = config::ParseDuration(value);
    if (!d) return bad("a duration such as 100ms");
    traffic.interval = *d;
    *interval_set = true;
  } else if (flag == "--rate") {
    if (!ParseWhole(value, &options->rate) || !std::isfinite(options->rate) ||
        options->rate < 0 || (options->rate > 0 && options->rate < 1e-3)) {
      return bad("0 or events per second >= 0.001");
    }
  } else if (flag == "--shift-at") {
    std::uint64_t n;
    if (!ParseWhole(value, &n)) return bad("an event index");
    traffic.shift_at = n;
  } else if (flag == "--shift-magnitude") {
    if (!ParseWhole(value, &traffic.shift_magnitude) ||
        !std::isfinite(traffic.shift_magnitude)) {
      return bad("a number of standard deviations");
    }
  } else if (flag == "--labels") {
    double share;
    if (!ParseWhole(value, &share) || !(share >= 0 && share <= 1)) {
      return bad("a share in [0, 1]");
    }
    traffic.label_share = share;
  } else if (flag == "--label-delay") {
    const auto d = config::ParseDuration(value);
    if (!d) return bad("a duration such as 10s");
    traffic.label_delay = *d;
  } else if (flag == "--numeric" || flag == "--categorical") {
    int count;
    if (!ParseWhole(value, &count) || count < 0 || count > 100000) {
      return bad("a feature count");
    }
    traffic.benchmark_shape = true;
    (flag == "--numeric" ? traffic.numeric : traffic.categorical) = count;
  } else if (flag == "--features") {
    const std::size_t comma = value.find(',');
    int numeric, categorical;
    if (comma == std::string_view::npos || !ParseWhole(value.substr(0, comma), &numeric) ||
        !ParseWhole(value.substr(comma + 1), &categorical) || numeric < 0 ||
        categorical < 0 || numeric > 100000 || categorical > 100000) {
      return bad("NUMERIC,CATEGORICAL feature counts");
    }
    traffic.benchmark_shape = true;
    traffic.numeric = numeric;
    traffic.categorical = categorical;
  } else {
    return "unknown flag " + std::string(flag);
  }
  return std::nullopt;
}

}  // namespace

std::optional<Timestamp> ParseRfc3339(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS at fixed positions.
  int year, month, day, hour, minute, second;
  if (text.size() < 20 || !ParseDigits(text, 0, 4, &year) || text[4] != '-' ||
      !ParseDigits(text, 5, 2, &month) || text[7] != '-' || !ParseDigits(text, 8, 2, &day) ||
      (text[10] != 'T' && text[10] != 't') || !ParseDigits(text, 11, 2, &hour) ||
      text[13] != ':' || !ParseDigits(text, 14, 2, &minute) || text[16] != ':' ||
      !ParseDigits(text, 17, 2, &second)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  // Second 60 (a leap second) is folded into the next second, as POSIX does.
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  std::size_t pos = 19;
  Duration fraction{0};
  if (text[pos] == '.') {
    ++pos;
    long long ns = 0;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 9) {
        ns = ns * 10 + (text[pos] - '0');
        ++digits;
      }
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 9; ++i) ns *= 10;
    fraction = Duration(ns);
  }
  if (pos >= text.size()) return std::nullopt;
  std::chrono::minutes offset{0};
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    int offset_hours, offset_minutes;
    if (!ParseDigits(text, pos + 1, 2, &offset_hours) || pos + 3 >= text.size() ||
        text[pos + 3] != ':' || !ParseDigits(text, pos + 4, 2, &offset_minutes) ||
        offset_hours > 23 || offset_minutes > 59) {
      return std::nullopt;
    }
    offset = std::chrono::hours(offset_hours) + std::chrono::minutes(offset_minutes);
    if (text[pos] == '-') offset = -offset;
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  return Timestamp(std::chrono::sys_days(date)) + std::chrono::hours(hour) +
         std::chrono::minutes(minute) + std::chrono::seconds(second) + fraction - offset;
}

std::optional<std::string> ParseGenerateArgs(const std::vector<std::string>& args,
                                             GenerateOptions* options) {
  bool interval_set = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--model-event") {
      options->traffic.model_event = true;
      continue;
    }
    if (arg == "--no-model-event") {
      options->traffic.model_event = false;
      continue;
    }
    if (!arg.starts_with("--")) return "unexpected argument \"" + std::string(arg) + "\"";
    std::string_view flag = arg;
    std::string_view value;
    const std::size_t eq = arg.find('=');
    if (eq != std::string_view::npos) flag = arg.substr(0, eq);
    if (std::find(kValueFlags.begin(), kValueFlags.end(), flag) == kValueFlags.end()) {
      return "unknown flag " + std::string(flag);
    }
    if (eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return std::string(flag) + ": missing value";
    }
    if (auto error = ApplyFlag(flag, value, options, &interval_set)) return error;
  }
  TrafficOptions& traffic = options->traffic;
  if (traffic.benchmark_shape && traffic.numeric == 0 && traffic.categorical == 0) {
    return "--numeric/--categorical: at least one feature is needed";
  }
  if (options->rate > 0 && !interval_set) {
    traffic.interval = Duration(static_cast<Duration::rep>(std::llround(1e9 / options->rate)));
  }
  if (options->rate > 0 && traffic.interval <= Duration::zero()) {
    return "--rate: needs an --interval above 0";
  }
  return std::nullopt;
}

std::string GenerateUsage() {
  return R"(Usage: driftd generate [FLAGS] > events.jsonl

Writes deterministic example traffic of one model as JSON lines: a model
event, predictions (features, score, latency) and delayed label events.
The same flags and seed give byte-identical output.

Flags (FLAG VALUE or FLAG=VALUE):
  --model NAME            model name (default demo)
  --model-version V       model_version of every event (default v1)
  --events N              number of predictions; 0 = unbounded (default 10000)
  --seed S                random seed (default 1)
  --start TIME|now        event time of the first event, RFC 3339
                          (default 2026-01-01T00:00:00Z); now = the wall clock
  --interval DURATION     event-time spacing of predictions (default 100ms,
                          or 1s/rate with --rate)
  --rate R                write R events per second of wall time, flushing
                          each; 0 = as fast as possible (default 0)
  --shift-at N            from prediction N (0-based) on, shift: numeric
                          means move by --shift-magnitude standard deviations,
                          categories skew to the later values, scores rise
                          (default: no shift)
  --shift-magnitude M     shift size in standard deviations (default 1.0)
  --labels SHARE          share of predictions that get a label event
                          (default 0.5)
  --label-delay DURATION  event time from prediction to label (default 10s)
  --model-event           write a model event first (the default)
  --no-model-event        do not
  --id-offset N           first prediction id is MODEL-N (default 0)
  --numeric N             benchmark shape: N numeric features num_0..
  --categorical M         and M categorical features cat_0.. (default: the
                          demo features amount, age, tenure_days,
                          score_external, country, device)
  --features N,M          same as --numeric N --categorical M
  --help                  this text

Durations as in the configuration file: 250ms, 1.5s, 1h30m (units ns us ms
s m h d w).
)";
}

int RunGenerate(const GenerateOptions& options, std::ostream& out, std::ostream& err,
                const Clock& clock, Sleeper& sleeper) {
  const Timestamp run_start = clock.Now();
  TrafficOptions traffic = options.traffic;
  if (options.start_now) traffic.start = std::chrono::floor<std::chrono::milliseconds>(run_start);
  const bool paced = options.rate > 0;
  // Wall-clock nanoseconds per event-time nanosecond.
  const double scale =
      paced ? (1e9 / options.rate) / static_cast<double>(traffic.interval.count()) : 0.0;

  TrafficGenerator generator(traffic);
  std::string buffer;
  buffer.reserve(kWriteBlockBytes + 4096);
  while (const auto ts = generator.PeekTime()) {
    if (paced) {
      const double offset = static_cast<double>((*ts - traffic.start).count()) * scale;
      sleeper.SleepUntil(run_start + Duration(static_cast<Duration::rep>(offset)));
    }
    generator.Next(&buffer);
    if (paced || buffer.size() >= kWriteBlockBytes) {
      out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      if (paced) out.flush();
      buffer.clear();
      if (!out) break;
    }
  }
  out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  out.flush();
  if (!out) {
    err << "driftd generate: error writing the output\n";
    return 1;
  }
  return 0;
}

int GenerateCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  for (const std::string& arg : args) {
    if (arg == "--help" || arg == "-h") {
      out << GenerateUsage();
      return 0;
    }
  }
  GenerateOptions options;
  if (auto error = ParseGenerateArgs(args, &options)) {
    err << "driftd generate: " << *error << "\n\n" << GenerateUsage();
    return 2;
  }
  SystemClock clock;
  RealSleeper sleeper;
  return RunGenerate(options, out, err, clock, sleeper);
}

}  // namespace driftd
