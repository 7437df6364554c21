#include "detectors/monitors/label_join.h"

#include <utility>

#include "detectors/monitors/value_codec.h"

namespace driftd::detectors {
namespace {

template <typename V>
using Fifo = LabelJoin::FifoMap<V>;

// True when the map held the id already (its value is replaced).
template <typename V>
bool Insert(Fifo<V>& f, std::string_view id, Timestamp ts, V value) {
  const std::uint64_t seq = f.next_seq++;
  auto it = f.map.find(std::string(id));
  const bool replaced = it != f.map.end();
  if (replaced) {
    it->second = {ts, seq, std::move(value)};
  } else {
    f.map.emplace(std::string(id), typename Fifo<V>::Entry{ts, seq, std::move(value)});
  }
  f.order.emplace_back(std::string(id), seq);
  return replaced;
}

template <typename V>
std::optional<typename Fifo<V>::Entry> Take(Fifo<V>& f, std::string_view id) {
  auto it = f.map.find(std::string(id));
  if (it == f.map.end()) return std::nullopt;
  auto entry = std::move(it->second);
  f.map.erase(it);
  // Its queue slot goes stale; compact once stale slots dominate so the
  // queue stays within a constant factor of the map.
  if (f.order.size() > 2 * f.map.size() + 64) {
    std::deque<std::pair<std::string, std::uint64_t>> live;
    for (auto& [key, seq] : f.order) {
      auto found = f.map.find(key);
      if (found != f.map.end() && found->second.seq == seq) live.emplace_back(std::move(key), seq);
    }
    f.order = std::move(live);
  }
  return entry;
}

// Pops stale queue slots; returns whether a live front entry remains.
template <typename V>
bool SkipStale(Fifo<V>& f) {
  while (!f.order.empty()) {
    auto it = f.map.find(f.order.front().first);
    if (it != f.map.end() && it->second.seq == f.order.front().second) return true;
    f.order.pop_front();
  }
  return false;
}

// Removes live entries from the front while `pred(entry)` holds; returns how many.
template <typename V, typename Pred>
std::uint64_t PopFront(Fifo<V>& f, Pred pred) {
  std::uint64_t n = 0;
  while (SkipStale(f)) {
    auto it = f.map.find(f.order.front().first);
    if (!pred(it->second)) break;
    f.map.erase(it);
    f.order.pop_front();
    ++n;
  }
  return n;
}

template <typename V, typename WriteValue>
void AppendFifo(std::string* out, const Fifo<V>& f, WriteValue write) {
  std::uint64_t live = 0;
  for (const auto& [id, seq] : f.order) {
    auto it = f.map.find(id);
    if (it != f.map.end() && it->second.seq == seq) ++live;
  }
  bytes::AppendU64(out, live);
  for (const auto& [id, seq] : f.order) {
    auto it = f.map.find(id);
    if (it == f.map.end() || it->second.seq != seq) continue;
    bytes::AppendString(out, id);
    codec::AppendTimestamp(out, it->second.ts);
    write(out, it->second.value);
  }
}

template <typename V, typename ReadValue>
bool ParseFifo(std::string_view* in, Fifo<V>* f, ReadValue read) {
  std::uint64_t n = 0;
  if (!bytes::ReadU64(in, &n) || !bytes::HasRoomFor(*in, n, 12)) return false;
  *f = Fifo<V>{};
  for (std::uint64_t i = 0; i < n; ++i) {
    std::string id;
    Timestamp ts;
    V value{};
    if (!bytes::ReadString(in, &id) || !codec::ReadTimestamp(in, &ts) || !read(in, &value))
      return false;
    Insert(*f, id, ts, std::move(value));
  }
  return true;
}

}  // namespace

LabelJoin::LabelJoin(Duration label_timeout, std::uint64_t max_pending)
    : timeout_(label_timeout), max_pending_(max_pending == 0 ? 1 : max_pending) {}

std::optional<JoinedPair> LabelJoin::AddPrediction(std::string_view id, Timestamp ts,
                                                   JoinPrediction prediction) {
  if (id.empty()) {
    ++counters_.missing_id;
    return std::nullopt;
  }
  if (auto label = Take(labels_, id)) {
    ++counters_.joined;
    Insert(joined_, id, ts, Nothing{});
    if (joined_.size() > max_pending_) {
      PopFront(joined_, [this](const auto&) { return joined_.size() > max_pending_; });
    }
    return JoinedPair{std::move(prediction), std::move(label->value), ts, label->ts};
  }
  if (Insert(predictions_, id, ts, std::move(prediction))) ++counters_.duplicate_predictions;
  if (predictions_.size() > max_pending_) {
    counters_.evicted_predictions +=
        PopFront(predictions_, [this](const auto&) { return predictions_.size() > max_pending_; });
  }
  return std::nullopt;
}

std::optional<JoinedPair> LabelJoin::AddLabel(std::string_view id, Timestamp ts,
                                              const Value& label) {
  if (id.empty()) {
    ++counters_.missing_id;
    return std::nullopt;
  }
  if (auto prediction = Take(predictions_, id)) {
    ++counters_.joined;
    Insert(joined_, id, prediction->ts, Nothing{});
    if (joined_.size() > max_pending_) {
      PopFront(joined_, [this](const auto&) { return joined_.size() > max_pending_; });
    }
    return JoinedPair{std::move(prediction->value), label, prediction->ts, ts};
  }
  if (joined_.map.contains(std::string(id))) {
    ++counters_.duplicate_labels;
    return std::nullopt;
  }
  if (Insert(labels_, id, ts, label)) {
    ++counters_.duplicate_labels;  // two early labels for one id: the newer wins
  } else {
    ++counters_.early_labels;
  }
  if (labels_.size() > max_pending_) {
    counters_.evicted_labels +=
        PopFront(labels_, [this](const auto&) { return labels_.size() > max_pending_; });
  }
  return std::nullopt;
}

void LabelJoin::Expire(Timestamp now) {
  const Timestamp cutoff = now - timeout_;
  const auto old = [cutoff](const auto& entry) { return entry.ts < cutoff; };
  counters_.expired_predictions += PopFront(predictions_, old);
  counters_.orphaned_labels += PopFront(labels_, old);
  PopFront(joined_, old);
}

void LabelJoin::AppendTo(std::string* out) const {
  const LabelJoinCounters& c = counters_;
  for (std::uint64_t v :
       {c.joined, c.expired_predictions, c.evicted_predictions, c.early_labels, c.orphaned_labels,
        c.evicted_labels, c.duplicate_labels, c.duplicate_predictions, c.missing_id}) {
    bytes::AppendU64(out, v);
  }
  AppendFifo(out, predictions_, [](std::string* o, const JoinPrediction& p) {
    codec::AppendOptional(o, p.score);
    bytes::AppendU8(o, p.predicted ? static_cast<std::uint8_t>(1 + *p.predicted) : 0);
  });
  AppendFifo(out, labels_, [](std::string* o, const Value& v) { codec::AppendValue(o, v); });
  AppendFifo(out, joined_, [](std::string*, const Nothing&) {});
}

bool LabelJoin::ParseFrom(std::string_view* in) {
  LabelJoinCounters& c = counters_;
  for (std::uint64_t* v : {&c.joined, &c.expired_predictions, &c.evicted_predictions,
                           &c.early_labels, &c.orphaned_labels, &c.evicted_labels,
                           &c.duplicate_labels, &c.duplicate_predictions, &c.missing_id}) {
    if (!bytes::ReadU64(in, v)) return false;
  }
  const bool ok_predictions =
      ParseFifo(in, &predictions_, [](std::string_view* i, JoinPrediction* p) {
        std::uint8_t cls = 0;
        if (!codec::ReadOptional(i, &p->score) || !bytes::ReadU8(i, &cls) || cls > 2) return false;
        p->predicted = cls == 0 ? std::nullopt : std::optional<int>(cls - 1);
        return true;
      });
  return ok_predictions &&
         ParseFifo(in, &labels_,
                   [](std::string_view* i, Value* v) { return codec::ReadValue(i, v); }) &&
         ParseFifo(in, &joined_, [](std::string_view*, Nothing*) { return true; });
}

}  // namespace driftd::detectors
