#include "config/checks.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <utility>
#include <vector>

namespace driftd::config {
namespace {

constexpr std::array<std::string_view, 19> kTests = {
    "auto",          "ks",       "wasserstein", "psi",       "kl",   "jensenshannon", "hellinger",
    "cramervonmises", "anderson", "chisquare",   "ztest",     "linf", "tvd",
    "g_test",        "t_test",   "mannw",       "energy_distance", "fisher_exact", "tvd_perm"};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Parses exactly `width` digits at text[*i], advancing *i.
bool Digits(std::string_view text, std::size_t* i, std::size_t width, int* out) {
  if (*i + width > text.size()) return false;
  int value = 0;
  for (std::size_t k = 0; k < width; ++k) {
    const char c = text[*i + k];
    if (!IsDigit(c)) return false;
    value = value * 10 + (c - '0');
  }
  *i += width;
  *out = value;
  return true;
}

bool Expect(std::string_view text, std::size_t* i, char c) {
  if (*i >= text.size() || text[*i] != c) return false;
  ++*i;
  return true;
}

int DaysInMonth(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

bool IsHostname(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return IsAlpha(c) || IsDigit(c) || c == '-' || c == '.' || c == '_';
  });
}

}  // namespace

bool IsValidName(std::string_view name) {
  if (name.empty() || !(IsAlpha(name[0]) || name[0] == '_')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return IsAlpha(c) || IsDigit(c) || c == '_' || c == '.' || c == '-';
  });
}

bool IsKnownTest(std::string_view test) {
  return std::find(kTests.begin(), kTests.end(), test) != kTests.end();
}

bool IsNumericOnlyTest(std::string_view test) {
  return test == "ks" || test == "wasserstein" || test == "cramervonmises" || test == "anderson" ||
         test == "t_test" || test == "mannw" || test == "energy_distance";
}

bool IsCategoricalOnlyTest(std::string_view test) {
  return test == "chisquare" || test == "ztest" || test == "linf" || test == "tvd" ||
         test == "g_test" || test == "fisher_exact" || test == "tvd_perm";
}

bool IsPValueTest(std::string_view test) {
  return test == "ks" || test == "cramervonmises" || test == "anderson" || test == "chisquare" ||
         test == "ztest" || test == "g_test" || test == "t_test" || test == "mannw" ||
         test == "fisher_exact" || test == "tvd_perm";
}

std::string KnownTestList() {
  std::string out;
  for (std::string_view test : kTests) {
    if (!out.empty()) out += ", ";
    out += test;
  }
  return out;
}

bool IsValidListenAddress(std::string_view listen, std::string* why) {
  const std::size_t colon = listen.rfind(':');
  if (colon == std::string_view::npos) {
    *why = "expected \"host:port\"";
    return false;
  }
  std::string_view host = listen.substr(0, colon);
  const std::string_view port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), IsDigit) ||
      std::stoi(std::string(port)) > 65535) {
    *why = "port must be a number 0..65535";
    return false;
  }
  if (host.starts_with('[')) {
    if (!host.ends_with(']')) {
      *why = "IPv6 address must be written as \"[addr]:port\"";
      return false;
    }
    const std::string inner(host.substr(1, host.size() - 2));
    in6_addr address6{};
    if (inet_pton(AF_INET6, inner.c_str(), &address6) != 1) {
      *why = "\"" + inner + "\" is not an IPv6 address";
      return false;
    }
    return true;
  }
  if (host.find(':') != std::string_view::npos) {
    *why = "IPv6 address must be written as \"[addr]:port\"";
    return false;
  }
  if (!IsHostname(host)) {
    *why = host.empty() ? "host is missing (use 0.0.0.0 for every interface)"
                        : "\"" + std::string(host) + "\" is not a host name or address";
    return false;
  }
  // All-numeric hosts must be real dotted-quad addresses, not "300.1.2.3".
  const bool numeric = std::all_of(host.begin(), host.end(), [](char c) {
    return IsDigit(c) || c == '.';
  });
  in_addr address4{};
  if (numeric && inet_pton(AF_INET, std::string(host).c_str(), &address4) != 1) {
    *why = "\"" + std::string(host) + "\" is not an IPv4 address";
    return false;
  }
  return true;
}

