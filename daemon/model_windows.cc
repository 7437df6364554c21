#include "daemon/model_windows.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "detectors/sketch/bytes.h"

namespace driftd {
namespace {

namespace bytes = detectors::bytes;
using detectors::FeatureKind;

// Checkpoint format of ModelWindows; bump when the layout changes. Version 2:
// coarse rolling-reference panes fed by hand-off (older snapshots are
// rejected and the windows start empty).
constexpr std::uint8_t kEncodingVersion = 2;

detectors::WindowOptions CurrentOptions(const config::ModelConfig& m) {
  detectors::WindowOptions o;
  o.length = m.window;
  o.panes = static_cast<int>(m.windows.panes);
  o.allowed_lateness = m.windows.allowed_lateness;
  o.exact_up_to = m.windows.exact_up_to;
  o.kll_k = static_cast<int>(m.windows.sketch_k);
  o.max_categories = m.windows.max_categories;
  return o;
}

detectors::LaggedReferenceOptions RollingOptions(const config::ModelConfig& m) {
  detectors::LaggedReferenceOptions o;
  o.ref_length = m.reference.window;
  o.lag = m.reference.lag;
  // Coarse panes (about kDefaultReferencePanes over span plus lag), whole
  // multiples of the current window's panes where that divides, so evicted
  // current panes can be handed off whole.
  const auto panes = static_cast<Duration::rep>(std::max<std::uint32_t>(1, m.windows.panes));
  const Duration unit = m.window.count() % panes == 0 ? m.window / panes : Duration::zero();
  if (o.ref_length > Duration::zero() && o.lag >= Duration::zero()) {
    o.pane_width = detectors::ChooseLagPaneWidth(o.ref_length, o.lag, detectors::kDefaultReferencePanes, unit);
  }
  o.exact_up_to = m.windows.exact_up_to;
  o.kll_k = static_cast<int>(m.windows.sketch_k);
  o.max_categories = m.windows.max_categories;
  return o;
}

detectors::SummaryOptions FirstOptions(const config::ModelConfig& m) {
  detectors::SummaryOptions o;
  // The reference is kept exactly up to its size when that fits the limit.
  o.exact_up_to = m.windows.exact_up_to;
  o.kll_k = static_cast<int>(m.windows.sketch_k);
  o.max_categories = m.windows.max_categories;
  return o;
}

std::vector<WindowColumn> ColumnsOf(const config::ModelConfig& m) {
  std::vector<WindowColumn> columns;
  columns.reserve(m.features.size() + 1);
  for (const auto& f : m.features) {
    columns.push_back({f.name,
                       f.type == config::FeatureType::kNumeric ? FeatureKind::kNumeric
                                                               : FeatureKind::kCategorical,
                       false});
  }
  if (m.prediction) {
    columns.push_back({std::string(kPredictionColumn),
                       m.prediction->type == config::PredictionType::kClass ? FeatureKind::kCategorical
                                                                            : FeatureKind::kNumeric,
                       true});
  }
  return columns;
}

// Equality of two feature names, inline: names are short ("num_12"), and the
// memcmp call of std::string's operator== was most of the per-event cost of
// checking the cached feature order.
bool SameName(const std::string& a, const std::string& b) {
  const std::size_t size = a.size();
  if (size != b.size()) return false;
  const char* x = a.data();
  const char* y = b.data();
  for (std::size_t i = 0; i < size; ++i) {
    if (x[i] != y[i]) return false;
  }
  return true;
}

const char* ReferenceTypeName(config::ReferenceType type) {
  switch (type) {
    case config::ReferenceType::kBaseline: return "baseline";
    case config::ReferenceType::kFirst: return "first";
    case config::ReferenceType::kRolling: return "rolling";
  }
  return "first";
}

}  // namespace

ModelWindows::ModelWindows(const config::ModelConfig& model, BaselineReference baseline)
    : columns_(ColumnsOf(model)), reference_type_(model.reference.type), baseline_(std::move(baseline)) {
  specs_.reserve(columns_.size());
  for (const auto& c : columns_) specs_.push_back({c.kind, nullptr});
  counters_.assign(columns_.size(), {});
  row_.assign(columns_.size(), Missing{});
  set_in_.assign(columns_.size(), 0);
  if (model.prediction) {
    prediction_column_ = static_cast<int>(columns_.size()) - 1;
    prediction_numeric_ = columns_.back().kind == FeatureKind::kNumeric;
  }

  const detectors::WindowOptions current = CurrentOptions(model);
  if (auto why = detectors::ValidateWindowOptions(current)) {
    error_ = "current window: " + *why;
    return;
  }
  switch (reference_type_) {
    case config::ReferenceType::kFirst:
      if (model.reference.events == 0) {
        error_ = "reference: events must be at least 1";
        return;
      }
      first_.emplace(model.reference.events, specs_, FirstOptions(model));
      if (model.drift.calibrate || model.drift.preset == config::DriftPreset::kNannyml) {
        calibrator_.emplace(model.drift, CalibrationColumnsOf(model, kPredictionColumn), FirstOptions(model));
      }
      break;
    case config::ReferenceType::kRolling: {
      const auto options = RollingOptions(model);
      if (auto why = detectors::ValidateLaggedReferenceOptions(options)) {
        error_ = "rolling reference: " + *why;
        return;
      }
      rolling_.emplace(options, specs_);
      // Hand-off (detectors/window/reference.h) when every event the
      // reference needs has passed through the current window first.
      handoff_ = options.lag >= current.length && current.length.count() % current.panes == 0 &&
                 options.pane_width % (current.length / current.panes) == Duration::zero();
      break;
    }
    case config::ReferenceType::kBaseline:
      break;
  }
  current_.emplace(current, specs_);
}

void ModelWindows::SetBaseline(BaselineReference baseline) { baseline_ = std::move(baseline); }

void ModelWindows::OnDeploy() {
  if (first_) first_->Reset();
  frozen_first_.reset();
  if (calibrator_) calibrator_->Reset();
}

void ModelWindows::ResolveOrder(const std::vector<Feature>& features) {
  // Cache miss: the event's feature names differ from the previous one's.
  // Linear search: a model has tens of features and misses are rare.
  order_names_.resize(features.size());
  order_columns_.resize(features.size());
  const std::size_t configured = columns_.size() - (prediction_column_ >= 0 ? 1 : 0);
  for (std::size_t i = 0; i < features.size(); ++i) {
    order_names_[i] = features[i].name;
    order_columns_[i] = -1;
    for (std::size_t c = 0; c < configured; ++c) {
      if (columns_[c].name == features[i].name) {
        order_columns_[i] = static_cast<int>(c);
        break;
      }
    }
  }
}

namespace {

// Copies `value` into the row slot. The common cases (a number, a text
// into a slot already holding text) skip the variant's generic copy, which
// profiled at several percent of the window update.
void CopyValue(const Value& value, Value& slot) {
  if (const double* x = std::get_if<double>(&value)) {
    slot = *x;
  } else if (const std::string* text = std::get_if<std::string>(&value)) {
    if (std::string* held = std::get_if<std::string>(&slot)) {
      held->assign(*text);
    } else {
      slot = *text;
    }
  } else {
    slot = value;
  }
}

}  // namespace

void ModelWindows::SetNumeric(std::size_t column, const Value& value) {
  if (const double* x = std::get_if<double>(&value)) {
    if (!std::isfinite(*x)) ++counters_[column].non_finite;
    row_[column] = *x;
    return;
  }
  if (std::holds_alternative<std::string>(value)) {
    ++counters_[column].wrong_type;
  } else {
    ++counters_[column].missing;
  }
  // The summary applies the same rules (non-finite and strings are counted
  // there, never summarized), so the value goes in as is.
  row_[column] = value;
}

void ModelWindows::SetCategorical(std::size_t column, const Value& value) {
  if (std::holds_alternative<Missing>(value)) ++counters_[column].missing;
  CopyValue(value, row_[column]);
}

void ModelWindows::SetPrediction(const Event& event) {
  const auto column = static_cast<std::size_t>(prediction_column_);
  set_in_[column] = generation_;
  if (event.kind == EventKind::kInput) {
    row_[column] = Missing{};
    return;
  }
  if (prediction_numeric_) {
    if (event.score) {
      SetNumeric(column, Value(*event.score));
    } else if (event.prediction) {
      SetNumeric(column, *event.prediction);
    } else {
      SetNumeric(column, Missing{});
    }
  } else {
    SetCategorical(column, event.prediction ? *event.prediction : Value(Missing{}));
  }
}

void ModelWindows::Add(const Event& event) {
  if (!ok()) return;
  if (event.kind != EventKind::kPrediction && event.kind != EventKind::kInput) return;
  ++generation_;
  const auto& features = event.features;
  bool same_order = features.size() == order_names_.size();
  for (std::size_t i = 0; same_order && i < features.size(); ++i) {
    same_order = SameName(features[i].name, order_names_[i]);
  }
  if (!same_order) ResolveOrder(features);
  for (std::size_t i = 0; i < features.size(); ++i) {
    const int column = order_columns_[i];
    if (column < 0 || set_in_[column] == generation_) continue;  // unknown, or a repeat
    const auto c = static_cast<std::size_t>(column);
    set_in_[c] = generation_;
    if (columns_[c].kind == FeatureKind::kNumeric) {
      SetNumeric(c, features[i].value);
    } else {
      SetCategorical(c, features[i].value);
    }
  }
  if (prediction_column_ >= 0) SetPrediction(event);
  for (std::size_t c = 0; c < row_.size(); ++c) {
    if (set_in_[c] == generation_) continue;
    ++counters_[c].missing;
    row_[c] = Missing{};
  }

  // A late event is counted by the window and applied nowhere else, so the
  // reference and the current window see the same stream.
  detectors::PaneSink* evicted = handoff_ ? &*rolling_ : nullptr;
  if (current_->Add(event.ts, row_, evicted) == detectors::AddResult::kLate) return;
  if (handoff_) rolling_->AdvanceTo(event.ts);
  if (first_ && !first_->frozen()) {
    (void)first_->Add(row_);
    if (calibrator_) {
      calibrator_->Add(row_);
      if (first_->frozen()) (void)calibrator_->Finish(first_->summaries());
    }
  } else if (rolling_ && !handoff_) {
    (void)rolling_->Add(event.ts, row_);
  }
}

std::uint64_t ModelWindows::late_events() const { return current_ ? current_->late_events() : 0; }

WindowStatus ModelWindows::Status() const {
  WindowStatus s;
  s.error = error_;
  s.reference_type = ReferenceTypeName(reference_type_);
  s.column_names.reserve(columns_.size());
  for (const auto& c : columns_) s.column_names.push_back(c.name);
  s.columns = counters_;
  if (!ok()) return s;
  s.current_events = current_->events();
  s.late_events = current_->late_events();
  switch (reference_type_) {
    case config::ReferenceType::kFirst:
      s.reference_events = first_->events();
      s.reference_target = first_->target();
      s.reference_ready = first_->frozen();
      break;
    case config::ReferenceType::kRolling:
      s.reference_events = rolling_->events();
      s.reference_ready = s.reference_events > 0;
      break;
    case config::ReferenceType::kBaseline:
      s.reference_error = baseline_.error;
      s.reference_ready = baseline_.summaries != nullptr;
      s.reference_events = s.reference_ready ? baseline_.rows : 0;
      break;
  }
  return s;
}

ModelWindowSnapshot ModelWindows::Snapshot(const std::string& model, Timestamp now) const {
  ModelWindowSnapshot snap;
  snap.model = model;
  snap.taken_at = now;
  snap.columns = columns_;
  snap.status = Status();
  if (!ok()) {
    snap.not_ready_reason = error_;
    return snap;
  }
  snap.current = std::make_shared<const detectors::SummarySet>(current_->Merged());
  switch (reference_type_) {
    case config::ReferenceType::kFirst:
      if (!first_->frozen()) {
        snap.not_ready_reason = "reference filling: " + std::to_string(first_->events()) + " of " +
                                std::to_string(first_->target()) + " events";
        break;
      }
      // Frozen summaries never change until a deploy: one copy serves every
      // snapshot.
      if (!frozen_first_) frozen_first_ = std::make_shared<const detectors::SummarySet>(first_->summaries());
      snap.reference = frozen_first_;
      if (calibrator_) snap.calibration = calibrator_->result();
      break;
    case config::ReferenceType::kRolling:
      if (rolling_->events() == 0) {
        snap.not_ready_reason = "rolling reference has no events yet";
        break;
      }
      snap.reference = std::make_shared<const detectors::SummarySet>(rolling_->Merged());
      break;
    case config::ReferenceType::kBaseline:
      snap.reference = baseline_.summaries;
      snap.calibration = baseline_.calibration;
      if (!snap.reference) snap.not_ready_reason = "baseline profile unavailable: " + baseline_.error;
      break;
  }
  return snap;
}

bool ModelWindows::SameWindowSettings(const config::ModelConfig& a, const config::ModelConfig& b) {
  if (a.window != b.window || a.reference.type != b.reference.type) return false;
  switch (a.reference.type) {
    case config::ReferenceType::kFirst:
      // The calibration chunks are cut while the reference fills.
      if (a.reference.events != b.reference.events || !SameCalibration(a, b)) return false;
      break;
    case config::ReferenceType::kRolling:
      if (a.reference.window != b.reference.window || a.reference.lag != b.reference.lag) return false;
      break;
    case config::ReferenceType::kBaseline:
      break;  // the profile is re-read on every reload
  }
  const auto& wa = a.windows;
  const auto& wb = b.windows;
  if (wa.panes != wb.panes || wa.allowed_lateness != wb.allowed_lateness ||
      wa.exact_up_to != wb.exact_up_to || wa.sketch_k != wb.sketch_k ||
      wa.max_categories != wb.max_categories) {
    return false;
  }
  const auto ca = ColumnsOf(a);
  const auto cb = ColumnsOf(b);
  if (ca.size() != cb.size()) return false;
  for (std::size_t i = 0; i < ca.size(); ++i) {
    if (ca[i].name != cb[i].name || ca[i].kind != cb[i].kind) return false;
  }
  return true;
}

void ModelWindows::AppendTo(std::string* out) const {
  bytes::AppendU8(out, kEncodingVersion);
  bytes::AppendU8(out, ok() ? 1 : 0);
  bytes::AppendU32(out, static_cast<std::uint32_t>(columns_.size()));
  for (const auto& c : columns_) {
    bytes::AppendString(out, c.name);
    bytes::AppendU8(out, c.kind == FeatureKind::kNumeric ? 0 : 1);
  }
  for (const auto& k : counters_) {
    bytes::AppendU64(out, k.missing);
    bytes::AppendU64(out, k.non_finite);
    bytes::AppendU64(out, k.wrong_type);
  }
  if (!ok()) return;
  current_->AppendTo(out);
  if (first_) first_->AppendTo(out);
  if (calibrator_) calibrator_->AppendTo(out);
  if (rolling_) rolling_->AppendTo(out);
}

std::optional<ModelWindows> ModelWindows::Parse(std::string_view* in, const config::ModelConfig& model,
                                                BaselineReference baseline) {
  ModelWindows w(model, std::move(baseline));
  std::uint8_t version = 0;
  std::uint8_t ok = 0;
  std::uint32_t num_columns = 0;
  if (!bytes::ReadU8(in, &version) || version != kEncodingVersion || !bytes::ReadU8(in, &ok) ||
      ok != (w.ok() ? 1 : 0) || !bytes::ReadU32(in, &num_columns) || num_columns != w.columns_.size()) {
    return std::nullopt;
  }
  for (const auto& c : w.columns_) {
    std::string name;
    std::uint8_t kind = 0;
    if (!bytes::ReadString(in, &name) || !bytes::ReadU8(in, &kind) || name != c.name ||
        kind != (c.kind == FeatureKind::kNumeric ? 0 : 1)) {
      return std::nullopt;
    }
  }
  for (auto& k : w.counters_) {
    if (!bytes::ReadU64(in, &k.missing) || !bytes::ReadU64(in, &k.non_finite) ||
        !bytes::ReadU64(in, &k.wrong_type)) {
      return std::nullopt;
    }
  }
  if (!w.ok()) return w;
  // The decoded windows must have the options the config gives now, or the
  // state was built under other settings.
  auto current = detectors::SlidingWindow::Parse(in);
  if (!current || !(current->options().length == w.current_->options().length &&
                    current->options().panes == w.current_->options().panes &&
                    current->options().allowed_lateness == w.current_->options().allowed_lateness &&
                    current->features().size() == w.columns_.size())) {
    return std::nullopt;
  }
  w.current_ = std::move(*current);
  if (w.first_) {
    auto first = detectors::FirstNReference::Parse(in);
    if (!first || first->target() != w.first_->target()) return std::nullopt;
    w.first_ = std::move(*first);
    if (w.calibrator_ && !w.calibrator_->ParseInto(in)) return std::nullopt;
  }
  if (w.rolling_) {
    auto rolling = detectors::LaggedReference::Parse(in, model.reference.lag);
    if (!rolling || rolling->pane_width() != w.rolling_->pane_width()) return std::nullopt;
    w.rolling_ = std::move(*rolling);
  }
  return w;
}

}  // namespace driftd
