#include "config/sink_loader.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <set>
#include <string_view>

#include "config/checks.h"
#include "config/duration.h"

namespace driftd::config {
namespace {

using Kind = TomlValue::Kind;

constexpr std::array<EnumName<SinkType>, 3> kSinkTypes = {{
    {"alertmanager", SinkType::kAlertmanager},
    {"webhook", SinkType::kWebhook},
    {"log", SinkType::kLog},
}};

// Keys that only mean something for sinks that speak HTTP.
constexpr std::array<std::string_view, 6> kHttpOptions = {
    "bearer_token_file", "basic_auth_user", "basic_auth_password_file",
    "ca_file",           "tls_insecure_skip_verify", "headers"};

// Headers the HTTP client writes itself; a second copy from the file would
// make the request ambiguous or malformed.
constexpr std::array<std::string_view, 5> kClientHeaders = {
    "host", "content-length", "content-type", "transfer-encoding", "connection"};

std::string_view SinkTypeName(SinkType type) {
  for (const auto& n : kSinkTypes) {
    if (n.value == type) return n.name;
  }
  return "sink";
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

void ReadFileName(TableReader& r, std::string_view key, const std::string& base_dir,
                  std::string* out) {
  if (r.ReadString(key, out)) *out = ResolvePath(base_dir, *out);
}

void ReadBackoff(TableReader& r, SinkConfig* sink) {
  const TomlEntry* initial = r.Find("initial_backoff");
  const TomlEntry* max = r.Find("max_backoff");
  const bool initial_ok =
      initial == nullptr ||
      r.ReadDuration("initial_backoff", DurationRule::kPositive, &sink->initial_backoff);
  const bool max_ok =
      max == nullptr || r.ReadDuration("max_backoff", DurationRule::kPositive, &sink->max_backoff);
  if (!initial_ok || !max_ok || sink->initial_backoff <= sink->max_backoff) return;
  if (max != nullptr) {
    r.ErrorAt(*max, "must not be less than initial_backoff (" +
                        FormatDuration(sink->initial_backoff) + ")");
  } else {
    r.ErrorAt(*initial, "must not be greater than max_backoff (" +
                            FormatDuration(sink->max_backoff) + ")");
  }
}

void ReadAuth(TableReader& r, const std::string& base_dir, SinkConfig* sink) {
  const TomlEntry* bearer = r.Find("bearer_token_file");
  const TomlEntry* user = r.Find("basic_auth_user");
  const TomlEntry* password = r.Find("basic_auth_password_file");
  ReadFileName(r, "bearer_token_file", base_dir, &sink->bearer_token_file);
  // RFC 7617: the user-id is everything before the first colon.
  if (r.ReadString("basic_auth_user", &sink->basic_auth_user) &&
      sink->basic_auth_user.find(':') != std::string::npos) {
    r.ErrorAt(*user, "must not contain \":\" (RFC 7617)");
  }
  ReadFileName(r, "basic_auth_password_file", base_dir, &sink->basic_auth_password_file);
  if (user != nullptr && password == nullptr) {
    r.ErrorAt(*user, "needs basic_auth_password_file as well");
  } else if (password != nullptr && user == nullptr) {
    r.ErrorAt(*password, "needs basic_auth_user as well");
  }
  if (bearer != nullptr && (user != nullptr || password != nullptr)) {
    r.ErrorAt(*bearer, "cannot be combined with basic auth (basic_auth_user, "
                       "basic_auth_password_file): choose one");
  }
}

void ReadTls(TableReader& r, const std::string& base_dir, SinkConfig* sink) {
  const TomlEntry* ca_file = r.Find("ca_file");
  ReadFileName(r, "ca_file", base_dir, &sink->ca_file);
  const bool skip_verify =
      r.ReadBool("tls_insecure_skip_verify", &sink->tls_insecure_skip_verify) &&
      sink->tls_insecure_skip_verify;
  // Only an http:// url that was read is known to be plain text.
  const bool plain = sink->url.starts_with("http://");
  if (plain && ca_file != nullptr) r.ErrorAt(*ca_file, "only used with an https:// url");
  if (plain && skip_verify) {
    r.ErrorAt(*r.Find("tls_insecure_skip_verify"), "only used with an https:// url");
  } else if (skip_verify && ca_file != nullptr) {
    r.ErrorAt(*r.Find("tls_insecure_skip_verify"), "cannot be combined with ca_file");
  }
}

void ReadHeaders(TableReader& r, SinkConfig* sink) {
  const bool has_auth = r.Find("bearer_token_file") != nullptr ||
                        r.Find("basic_auth_user") != nullptr ||
                        r.Find("basic_auth_password_file") != nullptr;
  std::set<std::string> seen;
  for (const auto& [entry, value] : r.ReadStringTable("headers")) {
    const std::string path = JoinKeyPath(r.PathOf("headers"), entry->key);
    const std::string lower = Lower(entry->key);
    Diagnostics* diagnostics = r.diagnostics();
    if (!IsHttpHeaderName(entry->key)) {
      diagnostics->Add(entry->key_position, path,
                       "header name must be an HTTP token (letters, digits and "
                       "!#$%&'*+-.^_`|~)");
    } else if (std::find(kClientHeaders.begin(), kClientHeaders.end(), lower) !=
               kClientHeaders.end()) {
      diagnostics->Add(entry->key_position, path,
                       "header \"" + entry->key + "\" is set by driftd's HTTP client");
    } else if (lower == "authorization" && has_auth) {
      diagnostics->Add(entry->key_position, path,
                       "conflicts with the authorization of bearer_token_file or basic auth");
    } else if (!seen.insert(lower).second) {
      diagnostics->Add(entry->key_position, path,
                       "duplicate header \"" + entry->key + "\" (names are case-insensitive)");
    } else if (!IsHttpHeaderValue(value)) {
      diagnostics->Add(entry->value.position, path,
                       "header value must not contain control characters or start or end "
                       "with whitespace");
    } else {
      sink->headers[entry->key] = value;
    }
  }
}

void ReadSink(TableReader& r, const std::string& base_dir, SinkConfig* sink) {
  bool typed = false;
  if (r.Find("type") == nullptr) {
    r.ErrorOnTable("type is required (\"alertmanager\", \"webhook\" or \"log\")");
  } else {
    typed = r.ReadEnum<SinkType>("type", kSinkTypes, &sink->type);
  }
  if (r.ReadString("name", &sink->name) && !IsValidName(sink->name)) {
    r.ErrorAt(*r.Find("name"), "sink name must match [A-Za-z_][A-Za-z0-9_.-]*");
  }
  r.ReadDuration("timeout", DurationRule::kPositive, &sink->timeout);
  ReadBackoff(r, sink);
  const TomlEntry* url = r.Find("url");
  // Whether a url and the HTTP options belong here depends on the type;
  // without a valid type only their form is checked.
  const bool is_log = typed && sink->type == SinkType::kLog;
  if (typed && url == nullptr && !is_log) {
    r.ErrorOnTable("url is required for sink type \"" + std::string(SinkTypeName(sink->type)) +
                   "\"");
  } else if (url != nullptr && is_log) {
    r.ErrorAt(*url, "a log sink takes no url");
  } else if (r.ReadString("url", &sink->url) && !IsHttpUrl(sink->url)) {
    r.ErrorAt(*url, "\"" + sink->url + "\" is not an http:// or https:// URL");
    sink->url.clear();
  }
  if (is_log) {
    for (std::string_view key : kHttpOptions) {
      if (const TomlEntry* entry = r.Find(key)) {
        r.ErrorAt(*entry, "a log sink takes no " + std::string(key));
      }
    }
    return;
  }
  ReadAuth(r, base_dir, sink);
  ReadTls(r, base_dir, sink);
  ReadHeaders(r, sink);
}

}  // namespace

void ReadSinks(TableReader& root, const std::string& base_dir, std::vector<SinkConfig>* sinks) {
  const TomlEntry* entry = root.Find("sinks");
  if (entry == nullptr) {
    SinkConfig log;
    log.type = SinkType::kLog;
    log.name = "log";
    sinks->push_back(log);
    return;
  }
  if (entry->value.kind != Kind::kArray) {
    root.ErrorAt(*entry, "expected an array of tables ([[sinks]]), got " +
                             std::string(KindName(entry->value.kind)));
    return;
  }
  std::vector<bool> named;
  std::vector<std::size_t> item_of;  // sinks index -> array index
  for (std::size_t i = 0; i < entry->value.items.size(); ++i) {
    const TomlValue& item = entry->value.items[i];
    const std::string path = "sinks[" + std::to_string(i) + "]";
    if (!item.is_table()) {
      root.diagnostics()->Add(item.position, path,
                              "expected a table, got " + std::string(KindName(item.kind)));
      continue;
    }
    SinkConfig sink;
    TableReader r(item, path, root.diagnostics());
    ReadSink(r, base_dir, &sink);
    r.ReportUnknownKeys();
    named.push_back(!sink.name.empty());
    item_of.push_back(i);
    sinks->push_back(std::move(sink));
  }
  // Unnamed sinks take their type's name, indexed when the type repeats.
  std::map<SinkType, int> per_type;
  for (const SinkConfig& sink : *sinks) ++per_type[sink.type];
  std::set<std::string> names;
  for (std::size_t i = 0; i < sinks->size(); ++i) {
    SinkConfig& sink = (*sinks)[i];
    if (!named[i]) {
      sink.name = std::string(SinkTypeName(sink.type));
      if (per_type[sink.type] > 1) sink.name += "-" + std::to_string(item_of[i]);
    }
    if (!names.insert(sink.name).second) {
      const TomlValue& item = entry->value.items[item_of[i]];
      const TomlEntry* name = item.Find("name");
      root.diagnostics()->Add(name ? name->value.position : item.position,
                              "sinks[" + std::to_string(item_of[i]) + "].name",
                              "duplicate sink name \"" + sink.name + "\"");
    }
  }
}

}  // namespace driftd::config
