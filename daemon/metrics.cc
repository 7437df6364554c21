#include "daemon/metrics.h"

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

namespace driftd {
namespace {

// The counters of one model, resolved once so that CountEvent is an index
// and an atomic add: no label lookup, no allocation per event.
class PrometheusModelProbe : public ModelProbe {
 public:
  PrometheusModelProbe(prometheus::Family<prometheus::Counter>& events,
                       prometheus::Family<prometheus::Gauge>& last_event,
                       const std::string& model)
      : last_event_gauge_(&last_event.Add({{"model", model}})) {
    for (int kind = 0; kind < kEventKindCount; ++kind) {
      counters_[kind] = &events.Add(
          {{"model", model}, {"kind", EventKindName(static_cast<EventKind>(kind))}});
    }
  }

  void CountEvent(EventKind kind, Timestamp ts) override {
    const auto index = static_cast<std::size_t>(kind);
    if (index < counters_.size()) counters_[index]->Increment();
    // Gauge has no compare-and-set, so "max" needs a lock. The atomic
    // pre-check skips it for events that are not newer, and one ingest
    // thread owns a model, so it is uncontended.
    const double seconds = ToSeconds(ts);
    if (seconds <= last_event_.load(std::memory_order_relaxed)) return;
    std::lock_guard lock(mutex_);
    if (seconds <= last_event_.load(std::memory_order_relaxed)) return;
    last_event_.store(seconds, std::memory_order_relaxed);
    last_event_gauge_->Set(seconds);
  }

 private:
  std::array<prometheus::Counter*, kEventKindCount> counters_{};
  prometheus::Gauge* last_event_gauge_;
  std::mutex mutex_;
  std::atomic<double> last_event_{0.0};
};

}  // namespace

struct Metrics::Impl {
  Impl()
      : registry(std::make_shared<prometheus::Registry>()),
        build_info(prometheus::BuildGauge()
                       .Name("driftd_build_info")
                       .Help("Always 1; the labels carry the version and source revision of "
                             "the running daemon.")
                       .Register(*registry)),
        events(prometheus::BuildCounter()
                   .Name("driftd_events_total")
                   .Help("Events decoded and routed to a configured model, by model and event "
                         "kind (prediction, input, label, model).")
                   .Register(*registry)),
        last_event(prometheus::BuildGauge()
                       .Name("driftd_last_event_timestamp_seconds")
                       .Help("Event time of the newest event seen for the model, in seconds "
                             "since the Unix epoch.")
                       .Register(*registry)),
        rejected(prometheus::BuildCounter()
                     .Name("driftd_events_rejected_total")
                     .Help("Messages that could not be turned into an event, by reason.")
                     .Register(*registry)),
        reloads(prometheus::BuildCounter()
                    .Name("driftd_config_reloads_total")
                    .Help("Configuration reloads (SIGHUP) by result: success or failure (the "
                          "running configuration was kept).")
                    .Register(*registry)),
        last_reload_success(
            prometheus::BuildGauge()
                .Name("driftd_config_last_reload_success_timestamp_seconds")
                .Help("When the running configuration was loaded, at start-up or by the last "
                      "successful reload, in seconds since the Unix epoch.")
                .Register(*registry)),
        reload_success(&reloads.Add({{"result", "success"}})),
        reload_failure(&reloads.Add({{"result", "failure"}})),
        last_reload_success_gauge(&last_reload_success.Add({})) {
    for (int reason = 0; reason < collectors::kRejectReasonCount; ++reason) {
      const auto name = collectors::RejectReasonName(static_cast<collectors::RejectReason>(reason));
      rejected_counters[reason] = &rejected.Add({{"reason", name}});
    }
  }

  std::shared_ptr<prometheus::Registry> registry;
  prometheus::Family<prometheus::Gauge>& build_info;
  prometheus::Family<prometheus::Counter>& events;
  prometheus::Family<prometheus::Gauge>& last_event;
  prometheus::Family<prometheus::Counter>& rejected;
  prometheus::Family<prometheus::Counter>& reloads;
  prometheus::Family<prometheus::Gauge>& last_reload_success;
  prometheus::Counter* reload_success;
  prometheus::Counter* reload_failure;
  prometheus::Gauge* last_reload_success_gauge;
  std::array<prometheus::Counter*, collectors::kRejectReasonCount> rejected_counters{};

  std::mutex models_mutex;
  // std::map: references to the probes stay valid as models are added.
  std::map<std::string, std::unique_ptr<PrometheusModelProbe>, std::less<>> models;
};

Metrics::Metrics(const std::string& version, const std::string& revision)
    : impl_(std::make_unique<Impl>()) {
  impl_->build_info.Add({{"version", version}, {"revision", revision}}).Set(1);
}

Metrics::~Metrics() = default;

ModelProbe& Metrics::ForModel(const std::string& model) {
  std::lock_guard lock(impl_->models_mutex);
  auto& probe = impl_->models[model];
  if (!probe) {
    probe = std::make_unique<PrometheusModelProbe>(impl_->events, impl_->last_event, model);
  }
  return *probe;
}

void Metrics::CountRejected(collectors::RejectReason reason) {
  const auto index = static_cast<std::size_t>(reason);
  if (index < impl_->rejected_counters.size()) impl_->rejected_counters[index]->Increment();
}

void Metrics::ConfigReloaded(bool success, Timestamp now) {
  if (success) {
    impl_->reload_success->Increment();
    impl_->last_reload_success_gauge->Set(ToSeconds(now));
  } else {
    impl_->reload_failure->Increment();
  }
}

void Metrics::ConfigLoaded(Timestamp now) { impl_->last_reload_success_gauge->Set(ToSeconds(now)); }

std::string Metrics::Serialize() const {
  return prometheus::TextSerializer().Serialize(impl_->registry->Collect());
}

}  // namespace driftd
