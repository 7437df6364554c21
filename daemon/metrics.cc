#include "daemon/metrics.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
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

// ---- Kafka ingestion and checkpoints ------------------------------------

struct Metrics::IngestImpl {
  explicit IngestImpl(prometheus::Registry& registry)
      : kafka_messages(prometheus::BuildCounter()
                           .Name("driftd_kafka_messages_total")
                           .Help("Kafka messages handed to the decoder, valid events or not, by "
                                 "topic.")
                           .Register(registry)),
        kafka_redelivered(&prometheus::BuildCounter()
                               .Name("driftd_kafka_redelivered_messages_total")
                               .Help("Kafka messages skipped because the restored state already "
                                     "covers their offset (redelivery after a restart or "
                                     "rebalance).")
                               .Register(registry)
                               .Add({})),
        kafka_lag(prometheus::BuildGauge()
                      .Name("driftd_kafka_consumer_lag")
                      .Help("Messages in the partition not yet applied: high watermark minus "
                            "the next offset to apply, from librdkafka statistics.")
                      .Register(registry)),
        checkpoint_duration(&prometheus::BuildHistogram()
                                 .Name("driftd_checkpoint_duration_seconds")
                                 .Help("Time to take a checkpoint: serialize the state, write, "
                                       "fsync and rename the snapshot.")
                                 .Register(registry)
                                 .Add({}, prometheus::Histogram::BucketBoundaries{
                                              0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                              0.25, 0.5, 1, 2.5, 5, 10})),
        checkpoint_age(&prometheus::BuildGauge()
                            .Name("driftd_checkpoint_age_seconds")
                            .Help("Seconds since the newest durable checkpoint was taken (since "
                                  "start-up when there is none).")
                            .Register(registry)
                            .Add({})),
        checkpoint_size(&prometheus::BuildGauge()
                             .Name("driftd_checkpoint_size_bytes")
                             .Help("Size of the newest checkpoint snapshot file.")
                             .Register(registry)
                             .Add({})),
        checkpoints(prometheus::BuildCounter()
                        .Name("driftd_checkpoints_total")
                        .Help("Checkpoints attempted, by result: success or failure.")
                        .Register(registry)),
        checkpoint_success(&checkpoints.Add({{"result", "success"}})),
        checkpoint_failure(&checkpoints.Add({{"result", "failure"}})) {}

  prometheus::Family<prometheus::Counter>& kafka_messages;
  prometheus::Counter* kafka_redelivered;
  prometheus::Family<prometheus::Gauge>& kafka_lag;
  prometheus::Histogram* checkpoint_duration;
  prometheus::Gauge* checkpoint_age;
  prometheus::Gauge* checkpoint_size;
  prometheus::Family<prometheus::Counter>& checkpoints;
  prometheus::Counter* checkpoint_success;
  prometheus::Counter* checkpoint_failure;

  // Topics and partitions come from the config and the broker's metadata,
  // never from message contents. Resolved series are cached by name.
  std::mutex mutex;
  std::map<std::string, prometheus::Counter*, std::less<>> topic_counters;
  std::map<std::pair<std::string, std::int32_t>, prometheus::Gauge*> lag_gauges;
};

void Metrics::CountKafkaMessages(std::string_view topic, std::uint64_t count) {
  prometheus::Counter* counter;
  {
    std::lock_guard lock(ingest_->mutex);
    auto it = ingest_->topic_counters.find(topic);
    if (it == ingest_->topic_counters.end()) {
      it = ingest_->topic_counters
               .emplace(std::string(topic),
                        &ingest_->kafka_messages.Add({{"topic", std::string(topic)}}))
               .first;
    }
    counter = it->second;
  }
  counter->Increment(static_cast<double>(count));
}

void Metrics::CountKafkaRedelivered(std::uint64_t count) {
  ingest_->kafka_redelivered->Increment(static_cast<double>(count));
}

void Metrics::SetKafkaConsumerLag(std::string_view topic, std::int32_t partition,
                                  std::int64_t lag) {
  std::lock_guard lock(ingest_->mutex);
  auto& gauge = ingest_->lag_gauges[{std::string(topic), partition}];
  if (gauge == nullptr) {
    gauge = &ingest_->kafka_lag.Add(
        {{"topic", std::string(topic)}, {"partition", std::to_string(partition)}});
  }
  gauge->Set(static_cast<double>(lag));
}

