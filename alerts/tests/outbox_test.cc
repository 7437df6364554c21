#include "alerts/outbox.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "alerts/tests/test_util.h"

namespace driftd::alerts {
namespace {

namespace fs = std::filesystem;
using namespace testing;

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "driftd-outbox-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    dir_ = root_ + "/outbox";
  }
  void TearDown() override { fs::remove_all(root_); }

  std::unique_ptr<Outbox> Open(std::size_t max, OutboxRecovery* recovery) {
    std::string error;
    auto box = Outbox::Open(dir_, max, recovery, &error);
    EXPECT_TRUE(box) << error;
    return box;
  }

  static Notification Make(const std::string& feature, NotificationKind kind) {
    Notification n;
    n.kind = kind;
    n.labels = {{"alertname", "FeatureDrift"}, {"model", "fraud"}, {"feature", feature}};
    n.annotations = {{"summary", feature}};
    n.starts_at = kT0;
    n.ends_at = kT0 + 4min;
    n.fingerprint = Fingerprint(n.labels);
    return n;
  }

  std::size_t FilesOnDisk() const {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir_)) n += e.path().extension() == ".json";
    return n;
  }

  std::string root_;
  std::string dir_;
};

TEST_F(OutboxTest, SurvivesReopenInOrder) {
  OutboxRecovery rec;
  {
    auto box = Open(100, &rec);
    EXPECT_TRUE(box->Append("am", Make("a", NotificationKind::kFiring)).durable);
    EXPECT_TRUE(box->Append("hook", Make("a", NotificationKind::kFiring)).durable);
    EXPECT_TRUE(box->Append("am", Make("b", NotificationKind::kFiring)).durable);
    EXPECT_EQ(FilesOnDisk(), 3u);
  }  // no flush or close step: what Append returned is on disk
  auto box = Open(100, &rec);
  EXPECT_TRUE(rec.corrupt.empty());
  EXPECT_EQ(box->size(), 3u);
  const auto am = box->Peek("am", 10);
  ASSERT_EQ(am.size(), 2u);
  EXPECT_EQ(am[0].notification.labels.at("feature"), "a");
  EXPECT_EQ(am[1].notification.labels.at("feature"), "b");
  EXPECT_LT(am[0].seq, am[1].seq);
  // New entries continue after the old sequence numbers.
  (void)box->Append("am", Make("c", NotificationKind::kFiring));
  EXPECT_GT(box->Peek("am", 10).back().seq, am[1].seq);
}

TEST_F(OutboxTest, RemoveIsDurable) {
  OutboxRecovery rec;
  {
    auto box = Open(100, &rec);
    (void)box->Append("am", Make("a", NotificationKind::kFiring));
    (void)box->Append("am", Make("b", NotificationKind::kFiring));
    box->Remove({box->Peek("am", 1)[0].seq, 999});
  }
  auto box = Open(100, &rec);
  ASSERT_EQ(box->size(), 1u);
  EXPECT_EQ(box->Peek("am", 10)[0].notification.labels.at("feature"), "b");
}

TEST_F(OutboxTest, BoundDropsOldestAndReportsThem) {
  OutboxRecovery rec;
  auto box = Open(3, &rec);
  for (const char* f : {"a", "b", "c"}) {
    EXPECT_TRUE(box->Append("am", Make(f, NotificationKind::kFiring)).dropped.empty());
  }
  AppendResult r = box->Append("am", Make("d", NotificationKind::kFiring));
  ASSERT_EQ(r.dropped.size(), 1u);
  EXPECT_EQ(r.dropped[0].notification.labels.at("feature"), "a");
  EXPECT_EQ(box->size(), 3u);
  EXPECT_EQ(FilesOnDisk(), 3u);
  // A smaller bound on reopen drops the oldest and says so.
  box.reset();
  auto small = Open(2, &rec);
  ASSERT_EQ(rec.dropped.size(), 1u);
  EXPECT_EQ(rec.dropped[0].notification.labels.at("feature"), "b");
  EXPECT_EQ(small->SetMaxEntries(1).size(), 1u);
  EXPECT_EQ(small->Peek("am", 10)[0].notification.labels.at("feature"), "d");
}

