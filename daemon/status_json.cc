#include "daemon/status_json.h"

#include <boost/json.hpp>

namespace driftd {

std::string StatusJson(const DaemonInfo& info, const PipelineStatus& status, Timestamp now) {
  namespace json = boost::json;
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
  };
  return json::serialize(root);
}

}  // namespace driftd
