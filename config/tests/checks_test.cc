#include "config/checks.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace driftd::config {
namespace {

TEST(IsValidNameTest, FollowsThePrometheusFriendlyPattern) {
  for (const char* ok : {"fraud", "_x", "Fraud_v2", "a.b-c", "A9"}) EXPECT_TRUE(IsValidName(ok)) << ok;
  for (const char* bad : {"", "9fraud", "-x", ".x", "a b", "fraud!", "é"}) {
    EXPECT_FALSE(IsValidName(bad)) << bad;
  }
}

TEST(TestNamesTest, KnowsEveryTestAndItsKind) {
  for (const char* test : {"auto", "ks", "wasserstein", "psi", "kl", "jensenshannon", "hellinger",
                           "cramervonmises", "anderson", "chisquare", "ztest", "linf", "tvd"}) {
    EXPECT_TRUE(IsKnownTest(test)) << test;
  }
  EXPECT_FALSE(IsKnownTest("KS"));
  EXPECT_FALSE(IsKnownTest("t-test"));
  EXPECT_TRUE(IsNumericOnlyTest("anderson"));
  EXPECT_FALSE(IsNumericOnlyTest("psi"));
  EXPECT_TRUE(IsCategoricalOnlyTest("tvd"));
  EXPECT_FALSE(IsCategoricalOnlyTest("jensenshannon"));
  EXPECT_TRUE(IsPValueTest("chisquare"));
  EXPECT_FALSE(IsPValueTest("wasserstein"));
}

TEST(IsValidListenAddressTest, AcceptsHostPortForms) {
  std::string why;
  for (const char* ok : {"127.0.0.1:7461", "0.0.0.0:0", "localhost:80", "[::1]:7461",
                         "[::]:65535", "metrics.internal:9000"}) {
    EXPECT_TRUE(IsValidListenAddress(ok, &why)) << ok << ": " << why;
  }
}

TEST(IsValidListenAddressTest, ExplainsWhatIsWrong) {
  struct Case {
    const char* listen;
    const char* why;
  };
  const Case cases[] = {
      {"127.0.0.1", "expected \"host:port\""},
      {"127.0.0.1:65536", "port must be a number 0..65535"},
      {"127.0.0.1:http", "port must be a number 0..65535"},
      {"::1:7461", "IPv6 address must be written as \"[addr]:port\""},
      {"[::g]:7461", "\"::g\" is not an IPv6 address"},
      {"300.1.2.3:80", "\"300.1.2.3\" is not an IPv4 address"},
      {":7461", "host is missing (use 0.0.0.0 for every interface)"},
      {"bad host:80", "\"bad host\" is not a host name or address"},
  };
  for (const auto& c : cases) {
    std::string why;
    EXPECT_FALSE(IsValidListenAddress(c.listen, &why)) << c.listen;
    EXPECT_EQ(why, c.why) << c.listen;
  }
}

TEST(IsRfc3339DateTimeTest, AcceptsZonedDateTimes) {
  for (const char* ok : {"2026-11-20T00:00:00Z", "2026-11-20t00:00:00z", "2026-11-20 23:59:59Z",
                         "2024-02-29T12:00:00.123456+01:00", "2026-06-30T23:59:60-07:30"}) {
    EXPECT_TRUE(IsRfc3339DateTime(ok)) << ok;
  }
}

TEST(IsRfc3339DateTimeTest, RejectsLocalTimesAndImpossibleDates) {
  for (const char* bad : {"2026-11-20", "2026-11-20T00:00:00", "2026-13-01T00:00:00Z",
                          "2025-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
                          "2026-11-20T24:00:00Z", "2026-11-20T00:00:00.Z", "2026-11-20T00:00Z",
                          "2026-11-20T00:00:00+0100", "2026-11-20T00:00:00Zjunk", "yesterday"}) {
    EXPECT_FALSE(IsRfc3339DateTime(bad)) << bad;
  }
}

TEST(IsJsonPointerTest, FollowsRfc6901) {
  for (const char* ok : {"", "/", "/a/b", "/a~0b/~1c", "/0"}) EXPECT_TRUE(IsJsonPointer(ok)) << ok;
  for (const char* bad : {"a", "meta/time", "/a~", "/a~2"}) EXPECT_FALSE(IsJsonPointer(bad)) << bad;
}

TEST(IsHttpUrlTest, NeedsSchemeAndHost) {
  EXPECT_TRUE(IsHttpUrl("http://127.0.0.1:9093"));
  EXPECT_TRUE(IsHttpUrl("https://hooks.example.org/x?y=1"));
  EXPECT_FALSE(IsHttpUrl("127.0.0.1:9093"));
  EXPECT_FALSE(IsHttpUrl("http://"));
  EXPECT_FALSE(IsHttpUrl("ftp://host"));
}

TEST(EditDistanceTest, MatchesHandComputedLevenshteinDistances) {
  // kitten/sitting = 3 is the textbook example (Levenshtein 1966, Wikipedia).
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3);
  EXPECT_EQ(EditDistance("", "abc"), 3);
  EXPECT_EQ(EditDistance("abc", "abc"), 0);
  EXPECT_EQ(EditDistance("evaluation_intervall", "evaluation_interval"), 1);
  // Adjacent transpositions count once (optimal string alignment distance).
  EXPECT_EQ(EditDistance("nmae", "name"), 1);
  EXPECT_EQ(EditDistance("ca", "abc"), 3);
}