void Metrics::CheckpointWritten(Duration took, std::uint64_t bytes) {
  ingest_->checkpoint_duration->Observe(ToSeconds(took));
  ingest_->checkpoint_size->Set(static_cast<double>(bytes));
  ingest_->checkpoint_success->Increment();
}

void Metrics::CheckpointFailed() { ingest_->checkpoint_failure->Increment(); }

void Metrics::SetCheckpointAge(Duration age) { ingest_->checkpoint_age->Set(ToSeconds(age)); }

// ---- end of Kafka ingestion and checkpoints ------------------------------

// ---- Drift evaluation -----------------------------------------------------

struct Metrics::DriftImpl {
  explicit DriftImpl(prometheus::Registry& registry)
      : score(prometheus::BuildGauge()
                  .Name("driftd_feature_drift_score")
                  .Help("Drift statistic of the feature (the prediction as feature=\"prediction\") "
                        "between the reference and the current window, by test, at the last "
                        "evaluation; only while the feature is judged.")
                  .Register(registry)),
        p_value(prometheus::BuildGauge()
                    .Name("driftd_feature_drift_p_value")
                    .Help("Unadjusted p-value of the feature's drift test at the last evaluation, "
                          "for tests that give one.")
                    .Register(registry)),
        drifted(prometheus::BuildGauge()
                    .Name("driftd_feature_drifted")
                    .Help("1 when the last evaluation judged the feature drifted, else 0 (also 0 "
                          "while it cannot be judged).")
                    .Register(registry)),
        share(prometheus::BuildGauge()
                  .Name("driftd_dataset_drift_share")
                  .Help("Share of the model's judged features that drifted at the last "
                        "evaluation.")
                  .Register(registry)),
        window_samples(prometheus::BuildGauge()
                           .Name("driftd_window_samples")
                           .Help("Events in the model's current window and in its reference at "
                                 "the last evaluation, by window (current, reference).")
                           .Register(registry)),
        duration(&prometheus::BuildHistogram()
                      .Name("driftd_evaluation_duration_seconds")
                      .Help("Time to evaluate every model's drift once (on the evaluation "
                            "thread, after the windows were snapshotted).")
                      .Register(registry)
                      .Add({}, prometheus::Histogram::BucketBoundaries{
                                   0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                   0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10})) {}

  // A column's series; the test label may change with the data (test =
  // "auto") or a reload, so it is remembered to remove the old series.
  struct ColumnSeries {
    std::string test;
    prometheus::Gauge* score = nullptr;
    prometheus::Gauge* p_value = nullptr;
    prometheus::Gauge* drifted = nullptr;
  };
  struct ModelSeries {
    std::map<std::string, ColumnSeries> columns;
    prometheus::Gauge* share = nullptr;
    prometheus::Gauge* current = nullptr;
    prometheus::Gauge* reference = nullptr;
  };

  template <typename T>
  static void Drop(prometheus::Family<T>& family, T*& metric) {
    if (metric != nullptr) family.Remove(metric);
    metric = nullptr;
  }
  void DropColumn(ColumnSeries& c) {
    Drop(score, c.score);
    Drop(p_value, c.p_value);
    Drop(drifted, c.drifted);
  }
  void DropModel(ModelSeries& m) {
    for (auto& [name, c] : m.columns) DropColumn(c);
    m.columns.clear();
    Drop(share, m.share);
    Drop(window_samples, m.current);
    Drop(window_samples, m.reference);
  }

  prometheus::Family<prometheus::Gauge>& score;
  prometheus::Family<prometheus::Gauge>& p_value;
  prometheus::Family<prometheus::Gauge>& drifted;
  prometheus::Family<prometheus::Gauge>& share;
  prometheus::Family<prometheus::Gauge>& window_samples;
  prometheus::Histogram* duration;

  std::mutex mutex;
  std::map<std::string, ModelSeries, std::less<>> models;  // guarded by mutex
};

