#include "collectors/file_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace driftd::collectors {
namespace {

using namespace std::chrono_literals;

struct Received {
  std::string payload;
  std::size_t size;
  std::int64_t offset;
};

class Collect : public MessageHandler {
 public:
  void Handle(const SourceMessage& message) override {
    EXPECT_TRUE(message.topic.empty());
    EXPECT_EQ(message.partition, -1);
    EXPECT_FALSE(message.timestamp.has_value());
    messages.push_back({std::string(message.payload), message.size, message.offset});
    paddings.push_back(message.padding);
  }
  std::vector<std::string> Payloads() const {
    std::vector<std::string> out;
    for (const Received& r : messages) out.push_back(r.payload);
    return out;
  }
  std::vector<Received> messages;
  std::vector<std::size_t> paddings;
};

class FileSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "driftd_file_source_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = dir_ + "/events.jsonl";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Write(const std::string& text, std::ios::openmode mode = std::ios::trunc) {
    std::ofstream out(path_, std::ios::binary | mode);
    out << text;
  }
  void Append(const std::string& text) { Write(text, std::ios::app); }

  std::unique_ptr<FileSource> Open(bool follow = false, std::size_t max_line = 1 << 20) {
    config::SourceConfig config;
    config.path = path_;
    config.follow = follow;
    config.poll_interval = 1ms;
    std::string error;
    std::unique_ptr<FileSource> source = FileSource::Open(config, max_line, &error);
    EXPECT_NE(source, nullptr) << error;
    return source;
  }

  // Polls until kEnd (non-follow sources), collecting everything.
  void Drain(FileSource& source, Collect& handler, std::size_t batch = 1000) {
    for (int i = 0; i < 100000; ++i) {
      PollResult result = source.Poll(handler, batch, 0ms);
      ASSERT_NE(result.status, PollStatus::kFatal) << result.error;
      ASSERT_LE(result.delivered, batch);
      if (result.status == PollStatus::kEnd) return;
    }
    FAIL() << "source never ended";
  }

  std::string dir_;
  std::string path_;
};

TEST_F(FileSourceTest, DeliversLinesWithByteOffsets) {
  Write("{\"a\":1}\nbb\nccc\n");
  auto source = Open();
  Collect handler;
  PollResult result = source->Poll(handler, 10, 0ms);
  EXPECT_EQ(result.status, PollStatus::kEnd);
  EXPECT_EQ(result.delivered, 3u);
  ASSERT_EQ(handler.messages.size(), 3u);
  EXPECT_EQ(handler.Payloads(), (std::vector<std::string>{"{\"a\":1}", "bb", "ccc"}));
  EXPECT_EQ(handler.messages[0].offset, 0);
  EXPECT_EQ(handler.messages[1].offset, 8);
  EXPECT_EQ(handler.messages[2].offset, 11);
  EXPECT_EQ(handler.messages[2].size, 3u);
  EXPECT_EQ(source->position(), 15u);
  // Lines inside the read buffer (1 MiB) announce the rest of it as padding,
  // so the decoder can parse them in place.
  for (std::size_t padding : handler.paddings) EXPECT_GE(padding, 64u);
  EXPECT_FALSE(source->Connected());
  // Exhausted: further polls end immediately.
  result = source->Poll(handler, 10, 0ms);
  EXPECT_EQ(result.status, PollStatus::kEnd);
  EXPECT_EQ(result.delivered, 0u);
}

TEST_F(FileSourceTest, StripsCrAndDeliversLastLineWithoutNewline) {
  Write("a\r\nbb\r\nc\r");
  auto source = Open();
  Collect handler;
  Drain(*source, handler);
  EXPECT_EQ(handler.Payloads(), (std::vector<std::string>{"a", "bb", "c"}));
  EXPECT_EQ(handler.messages[1].offset, 3);
  EXPECT_EQ(handler.messages[2].offset, 7);
  EXPECT_EQ(handler.messages[2].size, 1u);
}

TEST_F(FileSourceTest, SkipsAndCountsEmptyLinesButDeliversWhitespace) {
  Write("\na\n\n\r\n  \nb\n\n");
  auto source = Open();
  Collect handler;
  Drain(*source, handler);
  EXPECT_EQ(handler.Payloads(), (std::vector<std::string>{"a", "  ", "b"}));
  EXPECT_EQ(handler.messages[0].offset, 1);
  EXPECT_EQ(source->skipped_blank_lines(), 4u);
}

TEST_F(FileSourceTest, LinesSpanningManyBuffers) {
  // About 6 MiB of lines from 1 byte to 300 KiB, so lines straddle the 1 MiB
  // buffer boundary in every position.
  std::string text;
  std::vector<std::string> lines;
  std::vector<std::int64_t> offsets;
  std::mt19937 rng(7);
  while (text.size() < 6u << 20) {
    const std::size_t length = 1 + rng() % (300u << 10);
    std::string line(length, static_cast<char>('a' + lines.size() % 26));
    offsets.push_back(static_cast<std::int64_t>(text.size()));
    text += line + "\n";
    lines.push_back(std::move(line));
  }
  Write(text);
  auto source = Open();
  Collect handler;
  Drain(*source, handler, 3);
  ASSERT_EQ(handler.messages.size(), lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(handler.messages[i].payload, lines[i]) << i;
    EXPECT_EQ(handler.messages[i].offset, offsets[i]) << i;
    EXPECT_EQ(handler.messages[i].size, lines[i].size()) << i;
  }
  EXPECT_EQ(source->oversize_lines(), 0u);
}