TEST(SuggestKeyTest, SuggestsOnlyCloseKeys) {
  const std::vector<std::string> keys = {"threshold", "type", "test", "min", "max"};
  EXPECT_EQ(SuggestKey("treshold", keys), "threshold");
  EXPECT_EQ(SuggestKey("tesst", keys), "test");
  EXPECT_EQ(SuggestKey("tpye", keys), "type");
  EXPECT_EQ(SuggestKey("colour", keys), std::nullopt);
  EXPECT_EQ(SuggestKey("mx", keys), std::nullopt);  // too short to guess
}

TEST(IsLabelNameTest, FollowsThePrometheusLabelPattern) {
  for (const char* ok : {"team", "_x", "env_2", "A"}) EXPECT_TRUE(IsLabelName(ok)) << ok;
  for (const char* bad : {"", "2x", "team-name", "a.b", "a b", "é"}) {
    EXPECT_FALSE(IsLabelName(bad)) << bad;
  }
}

TEST(HttpHeaderTest, NamesAreTokensAndValuesCannotBreakTheHeaderBlock) {
  for (const char* ok : {"X-Scope-OrgID", "User-Agent", "a!#$%&'*+-.^_`|~9"}) {
    EXPECT_TRUE(IsHttpHeaderName(ok)) << ok;
  }
  for (const char* bad : {"", "Bad Name", "X:Y", "X(Y)", "X\"Y", "X\tY"}) {
    EXPECT_FALSE(IsHttpHeaderName(bad)) << bad;
  }
  for (const char* ok : {"v", "driftd (prod) 1.0", "a\tb", "\xc3\xa9t\xc3\xa9"}) {
    EXPECT_TRUE(IsHttpHeaderValue(ok)) << ok;
  }
  for (const char* bad : {"a\r\nb: c", "a\nb", " v", "v ", "v\t", "a\x7f"}) {
    EXPECT_FALSE(IsHttpHeaderValue(bad)) << bad;
  }
  EXPECT_FALSE(IsHttpHeaderValue(std::string("a\0b", 3)));
}

TEST(IsValidUrlTemplateTest, AcceptsKnownPlaceholdersAndEncodedBraces) {
  std::string why;
  for (const char* ok : {"https://wiki/{alertname}", "http://g/d?m={model}&f={feature}&i={item}",
                         "https://w/{severity}", "https://{model}.grafana.example.org/",
                         "https://w/x?q=%7B%7D", "https://w/plain"}) {
    EXPECT_TRUE(IsValidUrlTemplate(ok, &why)) << ok << ": " << why;
  }
}

TEST(IsValidUrlTemplateTest, ExplainsEachProblem) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"https://w/{modle}", "unknown placeholder {modle} (did you mean {model}?)"},
      {"https://w/{Item}", "unknown placeholder {Item} (did you mean {item}?)"},
      {"https://w/{x}", "unknown placeholder {x} (expected {alertname}, {model}, {feature}, "
                        "{item} or {severity})"},
      {"https://w/{model", "unclosed { at offset 10 (write %7B for a literal brace)"},
      {"https://w/}", "unmatched } at offset 10 (write %7D for a literal brace)"},
      {"https://w/{{model}}", "unknown placeholder {{model} (did you mean {model}?)"},
      {"wiki/{model}", "\"wiki/{model}\" is not an http:// or https:// URL"},
      {"https://{model}", ""},  // the placeholder stands for a host: valid
  };
  for (const auto& [text, expected] : cases) {
    std::string why;
    EXPECT_EQ(IsValidUrlTemplate(text, &why), expected.empty()) << text;
    EXPECT_EQ(why, expected) << text;
  }
}

TEST(FormatNumberTest, ShortestRoundTripSpelling) {
  EXPECT_EQ(FormatNumber(5), "5");
  EXPECT_EQ(FormatNumber(0.05), "0.05");
  EXPECT_EQ(FormatNumber(-0.1), "-0.1");
  EXPECT_EQ(FormatNumber(1e-9), "1e-09");
  EXPECT_EQ(std::stod(FormatNumber(0.1 + 0.2)), 0.1 + 0.2);
}

}  // namespace
}  // namespace driftd::config
