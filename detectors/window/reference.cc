#include "detectors/window/reference.h"

#include <numeric>
#include <utility>

#include "detectors/sketch/bytes.h"

namespace driftd::detectors {
namespace {

Duration PaneWidthOf(const LaggedReferenceOptions& o) {
  return o.pane_width > Duration::zero() ? o.pane_width : ChooseLagPaneWidth(o.ref_length, o.lag);
}

}  // namespace

FirstNReference::FirstNReference(std::size_t n, std::span<const FeatureSpec> features,
                                 const SummaryOptions& options)
    : n_(n), summaries_(features, options) {}

bool FirstNReference::Add(std::span<const Value> values) {
  if (frozen()) return false;
  summaries_.AddRow(values);
  if (frozen()) summaries_.SortAll();
  return true;
}

void FirstNReference::Reset() { summaries_.Clear(0, summaries_.options().seed); }

void FirstNReference::AppendTo(std::string* out) const {
  bytes::AppendU64(out, n_);
  summaries_.AppendTo(out);
}

std::optional<FirstNReference> FirstNReference::Parse(std::string_view* in) {
  std::uint64_t n = 0;
  if (!bytes::ReadU64(in, &n) || n == 0) return std::nullopt;
  std::optional<SummarySet> s = SummarySet::Parse(in);
  if (!s) return std::nullopt;
  return FirstNReference(n, std::move(*s));
}

Duration ChooseLagPaneWidth(Duration ref_length, Duration lag, int max_panes, Duration unit) {
  const std::int64_t g = std::gcd(ref_length.count(), lag.count());
  const std::int64_t total = ref_length.count() + lag.count();
  // Split the gcd into j equal parts, j as large as the pane budget allows
  // and dividing the number of units in the gcd.
  const std::int64_t u = unit.count() > 0 && g % unit.count() == 0 ? unit.count() : 1;
  std::int64_t j = std::max<std::int64_t>(1, max_panes / std::max<std::int64_t>(1, total / g));
  while (j > 1 && (g / u) % j != 0) --j;
  return Duration(g / j);
}

std::optional<std::string> ValidateLaggedReferenceOptions(const LaggedReferenceOptions& o) {
  if (o.ref_length <= Duration::zero()) return "reference window length must be positive";
  if (o.lag < Duration::zero()) return "reference lag must not be negative";
  if (o.pane_width < Duration::zero()) return "pane width must not be negative";
  if (o.lag == Duration::zero() && o.pane_width == Duration::zero()) {
    return "a zero lag needs an explicit pane width";
  }
  const Duration w = PaneWidthOf(o);
  if (o.ref_length % w != Duration::zero() || o.lag % w != Duration::zero()) {
    return "pane width must divide both the reference length and the lag";
  }
  if ((o.ref_length + o.lag) / w > (1 << 20)) return "too many panes (pane width too small)";
  if (o.kll_k < KllSketch::kMinK || o.kll_k > KllSketch::kMaxK) return "kll_k must be in [8, 65535]";
  return std::nullopt;
}

LaggedReference::LaggedReference(const LaggedReferenceOptions& o, std::vector<FeatureSpec> features)
    : window_(
          [&o] {
            const Duration w = PaneWidthOf(o);
            WindowOptions wo;
            wo.length = o.ref_length + o.lag;
            wo.panes = static_cast<int>(wo.length / w);
            wo.allowed_lateness = wo.length;
            wo.exact_up_to = o.exact_up_to;
            wo.kll_k = o.kll_k;
            wo.max_categories = o.max_categories;
            wo.seed = o.seed;
            return wo;
          }(),
          std::move(features)),
      lag_panes_(static_cast<int>(o.lag / PaneWidthOf(o))) {}

std::optional<LaggedReference> LaggedReference::Parse(std::string_view* in, Duration lag) {
  std::optional<SlidingWindow> w = SlidingWindow::Parse(in);
  if (!w || lag < Duration::zero() || lag % w->pane_width() != Duration::zero() ||
      lag >= w->options().length) {
    return std::nullopt;
  }
  const int lag_panes = static_cast<int>(lag / w->pane_width());
  return LaggedReference(std::move(*w), lag_panes);
}

}  // namespace driftd::detectors
