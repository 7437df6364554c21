#include "alerts/engine.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace driftd::alerts {
namespace {

// True when a finding that is no longer failing is also past the hysteresis
// margin. Only a statistic inside the band between the threshold and the
// clear line keeps the alert; a statistic the detector calls fine on the far
// side of the threshold (its verdict rests on something else, e.g. a
// p-value) clears, so a wrong guess of direction can never wedge an alert.
bool PastHysteresis(const ActiveAlert& alert, const Finding& f, double hysteresis) {
  if (!std::isfinite(f.statistic) || !std::isfinite(f.threshold)) return true;
  const double margin = hysteresis * std::fabs(f.threshold);
  if (alert.higher_is_worse) {
    return !(f.statistic > f.threshold - margin && f.statistic <= f.threshold);
  }
  return !(f.statistic < f.threshold + margin && f.statistic >= f.threshold);
}

}  // namespace

const char* AlertStateName(AlertState state) {
  switch (state) {
    case AlertState::kInactive: return "inactive";
    case AlertState::kPending: return "pending";
    case AlertState::kFiring: return "firing";
  }
  return "inactive";
}

AlertEngine::AlertEngine(std::shared_ptr<const config::Config> config) : config_(std::move(config)) {}

Timestamp AlertEngine::FiringEndsAt(Timestamp now) const {
  const Duration eval = config_->daemon.evaluation_interval;
  const Duration resend = config_->alerts.resend_interval;
  return now + 4 * std::max(eval, resend);
}

Notification AlertEngine::MakeNotification(const ActiveAlert& alert, NotificationKind kind,
                                           Timestamp now) const {
  Notification n;
  n.kind = kind;
  n.labels = alert.labels;
  n.annotations = alert.annotations;
  n.starts_at = alert.fired_at;
  n.ends_at = kind == NotificationKind::kResolved ? now : FiringEndsAt(now);
  n.fingerprint = alert.fingerprint;
  return n;
}

void AlertEngine::Fire(ActiveAlert& alert, Timestamp now, EngineOutput* out) {
  out->changes.push_back({alert.fingerprint, alert.labels, alert.state, AlertState::kFiring, false, now});
  alert.state = AlertState::kFiring;
  alert.fired_at = now;
  alert.last_sent = now;
  alert.clearing = false;
  seen_pairs_[{alert.labels.at("alertname"), alert.model}];
  out->notifications.push_back(MakeNotification(alert, NotificationKind::kFiring, now));
}

void AlertEngine::Resolve(const ActiveAlert& alert, Timestamp now, EngineOutput* out) {
  out->changes.push_back({alert.fingerprint, alert.labels, alert.state, AlertState::kInactive, true, now});
  out->notifications.push_back(MakeNotification(alert, NotificationKind::kResolved, now));
}

