// Checkpoints: the snapshot format (CRC-32C against published vectors,
// truncation and corruption detection), the atomic store, and the
// checkpointer's restore/fallback and commit-after-durable contract.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "daemon/checkpoint_codec.h"
#include "daemon/checkpoint_format.h"
#include "daemon/checkpoint_store.h"
#include "daemon/checkpointer.h"
#include "daemon/pipeline.h"
#include "fake_clock.h"

namespace driftd {
namespace {

namespace fs = std::filesystem;
using collectors::StreamPosition;
using collectors::StreamPositions;

// ---- CRC-32C and the snapshot frame ---------------------------------------

struct CrcCase {
  std::string input;
  std::uint32_t expected;
  const char* source;
};

TEST(Crc32cTest, MatchesPublishedVectors) {
  std::string ascending, descending;
  for (int i = 0; i < 32; ++i) {
    ascending.push_back(static_cast<char>(i));
    descending.push_back(static_cast<char>(31 - i));
  }
  const std::vector<CrcCase> cases = {
      {"123456789", 0xE3069283u, "CRC-32C check value (Castagnoli 1993; RFC 3720 B.4 polynomial)"},
      {std::string(32, '\0'), 0x8A9136AAu, "RFC 3720 section B.4, 32 bytes of zeroes"},
      {std::string(32, '\xff'), 0x62A8AB43u, "RFC 3720 section B.4, 32 bytes of ones"},
      {ascending, 0x46DD794Eu, "RFC 3720 section B.4, 32 incrementing bytes"},
      {descending, 0x113FDB5Cu, "RFC 3720 section B.4, 32 decrementing bytes"},
  };
  for (const auto& c : cases) EXPECT_EQ(Crc32c(c.input), c.expected) << c.source;
}

TEST(Crc32cTest, ContinuesAcrossChunks) {
  EXPECT_EQ(Crc32c("6789", Crc32c("12345")), Crc32c("123456789"));
}

Snapshot SampleSnapshot() {
  Snapshot s;
  s.taken_at = Timestamp(std::chrono::seconds(1'800'000'123));
  s.positions = {{"ml.predictions", 0, 41}, {"ml.predictions", 2, 7}, {"/var/log/e.jsonl", -1, 9}};
  s.state = std::string("state\0bytes", 11);
  return s;
}

TEST(SnapshotFormatTest, RoundTrips) {
  const Snapshot in = SampleSnapshot();
  const std::string bytes = EncodeSnapshot(in);
  Snapshot out;
  ASSERT_EQ(DecodeSnapshot(bytes, &out), std::nullopt);
  EXPECT_EQ(out.taken_at, in.taken_at);
  EXPECT_EQ(out.positions, in.positions);
  EXPECT_EQ(out.state, in.state);
}

TEST(SnapshotFormatTest, LayoutMatchesTheDocumentedHeader) {
  const std::string bytes = EncodeSnapshot(SampleSnapshot());
  ByteReader r(bytes);
  EXPECT_EQ(r.Raw(8), "DRIFTDCK");
  EXPECT_EQ(r.U32(), kSnapshotVersion);
  EXPECT_EQ(r.U32(), 0u);
  const std::uint64_t length = r.U64();
  EXPECT_EQ(bytes.size(), 28 + length);
  ByteReader trailer(std::string_view(bytes).substr(24 + length));
  EXPECT_EQ(trailer.U32(), Crc32c(std::string_view(bytes).substr(0, 24 + length)));
}

TEST(SnapshotFormatTest, EveryTruncationIsDetected) {
  const std::string bytes = EncodeSnapshot(SampleSnapshot());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    Snapshot out;
    EXPECT_NE(DecodeSnapshot(std::string_view(bytes).substr(0, n), &out), std::nullopt) << n;
  }
}

TEST(SnapshotFormatTest, EverySingleBitFlipIsDetected) {
  const std::string bytes = EncodeSnapshot(SampleSnapshot());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = bytes;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      Snapshot out;
      EXPECT_NE(DecodeSnapshot(bad, &out), std::nullopt) << "byte " << i << " bit " << bit;
    }
  }
}

TEST(SnapshotFormatTest, TrailingGarbageIsDetected) {
  Snapshot out;
  EXPECT_NE(DecodeSnapshot(EncodeSnapshot(SampleSnapshot()) + "x", &out), std::nullopt);
}

TEST(SnapshotFormatTest, UnknownVersionIsNamed) {
  std::string bytes = EncodeSnapshot(SampleSnapshot());
  bytes[8] = 2;
  Snapshot out;
  const auto error = DecodeSnapshot(bytes, &out);
  ASSERT_NE(error, std::nullopt);
  EXPECT_NE(error->find("version 2"), std::string::npos) << *error;
}

TEST(ByteReaderTest, CorruptCountCannotOverread) {
  std::string bytes;
  ByteWriter w(&bytes);
  w.U64(1'000'000'000'000);  // claims a trillion elements
  w.U64(1);
  ByteReader r(bytes);
  EXPECT_EQ(r.Count(8), 0u);
  EXPECT_FALSE(r.ok());
}

// ---- the store --------------------------------------------------------------

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "driftd-ckpt-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::vector<std::string> FileNames(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(CheckpointStoreTest, CreatesTheDirectoryAndWritesNumberedSnapshots) {
  TempDir tmp;
  const std::string dir = tmp.path() + "/a/b";
  CheckpointStore store(dir, 2);
  ASSERT_EQ(store.Open(), std::nullopt);
  std::string path;
  ASSERT_EQ(store.Write("one", &path), std::nullopt);
  EXPECT_EQ(fs::path(path).filename(), "checkpoint-00000000000000000001.snap");
  std::string bytes;
  ASSERT_EQ(store.Read(path, &bytes), std::nullopt);
  EXPECT_EQ(bytes, "one");
}

