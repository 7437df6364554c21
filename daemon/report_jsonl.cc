#include "daemon/report_jsonl.h"

#include <boost/json.hpp>

#include <sys/types.h>

#include <cstdlib>
#include <string_view>

#include "daemon/report_fields.h"

namespace driftd::report {
namespace {

// The event's prediction as column "prediction" (driftd baseline): a number
// or a class label, or {"label", "score"} (the score for a numeric column,
// the label for a categorical one).
void AddPrediction(const boost::json::object& event, const TableOptions& options, TableBuilder* builder) {
  const auto* p = event.if_contains("prediction");
  if (p == nullptr) return;
  const auto forced = options.forced.find(kPredictionColumnName);
  const bool numeric = forced == options.forced.end() || forced->second == config::FeatureType::kNumeric;
  const boost::json::value* x = p;
  if (p->is_object()) x = p->get_object().if_contains(numeric ? "score" : "label");
  const int col = builder->Column(kPredictionColumnName);
  if (x == nullptr) builder->AddMissing(col);
  else if (x->is_double()) builder->AddNumber(col, x->get_double());
  else if (x->is_int64()) builder->AddNumber(col, static_cast<double>(x->get_int64()));
  else if (x->is_uint64()) builder->AddNumber(col, static_cast<double>(x->get_uint64()));
  else if (x->is_bool()) builder->AddNumber(col, x->get_bool() ? 1.0 : 0.0);
  else if (x->is_string()) builder->AddText(col, x->get_string());
  else builder->AddMissing(col);
}

}  // namespace

bool ReadJsonl(const std::string& path, const TableOptions& options, TableBuilder* builder, Table* table,
               std::string* error, std::FILE* f) {
  namespace json = boost::json;
  char* line = nullptr;
  std::size_t cap = 0;
  ssize_t len;
  json::parser parser;
  while ((len = ::getline(&line, &cap, f)) >= 0) {
    std::string_view text(line, static_cast<std::size_t>(len));
    if (Trim(text).empty() || Trim(text) == "\n" || Trim(text) == "\r\n") continue;
    boost::system::error_code ec;
    parser.reset();
    parser.write(text.data(), text.size(), ec);
    if (ec) {
      ++table->rejected_events;
      continue;
    }
    const json::value v = parser.release();
    if (!v.is_object()) {
      ++table->rejected_events;
      continue;
    }
    const json::object& o = v.get_object();
    if (const auto* kind = o.if_contains("kind")) {
      if (!kind->is_string() || (kind->get_string() != "prediction" && kind->get_string() != "input")) continue;
    }
    if (!options.model.empty()) {
      const auto* model = o.if_contains("model");
      if (model != nullptr && (!model->is_string() || model->get_string() != options.model)) continue;
    }
    const auto* features = o.if_contains("features");
    if (features == nullptr || !features->is_object()) {
      ++table->rejected_events;
      continue;
    }
    builder->BeginRow(false);
    for (const auto& kv : features->get_object()) {
      const int col = builder->Column(kv.key());
      const json::value& x = kv.value();
      if (x.is_double()) builder->AddNumber(col, x.get_double());
      else if (x.is_int64()) builder->AddNumber(col, static_cast<double>(x.get_int64()));
      else if (x.is_uint64()) builder->AddNumber(col, static_cast<double>(x.get_uint64()));
      else if (x.is_bool()) builder->AddNumber(col, x.get_bool() ? 1.0 : 0.0);
      else if (x.is_string()) builder->AddText(col, x.get_string());
      else builder->AddMissing(col);
    }
    if (options.prediction_column) AddPrediction(o, options, builder);
    builder->EndRow();
  }
  std::free(line);
  if (std::ferror(f)) {
    *error = path + ": read error";
    return false;
  }
  return true;
}

}  // namespace driftd::report
