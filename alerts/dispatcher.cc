#include "alerts/dispatcher.h"

#include <algorithm>
#include <cmath>

namespace driftd::alerts {

Duration BackoffDelay(const BackoffPolicy& policy, int failures, double unit) {
  using namespace std::chrono;
  constexpr Duration kFloor = 10ms;
  // Doubling past 2^30 cannot matter against any sane max; cap the shift.
  const int shift = std::clamp(failures - 1, 0, 30);
  const double cap = std::min(static_cast<double>(policy.max.count()),
                              static_cast<double>(policy.initial.count()) * std::ldexp(1.0, shift));
  const double draw = std::clamp(unit, 0.0, 1.0) * cap;
  return std::max(kFloor, Duration(static_cast<Duration::rep>(draw)));
}

Dispatcher::Dispatcher(Outbox& outbox, Sink& sink, BackoffPolicy policy, DispatchObserver& observer,
                       std::function<double()> random)
    : outbox_(outbox), sink_(sink), policy_(policy), observer_(observer), random_(std::move(random)) {}

bool Dispatcher::Step(Timestamp now) {
  if (retry_at_ && now < *retry_at_) return false;
  const std::vector<OutboxEntry> entries = outbox_.Peek(sink_.name(), sink_.max_batch());
  if (entries.empty()) return false;
  std::vector<Notification> batch;
  std::vector<std::uint64_t> seqs;
  batch.reserve(entries.size());
  for (const OutboxEntry& e : entries) {
    batch.push_back(e.notification);
    seqs.push_back(e.seq);
  }
  const DeliveryResult result = sink_.Deliver(batch);
  switch (result.status) {
    case DeliveryStatus::kDelivered:
      outbox_.Remove(seqs);
      failures_ = 0;
      retry_at_.reset();
      observer_.Delivered(sink_.name(), seqs.size());
      break;
    case DeliveryStatus::kRejected:
      // Retrying a request the receiver calls malformed would block every
      // later notification behind it; give it up, loudly.
      outbox_.Remove(seqs);
      failures_ = 0;
      retry_at_.reset();
      observer_.Rejected(sink_.name(), seqs.size(), result.detail);
      break;
    case DeliveryStatus::kRetry: {
      ++failures_;
      const Duration delay = BackoffDelay(policy_, failures_, random_());
      retry_at_ = now + delay;
      observer_.Failed(sink_.name(), seqs.size(), failures_, result.detail, delay);
      break;
    }
  }
  return true;
}

}  // namespace driftd::alerts