void Metrics::ModelEvaluated(const ModelDrift& result) {
  auto& d = *drift_;
  std::lock_guard lock(d.mutex);
  auto& m = d.models[result.model];
  // Labels come from the config (model and feature names) and the test
  // names of detectors/drift, never from traffic.
  std::map<std::string, DriftImpl::ColumnSeries> seen;
  for (const ColumnDrift& c : result.columns) {
    auto node = m.columns.extract(c.column);
    DriftImpl::ColumnSeries s = node.empty() ? DriftImpl::ColumnSeries{} : std::move(node.mapped());
    const prometheus::Labels labels{{"model", result.model}, {"feature", c.column}, {"test", c.test}};
    if (!c.judged || s.test != c.test) {
      DriftImpl::Drop(d.score, s.score);
      DriftImpl::Drop(d.p_value, s.p_value);
    }
    if (c.judged) {
      s.test = c.test;
      if (s.score == nullptr) s.score = &d.score.Add(labels);
      s.score->Set(c.statistic);
      if (c.p_value) {
        if (s.p_value == nullptr) s.p_value = &d.p_value.Add(labels);
        s.p_value->Set(*c.p_value);
      } else {
        DriftImpl::Drop(d.p_value, s.p_value);
      }
    }
    if (s.drifted == nullptr) s.drifted = &d.drifted.Add({{"model", result.model}, {"feature", c.column}});
    s.drifted->Set(c.judged && c.drifted ? 1 : 0);
    seen[c.column] = std::move(s);
  }
  for (auto& [name, s] : m.columns) d.DropColumn(s);  // columns no longer reported
  m.columns = std::move(seen);

  if (result.judged_features > 0) {
    if (m.share == nullptr) m.share = &d.share.Add({{"model", result.model}});
    m.share->Set(result.dataset_drift_share);
  } else {
    DriftImpl::Drop(d.share, m.share);
  }
  if (m.current == nullptr) {
    m.current = &d.window_samples.Add({{"model", result.model}, {"window", "current"}});
    m.reference = &d.window_samples.Add({{"model", result.model}, {"window", "reference"}});
  }
  m.current->Set(static_cast<double>(result.current_samples));
  m.reference->Set(static_cast<double>(result.reference_samples));
}

void Metrics::RetainDriftModels(const std::vector<std::string>& models) {
  auto& d = *drift_;
  std::lock_guard lock(d.mutex);
  for (auto it = d.models.begin(); it != d.models.end();) {
    if (std::find(models.begin(), models.end(), it->first) != models.end()) {
      ++it;
      continue;
    }
    d.DropModel(it->second);
    it = d.models.erase(it);
  }
}

void Metrics::ObserveEvaluationDuration(double seconds) { drift_->duration->Observe(seconds); }

// ---- end of drift evaluation ------------------------------------------------

// ---- alerting ---------------------------------------------------------------

struct Metrics::AlertsImpl {
  explicit AlertsImpl(prometheus::Registry& registry)
      : firing(prometheus::BuildGauge()
                   .Name("driftd_alerts_firing")
                   .Help("Alerts currently firing, by alert name and model.")
                   .Register(registry)),
        notifications(prometheus::BuildCounter()
                          .Name("driftd_alert_notifications_total")
                          .Help("Alert notifications by sink and result: delivered, failed "
                                "(an attempt failed and is retried), rejected (refused by the "
                                "sink, given up) or dropped (evicted from the outbox unsent).")
                          .Register(registry)),
        outbox(prometheus::BuildGauge()
                   .Name("driftd_alert_outbox_entries")
                   .Help("Alert notifications waiting in the durable outbox for delivery.")
                   .Register(registry)),
        dropped(prometheus::BuildCounter()
                    .Name("driftd_alert_outbox_dropped_total")
                    .Help("Alert outbox entries dropped unsent, by reason: bound (outbox full), "
                          "corrupt (unreadable at start) or unknown_sink (sink left the config).")
                    .Register(registry)),
        outbox_entries(&outbox.Add({})) {}

  prometheus::Family<prometheus::Gauge>& firing;
  prometheus::Family<prometheus::Counter>& notifications;
  prometheus::Family<prometheus::Gauge>& outbox;
  prometheus::Family<prometheus::Counter>& dropped;
  prometheus::Gauge* outbox_entries;
};

// Family::Add returns the existing series for known labels and is
// thread-safe; alert label values come from the config (model and rule
// names), so the series stay few.
void Metrics::SetFiring(const std::string& alertname, const std::string& model, int n) {
  alerts_->firing.Add({{"alertname", alertname}, {"model", model}}).Set(n);
}

void Metrics::CountNotification(const std::string& sink, const std::string& result,
                                std::size_t n) {
  alerts_->notifications.Add({{"sink", sink}, {"result", result}})
      .Increment(static_cast<double>(n));
}

void Metrics::SetOutboxEntries(std::size_t n) {
  alerts_->outbox_entries->Set(static_cast<double>(n));
}

void Metrics::CountDropped(const std::string& reason, std::size_t n) {
  alerts_->dropped.Add({{"reason", reason}}).Increment(static_cast<double>(n));
}

