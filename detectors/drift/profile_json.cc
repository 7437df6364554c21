// Profile <-> JSON text. Summaries travel as base64 of their binary encoding
// (exact round trips); the "stats" block is derived, for people only.
#include <boost/json.hpp>

#include <algorithm>
#include <cmath>

#include "detectors/drift/profile.h"
#include "detectors/sketch/bytes.h"

namespace driftd::detectors {
namespace {

namespace json = boost::json;

constexpr char kFormat[] = "driftd-profile";
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64Encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t{static_cast<unsigned char>(in[i])} << 16) |
                            (std::uint32_t{static_cast<unsigned char>(in[i + 1])} << 8) |
                            std::uint32_t{static_cast<unsigned char>(in[i + 2])};
    for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(v >> s) & 63]);
  }
  if (i < in.size()) {
    std::uint32_t v = std::uint32_t{static_cast<unsigned char>(in[i])} << 16;
    if (i + 1 < in.size()) v |= std::uint32_t{static_cast<unsigned char>(in[i + 1])} << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view in) {
  if (in.size() % 4 != 0) return std::nullopt;
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  out.reserve(in.size() / 4 * 3);
  for (std::size_t i = 0; i < in.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = in[i + static_cast<std::size_t>(k)];
      if (c == '=' && i + 4 == in.size() && k >= 2) {
        v[k] = 0;
        ++pad;
        continue;
      }
      if (pad > 0) return std::nullopt;
      v[k] = value(c);
      if (v[k] < 0) return std::nullopt;
    }
    const std::uint32_t w = (static_cast<std::uint32_t>(v[0]) << 18) |
                            (static_cast<std::uint32_t>(v[1]) << 12) |
                            (static_cast<std::uint32_t>(v[2]) << 6) | static_cast<std::uint32_t>(v[3]);
    out.push_back(static_cast<char>((w >> 16) & 0xff));
    if (pad < 2) out.push_back(static_cast<char>((w >> 8) & 0xff));
    if (pad < 1) out.push_back(static_cast<char>(w & 0xff));
  }
  return out;
}

json::value Number(double x) {
  if (!std::isfinite(x)) return nullptr;
  return x;
}

json::object NumericStats(const NumericSummary& s) {
  json::object o;
  o["count"] = s.count();
  o["missing"] = s.missing_count();
  o["nan"] = s.nan_count();
  o["inf"] = s.inf_count();
  o["non_numeric"] = s.non_numeric_count();
  o["mode"] = SummaryModeName(s.mode());
  if (s.count() > 0) {
    o["mean"] = Number(s.mean());
    o["std"] = Number(std::sqrt(s.variance()));
    o["min"] = Number(s.min());
    o["max"] = Number(s.max());
    const WeightedSortedView view = s.View();
    json::object q;
    for (double p : {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99}) {
      char key[16];
      std::snprintf(key, sizeof key, "p%02d", static_cast<int>(std::lround(p * 100)));
      q[key] = Number(view.Quantile(p));
    }
    o["quantiles"] = std::move(q);
  }
  return o;
}

json::object CategoricalStats(const CategoricalCounts& c) {
  json::object o;
  o["count"] = c.total();
  o["missing"] = c.missing_count();
  o["distinct"] = c.distinct();
  o["overflow"] = c.overflow();
  std::vector<std::pair<std::string, std::uint64_t>> top = c.entries();
  std::stable_sort(top.begin(), top.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (top.size() > 20) top.resize(20);
  json::object shares;
  for (const auto& [name, n] : top) {
    shares[name] = c.total() == 0 ? 0.0 : static_cast<double>(n) / static_cast<double>(c.total());
  }
  o["top_shares"] = std::move(shares);
  return o;
}

const json::value* Field(const json::object& o, std::string_view key) {
  const auto it = o.find(key);
  return it == o.end() ? nullptr : &it->value();
}

std::optional<double> AsDouble(const json::value* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  return std::nullopt;
}

std::optional<std::uint64_t> AsCount(const json::value* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_uint64()) return v->get_uint64();
  if (v->is_int64() && v->get_int64() >= 0) return static_cast<std::uint64_t>(v->get_int64());
  return std::nullopt;
}

