// Pure checks of single configuration values, shared by the loader's
// sections. No I/O; every function is thread-safe.
#ifndef DRIFTD_CONFIG_CHECKS_H_
#define DRIFTD_CONFIG_CHECKS_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace driftd::config {

// Model and feature names become Prometheus label values and appear in
// alert names, so they are restricted to [A-Za-z_][A-Za-z0-9_.-]*.
bool IsValidName(std::string_view name);

// The drift test names driftd knows: auto, ks, wasserstein, psi, kl,
// jensenshannon, hellinger, cramervonmises, anderson, chisquare, ztest,
// linf, tvd.
bool IsKnownTest(std::string_view test);
// Tests that only make sense on numbers (ks, wasserstein, cramervonmises,
// anderson) and those only on categories (chisquare, ztest, linf, tvd).
bool IsNumericOnlyTest(std::string_view test);
bool IsCategoricalOnlyTest(std::string_view test);
// Tests whose threshold is a p-value (drift when p < threshold), so the
// threshold must lie in (0, 1).
bool IsPValueTest(std::string_view test);
// "ks, wasserstein, ..." for messages.
std::string KnownTestList();

// `listen` is "host:port": host is a hostname, an IPv4 address or a
// bracketed IPv6 address ("[::1]"); port is 0..65535. On failure returns
// false and sets *why to a message fragment such as "port must be 0..65535".
bool IsValidListenAddress(std::string_view listen, std::string* why);

// An RFC 3339 date-time with a time zone: "2026-11-20T00:00:00Z",
// "2026-11-20T00:00:00.5+01:00" ('t', 'z' and a space separator accepted).
// Checks field ranges, including the day of month for the year.
bool IsRfc3339DateTime(std::string_view text);

// An RFC 6901 JSON Pointer: "" or "/"-prefixed, '~' only as "~0" or "~1".
bool IsJsonPointer(std::string_view pointer);

// "http://..." or "https://..." with a non-empty host part.
bool IsHttpUrl(std::string_view url);

// An Alertmanager label name: [a-zA-Z_][a-zA-Z0-9_]*. Names starting with
// "__" pass here; they are reserved, which the caller reports separately.
bool IsLabelName(std::string_view name);

// An HTTP header field name: one or more RFC 9110 token characters.
bool IsHttpHeaderName(std::string_view name);
// An HTTP header field value that cannot split or end the header block:
// visible ASCII, obs-text (bytes >= 0x80), spaces and tabs; no CR, LF or NUL,
// and no leading or trailing whitespace.
bool IsHttpHeaderValue(std::string_view value);

// The placeholders of runbook and dashboard URL templates, in message order:
// the alert labels alerts/rules.h ExpandUrlTemplate fills in.
inline constexpr std::string_view kTemplatePlaceholders[] = {"alertname", "model", "feature",
                                                             "item", "severity"};

// A runbook or dashboard URL template: an http:// or https:// URL in which
// each "{name}" of kTemplatePlaceholders is replaced when an alert is sent.
// Every brace must belong to such a placeholder: a literal brace is written
// percent-encoded (%7B, %7D), as RFC 3986 wants it in a URL anyway, so that a
// typo such as "{model" or "{modle}" cannot reach an on-call engineer as a
// broken link. On failure returns false and sets *why, e.g. "unknown
// placeholder {modle} (did you mean {model}?)" or "unclosed { at offset 12
// (write %7B for a literal brace)".
bool IsValidUrlTemplate(std::string_view text, std::string* why);

// `value` for messages: integers without a fraction ("5"), others with up
// to six decimals and no trailing zeros ("0.05", "1000000").
std::string FormatNumber(double value);

// Edit distance between a and b counting insertions, deletions,
// substitutions and swaps of adjacent characters (optimal string alignment).
int EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `key` when it is close enough to be a likely
// typo (distance <= 2 and less than half the key's length), else nullopt.
std::optional<std::string> SuggestKey(std::string_view key, std::span<const std::string> candidates);

}  // namespace driftd::config

#endif  // DRIFTD_CONFIG_CHECKS_H_
