#include "alerts/logfmt.h"

#include <gtest/gtest.h>

namespace driftd::alerts {
namespace {

std::string One(std::string_view key, std::string_view value) {
  std::string line;
  AppendLogfmt(&line, key, value);
  return line;
}

TEST(LogfmtTest, BareValueIsUnquoted) { EXPECT_EQ(One("level", "info"), "level=info"); }

TEST(LogfmtTest, PairsAreSpaceSeparated) {
  std::string line;
  AppendLogfmt(&line, "a", "1");
  AppendLogfmt(&line, "b", "2");
  EXPECT_EQ(line, "a=1 b=2");
}

TEST(LogfmtTest, QuotesSpacesEqualsAndEmpty) {
  EXPECT_EQ(One("msg", "http listening"), "msg=\"http listening\"");
  EXPECT_EQ(One("expr", "a=b"), "expr=\"a=b\"");
  EXPECT_EQ(One("v", ""), "v=\"\"");
}

TEST(LogfmtTest, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(One("e", "say \"hi\"\\"), "e=\"say \\\"hi\\\"\\\\\"");
  EXPECT_EQ(One("e", "a\nb\tc"), "e=\"a\\nb\\tc\"");
  EXPECT_EQ(One("e", std::string_view("\x01", 1)), "e=\"\\u0001\"");
}

TEST(LogfmtTest, Utf8PassesThroughUnquoted) { EXPECT_EQ(One("city", "Zürich"), "city=Zürich"); }

}  // namespace
}  // namespace driftd::alerts