// ---- end of alerting ----------------------------------------------------------

// ---- ML Test Score monitoring (daemon/monitoring_probe.h) ---------------------

struct Metrics::MonitoringImpl {
  explicit MonitoringImpl(prometheus::Registry& registry)
      : info(prometheus::BuildGauge()
                 .Name("driftd_model_info")
                 .Help("Always 1; the version label is the model's current version (from its "
                       "newest model event, else its predictions).")
                 .Register(registry)),
        age(prometheus::BuildGauge()
                .Name("driftd_model_age_seconds")
                .Help("Time since the model was trained (trained_at of its newest model event, "
                      "else of the config), at the last evaluation.")
                .Register(registry)),
        invariants(prometheus::BuildCounter()
                       .Name("driftd_invariant_violations_total")
                       .Help("Input events violating a data invariant of a configured feature, "
                             "by feature and rule (type, missing, range, category, finite); "
                             "rule=\"unconfigured_feature\" counts events carrying features "
                             "absent from the config.")
                       .Register(registry)),
        nonfinite(prometheus::BuildCounter()
                      .Name("driftd_nonfinite_values_total")
                      .Help("NaN or infinite values, by field: \"prediction\" or a configured "
                            "numeric feature.")
                      .Register(registry)),
        latency(prometheus::BuildGauge()
                    .Name("driftd_prediction_latency_seconds")
                    .Help("Serving latency quantiles (0.5, 0.9, 0.99) over the model's current "
                          "window.")
                    .Register(registry)),
        quality(prometheus::BuildGauge()
                    .Name("driftd_prediction_quality")
                    .Help("Prediction quality over the current window's labelled predictions, "
                          "by metric (accuracy, precision, recall, auc, logloss, mae, rmse).")
                    .Register(registry)),
        join(prometheus::BuildCounter()
                 .Name("driftd_label_join_total")
                 .Help("Label join outcomes by kind: joined, expired (no label within "
                       "label_timeout), evicted (pending set full), early_label, "
                       "orphaned_label, evicted_label, duplicate_label, duplicate_prediction, "
                       "missing_id, unusable_label.")
                 .Register(registry)),
        pending(prometheus::BuildGauge()
                    .Name("driftd_label_join_pending")
                    .Help("Entries waiting in the label join, by side: prediction (awaiting its "
                          "label) or label (arrived before its prediction).")
                    .Register(registry)),
        item(prometheus::BuildGauge()
                 .Name("driftd_ml_test_score_monitor")
                 .Help("ML Test Score monitoring item status per model: 1 ok, 0 failing; "
                       "absent when the item is not configured.")
                 .Register(registry)),
        score(prometheus::BuildGauge()
                  .Name("driftd_ml_test_score")
                  .Help("Number of ML Test Score monitoring items (M1..M7) automated for the "
                        "model: one point per configured item.")
                  .Register(registry)) {}

  // A model's gauges of one family, by the label that varies; series not
  // set in a round are removed.
  struct GaugeSeries {
    std::map<std::string, prometheus::Gauge*> by_key;
  };
  struct ModelSeries {
    std::string version;
    prometheus::Gauge* info = nullptr;
    prometheus::Gauge* age = nullptr;
    GaugeSeries latency, quality, pending, item;
    prometheus::Gauge* score = nullptr;
    std::map<std::string, double> counted;  // counter key -> total already added
  };

  static void SyncGauges(prometheus::Family<prometheus::Gauge>& family, GaugeSeries& series,
                         const std::string& model, const std::string& label,
                         const std::vector<std::pair<std::string, double>>& values) {
    std::map<std::string, prometheus::Gauge*> next;
    for (const auto& [key, v] : values) {
      auto it = series.by_key.find(key);
      prometheus::Gauge* g = it != series.by_key.end() ? it->second
                                                       : &family.Add({{"model", model}, {label, key}});
      if (it != series.by_key.end()) series.by_key.erase(it);
      g->Set(v);
      next[key] = g;
    }
    for (auto& [key, g] : series.by_key) family.Remove(g);
    series.by_key = std::move(next);
  }

  // Counters follow cumulative totals; a smaller total means the monitors
  // restarted (new shape), and the new total is added in full.
  static void Advance(prometheus::Counter& counter, std::map<std::string, double>& counted,
                      const std::string& key, double total) {
    double& seen = counted[key];
    const double delta = total >= seen ? total - seen : total;
    if (delta > 0) counter.Increment(delta);
    seen = total;
  }

