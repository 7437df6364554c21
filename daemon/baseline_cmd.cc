#include "daemon/baseline_cmd.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "config/loader.h"
#include "daemon/command_flags.h"
#include "daemon/report_input.h"

namespace driftd {
namespace {

constexpr const char* kPredictionName = "prediction";

constexpr const char* kBaselineUsage =
    "usage: driftd baseline --config FILE --model M --input train.csv|train.jsonl --output M.profile.json\n";

bool WriteFileAtomically(const std::string& path, const std::string& text, std::string* error) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) {
      *error = tmp + ": cannot create";
      return false;
    }
    f << text;
    f.flush();
    if (!f) {
      *error = tmp + ": write failed";
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    *error = path + ": cannot rename " + tmp + " into place";
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

// Row-order slice k of a table column as a sorted exact summary.
detectors::NumericSummary Slice(const TableColumn& c, std::size_t k) {
  const auto sample = c.numeric.sample();
  const std::size_t begin = c.chunk_starts[k];
  const std::size_t end = k + 1 < c.chunk_starts.size() ? c.chunk_starts[k + 1] : sample.size();
  detectors::NumericSummary s(detectors::NumericSummaryOptions{std::numeric_limits<std::size_t>::max(), 200, 0});
  for (std::size_t i = begin; i < end; ++i) s.Add(sample[i]);
  s.Sort();
  return s;
}

// One profile entry from a table column: the summary the windows need, the
// preset's reference bins and, when calibrating, the threshold over chunks.
// Only the first `full_chunks` chunks (each of chunk_rows rows) calibrate: a
// short last chunk is noisier than the rest and would inflate the spread.
detectors::ProfileFeature BuildEntry(const detectors::DriftFeatureSpec& spec, TableColumn* c,
                                     const config::ModelConfig& model, bool calibrate, std::size_t chunk_rows,
                                     std::size_t full_chunks) {
  const config::DriftConfig& drift = model.drift;
  const detectors::NumericSummaryOptions summary_options{model.windows.exact_up_to,
                                                         static_cast<int>(model.windows.sketch_k), 0};
  detectors::ProfileFeature pf;
  pf.name = spec.name;
  pf.type = spec.type;
  std::vector<detectors::NumericSummary> numeric_chunks;
  std::vector<detectors::ColumnData> chunks;
  if (spec.type == config::FeatureType::kNumeric) {
    if (calibrate) {
      for (std::size_t k = 0; k < c->chunk_starts.size() && k < full_chunks; ++k) {
        numeric_chunks.push_back(Slice(*c, k));
      }
    }
    detectors::NumericSummary exact = c->numeric;
    exact.Sort();
    pf.bin_edges = detectors::ReferenceBinEdges(exact, drift.preset);
    detectors::NumericSummary summary(summary_options);
    for (double x : exact.sample()) summary.Add(x);
    for (std::uint64_t i = 0; i < c->missing; ++i) summary.AddMissing();
    for (std::uint64_t i = 0; i < c->non_numeric; ++i) summary.AddNonNumeric();
    for (std::uint64_t i = 0; i < c->nan; ++i) summary.Add(std::numeric_limits<double>::quiet_NaN());
    for (std::uint64_t i = 0; i < c->inf; ++i) summary.Add(std::numeric_limits<double>::infinity());
    summary.Sort();
    if (calibrate) {
      for (const auto& s : numeric_chunks) chunks.push_back(detectors::ColumnData{&s, nullptr});
      if (auto t = detectors::CalibrateOnChunks(spec, detectors::ColumnData{&exact, nullptr}, chunks, drift)) {
        const auto test = detectors::ChooseTest(spec, detectors::ColumnData{&exact, nullptr}, chunks.front(), drift.preset);
        pf.calibrated = detectors::CalibratedThresholdInfo{detectors::TestName(test), *t, chunks.size(),
                                                           chunk_rows};
      }
    }
    pf.numeric = std::move(summary);
  } else {
    detectors::CategoricalCounts counts = c->counts;
    for (std::uint64_t i = 0; i < c->missing; ++i) counts.AddMissing();
    if (calibrate) {
      for (std::size_t k = 0; k < c->chunk_counts.size() && k < full_chunks; ++k) {
        chunks.push_back(detectors::ColumnData{nullptr, &c->chunk_counts[k]});
      }
      if (auto t = detectors::CalibrateOnChunks(spec, detectors::ColumnData{nullptr, &c->counts}, chunks, drift)) {
        const auto test = detectors::ChooseTest(spec, detectors::ColumnData{nullptr, &c->counts}, chunks.front(), drift.preset);
        pf.calibrated = detectors::CalibratedThresholdInfo{detectors::TestName(test), *t, chunks.size(),
                                                           chunk_rows};
      }
    }
    pf.categorical = std::move(counts);
  }
  c->numeric.Clear(0, 0);
  return pf;
}

}  // namespace

std::optional<detectors::Profile> LoadProfileFile(const std::string& path, const config::ModelConfig& model,
                                                  std::string* error) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    *error = path + ": cannot open";
    return std::nullopt;
  }
  std::stringstream buf;
  buf << f.rdbuf();
  detectors::ProfileParseResult parsed = detectors::ParseProfileJson(buf.str());
  if (!parsed.profile) {
    *error = path + ": " + parsed.error;
    return std::nullopt;
  }
  if (std::string e = detectors::ValidateProfile(*parsed.profile, model); !e.empty()) {
    *error = path + ": " + e;
    return std::nullopt;
  }
  return std::move(parsed.profile);
}

int BaselineCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::map<std::string, std::string> flags;
  switch (ParseFlags(args, {"--config", "--model", "--input", "--output"}, "baseline", kBaselineUsage, out, err,
                     &flags)) {
    case FlagsOutcome::kHelp: return 0;
    case FlagsOutcome::kError: return 2;
    case FlagsOutcome::kOk: break;
  }
  const std::string config_path = flags["--config"], model_name = flags["--model"], input = flags["--input"],
                    output = flags["--output"];
  if (config_path.empty() || model_name.empty() || input.empty() || output.empty()) {
    err << "driftd baseline: --config, --model, --input and --output are required\n" << kBaselineUsage;
    return 2;
  }
  const config::LoadResult loaded = config::LoadConfigFile(config_path);
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) err << e.ToString() << "\n";
    return 2;
  }
  const config::ModelConfig* model = loaded.config->FindModel(model_name);
  if (model == nullptr) {
    err << "driftd baseline: model \"" << model_name << "\" is not in " << config_path << "\n";
    return 2;
  }
  if (model->features.empty()) {
    err << "driftd baseline: model \"" << model_name << "\" declares no features\n";
    return 2;
  }
  const config::DriftConfig& drift = model->drift;
  bool calibrate = drift.calibrate || drift.preset == config::DriftPreset::kNannyml;
  TableOptions options;
  options.model = model->name;
  options.max_categories = model->windows.max_categories;
  options.chunk_rows = calibrate ? drift.calibration_chunk : 0;
  for (const auto& f : model->features) {
    options.only.insert(f.name);
    options.forced[f.name] = f.type;
  }
  if (model->prediction) {
    options.prediction_column = true;
    options.only.insert(kPredictionName);
    options.forced[kPredictionName] = model->prediction->type == config::PredictionType::kClass
                                          ? config::FeatureType::kCategorical
                                          : config::FeatureType::kNumeric;
  }
  std::string error;
  std::optional<Table> table = ReadTable(input, options, &error);
  if (!table) {
    err << "driftd baseline: " << error << "\n";
    return 1;
  }
  if (table->ragged_rows > 0) {
    err << "driftd baseline: " << input << ": skipped " << table->ragged_rows
        << " row(s) whose field count differs from the header (first at line " << table->ragged_lines.front()
        << ")\n";
  }
  const std::size_t full_chunks = calibrate ? table->rows / options.chunk_rows : 0;
  if (calibrate && full_chunks < 2) {
    err << "driftd baseline: " << input << ": " << table->rows << " rows give " << full_chunks
        << " full chunk(s) of drift.calibration_chunk = " << options.chunk_rows
        << " rows; calibration needs at least 2, so the profile has no calibrated thresholds\n";
    calibrate = false;
  }
  detectors::Profile profile;
  profile.model = model->name;
  profile.rows = table->rows;
  profile.source = input;
  profile.preset = drift.preset;
  for (const config::FeatureConfig& f : model->features) {
    TableColumn* c = table->Find(f.name);
    if (c == nullptr) {
      err << "driftd baseline: " << input << " has no column \"" << f.name << "\" (feature of model \""
          << model->name << "\")\n";
      return 1;
    }
    profile.features.push_back(
        BuildEntry(detectors::DriftFeatureSpec{f.name, f.type, f.test, f.threshold}, c, *model, calibrate,
                   options.chunk_rows, full_chunks));
  }
  // The prediction, when the model judges it and the training data has it
  // (a "prediction" column in CSV, the events' prediction in JSONL).
  if (model->prediction) {
    const config::FeatureType type = model->prediction->type == config::PredictionType::kClass
                                         ? config::FeatureType::kCategorical
                                         : config::FeatureType::kNumeric;
    if (TableColumn* c = table->Find(kPredictionName); c != nullptr) {
      detectors::ProfileFeature pf = BuildEntry(
          detectors::DriftFeatureSpec{kPredictionName, type, model->prediction->test, model->prediction->threshold},
          c, *model, calibrate, options.chunk_rows, full_chunks);
      pf.prediction = true;
      profile.features.push_back(std::move(pf));
    } else {
      err << "driftd baseline: " << input << " has no \"" << kPredictionName
          << "\" column: the profile holds no prediction, so the prediction is not judged against it\n";
    }
  }
  if (!WriteFileAtomically(output, detectors::ProfileToJson(profile), &error)) {
    err << "driftd baseline: " << error << "\n";
    return 1;
  }
  out << output << ": profile of model \"" << model->name << "\" from " << table->rows << " rows, "
      << model->features.size() << " features"
      << (profile.FindPrediction() != nullptr ? " and the prediction" : "") << "\n";
  return 0;
}

}  // namespace driftd