TEST(CheckpointStoreTest, KeepsTheNewestAndLeavesNoTemporaryFiles) {
  TempDir tmp;
  CheckpointStore store(tmp.path(), 2);
  ASSERT_EQ(store.Open(), std::nullopt);
  std::string path;
  for (const char* content : {"1", "2", "3", "4"}) ASSERT_EQ(store.Write(content, &path), std::nullopt);
  EXPECT_EQ(FileNames(tmp.path()), (std::vector<std::string>{"checkpoint-00000000000000000003.snap",
                                                             "checkpoint-00000000000000000004.snap"}));
  const auto list = store.List();
  ASSERT_EQ(list.size(), 2u);
  std::string bytes;
  ASSERT_EQ(store.Read(list[0], &bytes), std::nullopt);
  EXPECT_EQ(bytes, "4");  // newest first
}

TEST(CheckpointStoreTest, ReopeningContinuesTheSequenceAndRemovesLeftovers) {
  TempDir tmp;
  {
    CheckpointStore store(tmp.path(), 3);
    ASSERT_EQ(store.Open(), std::nullopt);
    std::string path;
    ASSERT_EQ(store.Write("1", &path), std::nullopt);
    ASSERT_EQ(store.Write("2", &path), std::nullopt);
  }
  // A crash between create and rename leaves a temporary file behind.
  std::ofstream(tmp.path() + "/checkpoint-00000000000000000003.snap.tmp") << "half";
  CheckpointStore store(tmp.path(), 3);
  ASSERT_EQ(store.Open(), std::nullopt);
  std::string path;
  ASSERT_EQ(store.Write("3", &path), std::nullopt);
  EXPECT_EQ(fs::path(path).filename(), "checkpoint-00000000000000000003.snap");
  EXPECT_EQ(FileNames(tmp.path()).size(), 3u);
}