TEST_F(FileSourceTest, LineAtLimitIsWholeAndLongerIsCut) {
  const std::size_t limit = 100;
  Write(std::string(limit, 'a') + "\n" + std::string(limit, 'b') + "\r\n" +
        std::string(limit + 1, 'c') + "\nok\n");
  auto source = Open(false, limit);
  Collect handler;
  Drain(*source, handler);
  ASSERT_EQ(handler.messages.size(), 4u);
  EXPECT_EQ(handler.messages[0].payload, std::string(limit, 'a'));
  EXPECT_EQ(handler.messages[1].payload, std::string(limit, 'b'));
  EXPECT_EQ(handler.messages[2].size, limit + 1);
  EXPECT_LE(handler.messages[2].payload.size(), limit);
  EXPECT_LT(handler.messages[2].payload.size(), handler.messages[2].size);
  EXPECT_EQ(handler.messages[2].offset, 2 * 101 + 1);
  EXPECT_EQ(handler.messages[3].payload, "ok");
  EXPECT_EQ(source->oversize_lines(), 1u);
}

TEST_F(FileSourceTest, OversizeLineIsSkippedWithoutBuffering) {
  // 5 MiB line with a 1000-byte limit: far larger than the 1 MiB buffer.
  const std::size_t huge = 5u << 20;
  Write("first\n" + std::string(huge, 'x') + "\r\nafter\n" + std::string(3000, 'y'));
  auto source = Open(false, 1000);
  Collect handler;
  Drain(*source, handler, 1);
  ASSERT_EQ(handler.messages.size(), 4u);
  EXPECT_EQ(handler.messages[0].payload, "first");
  EXPECT_EQ(handler.messages[1].offset, 6);
  EXPECT_EQ(handler.messages[1].size, huge);
  EXPECT_EQ(handler.messages[1].payload, std::string(handler.messages[1].payload.size(), 'x'));
  EXPECT_LE(handler.messages[1].payload.size(), 1000u);
  EXPECT_EQ(handler.messages[2].payload, "after");
  EXPECT_EQ(handler.messages[2].offset, static_cast<std::int64_t>(6 + huge + 2));
  // An oversize last line without a newline is still delivered at EOF.
  EXPECT_EQ(handler.messages[3].size, 3000u);
  EXPECT_EQ(source->oversize_lines(), 2u);
}

TEST_F(FileSourceTest, RespectsMaxMessages) {
  Write("1\n2\n3\n4\n5\n");
  auto source = Open();
  Collect handler;
  PollResult first = source->Poll(handler, 2, 0ms);
  EXPECT_EQ(first.status, PollStatus::kOk);
  EXPECT_EQ(first.delivered, 2u);
  PollResult second = source->Poll(handler, 2, 0ms);
  EXPECT_EQ(second.delivered, 2u);
  PollResult third = source->Poll(handler, 2, 0ms);
  EXPECT_EQ(third.delivered, 1u);
  EXPECT_EQ(third.status, PollStatus::kEnd);
  EXPECT_EQ(handler.Payloads(), (std::vector<std::string>{"1", "2", "3", "4", "5"}));
}

TEST_F(FileSourceTest, PositionAndSeekToResumeAfterLastDeliveredLine) {
  Write("alpha\nbeta\ngamma\ndelta\n");
  std::uint64_t saved = 0;
  {
    auto source = Open();
    EXPECT_EQ(source->position(), 0u);
    Collect handler;
    ASSERT_EQ(source->Poll(handler, 2, 0ms).delivered, 2u);
    saved = source->position();
    EXPECT_EQ(saved, 11u);
  }
  auto source = Open();
  std::string error;
  ASSERT_TRUE(source->SeekTo(saved, &error)) << error;
  EXPECT_EQ(source->position(), saved);
  Collect handler;
  Drain(*source, handler);
  EXPECT_EQ(handler.Payloads(), (std::vector<std::string>{"gamma", "delta"}));
  EXPECT_EQ(handler.messages[0].offset, 11);
  // Seeking back after the end re-reads.
  ASSERT_TRUE(source->SeekTo(0, &error)) << error;
  EXPECT_TRUE(source->Connected());
  Collect again;
  Drain(*source, again);
  EXPECT_EQ(again.messages.size(), 4u);
}

