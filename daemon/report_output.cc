#include "daemon/report_output.h"

#include <boost/json.hpp>

#include <cmath>
#include <cstdio>

#include "detectors/drift/profile.h"

namespace driftd {
namespace {

namespace json = boost::json;

json::value Num(double x) {
  if (!std::isfinite(x)) return nullptr;
  return x;
}

json::value Opt(const std::optional<double>& x) { return x ? Num(*x) : json::value(nullptr); }

json::object ColumnJson(const detectors::FeatureResult& f, const ColumnSkips* ref, const ColumnSkips* cur) {
  json::object o;
  o["name"] = f.name;
  o["type"] = f.type == config::FeatureType::kNumeric ? "numeric" : "categorical";
  o["test"] = detectors::TestName(f.test);
  o["statistic"] = f.judged ? Num(f.statistic) : json::value(nullptr);
  o["p_value"] = Opt(f.p_value);
  o["threshold"] = Num(f.threshold);
  o["drifted"] = f.drifted;
  o["adjusted_p_value"] = Opt(f.adjusted_p_value);
  o["effect_size"] = Opt(f.effect_size);
  o["judged"] = f.judged;
  o["mode"] = f.mode;
  o["reference_count"] = f.reference_count;
  o["current_count"] = f.current_count;
  if (!f.note.empty() || (f.judged && !std::isfinite(f.statistic))) {
    std::string note = f.note;
    if (f.judged && !std::isfinite(f.statistic)) note += note.empty() ? "statistic is infinite" : "; statistic is infinite";
    o["note"] = note;
  }
  if (ref != nullptr && cur != nullptr) {
    auto skips = [](const ColumnSkips& s) {
      return json::object{{"missing", s.missing}, {"nan", s.nan}, {"inf", s.inf}, {"non_numeric", s.non_numeric}};
    };
    o["skipped"] = json::object{{"reference", skips(*ref)}, {"current", skips(*cur)}};
  }
  return o;
}

json::array ColumnsJson(const detectors::DriftReport& r, const OfflineReport* with_skips) {
  json::array a;
  for (std::size_t i = 0; i < r.features.size(); ++i) {
    const bool skips = with_skips != nullptr && i < with_skips->skips.size();
    a.push_back(ColumnJson(r.features[i], skips ? &with_skips->skips[i].first : nullptr,
                           skips ? &with_skips->skips[i].second : nullptr));
  }
  return a;
}

json::object InputJson(const InputInfo& in) {
  return json::object{{"path", in.path}, {"rows", in.rows}, {"ragged_rows_skipped", in.ragged_rows},
                      {"rejected_events", in.rejected_events}};
}

std::string Fixed(double x, int digits = 6) {
  if (!std::isfinite(x)) return x > 0 ? "inf" : (x < 0 ? "-inf" : "nan");
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, x);
  return buf;
}

}  // namespace

std::string RenderJson(const OfflineReport& report) {
  json::object o;
  o["columns"] = ColumnsJson(report.overall, &report);
  o["drift_share"] = report.overall.drift_share;
  o["dataset_drift"] = report.overall.dataset_drift;
  o["judged"] = report.overall.judged;
  o["preset"] = detectors::PresetName(report.preset);
  o["reference"] = InputJson(report.reference);
  o["current"] = InputJson(report.current);
  if (report.chunked) {
    o["chunk_size"] = report.chunk_size;
    json::array chunks;
    for (const ChunkReport& c : report.chunks) {
      chunks.push_back(json::object{{"index", c.index},
                                    {"period", c.period},
                                    {"rows", c.rows},
                                    {"columns", ColumnsJson(c.report, nullptr)},
                                    {"drift_share", c.report.drift_share},
                                    {"dataset_drift", c.report.dataset_drift}});
    }
    o["chunks"] = std::move(chunks);
  }
  return json::serialize(o) + "\n";
}

std::string RenderText(const OfflineReport& report) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "reference %s (%llu rows)  current %s (%llu rows)  preset %s\n",
                report.reference.path.c_str(), static_cast<unsigned long long>(report.reference.rows),
                report.current.path.c_str(), static_cast<unsigned long long>(report.current.rows),
                detectors::PresetName(report.preset));
  out += line;
  std::snprintf(line, sizeof line, "%-28s %-11s %-16s %12s %12s %12s %s\n", "column", "type", "test",
                "statistic", "p_value", "threshold", "drifted");
  out += line;
  for (const auto& f : report.overall.features) {
    std::snprintf(line, sizeof line, "%-28s %-11s %-16s %12s %12s %12s %s%s%s\n", f.name.c_str(),
                  f.type == config::FeatureType::kNumeric ? "numeric" : "categorical",
                  detectors::TestName(f.test), f.judged ? Fixed(f.statistic).c_str() : "-",
                  f.p_value ? Fixed(*f.p_value).c_str() : "-", Fixed(f.threshold).c_str(),
                  !f.judged ? "not judged" : (f.drifted ? "YES" : "no"), f.note.empty() ? "" : "  # ",
                  f.note.c_str());
    out += line;
  }
  std::snprintf(line, sizeof line, "drift share %s of %zu judged columns: %s\n",
                Fixed(report.overall.drift_share, 4).c_str(), report.overall.judged,
                report.overall.dataset_drift ? "DATASET DRIFT" : "no dataset drift");
  out += line;
  if (report.chunked) {
    out += "chunks (drifted columns):\n";
    for (const ChunkReport& c : report.chunks) {
      std::string names;
      for (const auto& f : c.report.features) {
        if (f.drifted) names += (names.empty() ? "" : ",") + f.name;
      }
      std::snprintf(line, sizeof line, "  %-9s %4zu %8llu rows  share %-8s %s\n", c.period.c_str(), c.index,
                    static_cast<unsigned long long>(c.rows), Fixed(c.report.drift_share, 4).c_str(),
                    names.c_str());
      out += line;
    }
  }
  return out;
}

}  // namespace driftd
