// The ML Test Score monitoring scorecard of one model (Breck et al. 2017,
// section 5; DESIGN.md section 2): per item M1..M7 a status, the checks
// (findings) behind it, when it was last evaluated, and context numbers.
//
// Status rules:
//   not_configured  the model's config enables nothing for the item
//   failing         a judged check of the item is failing; M1 is the
//                   exception: a DependencyChanged finding is the
//                   notification the item asks for, so M1 stays ok
//   ok              otherwise (including while checks are not yet judged:
//                   `judged` says whether any check reached min_samples)
// The score is the number of configured (automated) items, 1 point each.
// M3 and the label-free half of M7 come from the drift evaluator's findings
// (FeatureDrift, DatasetDrift, PredictionDrift), passed in.
#ifndef DRIFTD_DETECTORS_MONITORS_SCORECARD_H_
#define DRIFTD_DETECTORS_MONITORS_SCORECARD_H_

#include <array>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "detectors/finding.h"
#include "detectors/monitors/dependency_tracker.h"

namespace driftd::detectors {

inline constexpr int kItemCount = 7;

enum class ItemStatus { kOk, kFailing, kNotConfigured };
// "ok", "failing", "not_configured".
const char* ItemStatusName(ItemStatus status);
// "M1".."M7" for index 0..6, and the rubric's wording of each.
const char* ItemName(int index);
const char* ItemTitle(int index);
// 0..6 from CheckItem(check).
int ItemIndex(Check check);

struct ScorecardItem {
  std::string item;
  std::string title;
  ItemStatus status = ItemStatus::kNotConfigured;
  bool judged = false;
  std::optional<Timestamp> last_evaluated;
  std::vector<Finding> checks;
  std::vector<std::pair<std::string, double>> numbers;  // context, e.g. label join counts
};

struct ModelScorecard {
  std::string model;
  std::string version;
  Timestamp evaluated_at{};
  int score = 0;
  std::array<ScorecardItem, kItemCount> items;
  std::vector<DependencyChange> changes;  // oldest first
};

struct ScorecardInputs {
  std::string model;
  std::string version;
  Timestamp evaluated_at{};
  std::array<bool, kItemCount> configured{};
  std::span<const Finding> own;    // the monitors' findings
  std::span<const Finding> drift;  // the drift evaluator's findings
  std::array<std::vector<std::pair<std::string, double>>, kItemCount> numbers;
  std::vector<DependencyChange> changes;
};

ModelScorecard BuildScorecard(ScorecardInputs inputs);

// Adds the drift evaluator's findings of card->model to the configured
// items they belong to (M3, M7) and recomputes those items' status. Used
// when drift findings arrive after the monitors' scorecard was built.
void MergeDriftFindings(ModelScorecard* card, std::span<const Finding> drift);

}  // namespace driftd::detectors

#endif  // DRIFTD_DETECTORS_MONITORS_SCORECARD_H_
