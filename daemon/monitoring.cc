#include "daemon/monitoring.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <ctime>

#include "collectors/timestamp.h"

namespace driftd {
namespace {

namespace json = boost::json;
using detectors::ItemStatus;
using detectors::ModelScorecard;

std::string Rfc3339(Timestamp t) {
  const auto ns = t.time_since_epoch().count();
  std::time_t secs = static_cast<std::time_t>(ns / 1000000000);
  long frac_ms = static_cast<long>((ns % 1000000000) / 1000000);
  if (frac_ms < 0) {
    --secs;
    frac_ms += 1000;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac_ms);
  return buf;
}

// JSON has no NaN or infinity: those become null.
json::value Number(double v) { return std::isfinite(v) ? json::value(v) : json::value(nullptr); }

const char* CheckStatus(const Finding& f) {
  if (!f.judged) return "not_judged";
  return f.failing ? "failing" : "ok";
}

json::object FindingJson(const Finding& f) {
  json::object o;
  o["check"] = CheckAlertName(f.check);
  o["subject"] = f.subject;
  o["test"] = f.test;
  o["status"] = CheckStatus(f);
  o["statistic"] = Number(f.statistic);
  o["threshold"] = Number(f.threshold);
  if (f.p_value) o["p_value"] = Number(*f.p_value);
  o["samples"] = f.samples;
  if (f.reference_samples > 0) o["reference_samples"] = f.reference_samples;
  if (!f.mode.empty()) o["mode"] = f.mode;
  o["details"] = f.details;
  o["evaluated_at"] = Rfc3339(f.evaluated_at);
  return o;
}

bool IsDriftCheck(Check c) {
  return c == Check::kFeatureDrift || c == Check::kDatasetDrift || c == Check::kPredictionDrift;
}

}  // namespace

std::optional<Timestamp> ConfiguredTrainedAt(const config::ModelConfig& model) {
  if (!model.trained_at) return std::nullopt;
  return collectors::ParseRfc3339(*model.trained_at);
}

std::unique_ptr<detectors::ModelMonitors> MakeModelMonitors(
    const config::ModelConfig& model, Timestamp now, const detectors::ModelMonitors* previous) {
  auto monitors =
      std::make_unique<detectors::ModelMonitors>(model, now, ConfiguredTrainedAt(model));
  if (previous != nullptr) {
    std::string state;
    previous->AppendTo(&state);
    std::string_view in(state);
    if (!monitors->ParseFrom(&in)) {
      // Another shape: start empty rather than misread the old windows.
      monitors = std::make_unique<detectors::ModelMonitors>(model, now, ConfiguredTrainedAt(model));
    }
  }
  return monitors;
}

MonitorRound EvaluateMonitors(detectors::ModelMonitors& monitors, Timestamp now) {
  MonitorRound round;
  round.evaluation.findings = monitors.Evaluate(now);
  round.scorecard = monitors.Scorecard();
  round.evaluation.model = round.scorecard.model;
  round.evaluation.evaluated_at = now;
  round.snapshot = monitors.Snapshot(now);
  return round;
}

json::array ChangesToJson(const std::vector<detectors::DependencyChange>& changes) {
  json::array out;
  for (const auto& c : changes) {
    out.push_back(
        json::object{{"at", Rfc3339(c.at)}, {"what", c.what}, {"from", c.from}, {"to", c.to}});
  }
  return out;
}

json::value ScorecardToJson(const ModelScorecard& card) {
  json::object m;
  m["model"] = card.model;
  m["version"] = card.version;
  m["score"] = card.score;
  m["max_score"] = detectors::kItemCount;
  m["evaluated_at"] = Rfc3339(card.evaluated_at);
  json::array items;
  for (const auto& item : card.items) {
    json::object o;
    o["item"] = item.item;
    o["title"] = item.title;
    o["status"] = detectors::ItemStatusName(item.status);
    if (item.status != ItemStatus::kNotConfigured) {
      o["judged"] = item.judged;
      o["last_evaluated"] =
          item.last_evaluated ? json::value(Rfc3339(*item.last_evaluated)) : json::value(nullptr);
      json::array checks, failures;
      for (const Finding& f : item.checks) {
        checks.push_back(FindingJson(f));
        if (f.judged && f.failing) failures.push_back(FindingJson(f));
      }
      o["failures"] = std::move(failures);
      o["checks"] = std::move(checks);
      json::object numbers;
      for (const auto& [k, v] : item.numbers) numbers[k] = Number(v);
      o["numbers"] = std::move(numbers);
    }
    items.push_back(std::move(o));
  }
  m["items"] = std::move(items);
  m["changes"] = ChangesToJson(card.changes);
  return m;
}

std::string ScorecardJson(const std::vector<ModelScorecard>& cards, Timestamp now) {
  json::array models;
  for (const auto& c : cards) models.push_back(ScorecardToJson(c));
  json::object doc;
  doc["generated_at"] = Rfc3339(now);
  doc["models"] = std::move(models);
  return json::serialize(doc) + "\n";
}

MonitoringHub::Entry& MonitoringHub::EntryOf(const std::string& model) {
  for (auto& e : entries_) {
    if (e.model == model) return e;
  }
  entries_.push_back(Entry{model, std::nullopt, std::nullopt, {}});
  return entries_.back();
}

void MonitoringHub::PublishLocked(const Entry& entry) {
  if (!entry.own || !entry.snapshot) return;
  ModelScorecard card = *entry.own;
  detectors::MergeDriftFindings(&card, entry.drift);
  detectors::MonitorSnapshot snapshot = *entry.snapshot;
  snapshot.items.clear();
  for (const auto& item : card.items) {
    if (item.status != ItemStatus::kNotConfigured) {
      snapshot.items.emplace_back(item.item, item.status == ItemStatus::kOk ? 1 : 0);
    }
  }
  snapshot.score = card.score;
  probe_.PublishMonitoring(snapshot);
}

void MonitoringHub::Publish(const MonitorRound& round) {
  std::lock_guard lock(mu_);
  Entry& e = EntryOf(round.scorecard.model);
  e.own = round.scorecard;
  e.snapshot = round.snapshot;
  PublishLocked(e);
}

void MonitoringHub::OnDriftEvaluation(const ModelEvaluation& evaluation) {
  std::lock_guard lock(mu_);
  Entry& e = EntryOf(evaluation.model);
  e.drift.clear();
  for (const Finding& f : evaluation.findings) {
    if (IsDriftCheck(f.check)) e.drift.push_back(f);
  }
  PublishLocked(e);
}

void MonitoringHub::Retain(const std::vector<std::string>& models) {
  std::lock_guard lock(mu_);
  std::erase_if(entries_, [&](const Entry& e) {
    return std::find(models.begin(), models.end(), e.model) == models.end();
  });
  probe_.RetainMonitoredModels(models);
}

std::vector<ModelScorecard> MonitoringHub::Scorecards() const {
  std::lock_guard lock(mu_);
  std::vector<ModelScorecard> out;
  for (const Entry& e : entries_) {
    if (!e.own) continue;
    ModelScorecard card = *e.own;
    detectors::MergeDriftFindings(&card, e.drift);
    out.push_back(std::move(card));
  }
  return out;
}

std::string MonitoringHub::ScorecardJson(Timestamp now) const {
  return driftd::ScorecardJson(Scorecards(), now);
}

}  // namespace driftd