  void DropModel(ModelSeries& m) {
    if (m.info != nullptr) info.Remove(m.info);
    if (m.age != nullptr) age.Remove(m.age);
    if (m.score != nullptr) score.Remove(m.score);
    SyncGauges(latency, m.latency, "", "", {});
    SyncGauges(quality, m.quality, "", "", {});
    SyncGauges(pending, m.pending, "", "", {});
    SyncGauges(item, m.item, "", "", {});
  }

  prometheus::Family<prometheus::Gauge>& info;
  prometheus::Family<prometheus::Gauge>& age;
  prometheus::Family<prometheus::Counter>& invariants;
  prometheus::Family<prometheus::Counter>& nonfinite;
  prometheus::Family<prometheus::Gauge>& latency;
  prometheus::Family<prometheus::Gauge>& quality;
  prometheus::Family<prometheus::Counter>& join;
  prometheus::Family<prometheus::Gauge>& pending;
  prometheus::Family<prometheus::Gauge>& item;
  prometheus::Family<prometheus::Gauge>& score;

  std::mutex mutex;
  std::map<std::string, ModelSeries, std::less<>> models;  // guarded by mutex
};

void Metrics::PublishMonitoring(const detectors::MonitorSnapshot& s) {
  auto& d = *monitoring_;
  std::lock_guard lock(d.mutex);
  auto& m = d.models[s.model];
  if (m.info == nullptr || m.version != s.version) {
    if (m.info != nullptr) d.info.Remove(m.info);
    m.info = &d.info.Add({{"model", s.model}, {"version", s.version}});
    m.info->Set(1);
    m.version = s.version;
  }
  if (s.model_age_seconds) {
    if (m.age == nullptr) m.age = &d.age.Add({{"model", s.model}});
    m.age->Set(*s.model_age_seconds);
  } else if (m.age != nullptr) {
    d.age.Remove(m.age);
    m.age = nullptr;
  }
  for (const auto& c : s.invariant_violations) {
    auto& counter = d.invariants.Add({{"model", s.model}, {"feature", c.label}, {"rule", c.rule}});
    MonitoringImpl::Advance(counter, m.counted, "inv/" + c.label + "/" + c.rule, static_cast<double>(c.total));
  }
  for (const auto& c : s.nonfinite_values) {
    auto& counter = d.nonfinite.Add({{"model", s.model}, {"field", c.label}});
    MonitoringImpl::Advance(counter, m.counted, "nf/" + c.label, static_cast<double>(c.total));
  }
  for (const auto& c : s.label_join) {
    auto& counter = d.join.Add({{"model", s.model}, {"outcome", c.label}});
    MonitoringImpl::Advance(counter, m.counted, "join/" + c.label, static_cast<double>(c.total));
  }
  MonitoringImpl::SyncGauges(d.latency, m.latency, s.model, "quantile", s.latency_quantiles);
  MonitoringImpl::SyncGauges(d.quality, m.quality, s.model, "metric", s.quality);
  MonitoringImpl::SyncGauges(d.pending, m.pending, s.model, "side",
                             {{"prediction", static_cast<double>(s.pending_predictions)},
                              {"label", static_cast<double>(s.pending_labels)}});
  std::vector<std::pair<std::string, double>> items;
  for (const auto& [name, v] : s.items) items.emplace_back(name, v);
  MonitoringImpl::SyncGauges(d.item, m.item, s.model, "item", items);
  if (m.score == nullptr) m.score = &d.score.Add({{"model", s.model}});
  m.score->Set(s.score);
}

void Metrics::RetainMonitoredModels(const std::vector<std::string>& models) {
  auto& d = *monitoring_;
  std::lock_guard lock(d.mutex);
  for (auto it = d.models.begin(); it != d.models.end();) {
    if (std::find(models.begin(), models.end(), it->first) != models.end()) {
      ++it;
      continue;
    }
    d.DropModel(it->second);
    it = d.models.erase(it);
  }
}

// ---- end of ML Test Score monitoring -------------------------------------------

Metrics::Metrics(const std::string& version, const std::string& revision)
    : impl_(std::make_unique<Impl>()),
      ingest_(std::make_unique<IngestImpl>(*impl_->registry)),
      drift_(std::make_unique<DriftImpl>(*impl_->registry)),
      alerts_(std::make_unique<AlertsImpl>(*impl_->registry)),
      monitoring_(std::make_unique<MonitoringImpl>(*impl_->registry)) {
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