ProfileParseResult Fail(std::string message) {
  ProfileParseResult r;
  r.error = std::move(message);
  return r;
}

std::string ParseFeature(const json::value& v, std::size_t index, ProfileFeature* f) {
  const std::string where = "features[" + std::to_string(index) + "]";
  if (!v.is_object()) return where + ": expected an object";
  const json::object& o = v.get_object();
  const json::value* name = Field(o, "name");
  const json::value* type = Field(o, "type");
  const json::value* summary = Field(o, "summary");
  if (name == nullptr || !name->is_string()) return where + ".name: expected a string";
  f->name = std::string(name->get_string());
  if (const json::value* role = Field(o, "role"); role != nullptr) {
    if (!role->is_string() || (role->get_string() != "prediction" && role->get_string() != "feature")) {
      return where + ".role: expected \"feature\" or \"prediction\"";
    }
    f->prediction = role->get_string() == "prediction";
  }
  if (type == nullptr || !type->is_string()) return where + ".type: expected a string";
  if (type->get_string() == "numeric") {
    f->type = config::FeatureType::kNumeric;
  } else if (type->get_string() == "categorical") {
    f->type = config::FeatureType::kCategorical;
  } else {
    return where + ".type: expected \"numeric\" or \"categorical\"";
  }
  if (summary == nullptr || !summary->is_string()) return where + ".summary: expected a base64 string";
  const auto bytes = Base64Decode(summary->get_string());
  if (!bytes) return where + ".summary: not valid base64";
  std::string_view in = *bytes;
  if (f->type == config::FeatureType::kNumeric) {
    f->numeric = NumericSummary::Parse(&in);
    if (!f->numeric) return where + ".summary: not a numeric summary";
  } else {
    f->categorical = CategoricalCounts::Parse(&in);
    if (!f->categorical) return where + ".summary: not categorical counts";
  }
  if (!in.empty()) return where + ".summary: trailing bytes";
  if (const json::value* edges = Field(o, "bin_edges")) {
    if (!edges->is_array()) return where + ".bin_edges: expected an array";
    for (const json::value& e : edges->get_array()) {
      const auto x = AsDouble(&e);
      if (!x || !std::isfinite(*x)) return where + ".bin_edges: expected finite numbers";
      f->bin_edges.push_back(*x);
    }
    if (const json::value* bits = Field(o, "bin_edges_bits"); bits != nullptr && bits->is_string()) {
      const auto raw = Base64Decode(bits->get_string());
      if (!raw || raw->size() != 8 * f->bin_edges.size()) {
        return where + ".bin_edges_bits: does not match bin_edges";
      }
      std::string_view in_bits = *raw;
      for (double& e : f->bin_edges) {
        double exact = 0;
        if (!bytes::ReadF64(&in_bits, &exact) || std::abs(exact - e) > 1e-9 * std::max(1.0, std::abs(e))) {
          return where + ".bin_edges_bits: does not match bin_edges";
        }
        e = exact;
      }
    }
    if (!f->bin_edges.empty() && !ValidBinEdges(f->bin_edges)) {
      return where + ".bin_edges: must be at least two strictly increasing numbers";
    }
  }
  if (const json::value* cal = Field(o, "calibrated"); cal != nullptr && !cal->is_null()) {
    if (!cal->is_object()) return where + ".calibrated: expected an object";
    const json::object& c = cal->get_object();
    const json::value* test = Field(c, "test");
    const auto threshold = AsDouble(Field(c, "threshold"));
    if (test == nullptr || !test->is_string() || !ParseTestName(test->get_string())) {
      return where + ".calibrated.test: expected a test name";
    }
    if (!threshold || !std::isfinite(*threshold)) return where + ".calibrated.threshold: expected a number";
    CalibratedThresholdInfo info;
    info.test = std::string(test->get_string());
    info.threshold = *threshold;
    info.chunks = AsCount(Field(c, "chunks")).value_or(0);
    info.chunk_rows = AsCount(Field(c, "chunk_rows")).value_or(0);
    f->calibrated = std::move(info);
  }
  return "";
}

}  // namespace