TEST(CheckpointStoreTest, QuarantinedSnapshotsAreNotListedButKeepTheirNumber) {
  TempDir tmp;
  CheckpointStore store(tmp.path(), 3);
  ASSERT_EQ(store.Open(), std::nullopt);
  std::string path;
  ASSERT_EQ(store.Write("1", &path), std::nullopt);
  store.Quarantine(path);
  EXPECT_TRUE(store.List().empty());
  CheckpointStore reopened(tmp.path(), 3);
  ASSERT_EQ(reopened.Open(), std::nullopt);
  ASSERT_EQ(reopened.Write("2", &path), std::nullopt);
  EXPECT_EQ(fs::path(path).filename(), "checkpoint-00000000000000000002.snap");
}

TEST(CheckpointStoreTest, OpenFailsWhenTheStateDirIsAFile) {
  TempDir tmp;
  std::ofstream(tmp.path() + "/file") << "x";
  CheckpointStore store(tmp.path() + "/file", 2);
  EXPECT_NE(store.Open(), std::nullopt);
}

// ---- the checkpointer ---------------------------------------------------------

// Records commits, and checks at each one that a durable snapshot with the
// same positions is already in the state directory.
class FakeSource : public PositionedSource {
 public:
  explicit FakeSource(std::string dir) : dir_(std::move(dir)) {}
  StreamPositions Positions() const override { return positions; }
  std::optional<std::string> Restore(const StreamPositions& p) override {
    restored = p;
    return std::nullopt;
  }
  std::optional<std::string> Commit(const StreamPositions& p, bool synchronous) override {
    CheckpointStore store(dir_, 100);
    const auto list = store.List();
    std::string bytes;
    Snapshot newest;
    durable_at_commit.push_back(!list.empty() && !store.Read(list[0], &bytes) &&
                                !DecodeSnapshot(bytes, &newest) && newest.positions == p);
    commits.push_back(p);
    sync.push_back(synchronous);
    return std::nullopt;
  }
  StreamPositions positions;
  StreamPositions restored;
  std::vector<StreamPositions> commits;
  std::vector<bool> sync;
  std::vector<bool> durable_at_commit;

 private:
  std::string dir_;
};

class FakeCheckpointProbe : public CheckpointProbe {
 public:
  void CheckpointWritten(Duration, std::uint64_t bytes) override {
    ++written;
    last_bytes = bytes;
  }
  void CheckpointFailed() override { ++failed; }
  void SetCheckpointAge(Duration a) override { age = a; }
  int written = 0;
  int failed = 0;
  std::uint64_t last_bytes = 0;
  Duration age{};
};

class NullPipelineProbe : public PipelineProbe {
 public:
  class NullModel : public ModelProbe {
    void CountEvent(EventKind, Timestamp) override {}
  };
  ModelProbe& ForModel(const std::string&) override { return model; }
  void CountRejected(collectors::RejectReason) override {}
  NullModel model;
};

std::shared_ptr<const config::Config> TwoModels() {
  auto config = std::make_shared<config::Config>();
  for (const char* name : {"fraud", "churn"}) {
    config::ModelConfig model;
    model.name = name;
    config::FeatureConfig x;
    x.name = "x";
    model.features.push_back(x);
    config->models.push_back(model);
  }
  return config;
}

class CheckpointerTest : public ::testing::Test {
 protected:
  CheckpointerTest() : null_(std::fopen("/dev/null", "w")), log_(clock_, null_, config::LogLevel::kError) {
    daemon_.state_dir = tmp_.path() + "/state";
    daemon_.checkpoints_kept = 2;
  }
  ~CheckpointerTest() override { std::fclose(null_); }

  std::unique_ptr<Pipeline> NewPipeline() {
    return std::make_unique<Pipeline>(TwoModels(), probe_, clock_, log_);
  }
  static void Feed(Pipeline& pipeline, std::string_view json) {
    collectors::SourceMessage message;
    message.payload = json;
    message.size = json.size();
    pipeline.Handle(message);
  }
  static std::string StateOf(const Pipeline& pipeline) {
    std::string out;
    pipeline.SerializeState(&out);
    return out;
  }

