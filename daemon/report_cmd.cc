// driftd report: read both tables, evaluate every shared column (and every
// chunk when asked), decide, print. The two files are read together, cut
// into ranges, on up to --threads workers (ReadTables), and the columns
// evaluated on as many; every result goes to its column's slot, so the
// output is the same whatever the thread count.
// Without chunks each column is sorted in place (no copy); with chunks one
// sorted copy of the column's reference exists per worker while it runs.
#include "daemon/report_cmd.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "config/loader.h"
#include "daemon/for_each_index.h"
#include "daemon/report_input.h"
#include "daemon/report_output.h"
#include "detectors/drift/drift.h"
#include "detectors/drift/profile.h"

namespace driftd {
namespace {

using detectors::CategoricalCounts;
using detectors::ColumnData;
using detectors::DriftFeatureSpec;
using detectors::FeatureResult;
using detectors::NumericSummary;

constexpr const char* kReportUsage =
    "usage: driftd report --reference A --current B [--config FILE [--model M]]\n"
    "         [--preset auto|evidently|nannyml] [--test NAME] [--threshold X]\n"
    "         [--columns a,b,c] [--categorical a,b] [--chunk-size N] [--min-samples N]\n"
    "         [--format json|text] [--threads N]\n";

struct ReportArgs {
  std::string reference, current, config_path, model, test, format = "json";
  std::optional<config::DriftPreset> preset;
  std::optional<double> threshold;
  std::vector<std::string> columns, categorical;
  std::size_t chunk_size = 0;
  std::optional<std::uint64_t> min_samples;
  std::size_t threads = 0;  // 0: one per core, at most kMaxThreads
};

constexpr std::size_t kMaxThreads = 4;

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(s);
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

template <typename T>
bool ParseNumberArg(const std::string& s, T* out) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

// Returns an error message, empty on success.
std::string ParseArgs(const std::vector<std::string>& args, ReportArgs* a) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::string value;
    if (const auto eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    } else if (flag == "--help" || flag == "-h") {
      return "help";
    } else {
      if (i + 1 >= args.size()) return flag + " needs a value";
      value = args[++i];
    }
    if (flag == "--reference") a->reference = value;
    else if (flag == "--current") a->current = value;
    else if (flag == "--config") a->config_path = value;
    else if (flag == "--model") a->model = value;
    else if (flag == "--test") {
      if (value != "auto" && !detectors::ParseTestName(value)) return "unknown test \"" + value + "\"";
      a->test = value;
    } else if (flag == "--format") {
      if (value != "json" && value != "text") return "--format must be json or text";
      a->format = value;
    } else if (flag == "--preset") {
      a->preset = detectors::ParsePresetName(value);
      if (!a->preset) return "--preset must be auto, evidently or nannyml";
    } else if (flag == "--threshold") {
      double t = 0;
      if (!ParseNumberArg(value, &t) || !std::isfinite(t) || t < 0) return "--threshold needs a non-negative number";
      a->threshold = t;
    } else if (flag == "--columns") a->columns = SplitList(value);
    else if (flag == "--categorical") a->categorical = SplitList(value);
    else if (flag == "--chunk-size") {
      if (!ParseNumberArg(value, &a->chunk_size) || a->chunk_size == 0) return "--chunk-size needs a positive integer";
    } else if (flag == "--threads") {
      if (!ParseNumberArg(value, &a->threads) || a->threads == 0) return "--threads needs a positive integer";
    } else if (flag == "--min-samples") {
      std::uint64_t n = 0;
      if (!ParseNumberArg(value, &n)) return "--min-samples needs a non-negative integer";
      a->min_samples = n;
    } else {
      return "unknown argument " + flag;
    }
  }
  if (a->reference.empty() || a->current.empty()) return "--reference and --current are required";
  return "";
}