std::string ProfileToJson(const Profile& profile) {
  json::object head;
  head["format"] = kFormat;
  head["version"] = profile.version;
  head["model"] = profile.model;
  head["rows"] = profile.rows;
  head["source"] = profile.source;
  head["preset"] = PresetName(profile.preset);
  std::string out = json::serialize(head);
  out.pop_back();  // '}': the features follow, one per line
  out += ",\"features\":[\n";
  for (std::size_t i = 0; i < profile.features.size(); ++i) {
    const ProfileFeature& f = profile.features[i];
    json::object o;
    o["name"] = f.name;
    if (f.prediction) o["role"] = "prediction";
    std::string bytes;
    if (f.numeric) {
      o["type"] = "numeric";
      f.numeric->AppendTo(&bytes);
      o["stats"] = NumericStats(*f.numeric);
      json::array edges;
      for (double e : f.bin_edges) edges.push_back(e);
      o["bin_edges"] = std::move(edges);
      // JSON numbers are for people; the exact doubles travel as bits.
      std::string bits;
      for (double e : f.bin_edges) bytes::AppendF64(&bits, e);
      o["bin_edges_bits"] = Base64Encode(bits);
    } else if (f.categorical) {
      o["type"] = "categorical";
      f.categorical->AppendTo(&bytes);
      o["stats"] = CategoricalStats(*f.categorical);
    }
    if (f.calibrated) {
      o["calibrated"] = json::object{{"test", f.calibrated->test},
                                     {"threshold", f.calibrated->threshold},
                                     {"chunks", f.calibrated->chunks},
                                     {"chunk_rows", f.calibrated->chunk_rows}};
    }
    o["summary"] = Base64Encode(bytes);
    out += json::serialize(o);
    out += i + 1 < profile.features.size() ? ",\n" : "\n";
  }
  out += "]}\n";
  return out;
}

ProfileParseResult ParseProfileJson(std::string_view text) {
  boost::system::error_code ec;
  json::value root = json::parse(text, ec);
  if (ec) return Fail("not valid JSON: " + ec.message());
  if (!root.is_object()) return Fail("expected a JSON object");
  const json::object& o = root.get_object();
  const json::value* format = Field(o, "format");
  if (format == nullptr || !format->is_string() || format->get_string() != kFormat) {
    return Fail("not a driftd profile (\"format\" is not \"driftd-profile\")");
  }
  Profile p;
  const json::value* version = Field(o, "version");
  if (version == nullptr || !version->is_int64()) return Fail("version: expected an integer");
  p.version = static_cast<int>(version->get_int64());
  if (p.version != kProfileVersion) {
    return Fail("profile version " + std::to_string(p.version) +
                " is not supported (this driftd reads version " + std::to_string(kProfileVersion) +
                "); rebuild it with driftd baseline");
  }
  const json::value* model = Field(o, "model");
  if (model == nullptr || !model->is_string()) return Fail("model: expected a string");
  p.model = std::string(model->get_string());
  p.rows = AsCount(Field(o, "rows")).value_or(0);
  if (const json::value* source = Field(o, "source"); source != nullptr && source->is_string()) {
    p.source = std::string(source->get_string());
  }
  if (const json::value* preset = Field(o, "preset"); preset != nullptr) {
    const auto parsed = preset->is_string() ? ParsePresetName(preset->get_string()) : std::nullopt;
    if (!parsed) return Fail("preset: expected \"auto\", \"evidently\" or \"nannyml\"");
    p.preset = *parsed;
  }
  const json::value* features = Field(o, "features");
  if (features == nullptr || !features->is_array()) return Fail("features: expected an array");
  for (std::size_t i = 0; i < features->get_array().size(); ++i) {
    ProfileFeature f;
    std::string error = ParseFeature(features->get_array()[i], i, &f);
    if (!error.empty()) return Fail(error);
    if (f.prediction) {
      if (p.FindPrediction() != nullptr) return Fail("the prediction appears twice");
    } else if (p.Find(f.name) != nullptr) {
      return Fail("feature \"" + f.name + "\" appears twice");
    }
    p.features.push_back(std::move(f));
  }
  ProfileParseResult r;
  r.profile = std::move(p);
  return r;
}

}  // namespace driftd::detectors