  TempDir tmp_;
  config::DaemonConfig daemon_;
  testing::FakeClock clock_;
  std::FILE* null_;
  Logger log_;
  NullPipelineProbe probe_;
  FakeCheckpointProbe checkpoint_probe_;
};

TEST_F(CheckpointerTest, RestoreGivesBackTheCheckpointedStateAndPositions) {
  auto pipeline = NewPipeline();
  Feed(*pipeline, R"({"model": "fraud", "model_version": "v2", "ts": 1800000000, "features": {"x": 1}})");
  Feed(*pipeline, R"({"kind": "input", "model": "churn", "ts": 1800000005, "features": {"x": 2}})");
  Feed(*pipeline, "not json");
  FakeSource source(daemon_.state_dir);
  source.positions = {{"t", 0, 3}, {"t", 1, 17}};
  Checkpointer checkpointer(daemon_, source, checkpoint_probe_, clock_, log_);
  ASSERT_EQ(checkpointer.Open(), std::nullopt);
  ASSERT_TRUE(checkpointer.Restore(*pipeline));  // nothing to restore yet
  ASSERT_TRUE(checkpointer.Checkpoint(*pipeline, CommitMode::kNone, "test"));

  auto restored = NewPipeline();
  FakeSource source2(daemon_.state_dir);
  Checkpointer checkpointer2(daemon_, source2, checkpoint_probe_, clock_, log_);
  ASSERT_EQ(checkpointer2.Open(), std::nullopt);
  EXPECT_FALSE(checkpointer2.restored());
  ASSERT_TRUE(checkpointer2.Restore(*restored));
  EXPECT_TRUE(checkpointer2.restored());
  EXPECT_EQ(source2.restored, source.positions);
  EXPECT_EQ(StateOf(*restored), StateOf(*pipeline));
  const auto status = restored->Status();
  EXPECT_EQ(status->messages, 3u);
  EXPECT_EQ(status->rejected[static_cast<int>(collectors::RejectReason::kInvalidJson)], 1u);
  EXPECT_EQ(status->models[0].version, "v2");
  EXPECT_EQ(status->models[0].events[static_cast<int>(EventKind::kPrediction)], 1u);
  EXPECT_EQ(status->models[1].events[static_cast<int>(EventKind::kInput)], 1u);
}

TEST_F(CheckpointerTest, CommitsOnlyAfterTheSnapshotIsDurable) {
  auto pipeline = NewPipeline();
  FakeSource source(daemon_.state_dir);
  Checkpointer checkpointer(daemon_, source, checkpoint_probe_, clock_, log_);
  ASSERT_EQ(checkpointer.Open(), std::nullopt);
  source.positions = {{"t", 0, 5}};
  ASSERT_TRUE(checkpointer.Checkpoint(*pipeline, CommitMode::kAsync, "interval"));
  Feed(*pipeline, R"({"model": "fraud", "ts": 1800000000, "features": {"x": 1}})");
  source.positions = {{"t", 0, 6}};
  ASSERT_TRUE(checkpointer.Checkpoint(*pipeline, CommitMode::kSync, "revoke"));
  ASSERT_EQ(source.commits.size(), 2u);
  EXPECT_EQ(source.commits[1], source.positions);
  EXPECT_EQ(source.sync, (std::vector<bool>{false, true}));
  EXPECT_EQ(source.durable_at_commit, (std::vector<bool>{true, true}));
  EXPECT_EQ(checkpoint_probe_.written, 2);
}

TEST_F(CheckpointerTest, AFailedWriteCommitsNothing) {
  auto pipeline = NewPipeline();
  FakeSource source(daemon_.state_dir);
  Checkpointer checkpointer(daemon_, source, checkpoint_probe_, clock_, log_);
  ASSERT_EQ(checkpointer.Open(), std::nullopt);
  fs::remove_all(daemon_.state_dir);  // every write now fails
  source.positions = {{"t", 0, 5}};
  EXPECT_FALSE(checkpointer.Checkpoint(*pipeline, CommitMode::kSync, "test"));
  EXPECT_TRUE(source.commits.empty());
  EXPECT_EQ(checkpoint_probe_.failed, 1);
}