bool IsRfc3339DateTime(std::string_view text) {
  std::size_t i = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!Digits(text, &i, 4, &year) || !Expect(text, &i, '-') || !Digits(text, &i, 2, &month) ||
      !Expect(text, &i, '-') || !Digits(text, &i, 2, &day)) {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) return false;
  if (i >= text.size() || (text[i] != 'T' && text[i] != 't' && text[i] != ' ')) return false;
  ++i;
  if (!Digits(text, &i, 2, &hour) || !Expect(text, &i, ':') || !Digits(text, &i, 2, &minute) ||
      !Expect(text, &i, ':') || !Digits(text, &i, 2, &second)) {
    return false;
  }
  // Second 60 is a leap second, which RFC 3339 allows.
  if (hour > 23 || minute > 59 || second > 60) return false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    const std::size_t start = i;
    while (i < text.size() && IsDigit(text[i])) ++i;
    if (i == start) return false;
  }
  if (i < text.size() && (text[i] == 'Z' || text[i] == 'z')) return i + 1 == text.size();
  if (i >= text.size() || (text[i] != '+' && text[i] != '-')) return false;
  ++i;
  int offset_hour = 0, offset_minute = 0;
  if (!Digits(text, &i, 2, &offset_hour) || !Expect(text, &i, ':') ||
      !Digits(text, &i, 2, &offset_minute)) {
    return false;
  }
  return offset_hour <= 23 && offset_minute <= 59 && i == text.size();
}

bool IsJsonPointer(std::string_view pointer) {
  if (pointer.empty()) return true;
  if (pointer[0] != '/') return false;
  for (std::size_t i = 0; i < pointer.size(); ++i) {
    if (pointer[i] != '~') continue;
    if (i + 1 >= pointer.size() || (pointer[i + 1] != '0' && pointer[i + 1] != '1')) return false;
  }
  return true;
}

bool IsHttpUrl(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else {
    return false;
  }
  const std::size_t end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, end);
  return !authority.empty() && authority.find(' ') == std::string_view::npos;
}

bool IsLabelName(std::string_view name) {
  if (name.empty() || !(IsAlpha(name[0]) || name[0] == '_')) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return IsAlpha(c) || IsDigit(c) || c == '_'; });
}

bool IsHttpHeaderName(std::string_view name) {
  static constexpr std::string_view kTokenPunctuation = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return IsAlpha(c) || IsDigit(c) || kTokenPunctuation.find(c) != std::string_view::npos;
  });
}

bool IsHttpHeaderValue(std::string_view value) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  if (!value.empty() && (is_space(value.front()) || is_space(value.back()))) return false;
  return std::all_of(value.begin(), value.end(), [&](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return is_space(c) || (byte >= 0x21 && byte != 0x7f);
  });
}

bool IsValidUrlTemplate(std::string_view text, std::string* why) {
  // The URL check runs on the text with each placeholder replaced by a word,
  // so that "https://{model}.grafana.example" is judged like a real URL.
  std::string expanded;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '}') {
      *why = "unmatched } at offset " + std::to_string(i) + " (write %7D for a literal brace)";
      return false;
    }
    if (c != '{') {
      expanded += c;
      continue;
    }
    const std::size_t close = text.find('}', i);
    if (close == std::string_view::npos) {
      *why = "unclosed { at offset " + std::to_string(i) + " (write %7B for a literal brace)";
      return false;
    }
    const std::string_view name = text.substr(i + 1, close - i - 1);
    std::vector<std::string> known;
    for (std::string_view p : kTemplatePlaceholders) known.emplace_back(p);
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      *why = "unknown placeholder {" + std::string(name) + "}";
      if (const auto suggestion = SuggestKey(name, known)) {
        *why += " (did you mean {" + *suggestion + "}?)";
      } else {
        *why += " (expected {alertname}, {model}, {feature}, {item} or {severity})";
      }
      return false;
    }
    expanded += "x";
    i = close;
  }
  if (!IsHttpUrl(expanded)) {
    *why = "\"" + std::string(text) + "\" is not an http:// or https:// URL";
    return false;
  }
  return true;
}

std::string FormatNumber(double value) {
  // The shortest text that reads back as the same double: 0.05, not 0.050000.
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

int EditDistance(std::string_view a, std::string_view b) {
  // Three rows of the dynamic-programming table: the transposition case looks
  // two rows back.
  std::vector<int> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::optional<std::string> SuggestKey(std::string_view key,
                                      std::span<const std::string> candidates) {
  std::optional<std::string> best;
  int best_distance = 3;
  for (const std::string& candidate : candidates) {
    const int distance = EditDistance(key, candidate);
    if (distance < best_distance && 2 * distance < static_cast<int>(key.size())) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace driftd::config