TEST_F(OutboxTest, NewerNotificationSupersedesQueuedResends) {
  OutboxRecovery rec;
  auto box = Open(100, &rec);
  (void)box->Append("am", Make("a", NotificationKind::kFiring));
  (void)box->Append("am", Make("a", NotificationKind::kResend));
  (void)box->Append("hook", Make("a", NotificationKind::kResend));
  (void)box->Append("am", Make("b", NotificationKind::kResend));
  (void)box->Append("am", Make("a", NotificationKind::kResend));
  auto am = box->Peek("am", 10);
  ASSERT_EQ(am.size(), 3u);  // a firing, b resend, the newest a resend
  EXPECT_EQ(am[0].notification.kind, NotificationKind::kFiring);
  EXPECT_EQ(am[1].notification.labels.at("feature"), "b");
  EXPECT_EQ(am[2].notification.kind, NotificationKind::kResend);
  (void)box->Append("am", Make("a", NotificationKind::kResolved));
  am = box->Peek("am", 10);
  ASSERT_EQ(am.size(), 3u);  // the firing stays: it is the page
  EXPECT_EQ(am[2].notification.kind, NotificationKind::kResolved);
  EXPECT_EQ(box->size("hook"), 1u);  // other sinks keep theirs
}

TEST_F(OutboxTest, CorruptAndPartialEntriesAreRemovedAndReported) {
  OutboxRecovery rec;
  {
    auto box = Open(100, &rec);
    (void)box->Append("am", Make("a", NotificationKind::kFiring));
    (void)box->Append("am", Make("b", NotificationKind::kFiring));
  }
  // Truncate the second entry, add junk and an unfinished append.
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir_)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  fs::resize_file(files[1], 20);
  std::ofstream(dir_ + "/00000000000000000077.json") << "{\"v\":1,\"sink\":\"am\",\"notification\":{}}";
  std::ofstream(dir_ + "/.tmp-78") << "{\"v\":1";
  std::ofstream(dir_ + "/README") << "not an entry";

  OutboxRecovery after;
  auto box = Open(100, &after);
  EXPECT_EQ(after.corrupt.size(), 2u);
  EXPECT_EQ(after.partial, 1u);
  ASSERT_EQ(box->size(), 1u);
  EXPECT_EQ(box->Peek("am", 10)[0].notification.labels.at("feature"), "a");
  EXPECT_FALSE(fs::exists(files[1]));
  EXPECT_FALSE(fs::exists(dir_ + "/.tmp-78"));
  EXPECT_TRUE(fs::exists(dir_ + "/README"));  // not ours: left alone
}

TEST_F(OutboxTest, RemoveSinksExceptReturnsOrphans) {
  OutboxRecovery rec;
  auto box = Open(100, &rec);
  (void)box->Append("am", Make("a", NotificationKind::kFiring));
  (void)box->Append("gone", Make("a", NotificationKind::kFiring));
  const auto orphans = box->RemoveSinksExcept({"am"});
  ASSERT_EQ(orphans.size(), 1u);
  EXPECT_EQ(orphans[0].sink, "gone");
  EXPECT_EQ(box->size(), 1u);
}

TEST_F(OutboxTest, UnwritableDirectoryStillQueuesInMemory) {
  OutboxRecovery rec;
  auto box = Open(100, &rec);
  fs::remove_all(dir_);  // e.g. the state dir vanished underneath
  AppendResult r = box->Append("am", Make("a", NotificationKind::kFiring));
  EXPECT_FALSE(r.durable);
  EXPECT_FALSE(r.error.empty());
  EXPECT_EQ(box->Peek("am", 10).size(), 1u);
}

}  // namespace
}  // namespace driftd::alerts