TEST_F(CheckpointerTest, AnUnchangedStateIsNotWrittenAgainButStillCommitted) {
  auto pipeline = NewPipeline();
  FakeSource source(daemon_.state_dir);
  Checkpointer checkpointer(daemon_, source, checkpoint_probe_, clock_, log_);
  ASSERT_EQ(checkpointer.Open(), std::nullopt);
  source.positions = {{"t", 0, 5}};
  ASSERT_TRUE(checkpointer.Checkpoint(*pipeline, CommitMode::kAsync, "a"));
  clock_.Advance(std::chrono::seconds(30));
  ASSERT_TRUE(checkpointer.Checkpoint(*pipeline, CommitMode::kAsync, "b"));
  EXPECT_EQ(checkpoint_probe_.written, 1);
  EXPECT_EQ(source.commits.size(), 2u);
  checkpointer.ReportAge(clock_.Now());
  EXPECT_EQ(checkpoint_probe_.age, Duration::zero());  // the snapshot still covers the state
}

TEST_F(CheckpointerTest, AgeCountsFromTheNewestCheckpoint) {
  auto pipeline = NewPipeline();
  FakeSource source(daemon_.state_dir);
  Checkpointer checkpointer(daemon_, source, checkpoint_probe_, clock_, log_);
  ASSERT_EQ(checkpointer.Open(), std::nullopt);
  ASSERT_TRUE(checkpointer.Checkpoint(*pipeline, CommitMode::kNone, "a"));
  clock_.Advance(std::chrono::seconds(12));
  checkpointer.ReportAge(clock_.Now());
  EXPECT_EQ(checkpoint_probe_.age, std::chrono::seconds(12));
}

// Writes checkpoints of 1, 2 and 3 events; returns the state after each.
std::vector<std::string> ThreeCheckpoints(Pipeline& pipeline, Checkpointer& checkpointer,
                                          FakeSource& source) {
  std::vector<std::string> states;
  for (int i = 0; i < 3; ++i) {
    const std::string event = R"({"model": "fraud", "ts": )" + std::to_string(1800000000 + i) +
                              R"(, "features": {"x": 1}})";
    collectors::SourceMessage message;
    message.payload = event;
    message.size = event.size();
    pipeline.Handle(message);
    source.positions = {{"t", 0, i + 1}};
    EXPECT_TRUE(checkpointer.Checkpoint(pipeline, CommitMode::kNone, "test"));
    std::string state;
    pipeline.SerializeState(&state);
    states.push_back(state);
  }
  return states;
}

TEST_F(CheckpointerTest, ACorruptNewestSnapshotFallsBackToThePreviousOne) {
  auto pipeline = NewPipeline();
  FakeSource source(daemon_.state_dir);
  Checkpointer checkpointer(daemon_, source, checkpoint_probe_, clock_, log_);
  ASSERT_EQ(checkpointer.Open(), std::nullopt);
  const auto states = ThreeCheckpoints(*pipeline, checkpointer, source);
  CheckpointStore store(daemon_.state_dir, 2);
  const auto list = store.List();
  ASSERT_EQ(list.size(), 2u);  // checkpoints_kept
  // Flip one byte in the middle of the newest snapshot.
  std::string bytes;
  ASSERT_EQ(store.Read(list[0], &bytes), std::nullopt);
  bytes[bytes.size() / 2] ^= 0x5a;
  std::ofstream(list[0], std::ios::binary | std::ios::trunc) << bytes;

  auto restored = NewPipeline();
  FakeSource source2(daemon_.state_dir);
  Checkpointer checkpointer2(daemon_, source2, checkpoint_probe_, clock_, log_);
  ASSERT_EQ(checkpointer2.Open(), std::nullopt);
  EXPECT_TRUE(checkpointer2.Restore(*restored));
  EXPECT_EQ(StateOf(*restored), states[1]);
  EXPECT_EQ(source2.restored, (StreamPositions{{"t", 0, 2}}));
  EXPECT_TRUE(fs::exists(list[0] + ".corrupt"));
  EXPECT_EQ(store.List().size(), 1u);
}

