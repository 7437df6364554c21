#include "daemon/status_json.h"

#include <boost/json.hpp>

namespace driftd {
namespace {

namespace json = boost::json;

json::value Optional(const std::optional<double>& x) {
  return x ? json::value(*x) : json::value(nullptr);
}

json::object WindowsJson(const WindowStatus& w) {
  json::object columns;
  for (std::size_t i = 0; i < w.column_names.size() && i < w.columns.size(); ++i) {
    columns[w.column_names[i]] = json::object{{"missing", w.columns[i].missing},
                                              {"non_finite", w.columns[i].non_finite},
                                              {"wrong_type", w.columns[i].wrong_type}};
  }
  json::object reference{{"type", w.reference_type},
                         {"events", w.reference_events},
                         {"target", w.reference_target},
                         {"ready", w.reference_ready},
                         {"error", w.reference_error}};
  return json::object{{"error", w.error},
                      {"current_events", w.current_events},
                      {"late_events", w.late_events},
                      {"reference", std::move(reference)},
                      {"columns", std::move(columns)}};
}

json::object DriftJson(const ModelDrift& d) {
  json::array features;
  for (const ColumnDrift& c : d.columns) {
    features.push_back(json::object{{"feature", c.column},
                                    {"prediction", c.is_prediction},
                                    {"test", c.test},
                                    {"statistic", c.statistic},
                                    {"p_value", Optional(c.p_value)},
                                    {"adjusted_p_value", Optional(c.adjusted_p_value)},
                                    {"effect_size", Optional(c.effect_size)},
                                    {"threshold", c.threshold},
                                    {"drifted", c.drifted},
                                    {"judged", c.judged},
                                    {"mode", c.mode},
                                    {"samples", c.samples},
                                    {"reference_samples", c.reference_samples},
                                    {"note", c.note}});
  }
  return json::object{{"evaluated_at", FormatTimestamp(d.evaluated_at)},
                      {"judged", d.judged_features > 0},
                      {"reason", d.not_judged_reason},
                      {"dataset_drift_share", d.dataset_drift_share},
                      {"drift_share_threshold", d.drift_share_threshold},
                      {"dataset_drift", d.dataset_drift},
                      {"judged_features", d.judged_features},
                      {"current_samples", d.current_samples},
                      {"reference_samples", d.reference_samples},
                      {"duration_seconds", d.duration_seconds},
                      {"features", std::move(features)}};
}

}  // namespace

std::string StatusJson(const DaemonInfo& info, const PipelineStatus& status, Timestamp now) {
  return StatusJson(info, status, DriftStatus{}, now);
}

std::string StatusJson(const DaemonInfo& info, const PipelineStatus& status, const DriftStatus& drift,
                       Timestamp now) {
  json::object rejected;
  for (int r = 0; r < collectors::kRejectReasonCount; ++r) {
    rejected[collectors::RejectReasonName(static_cast<collectors::RejectReason>(r))] =
        status.rejected[r];
  }
  json::array models;
  for (const auto& m : status.models) {
    json::object events;
    for (int k = 0; k < kEventKindCount; ++k) {
      events[EventKindName(static_cast<EventKind>(k))] = m.events[k];
    }
    json::object model{{"name", m.name},
                       {"version", m.version},
                       {"events", std::move(events)},
                       {"last_event", nullptr}};
    if (m.last_event) model["last_event"] = FormatTimestamp(*m.last_event);
    json::array changes;
    if (auto it = info.recent_changes.find(m.name); it != info.recent_changes.end()) {
      for (const auto& c : it->second) {
        changes.push_back(json::object{
            {"at", FormatTimestamp(c.at)}, {"what", c.what}, {"from", c.from}, {"to", c.to}});
      }
    }
    model["recent_changes"] = std::move(changes);
    model["windows"] = WindowsJson(m.windows);
    model["drift"] = nullptr;
    for (const ModelDrift& d : drift.models) {
      if (d.model == m.name) model["drift"] = DriftJson(d);
    }
    models.push_back(std::move(model));
  }
  json::object root{
      {"version", info.version},
      {"started_at", FormatTimestamp(info.started_at)},
      {"uptime_seconds", ToSeconds(now - info.started_at)},
      {"ready", info.ready},
      {"config",
       json::object{{"path", info.config_path},
                    {"loaded_at", FormatTimestamp(info.config_loaded_at)}}},
      {"source", json::object{{"description", info.source},
                              {"connected", info.source_connected},
                              {"finished", info.source_finished}}},
      {"events", json::object{{"messages", status.messages}, {"rejected", std::move(rejected)}}},
      {"models", std::move(models)},
      {"evaluation",
       json::object{{"last", drift.last_evaluation ? json::value(FormatTimestamp(*drift.last_evaluation))
                                                   : json::value(nullptr)},
                    {"duration_seconds", drift.last_duration_seconds},
                    {"evaluations", drift.evaluations},
                    {"skipped", drift.skipped}}},
  };
  return json::serialize(root);
}

}  // namespace driftd