TEST_F(FileSourceTest, OpenFailsClearly) {
  config::SourceConfig config;
  config.path = dir_ + "/missing.jsonl";
  std::string error;
  EXPECT_EQ(FileSource::Open(config, 1024, &error), nullptr);
  EXPECT_NE(error.find("missing.jsonl"), std::string::npos) << error;
  EXPECT_NE(error.find("No such file"), std::string::npos) << error;

  config.path = dir_;
  error.clear();
  EXPECT_EQ(FileSource::Open(config, 1024, &error), nullptr);
  EXPECT_NE(error.find("directory"), std::string::npos) << error;

  Write("x\n");
  config.path = path_;
  error.clear();
  EXPECT_EQ(FileSource::Open(config, 0, &error), nullptr);
  EXPECT_FALSE(error.empty());
}

TEST_F(FileSourceTest, DescribeNamesThePath) {
  Write("");
  auto source = Open(true);
  EXPECT_NE(source->Describe().find(path_), std::string::npos);
  EXPECT_NE(source->Describe().find("follow"), std::string::npos);
  EXPECT_TRUE(source->Connected());
}

TEST_F(FileSourceTest, FollowPicksUpAppendedLinesAndWaitsForNewline) {
  Write("a\nb\n");
  auto source = Open(true);
  Collect handler;
  PollResult result = source->Poll(handler, 10, 0ms);
  EXPECT_EQ(result.status, PollStatus::kOk);
  EXPECT_EQ(result.delivered, 2u);
  result = source->Poll(handler, 10, 5ms);
  EXPECT_EQ(result.status, PollStatus::kOk);
  EXPECT_EQ(result.delivered, 0u);

  Append("c\npartial");
  result = source->Poll(handler, 10, 5ms);
  EXPECT_EQ(result.delivered, 1u);
  EXPECT_EQ(handler.messages.back().payload, "c");
  EXPECT_EQ(source->position(), 6u);
  // The unterminated line waits for its newline.
  result = source->Poll(handler, 10, 5ms);
  EXPECT_EQ(result.delivered, 0u);
  Append(" line\n");
  result = source->Poll(handler, 10, 5ms);
  EXPECT_EQ(result.delivered, 1u);
  EXPECT_EQ(handler.messages.back().payload, "partial line");
  EXPECT_EQ(handler.messages.back().offset, 6);
  EXPECT_EQ(source->reopens(), 0u);
}

TEST_F(FileSourceTest, FollowRestartsAfterTruncation) {
  Write("first line\nsecond line\n");
  auto source = Open(true);
  Collect handler;
  ASSERT_EQ(source->Poll(handler, 10, 0ms).delivered, 2u);
  Write("new\n");  // truncates, then writes less than was read
  PollResult result = source->Poll(handler, 10, 5ms);
  EXPECT_EQ(result.status, PollStatus::kOk);
  ASSERT_EQ(result.delivered, 1u);
  EXPECT_EQ(handler.messages.back().payload, "new");
  EXPECT_EQ(handler.messages.back().offset, 0);
  EXPECT_EQ(source->reopens(), 1u);
}

TEST_F(FileSourceTest, FollowSwitchesToRotatedFile) {
  Write("old1\n");
  auto source = Open(true);
  Collect handler;
  ASSERT_EQ(source->Poll(handler, 10, 0ms).delivered, 1u);
  Append("old2\nold3");  // written before rotation, last line unterminated
  std::filesystem::rename(path_, path_ + ".1");
  Write("new1\n");
  PollResult result = source->Poll(handler, 10, 5ms);
  EXPECT_EQ(result.status, PollStatus::kOk);
  EXPECT_EQ(handler.Payloads(), (std::vector<std::string>{"old1", "old2", "old3", "new1"}));
  EXPECT_EQ(handler.messages.back().offset, 0);
  EXPECT_EQ(source->reopens(), 1u);
  EXPECT_EQ(source->position(), 5u);
}

TEST_F(FileSourceTest, PipeIsReadUntilWriterCloses) {
  const std::string fifo = dir_ + "/events.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // O_RDWR does not wait for a reader; the source's O_RDONLY open then does
  // not wait for a writer.
  const int writer = ::open(fifo.c_str(), O_RDWR);
  ASSERT_GE(writer, 0);
  config::SourceConfig config;
  config.path = fifo;
  config.follow = true;  // ignored: pipes end when their writers close
  std::string error;
  auto source = FileSource::Open(config, 1024, &error);
  ASSERT_NE(source, nullptr) << error;
  EXPECT_FALSE(source->SeekTo(0, &error));

  ASSERT_EQ(::write(writer, "a\nb", 3), 3);
  Collect handler;
  PollResult result = source->Poll(handler, 10, 1s);
  EXPECT_EQ(result.status, PollStatus::kOk);
  EXPECT_EQ(result.delivered, 1u);
  // No more data: returns within the timeout instead of blocking.
  result = source->Poll(handler, 10, 5ms);
  EXPECT_EQ(result.status, PollStatus::kOk);
  EXPECT_EQ(result.delivered, 0u);
  ::close(writer);
  result = source->Poll(handler, 10, 1s);
  EXPECT_EQ(result.status, PollStatus::kEnd);
  EXPECT_EQ(handler.Payloads(), (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace driftd::collectors
