// The value types of alerting: an alert's identity (its label set), the
// notification that carries one state of it to the sinks, and the helpers
// both sides share (fingerprint, RFC 3339 time).
#ifndef DRIFTD_ALERTS_ALERT_H_
#define DRIFTD_ALERTS_ALERT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "detectors/time.h"

namespace driftd::alerts {

// Label name -> value. Sorted, so equal label sets compare and hash equal.
using LabelSet = std::map<std::string, std::string>;

// What a notification tells a sink about an alert.
//   kFiring:   the alert started firing (the page).
//   kResend:   it is still firing; Alertmanager needs this at least every
//              resend_interval or it resolves the alert itself at endsAt.
//   kResolved: it stopped firing; endsAt is the resolve time.
enum class NotificationKind { kFiring, kResend, kResolved };

const char* NotificationKindName(NotificationKind kind);
// Inverse of NotificationKindName; nullopt for anything else.
std::optional<NotificationKind> ParseNotificationKind(std::string_view name);

// One state of one alert, as handed to the outbox and the sinks. The same
// fields as an Alertmanager API v2 postable alert plus what the webhook
// format and the log sink need.
struct Notification {
  NotificationKind kind = NotificationKind::kFiring;
  LabelSet labels;
  LabelSet annotations;
  Timestamp starts_at{};  // when the alert started firing
  Timestamp ends_at{};    // now + 4 x max(eval, resend) while firing; resolve time once resolved
  std::string generator_url;  // may be empty
  std::string fingerprint;    // Fingerprint(labels)

  bool resolved() const { return kind == NotificationKind::kResolved; }
};

// The label set's fingerprint as Prometheus and Alertmanager compute it
// (FNV-1a 64 over the sorted names and values, each followed by 0xff), as 16
// lowercase hex digits: the id `amtool` and the webhook format show.
std::string Fingerprint(const LabelSet& labels);

// RFC 3339 in UTC with millisecond precision: 2026-11-27T01:02:03.456Z.
std::string FormatRfc3339(Timestamp t);
// Parses what FormatRfc3339 writes (fraction of 0 to 9 digits, 'Z' only).
std::optional<Timestamp> ParseRfc3339(std::string_view text);

}  // namespace driftd::alerts

#endif  // DRIFTD_ALERTS_ALERT_H_
