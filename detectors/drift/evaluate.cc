// One feature's verdict: test choice, the statistic from exact samples or
// summaries, and the threshold comparison (see drift.h).
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>

#include "detectors/drift/drift.h"
#include "detectors/drift/histogram.h"
#include "detectors/stats/anderson.h"
#include "detectors/stats/binning.h"
#include "detectors/stats/categorical.h"
#include "detectors/stats/contingency.h"
#include "detectors/stats/cvm.h"
#include "detectors/stats/divergence.h"
#include "detectors/stats/energy.h"
#include "detectors/stats/ks.h"
#include "detectors/stats/location.h"
#include "detectors/stats/permutation.h"
#include "detectors/stats/wasserstein.h"
#include "detectors/window/summary_distance.h"

namespace driftd::detectors {
namespace {

using config::DriftPreset;

constexpr std::size_t kEvidentlyUniqueLimit = 20;     // get_binned_data: bins above this
constexpr std::uint64_t kEvidentlySmallReference = 1000;
constexpr std::uint64_t kNannymlBinnedKsFrom = 10000;
constexpr int kNannymlKsBins = 10000;

// Aligned count vectors of one feature, reference and current.
struct Aligned {
  std::vector<double> ref;
  std::vector<double> cur;
};

struct Sides {
  WeightedSortedView ref;
  WeightedSortedView cur;
  bool exact() const { return ref.exact() && cur.exact(); }
};

bool AllIntegral(const NumericSummary& s, const WeightedSortedView& v) {
  if (!v.exact() || s.missing_count() > 0 || s.nan_count() > 0 || s.inf_count() > 0 ||
      s.non_numeric_count() > 0) {
    return false;
  }
  for (double x : v.items()) {
    if (x != std::trunc(x)) return false;
  }
  return true;
}

// Counts per distinct value over the union of both sides (Evidently's
// value_counts over keys of both series).
Aligned ByValue(const Sides& s) {
  const auto a = DistinctValues(s.ref, std::numeric_limits<std::size_t>::max());
  const auto b = DistinctValues(s.cur, std::numeric_limits<std::size_t>::max());
  Aligned out;
  std::size_t i = 0, j = 0;
  while (i < a->size() || j < b->size()) {
    if (j >= b->size() || (i < a->size() && (*a)[i].first < (*b)[j].first)) {
      out.ref.push_back((*a)[i++].second);
      out.cur.push_back(0.0);
    } else if (i >= a->size() || (*b)[j].first < (*a)[i].first) {
      out.ref.push_back(0.0);
      out.cur.push_back((*b)[j++].second);
    } else {
      out.ref.push_back((*a)[i++].second);
      out.cur.push_back((*b)[j++].second);
    }
  }
  return out;
}

// Evidently's get_binned_data for numeric columns: more than 20 distinct
// reference values -> Sturges bins over both samples; else by value.
Aligned EvidentlyBins(const NumericSummary& ref, const NumericSummary& cur, const Sides& s) {
  if (DistinctValues(s.ref, kEvidentlyUniqueLimit)) return ByValue(s);
  SampleShape shape;
  shape.count = ref.count() + cur.count();
  shape.min = std::min(ref.min(), cur.min());
  shape.max = std::max(ref.max(), cur.max());
  shape.integer_dtype = AllIntegral(ref, s.ref) && AllIntegral(cur, s.cur);
  const auto edges = RuleEdges(BinRule::kSturges, shape);
  if (!edges) return {};
  return {CountInBins(s.ref, *edges).counts, CountInBins(s.cur, *edges).counts};
}

// NannyML's continuous histogram: Doane bins of the reference (or the
// reference summary's own edges), plus one bin holding the current mass
// outside them, present only when there is such mass.
Aligned NannymlBins(const NumericSummary& ref, const Sides& s, std::string* note) {
  std::vector<double> edges;
  if (ref.has_histogram()) {
    edges.assign(ref.bin_edges().begin(), ref.bin_edges().end());
  } else {
    SampleShape shape;
    if (s.ref.exact()) {
      shape = ShapeOf(s.ref.items());
    } else {
      shape.count = ref.count();
      shape.min = ref.min();
      shape.max = ref.max();
      shape.has_spread = ref.variance() > 0;
      *note = "Doane bins without the reference skewness (sketch reference)";
    }
    auto e = RuleEdges(BinRule::kDoane, shape);
    if (!e) return {};
    edges = std::move(*e);
  }
  Aligned out;
  out.ref = CountInBins(s.ref, edges).counts;
  const BinnedCounts cur = CountInBins(s.cur, edges);
  out.cur = cur.counts;
  if (cur.below + cur.above > 0) {
    out.ref.push_back(0.0);
    out.cur.push_back(cur.below + cur.above);
  }
  return out;
}

// Categories: the reference's in first-seen order, then the current's new
// ones; values beyond the summaries' caps share one "other" slot.
Aligned ByCategory(const CategoricalCounts& ref, const CategoricalCounts& cur, bool reference_only) {
  Aligned out;
  std::unordered_map<std::string_view, std::size_t> slot;
  for (const auto& [name, n] : ref.entries()) {
    slot.emplace(name, out.ref.size());
    out.ref.push_back(static_cast<double>(n));
    out.cur.push_back(0.0);
  }
  double unseen = 0.0;
  for (const auto& [name, n] : cur.entries()) {
    const auto it = slot.find(name);
    if (it != slot.end()) {
      out.cur[it->second] += static_cast<double>(n);
    } else if (reference_only) {
      unseen += static_cast<double>(n);
    } else {
      out.ref.push_back(0.0);
      out.cur.push_back(static_cast<double>(n));
    }
  }
  if (reference_only) {
    // NannyML: current mass outside the reference categories as one extra bin.
    unseen += static_cast<double>(cur.overflow());
    if (unseen > 0 || ref.overflow() > 0) {
      out.ref.push_back(static_cast<double>(ref.overflow()));
      out.cur.push_back(unseen);
    }
  } else if (ref.overflow() > 0 || cur.overflow() > 0) {
    out.ref.push_back(static_cast<double>(ref.overflow()));
    out.cur.push_back(static_cast<double>(cur.overflow()));
  }
  return out;
}

double NormedWassersteinOf(const NumericSummary& ref, const Sides& s) {
  if (s.exact()) {
    // One walk over the sorted samples; the reference's population
    // standard deviation comes from the summary's Welford moments (within
    // a few ulps of numpy's two-pass np.std), not from another pass.
    const auto w = stats::Wasserstein1(s.ref.items(), s.cur.items());
    if (!w) return std::numeric_limits<double>::quiet_NaN();
    return *w / std::max(std::sqrt(ref.variance()), stats::kWassersteinMinNorm);
  }
  const auto w = Wasserstein1Distance(s.ref, s.cur);
  if (!w) return std::numeric_limits<double>::quiet_NaN();
  return w->value / std::max(std::sqrt(ref.variance()), stats::kWassersteinMinNorm);
}

// NannyML's KS for references of 10,000 values or more: both CDFs read at
// the upper edges of 10,000 equal-width bins over the reference's range.
double NannymlBinnedKs(const Sides& s) {
  const auto edges = stats::EqualWidthEdges(s.ref.min(), s.ref.max(), kNannymlKsBins);
  const BinnedCounts ref = CountInBins(s.ref, *edges);
  const BinnedCounts cur = CountInBins(s.cur, *edges);
  const double n = static_cast<double>(s.ref.total());
  const double m = static_cast<double>(s.cur.total());
  double ref_cum = 0.0, cur_cum = cur.below, d = 0.0;
  for (std::size_t i = 0; i < ref.counts.size(); ++i) {
    ref_cum += ref.counts[i];
    cur_cum += cur.counts[i];
    d = std::max(d, std::abs(ref_cum / n - cur_cum / m));
  }
  return d;
}

std::size_t UnionCategories(const CategoricalCounts& ref, const CategoricalCounts& cur,
                            std::size_t limit) {
  std::size_t n = ref.distinct();
  for (const auto& [name, count] : cur.entries()) {
    if (n > limit) break;
    if (ref.count(name) == 0) ++n;
  }
  return n + ((ref.overflow() > 0 || cur.overflow() > 0) ? 1 : 0);
}

TestKind ChooseWithViews(const DriftFeatureSpec& spec, const ColumnData& reference,
                         const ColumnData& current, DriftPreset preset, const Sides* sides) {
  if (auto explicit_test = ParseTestName(spec.test)) return *explicit_test;
  if (preset == DriftPreset::kNannyml) return TestKind::kJensenShannon;
  const bool numeric = spec.type == config::FeatureType::kNumeric;
  std::uint64_t n_ref = 0;
  std::size_t unique = 0;
  if (numeric && reference.numeric && current.numeric) {
    n_ref = reference.numeric->count();
    unique = DistinctUnionCount(sides->ref, sides->cur, 5);
  } else if (!numeric && reference.categorical && current.categorical) {
    n_ref = reference.categorical->total();
    unique = UnionCategories(*reference.categorical, *current.categorical, 5);
  }
  if (n_ref <= kEvidentlySmallReference) {
    if (numeric && unique > 5) return TestKind::kKs;
    return unique > 2 ? TestKind::kChiSquare : TestKind::kZTest;
  }
  if (numeric && unique > 5) return TestKind::kWasserstein;
  return TestKind::kJensenShannon;
}

// Why a test gave no result; Fisher's exact test has one common reason.
std::string UndefinedNote(TestKind test, const char* what) {
  if (test == TestKind::kFisherExact) {
    return "fisher_exact needs a binary column (at most 2 categories or values)";
  }
  return std::string("statistic undefined for these ") + what;
}

void AppendNote(FeatureResult* r, const std::string& note) {
  if (note.empty()) return;
  if (!r->note.empty()) r->note += "; ";
  r->note += note;
}

// Histogram-type statistics (and chi-square / z) over aligned counts.
std::optional<stats::TestResult> OnCounts(TestKind test, const Aligned& a, DriftPreset preset) {
  if (a.ref.empty()) return std::nullopt;
  const bool nannyml = preset == DriftPreset::kNannyml;
  auto distance = [](std::optional<double> d) -> std::optional<stats::TestResult> {
    if (!d) return std::nullopt;
    return stats::TestResult{*d, std::nullopt, stats::PValueMethod::kNone};
  };
  switch (test) {
    case TestKind::kPsi: return distance(stats::PopulationStabilityIndex(a.ref, a.cur));
    case TestKind::kKl: return distance(stats::KullbackLeibler(a.ref, a.cur));
    case TestKind::kJensenShannon:
      return distance(stats::JensenShannonDistance(a.ref, a.cur, nannyml ? 2.0 : 0.0));
    case TestKind::kHellinger: return distance(stats::HellingerDistance(a.ref, a.cur));
    case TestKind::kLinf: return distance(stats::LInfinityDistance(a.ref, a.cur));
    case TestKind::kTvd: return distance(stats::TotalVariationDistance(a.ref, a.cur));
    case TestKind::kGTest:
      return stats::GTest(a.ref, a.cur);
    case TestKind::kFisherExact:
      return stats::FisherExactTest(a.ref, a.cur);
    case TestKind::kTvdPermutation:
      return stats::TvdPermutationTest(a.ref, a.cur);
    case TestKind::kChiSquare:
      return nannyml ? stats::ChiSquareContingency(a.ref, a.cur)
                     : stats::ChiSquareGoodnessOfFit(a.ref, a.cur);
    case TestKind::kZTest: {
      // Evidently: the first key against all others.
      double ref_n = 0, cur_n = 0;
      for (double x : a.ref) ref_n += x;
      for (double x : a.cur) cur_n += x;
      return stats::TwoProportionZTest(a.ref[0], ref_n, a.cur[0], cur_n);
    }
    default: return std::nullopt;
  }
}

// Returns true when the verdict is already decided (sketch KS without a
// trustworthy p-value).
bool EvaluateNumeric(const NumericSummary& ref, const NumericSummary& cur, const Sides& s,
                     DriftPreset preset, FeatureResult* r) {
  std::optional<stats::TestResult> result;
  std::string note;
  switch (r->test) {
    case TestKind::kKs:
      if (s.exact() && preset == DriftPreset::kNannyml && ref.count() >= kNannymlBinnedKsFrom) {
        const double d = NannymlBinnedKs(s);
        const auto k = static_cast<std::int64_t>(std::llround(static_cast<double>(ref.count()) *
                                                              static_cast<double>(cur.count()) /
                                                              static_cast<double>(ref.count() + cur.count())));
        result = stats::TestResult{d, stats::KolmogorovSf(std::max<std::int64_t>(k, 1), d),
                                   stats::PValueMethod::kAsymptotic};
        note = "NannyML 10000-bin KS";
      } else if (s.exact()) {
        result = stats::KolmogorovSmirnov(s.ref.items(), s.cur.items());
      } else {
        const auto d = KsDistance(s.ref, s.cur);
        if (!d) break;
        const double critical = KsCriticalDistance(ref.count(), cur.count());
        if (d->error_bound <= critical / 10) {
          const double k = static_cast<double>(ref.count()) * static_cast<double>(cur.count()) /
                           static_cast<double>(ref.count() + cur.count());
          result = stats::TestResult{d->value,
                                     stats::KolmogorovSf(std::max<std::int64_t>(std::llround(k), 1), d->value),
                                     stats::PValueMethod::kAsymptotic};
        } else {
          // DESIGN.md section 12: the p-value would be meaningless.
          r->statistic = d->value;
          r->threshold = critical + d->error_bound;
          r->drifted = d->value > r->threshold;
          r->judged = true;
          AppendNote(r, "sketch KS: error bound not far below the critical distance; judged on D > critical + error, no p-value");
          return true;
        }
      }
      break;
    case TestKind::kWasserstein:
      if (preset == DriftPreset::kNannyml) {
        if (s.exact()) {
          if (auto w = stats::Wasserstein1(s.ref.items(), s.cur.items())) result = stats::TestResult{*w, std::nullopt, stats::PValueMethod::kNone};
        } else if (auto w = Wasserstein1Distance(s.ref, s.cur)) {
          result = stats::TestResult{w->value, std::nullopt, stats::PValueMethod::kNone};
        }
      } else {
        const double w = NormedWassersteinOf(ref, s);
        if (std::isfinite(w)) result = stats::TestResult{w, std::nullopt, stats::PValueMethod::kNone};
      }
      break;
    case TestKind::kTTest:
      if (s.exact()) {
        result = stats::StudentTTest(s.ref.items(), s.cur.items());
      } else {
        // Only sizes, means and variances are needed: the summaries keep
        // them in sketch mode too.
        result = stats::StudentTTestFromMoments(
            static_cast<double>(ref.count()), ref.mean(), ref.sample_variance(),
            static_cast<double>(cur.count()), cur.mean(), cur.sample_variance());
        note = "t-test from the summaries' moments";
      }
      break;
    case TestKind::kCramerVonMises:
    case TestKind::kAnderson:
    case TestKind::kMannWhitney:
    case TestKind::kEnergyDistance:
      if (!s.exact()) {
        note = "needs exact samples (window is in sketch mode)";
        break;
      }
      switch (r->test) {
        case TestKind::kAnderson:
          result = stats::AndersonDarling2Sample(s.ref.items(), s.cur.items());
          break;
        case TestKind::kCramerVonMises:
          result = stats::CramerVonMises2Sample(s.ref.items(), s.cur.items());
          break;
        case TestKind::kMannWhitney:
          // Evidently: mannwhitneyu(reference, current, alternative="less").
          result = stats::MannWhitneyU(s.ref.items(), s.cur.items(), stats::Alternative::kLess);
          break;
        default:
          if (auto e = stats::EnergyDistance(s.ref.items(), s.cur.items())) {
            result = stats::TestResult{*e, std::nullopt, stats::PValueMethod::kNone};
          }
      }
      break;
    case TestKind::kGTest:
    case TestKind::kFisherExact:
    case TestKind::kTvdPermutation:
      // Counts per distinct value: only exact samples have true counts.
      if (!s.exact()) {
        note = "needs exact samples (window is in sketch mode)";
        break;
      }
      result = OnCounts(r->test, ByValue(s), preset);
      break;
    case TestKind::kChiSquare:
    case TestKind::kZTest:
      result = OnCounts(r->test, ByValue(s), preset);
      break;
    default: {
      const Aligned a = preset == DriftPreset::kNannyml ? NannymlBins(ref, s, &note)
                                                        : EvidentlyBins(ref, cur, s);
      result = OnCounts(r->test, a, preset);
    }
  }
  AppendNote(r, note);
  if (!result) {
    AppendNote(r, UndefinedNote(r->test, "samples"));
    return false;
  }
  r->statistic = result->statistic;
  r->p_value = result->p_value;
  r->judged = true;
  return false;
}

}  // namespace

TestKind ChooseTest(const DriftFeatureSpec& spec, const ColumnData& reference, const ColumnData& current,
                    DriftPreset preset) {
  if (spec.type == config::FeatureType::kNumeric && reference.numeric && current.numeric &&
      !ParseTestName(spec.test) && preset != DriftPreset::kNannyml) {
    const Sides sides{reference.numeric->View(), current.numeric->View()};
    return ChooseWithViews(spec, reference, current, preset, &sides);
  }
  return ChooseWithViews(spec, reference, current, preset, nullptr);
}

FeatureResult EvaluateFeature(const DriftFeatureSpec& spec, const ColumnData& reference,
                              const ColumnData& current, const config::DriftConfig& drift,
                              std::uint64_t min_samples) {
  FeatureResult r;
  r.name = spec.name;
  r.type = spec.type;
  const bool numeric = spec.type == config::FeatureType::kNumeric;
  if (numeric ? (!reference.numeric || !current.numeric)
              : (!reference.categorical || !current.categorical)) {
    r.test = ParseTestName(spec.test).value_or(TestKind::kJensenShannon);
    r.threshold = spec.threshold.value_or(DefaultThreshold(r.test, drift.preset));
    r.note = "no summary of the feature's type";
    return r;
  }
  std::optional<Sides> sides;
  if (numeric) {
    sides.emplace(Sides{reference.numeric->View(), current.numeric->View()});
    r.reference_count = reference.numeric->count();
    r.current_count = current.numeric->count();
    r.mode = sides->exact() ? "exact" : "sketch";
  } else {
    r.reference_count = reference.categorical->total();
    r.current_count = current.categorical->total();
    r.mode = "exact";
  }
  r.test = ChooseWithViews(spec, reference, current, drift.preset, sides ? &*sides : nullptr);
  r.threshold = spec.threshold.value_or(DefaultThreshold(r.test, drift.preset));
  if (!numeric && IsNumericOnlyTest(r.test)) {
    r.note = std::string(TestName(r.test)) + " needs a numeric feature";
    return r;
  }
  const std::uint64_t floor = std::max<std::uint64_t>(min_samples, 1);
  if (r.reference_count < floor || r.current_count < floor) {
    r.note = "below min_samples (" + std::to_string(r.reference_count) + " reference, " +
             std::to_string(r.current_count) + " current, need " + std::to_string(floor) + ")";
    return r;
  }
  bool decided = false;
  if (numeric) {
    decided = EvaluateNumeric(*reference.numeric, *current.numeric, *sides, drift.preset, &r);
    if (r.judged && IsPValueTest(r.test)) {
      const double e = NormedWassersteinOf(*reference.numeric, *sides);
      if (std::isfinite(e)) r.effect_size = e;
    }
  } else {
    // NannyML's reference-only categories; its chi2 and L-infinity, and the
    // Evidently-only tests (G, Fisher, permutation TVD), use the union.
    const bool reference_only = drift.preset == config::DriftPreset::kNannyml &&
                                r.test != TestKind::kChiSquare && r.test != TestKind::kLinf &&
                                r.test != TestKind::kGTest && r.test != TestKind::kFisherExact &&
                                r.test != TestKind::kTvdPermutation;
    const Aligned a = ByCategory(*reference.categorical, *current.categorical, reference_only);
    if (auto result = OnCounts(r.test, a, drift.preset)) {
      r.statistic = result->statistic;
      r.p_value = result->p_value;
      r.judged = true;
      if (IsPValueTest(r.test)) {
        const Aligned u = ByCategory(*reference.categorical, *current.categorical, false);
        if (auto js = stats::JensenShannonDistance(u.ref, u.cur)) r.effect_size = *js;
      }
    } else {
      AppendNote(&r, UndefinedNote(r.test, "counts"));
    }
  }
  if (!r.judged || decided) return r;
  if (IsPValueTest(r.test) && r.p_value) {
    r.drifted = *r.p_value < r.threshold;
  } else if (!IsPValueTest(r.test)) {
    // Evidently: distance >= threshold; NannyML: value above the upper threshold.
    r.drifted = drift.preset == config::DriftPreset::kNannyml || r.test == TestKind::kEnergyDistance
                    ? r.statistic > r.threshold
                    : r.statistic >= r.threshold;
  }
  return r;
}

}  // namespace driftd::detectors
