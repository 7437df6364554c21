// Wire formats of notifications: Alertmanager API v2, the Alertmanager
// webhook format version 4, one logfmt line, and the outbox's own record.
#ifndef DRIFTD_ALERTS_ENCODE_H_
#define DRIFTD_ALERTS_ENCODE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/alert.h"

namespace driftd::alerts {

// Body of `POST /api/v2/alerts`: a JSON array of postableAlert objects
// (labels, annotations, startsAt, endsAt, and generatorURL when set), in the
// order given. Times are RFC 3339.
std::string EncodeAlertmanagerV2(const std::vector<Notification>& notifications);

// What a webhook body says about where it comes from.
struct WebhookContext {
  std::string receiver;      // the sink's name
  std::string external_url;  // driftd's own URL; may be empty
};

// Body of a webhook POST in Alertmanager's webhook format version 4:
//   {version:"4", groupKey, truncatedAlerts:0, status, receiver, groupLabels,
//    commonLabels, commonAnnotations, externalURL, alerts:[{status, labels,
//    annotations, startsAt, endsAt, generatorURL, fingerprint}]}
// status is "firing" when any alert fires, else "resolved". groupLabels are
// the alertname and model labels the alerts share; groupKey is
// `{}:{alertname="...", model="..."}` as Alertmanager writes it for a route
// grouped by those labels. Firing alerts carry endsAt
// "0001-01-01T00:00:00Z", as Alertmanager sends them.
// REQUIRES: !notifications.empty().
std::string EncodeWebhookV4(const std::vector<Notification>& notifications,
                            const WebhookContext& context);

// One logfmt line (no newline) describing a transition:
//   alert=firing alertname=FeatureDrift fingerprint=... starts_at=... ends_at=...
//   label_<name>=... summary="..."
std::string EncodeLogLine(const Notification& notification);

// A label set as Prometheus writes one: {alertname="FeatureDrift", model="fraud"}.
std::string FormatLabelSet(const LabelSet& labels);

// The outbox's record of a notification: a JSON object with every field.
std::string EncodeNotification(const Notification& notification);
// Inverse of EncodeNotification; nullopt (and *error set) on anything else.
std::optional<Notification> DecodeNotification(std::string_view json, std::string* error);

}  // namespace driftd::alerts

#endif  // DRIFTD_ALERTS_ENCODE_H_