// A categorical view of a column that is numeric in one file and
// categorical in the other: numbers become categories (shortest decimal form).
void AsCategorical(const TableColumn& c, std::vector<CategoricalCounts>* chunks, CategoricalCounts* total) {
  if (c.type == config::FeatureType::kCategorical) {
    *chunks = c.chunk_counts;
    *total = c.counts;
    return;
  }
  const auto sample = c.numeric.sample();
  chunks->assign(c.chunk_starts.size(), CategoricalCounts(total->max_categories()));
  for (std::size_t k = 0; k < c.chunk_starts.size(); ++k) {
    const std::size_t end = k + 1 < c.chunk_starts.size() ? c.chunk_starts[k + 1] : sample.size();
    for (std::size_t i = c.chunk_starts[k]; i < end; ++i) {
      char buf[32];
      const auto r = std::to_chars(buf, buf + sizeof buf, sample[i]);
      (*chunks)[k].Add(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
    }
    total->Merge((*chunks)[k]);
  }
}

NumericSummary SliceSummary(const TableColumn& c, std::size_t k) {
  const auto sample = c.numeric.sample();
  const std::size_t begin = k < c.chunk_starts.size() ? c.chunk_starts[k] : sample.size();
  const std::size_t end = k + 1 < c.chunk_starts.size() ? c.chunk_starts[k + 1] : sample.size();
  NumericSummary s(detectors::NumericSummaryOptions{std::numeric_limits<std::size_t>::max(), 200, 0});
  for (std::size_t i = begin; i < end; ++i) s.Add(sample[i]);
  s.Sort();
  return s;
}

ColumnSkips SkipsOf(const TableColumn& c) { return ColumnSkips{c.missing, c.nan, c.inf, c.non_numeric}; }

// Distance verdict against a (calibrated) threshold, as EvaluateFeature does.
void Rejudge(FeatureResult* r, double threshold, config::DriftPreset preset) {
  r->threshold = threshold;
  if (!r->judged || detectors::IsPValueTest(r->test)) return;
  r->drifted = preset == config::DriftPreset::kNannyml ? r->statistic > threshold : r->statistic >= threshold;
}

struct ColumnResults {
  FeatureResult overall;
  std::vector<FeatureResult> reference_chunks;
  std::vector<FeatureResult> current_chunks;
};

// Evaluates one column overall and per chunk; calibrates distance thresholds
// on the reference chunks when asked.
ColumnResults EvaluateColumn(DriftFeatureSpec spec, TableColumn& ref, TableColumn& cur, bool chunked,
                             bool calibrate, const config::DriftConfig& drift, std::uint64_t min_samples) {
  ColumnResults out;
  const std::size_t ref_chunks = chunked ? ref.chunk_starts.size() : 0;
  const std::size_t cur_chunks = chunked ? cur.chunk_starts.size() : 0;
  if (spec.type == config::FeatureType::kNumeric) {
    // Chunks slice the samples in row order, so with chunks the reference is
    // sorted as a copy; without, both sides are sorted in place before the
    // test is chosen (choosing on an unsorted side sorts a copy of it).
    NumericSummary ref_copy;
    if (chunked) {
      ref_copy = ref.numeric;
      ref_copy.Sort();
    } else {
      ref.numeric.Sort();
      cur.numeric.Sort();
    }
    const ColumnData ref_data{chunked ? &ref_copy : &ref.numeric, nullptr};
    // The test is chosen once, on the whole current table, and kept for chunks.
    spec.test = detectors::TestName(detectors::ChooseTest(spec, ref_data, ColumnData{&cur.numeric, nullptr}, drift.preset));
    for (std::size_t k = 0; k < ref_chunks; ++k) {
      const NumericSummary chunk = SliceSummary(ref, k);
      out.reference_chunks.push_back(
          detectors::EvaluateFeature(spec, ref_data, ColumnData{&chunk, nullptr}, drift, min_samples));
    }
    for (std::size_t k = 0; k < cur_chunks; ++k) {
      const NumericSummary chunk = SliceSummary(cur, k);
      out.current_chunks.push_back(
          detectors::EvaluateFeature(spec, ref_data, ColumnData{&chunk, nullptr}, drift, min_samples));
    }
    cur.numeric.Sort();
    out.overall = detectors::EvaluateFeature(spec, ref_data, ColumnData{&cur.numeric, nullptr}, drift, min_samples);
  } else {
    std::vector<CategoricalCounts> ref_chunk_counts, cur_chunk_counts;
    CategoricalCounts ref_total(ref.counts.max_categories()), cur_total(cur.counts.max_categories());
    AsCategorical(ref, &ref_chunk_counts, &ref_total);
    AsCategorical(cur, &cur_chunk_counts, &cur_total);
    const ColumnData ref_data{nullptr, &ref_total};
    spec.test = detectors::TestName(detectors::ChooseTest(spec, ref_data, ColumnData{nullptr, &cur_total}, drift.preset));
    for (std::size_t k = 0; k < ref_chunks; ++k) {
      out.reference_chunks.push_back(detectors::EvaluateFeature(
          spec, ref_data, ColumnData{nullptr, &ref_chunk_counts[k]}, drift, min_samples));
    }
    for (std::size_t k = 0; k < cur_chunks; ++k) {
      out.current_chunks.push_back(detectors::EvaluateFeature(
          spec, ref_data, ColumnData{nullptr, &cur_chunk_counts[k]}, drift, min_samples));
    }
    out.overall = detectors::EvaluateFeature(spec, ref_data, ColumnData{nullptr, &cur_total}, drift, min_samples);
  }
  if (calibrate && !spec.threshold && !detectors::IsPValueTest(out.overall.test)) {
    std::vector<double> stats;
    for (const FeatureResult& r : out.reference_chunks) {
      if (r.judged && std::isfinite(r.statistic)) stats.push_back(r.statistic);
    }
    const double t = detectors::CalibratedThreshold(stats, drift.calibration_k);
    if (std::isfinite(t)) {
      Rejudge(&out.overall, t, drift.preset);
      for (FeatureResult& r : out.reference_chunks) Rejudge(&r, t, drift.preset);
      for (FeatureResult& r : out.current_chunks) Rejudge(&r, t, drift.preset);
      out.overall.note += out.overall.note.empty() ? "" : "; ";
      out.overall.note += "threshold calibrated on " + std::to_string(stats.size()) + " reference chunks";
    }
  }
  return out;
}


}  // namespace

int ReportCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  ReportArgs a;
  if (std::string e = ParseArgs(args, &a); !e.empty()) {
    if (e == "help") {
      out << kReportUsage;
      return 0;
    }
    err << "driftd report: " << e << "\n" << kReportUsage;
    return 2;
  }
  // Settings: the config model's, else the defaults; the preset flag wins.
  config::DriftConfig drift;
  std::uint64_t min_samples = 1;
  const config::ModelConfig* model = nullptr;
  std::shared_ptr<const config::Config> cfg;
  if (!a.config_path.empty()) {
    config::LoadResult loaded = config::LoadConfigFile(a.config_path);
    if (!loaded.ok()) {
      for (const auto& e : loaded.errors) err << e.ToString() << "\n";
      return 2;
    }
    cfg = loaded.config;
    if (!a.model.empty()) {
      model = cfg->FindModel(a.model);
      if (model == nullptr) {
        err << "driftd report: model \"" << a.model << "\" is not in " << a.config_path << "\n";
        return 2;
      }
    } else if (cfg->models.size() == 1) {
      model = &cfg->models.front();
    } else {
      err << "driftd report: " << a.config_path << " has " << cfg->models.size() << " models; pick one with --model\n";
      return 2;
    }
    drift = model->drift;
    min_samples = model->min_samples;
  }
  if (a.preset) {
    drift.preset = *a.preset;
    if (!model && *a.preset != config::DriftPreset::kAuto) {
      // Reproduce the tools: no correction, no effect-size gate.
      drift.correction = config::Correction::kNone;
      drift.min_effect_size = 0.0;
    }
  }
  if (a.min_samples) min_samples = *a.min_samples;

  TableOptions options;
  options.chunk_rows = a.chunk_size;
  for (const std::string& c : a.categorical) options.forced[c] = config::FeatureType::kCategorical;
  for (const std::string& c : a.columns) options.only.insert(c);
  if (model != nullptr) {
    options.model = model->name;
    options.only.clear();
    for (const auto& f : model->features) {
      if (a.columns.empty() || std::find(a.columns.begin(), a.columns.end(), f.name) != a.columns.end()) {
        options.only.insert(f.name);
        if (!options.forced.count(f.name)) options.forced[f.name] = f.type;
      }
    }
    options.max_categories = model->windows.max_categories;
  }
  const std::size_t threads =
      a.threads > 0 ? a.threads : std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, kMaxThreads);
  std::vector<std::string> read_errors;
  std::vector<std::optional<Table>> tables = ReadTables({a.reference, a.current}, options, threads, &read_errors);
  std::optional<Table>& ref = tables[0];
  std::optional<Table>& cur = tables[1];
  // The reference's error first, as a sequential read would report it.
  if (!ref) {
    err << "driftd report: " << read_errors[0] << "\n";
    return 1;
  }
  if (!cur) {
    err << "driftd report: " << read_errors[1] << "\n";
    return 1;
  }
  for (const Table* t : {&*ref, &*cur}) {
    if (t->ragged_rows > 0) {
      err << "driftd report: " << t->path << ": skipped " << t->ragged_rows
          << " row(s) whose field count differs from the header (first at line " << t->ragged_lines.front() << ")\n";
    }
    if (t->rejected_events > 0) {
      err << "driftd report: " << t->path << ": skipped " << t->rejected_events << " line(s) that are not events\n";
    }
  }
  std::vector<std::string> names;
  std::vector<std::string> only_one;
  for (const TableColumn& c : ref->columns) {
    (cur->Find(c.name) ? names : only_one).push_back(c.name);
  }
  for (const TableColumn& c : cur->columns) {
    if (!ref->Find(c.name)) only_one.push_back(c.name);
  }
  if (names.empty()) {
    err << "driftd report: " << a.reference << " and " << a.current << " have no column in common\n";
    return 1;
  }
  if (!only_one.empty()) {
    err << "driftd report: columns not in both files are ignored:";
    for (const auto& n : only_one) err << " " << n;
    err << "\n";
  }
  const bool chunked = a.chunk_size > 0;
  const bool calibrate = chunked && (drift.calibrate || drift.preset == config::DriftPreset::kNannyml);

  OfflineReport report;
  report.preset = drift.preset;
  report.reference = InputInfo{a.reference, ref->rows, ref->ragged_rows, ref->rejected_events};
  report.current = InputInfo{a.current, cur->rows, cur->ragged_rows, cur->rejected_events};
  report.chunked = chunked;
  report.chunk_size = a.chunk_size;
  std::vector<FeatureResult> overall;
  std::vector<std::vector<FeatureResult>> ref_chunks(chunked ? ref->num_chunks() : 0);
  std::vector<std::vector<FeatureResult>> cur_chunks(chunked ? cur->num_chunks() : 0);
  std::vector<DriftFeatureSpec> specs;
  for (const std::string& name : names) {
    const TableColumn& rc = *ref->Find(name);
    const TableColumn& cc = *cur->Find(name);
    DriftFeatureSpec spec;
    spec.name = name;
    spec.type = rc.type == config::FeatureType::kCategorical || cc.type == config::FeatureType::kCategorical
                    ? config::FeatureType::kCategorical
                    : config::FeatureType::kNumeric;
    if (model != nullptr) {
      if (const config::FeatureConfig* f = model->FindFeature(name)) {
        spec.test = f->test;
        spec.threshold = f->threshold;
      }
    }
    if (!a.test.empty()) spec.test = a.test;
    if (a.threshold) spec.threshold = a.threshold;
    specs.push_back(std::move(spec));
    report.skips.emplace_back(SkipsOf(rc), SkipsOf(cc));
  }
  std::vector<ColumnResults> results(names.size());
  ForEachIndex(names.size(), threads, [&](std::size_t i) {
    TableColumn& rc = *ref->Find(names[i]);
    TableColumn& cc = *cur->Find(names[i]);
    results[i] = EvaluateColumn(specs[i], rc, cc, chunked, calibrate, drift, min_samples);
    // Free the column's values before the worker takes the next one.
    rc.numeric.Clear(0, 0);
    cc.numeric.Clear(0, 0);
  });
  for (ColumnResults& r : results) {
    overall.push_back(std::move(r.overall));
    for (std::size_t k = 0; k < r.reference_chunks.size() && k < ref_chunks.size(); ++k) {
      ref_chunks[k].push_back(std::move(r.reference_chunks[k]));
    }
    for (std::size_t k = 0; k < r.current_chunks.size() && k < cur_chunks.size(); ++k) {
      cur_chunks[k].push_back(std::move(r.current_chunks[k]));
    }
  }
  report.overall = detectors::Decide(std::move(overall), drift);
  for (std::size_t k = 0; k < ref_chunks.size(); ++k) {
    report.chunks.push_back(ChunkReport{k, "reference", ref->ChunkRows(k), detectors::Decide(std::move(ref_chunks[k]), drift)});
  }
  for (std::size_t k = 0; k < cur_chunks.size(); ++k) {
    report.chunks.push_back(ChunkReport{ref_chunks.size() + k, "analysis", cur->ChunkRows(k),
                                        detectors::Decide(std::move(cur_chunks[k]), drift)});
  }
  out << (a.format == "json" ? RenderJson(report) : RenderText(report));
  out.flush();
  return 0;
}

}  // namespace driftd
