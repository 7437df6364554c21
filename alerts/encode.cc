#include "alerts/encode.h"

#include <boost/json.hpp>

#include "alerts/logfmt.h"

namespace driftd::alerts {
namespace json = boost::json;
namespace {

// Alertmanager renders a firing alert's endsAt as Go's zero time.
constexpr const char* kGoZeroTime = "0001-01-01T00:00:00Z";

json::object LabelsToJson(const LabelSet& labels) {
  json::object out;
  for (const auto& [k, v] : labels) out[k] = v;
  return out;
}

bool LabelsFromJson(const json::value& v, LabelSet* out) {
  const json::object* obj = v.if_object();
  if (obj == nullptr) return false;
  for (const auto& [k, val] : *obj) {
    const json::string* s = val.if_string();
    if (s == nullptr) return false;
    (*out)[std::string(k)] = std::string(*s);
  }
  return true;
}

// The labels (or annotations) every notification has with the same value.
LabelSet Common(const std::vector<Notification>& ns, LabelSet Notification::*field) {
  LabelSet common = ns.front().*field;
  for (const Notification& n : ns) {
    for (auto it = common.begin(); it != common.end();) {
      auto other = (n.*field).find(it->first);
      if (other == (n.*field).end() || other->second != it->second) {
        it = common.erase(it);
      } else {
        ++it;
      }
    }
  }
  return common;
}

}  // namespace

std::string EncodeAlertmanagerV2(const std::vector<Notification>& notifications) {
  json::array out;
  for (const Notification& n : notifications) {
    json::object a;
    a["labels"] = LabelsToJson(n.labels);
    a["annotations"] = LabelsToJson(n.annotations);
    a["startsAt"] = FormatRfc3339(n.starts_at);
    a["endsAt"] = FormatRfc3339(n.ends_at);
    if (!n.generator_url.empty()) a["generatorURL"] = n.generator_url;
    out.push_back(std::move(a));
  }
  return json::serialize(out);
}

std::string EncodeWebhookV4(const std::vector<Notification>& notifications,
                            const WebhookContext& context) {
  bool any_firing = false;
  json::array alerts;
  for (const Notification& n : notifications) {
    any_firing = any_firing || !n.resolved();
    json::object a;
    a["status"] = n.resolved() ? "resolved" : "firing";
    a["labels"] = LabelsToJson(n.labels);
    a["annotations"] = LabelsToJson(n.annotations);
    a["startsAt"] = FormatRfc3339(n.starts_at);
    a["endsAt"] = n.resolved() ? FormatRfc3339(n.ends_at) : kGoZeroTime;
    a["generatorURL"] = n.generator_url;
    a["fingerprint"] = n.fingerprint.empty() ? Fingerprint(n.labels) : n.fingerprint;
    alerts.push_back(std::move(a));
  }
  const LabelSet common_labels = Common(notifications, &Notification::labels);
  LabelSet group_labels;
  for (const char* name : {"alertname", "model"}) {
    if (auto it = common_labels.find(name); it != common_labels.end()) group_labels.insert(*it);
  }
  // Alertmanager's groupKey: "<route matchers>:<group labels>".
  const std::string group_key = "{}:" + FormatLabelSet(group_labels);

  json::object body;
  body["version"] = "4";
  body["groupKey"] = group_key;
  body["truncatedAlerts"] = 0;
  body["status"] = any_firing ? "firing" : "resolved";
  body["receiver"] = context.receiver;
  body["groupLabels"] = LabelsToJson(group_labels);
  body["commonLabels"] = LabelsToJson(common_labels);
  body["commonAnnotations"] = LabelsToJson(Common(notifications, &Notification::annotations));
  body["externalURL"] = context.external_url;
  body["alerts"] = std::move(alerts);
  return json::serialize(body);
}

std::string FormatLabelSet(const LabelSet& labels) {
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ", ";
    first = false;
    out += k + "=" + json::serialize(json::value(v));
  }
  return out + "}";
}

std::string EncodeLogLine(const Notification& n) {
  std::string line;
  AppendLogfmt(&line, "alert", NotificationKindName(n.kind));
  auto name = n.labels.find("alertname");
  AppendLogfmt(&line, "alertname", name == n.labels.end() ? "" : name->second);
  AppendLogfmt(&line, "fingerprint", n.fingerprint);
  AppendLogfmt(&line, "starts_at", FormatRfc3339(n.starts_at));
  AppendLogfmt(&line, "ends_at", FormatRfc3339(n.ends_at));
  for (const auto& [k, v] : n.labels) {
    if (k != "alertname") AppendLogfmt(&line, "label_" + k, v);
  }
  for (const auto& [k, v] : n.annotations) AppendLogfmt(&line, k, v);
  return line;
}

std::string EncodeNotification(const Notification& n) {
  json::object o;
  o["kind"] = NotificationKindName(n.kind);
  o["labels"] = LabelsToJson(n.labels);
  o["annotations"] = LabelsToJson(n.annotations);
  o["starts_at"] = FormatRfc3339(n.starts_at);
  // Full precision here: the outbox must give back what it was given.
  o["starts_at_ns"] = n.starts_at.time_since_epoch().count();
  o["ends_at_ns"] = n.ends_at.time_since_epoch().count();
  o["generator_url"] = n.generator_url;
  o["fingerprint"] = n.fingerprint;
  return json::serialize(o);
}

std::optional<Notification> DecodeNotification(std::string_view text, std::string* error) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) {
    *error = "invalid JSON: " + ec.message();
    return std::nullopt;
  }
  const json::object* o = v.if_object();
  if (o == nullptr) {
    *error = "not a JSON object";
    return std::nullopt;
  }
  Notification n;
  const json::value* kind = o->if_contains("kind");
  const json::value* labels = o->if_contains("labels");
  const json::value* annotations = o->if_contains("annotations");
  const json::value* starts = o->if_contains("starts_at_ns");
  const json::value* ends = o->if_contains("ends_at_ns");
  const json::value* gen = o->if_contains("generator_url");
  const json::value* fp = o->if_contains("fingerprint");
  if (kind == nullptr || !kind->is_string() || labels == nullptr || annotations == nullptr ||
      starts == nullptr || !starts->is_int64() || ends == nullptr || !ends->is_int64() ||
      gen == nullptr || !gen->is_string() || fp == nullptr || !fp->is_string()) {
    *error = "missing or mistyped field";
    return std::nullopt;
  }
  auto parsed_kind = ParseNotificationKind(std::string_view(kind->get_string()));
  if (!parsed_kind) {
    *error = "unknown kind";
    return std::nullopt;
  }
  n.kind = *parsed_kind;
  if (!LabelsFromJson(*labels, &n.labels) || !LabelsFromJson(*annotations, &n.annotations)) {
    *error = "labels and annotations must map strings to strings";
    return std::nullopt;
  }
  n.starts_at = Timestamp(Duration(starts->get_int64()));
  n.ends_at = Timestamp(Duration(ends->get_int64()));
  n.generator_url = std::string(gen->get_string());
  n.fingerprint = std::string(fp->get_string());
  if (n.labels.empty() || n.fingerprint != Fingerprint(n.labels)) {
    *error = "fingerprint does not match the labels";
    return std::nullopt;
  }
  return n;
}

}  // namespace driftd::alerts