TEST_F(CheckpointerTest, ATruncatedNewestSnapshotFallsBackToThePreviousOne) {
  auto pipeline = NewPipeline();
  FakeSource source(daemon_.state_dir);
  Checkpointer checkpointer(daemon_, source, checkpoint_probe_, clock_, log_);
  ASSERT_EQ(checkpointer.Open(), std::nullopt);
  const auto states = ThreeCheckpoints(*pipeline, checkpointer, source);
  const auto list = CheckpointStore(daemon_.state_dir, 2).List();
  fs::resize_file(list[0], fs::file_size(list[0]) - 5);

  auto restored = NewPipeline();
  FakeSource source2(daemon_.state_dir);
  Checkpointer checkpointer2(daemon_, source2, checkpoint_probe_, clock_, log_);
  ASSERT_EQ(checkpointer2.Open(), std::nullopt);
  EXPECT_TRUE(checkpointer2.Restore(*restored));
  EXPECT_EQ(StateOf(*restored), states[1]);
}

TEST_F(CheckpointerTest, OnlyBadSnapshotsStartEmptyWithoutCrashing) {
  fs::create_directories(daemon_.state_dir);
  std::ofstream(daemon_.state_dir + "/checkpoint-00000000000000000007.snap") << "garbage";
  auto pipeline = NewPipeline();
  const std::string empty = StateOf(*pipeline);
  FakeSource source(daemon_.state_dir);
  Checkpointer checkpointer(daemon_, source, checkpoint_probe_, clock_, log_);
  ASSERT_EQ(checkpointer.Open(), std::nullopt);
  EXPECT_FALSE(checkpointer.Restore(*pipeline));
  EXPECT_TRUE(checkpointer.restored());
  EXPECT_EQ(StateOf(*pipeline), empty);
  EXPECT_TRUE(source.restored.empty());
  // The next snapshot continues the numbering past the bad one.
  ASSERT_TRUE(checkpointer.Checkpoint(*pipeline, CommitMode::kNone, "test"));
  EXPECT_TRUE(fs::exists(daemon_.state_dir + "/checkpoint-00000000000000000008.snap"));
}

TEST_F(CheckpointerTest, RestoreStateRejectsMalformedStateAndKeepsThePipeline) {
  auto pipeline = NewPipeline();
  Feed(*pipeline, R"({"model": "fraud", "ts": 1800000000, "features": {"x": 1}})");
  const std::string before = StateOf(*pipeline);
  std::string error;
  EXPECT_FALSE(pipeline->RestoreState(before.substr(0, before.size() - 1), &error));
  EXPECT_FALSE(error.empty());
  EXPECT_FALSE(pipeline->RestoreState(before + "x", &error));
  EXPECT_EQ(StateOf(*pipeline), before);
}

TEST_F(CheckpointerTest, RestoreStateDropsModelsNoLongerConfigured) {
  auto config = std::make_shared<config::Config>();
  config::ModelConfig only;
  only.name = "churn";
  config->models.push_back(only);
  auto old = NewPipeline();
  Feed(*old, R"({"model": "fraud", "ts": 1800000000, "features": {"x": 1}})");
  Feed(*old, R"({"model": "churn", "ts": 1800000000, "features": {"x": 1}})");
  Pipeline current(config, probe_, clock_, log_);
  std::string error;
  ASSERT_TRUE(current.RestoreState(StateOf(*old), &error)) << error;
  const auto status = current.Status();
  ASSERT_EQ(status->models.size(), 1u);
  EXPECT_EQ(status->models[0].events[static_cast<int>(EventKind::kPrediction)], 1u);
}

}  // namespace
}  // namespace driftd
