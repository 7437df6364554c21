#include "detectors/monitors/staleness.h"

#include "detectors/monitors/value_codec.h"

namespace driftd::detectors {

std::optional<Duration> StalenessMonitor::Age(Timestamp now,
                                              std::optional<Timestamp> trained_at) const {
  const std::optional<Timestamp> t = trained_at ? trained_at : configured_trained_at_;
  if (!t) return std::nullopt;
  return now - *t;
}

std::vector<Finding> StalenessMonitor::Evaluate(const FindingBase& base,
                                                std::optional<Timestamp> trained_at) const {
  std::vector<Finding> out;
  if (max_model_age_) {
    const std::optional<Duration> age = Age(base.now, trained_at);
    const double limit = ToSeconds(*max_model_age_);
    if (age) {
      const double s = ToSeconds(*age);
      out.push_back(MakeFinding(
          base, Check::kModelStale, "", "age", s, limit, *age > *max_model_age_, true, 1,
          "model trained " + FormatNumber(s) + " s ago (limit " + FormatNumber(limit) + " s)"));
    } else {
      out.push_back(MakeFinding(base, Check::kModelStale, "", "age", 0, limit, false, false, 0,
                                "trained_at unknown: no model event and none in the config"));
    }
  }
  if (max_silence_) {
    const Timestamp since = last_event_.value_or(started_at_);
    const Duration silence = base.now - since;
    const double s = ToSeconds(silence), limit = ToSeconds(*max_silence_);
    out.push_back(MakeFinding(base, Check::kDataSilent, "", "silence", s, limit,
                              silence > *max_silence_, true, last_event_ ? 1 : 0,
                              (last_event_ ? "last event " : "no event since start ") +
                                  FormatNumber(s) + " s ago (limit " + FormatNumber(limit) +
                                  " s)"));
  }
  return out;
}

void StalenessMonitor::AppendTo(std::string* out) const {
  bytes::AppendU8(out, last_event_ ? 1 : 0);
  codec::AppendTimestamp(out, last_event_.value_or(Timestamp{}));
}

bool StalenessMonitor::ParseFrom(std::string_view* in) {
  std::uint8_t has = 0;
  Timestamp t;
  if (!bytes::ReadU8(in, &has) || !codec::ReadTimestamp(in, &t)) return false;
  last_event_ = has != 0 ? std::optional<Timestamp>(t) : std::nullopt;
  return true;
}

}  // namespace driftd::detectors
