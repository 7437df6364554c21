#include "detectors/monitors/monitor_common.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "detectors/sketch/bytes.h"

namespace driftd::detectors {

std::optional<double> NumericOfText(const Value& value) {
  if (const std::string* s = std::get_if<std::string>(&value)) {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    if (*s == "NaN" || *s == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (*s == "Infinity" || *s == "+Infinity" || *s == "inf") return kInf;
    if (*s == "-Infinity" || *s == "-inf") return -kInf;
  }
  return std::nullopt;
}

void Moments::Add(double x) {
  ++n;
  const double delta = x - mean;
  mean += delta / static_cast<double>(n);
  m2 += delta * (x - mean);
}

void Moments::Merge(const Moments& other) {
  if (other.n == 0) return;
  if (n == 0) {
    *this = other;
    return;
  }
  const double na = static_cast<double>(n), nb = static_cast<double>(other.n);
  const double delta = other.mean - mean;
  const double total = na + nb;
  mean += delta * nb / total;
  m2 += other.m2 + delta * delta * na * nb / total;
  n += other.n;
}

void Moments::AppendTo(std::string* out) const {
  bytes::AppendU64(out, n);
  bytes::AppendF64(out, mean);
  bytes::AppendF64(out, m2);
}

bool Moments::ParseFrom(std::string_view* in) {
  return bytes::ReadU64(in, &n) && bytes::ReadF64(in, &mean) && bytes::ReadF64(in, &m2);
}

Finding MakeFinding(const FindingBase& base, Check check, std::string subject, std::string test,
                    double statistic, double threshold, bool failing, bool judged,
                    std::uint64_t samples, std::string details) {
  Finding f;
  f.model = base.model;
  f.check = check;
  f.subject = std::move(subject);
  f.test = std::move(test);
  f.statistic = statistic;
  f.threshold = threshold;
  f.judged = judged;
  f.failing = judged && failing;
  f.samples = samples;
  f.details = std::move(details);
  f.evaluated_at = base.now;
  f.window = base.window;
  return f;
}

std::string FormatNumber(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  return ec == std::errc() ? std::string(buf, end) : std::string("?");
}

}  // namespace driftd::detectors