EngineOutput AlertEngine::Evaluate(const ModelEvaluation& evaluation, Timestamp now) {
  EngineOutput out;
  const config::ModelConfig* model = config_->FindModel(evaluation.model);
  std::set<std::string> seen;
  // The kinds of check this evaluation speaks for: the daemon evaluates drift
  // and the monitoring items separately, so an evaluation's silence about a
  // kind it does not cover says nothing about that kind's alerts.
  std::set<Check> covered;
  for (const Finding& finding : evaluation.findings) covered.insert(finding.check);

  for (const Finding& finding : evaluation.findings) {
    const EffectiveRule rule = ResolveRule(config_->alerts, model, finding.check);
    if (!rule.enabled) continue;
    Finding f = finding;
    if (f.model.empty()) f.model = evaluation.model;
    const LabelSet labels = AlertLabels(config_->alerts, rule, f);
    const std::string fp = Fingerprint(labels);
    // Two findings with one label set are one alert: the first failing one
    // speaks for it, so a duplicate cannot flip it back and forth.
    if (!seen.insert(fp).second) continue;
    auto it = alerts_.find(fp);

    const bool judged = f.judged && f.samples >= rule.min_samples;
    if (!judged) continue;  // nothing concluded: keep whatever state it has

    if (f.failing) {
      if (it == alerts_.end()) {
        ActiveAlert a;
        a.fingerprint = fp;
        a.labels = labels;
        a.state = AlertState::kPending;
        a.active_since = now;
        a.higher_is_worse = f.statistic >= f.threshold;
        a.model = f.model;
        a.check = f.check;
        it = alerts_.emplace(fp, std::move(a)).first;
        out.changes.push_back({fp, labels, AlertState::kInactive, AlertState::kPending, false, now});
      }
      ActiveAlert& a = it->second;
      a.statistic = f.statistic;
      a.threshold = f.threshold;
      a.clearing = false;
      a.annotations = AlertAnnotations(rule, labels, f, a.active_since);
      if (a.state == AlertState::kPending && now - a.active_since >= rule.for_duration) {
        Fire(a, now, &out);
      }
      continue;
    }

    if (it == alerts_.end()) continue;
    ActiveAlert& a = it->second;
    if (a.state == AlertState::kPending) {
      out.changes.push_back({fp, labels, AlertState::kPending, AlertState::kInactive, false, now});
      alerts_.erase(it);
      continue;
    }
    a.statistic = f.statistic;
    a.threshold = f.threshold;
    if (!PastHysteresis(a, f, rule.hysteresis)) {
      a.clearing = false;
      continue;
    }
    if (!a.clearing) {
      a.clearing = true;
      a.clear_since = now;
    }
    if (now - a.clear_since >= rule.clear_after) {
      Resolve(a, now, &out);
      alerts_.erase(it);
    }
  }

  // Alerts of this model whose finding did not come: clear, without a margin.
  for (auto it = alerts_.begin(); it != alerts_.end();) {
    ActiveAlert& a = it->second;
    if (a.model != evaluation.model || seen.count(it->first) > 0 || covered.count(a.check) == 0) {
      ++it;
      continue;
    }
    if (a.state == AlertState::kPending) {
      out.changes.push_back({a.fingerprint, a.labels, AlertState::kPending, AlertState::kInactive, false, now});
      it = alerts_.erase(it);
      continue;
    }
    const EffectiveRule rule = ResolveRule(config_->alerts, model, a.check);
    if (!a.clearing) {
      a.clearing = true;
      a.clear_since = now;
    }
    if (!rule.enabled || now - a.clear_since >= rule.clear_after) {
      Resolve(a, now, &out);
      it = alerts_.erase(it);
    } else {
      ++it;
    }
  }

  ResendDue(&evaluation.model, now, &out);
  return out;
}

void AlertEngine::ResendDue(const std::string* model, Timestamp now, EngineOutput* out) {
  const Duration resend = config_->alerts.resend_interval;
  for (auto& [fp, a] : alerts_) {
    if (a.state != AlertState::kFiring) continue;
    if (model != nullptr && a.model != *model) continue;
    if (now - a.last_sent < resend) continue;
    a.last_sent = now;
    out->notifications.push_back(MakeNotification(a, NotificationKind::kResend, now));
  }
}

EngineOutput AlertEngine::Tick(Timestamp now) {
  EngineOutput out;
  ResendDue(nullptr, now, &out);
  return out;
}

EngineOutput AlertEngine::Reconfigure(std::shared_ptr<const config::Config> config, Timestamp now) {
  config_ = std::move(config);
  EngineOutput out;
  for (auto it = alerts_.begin(); it != alerts_.end();) {
    const ActiveAlert& a = it->second;
    const config::ModelConfig* model = config_->FindModel(a.model);
    const bool keep = model != nullptr && ResolveRule(config_->alerts, model, a.check).enabled;
    if (keep) {
      ++it;
      continue;
    }
    if (a.state == AlertState::kFiring) {
      Resolve(a, now, &out);
    } else {
      out.changes.push_back({a.fingerprint, a.labels, AlertState::kPending, AlertState::kInactive, false, now});
    }
    it = alerts_.erase(it);
  }
  return out;
}

std::vector<ActiveAlert> AlertEngine::Active() const {
  std::vector<ActiveAlert> out;
  out.reserve(alerts_.size());
  for (const auto& [fp, a] : alerts_) out.push_back(a);
  return out;
}

std::map<std::pair<std::string, std::string>, int> AlertEngine::FiringCounts() const {
  std::map<std::pair<std::string, std::string>, int> counts = seen_pairs_;
  for (auto& [key, n] : counts) n = 0;
  for (const auto& [fp, a] : alerts_) {
    if (a.state == AlertState::kFiring) ++counts[{a.labels.at("alertname"), a.model}];
  }
  return counts;
}

}  // namespace driftd::alerts
