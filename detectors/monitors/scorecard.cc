#include "detectors/monitors/scorecard.h"

#include <algorithm>

namespace driftd::detectors {

const char* ItemStatusName(ItemStatus status) {
  switch (status) {
    case ItemStatus::kOk:
      return "ok";
    case ItemStatus::kFailing:
      return "failing";
    case ItemStatus::kNotConfigured:
      return "not_configured";
  }
  return "";
}

const char* ItemName(int index) {
  static constexpr const char* kNames[kItemCount] = {"M1", "M2", "M3", "M4", "M5", "M6", "M7"};
  return index >= 0 && index < kItemCount ? kNames[index] : "";
}

const char* ItemTitle(int index) {
  static constexpr const char* kTitles[kItemCount] = {
      "Dependency changes result in notification",
      "Data invariants hold for inputs",
      "Training and serving are not skewed",
      "Models are not too stale",
      "Models are numerically stable",
      "Computing performance has not regressed",
      "Prediction quality has not regressed",
  };
  return index >= 0 && index < kItemCount ? kTitles[index] : "";
}

int ItemIndex(Check check) { return CheckItem(check)[1] - '1'; }

namespace {

void Refresh(ScorecardItem& item, int index) {
  if (item.status == ItemStatus::kNotConfigured) return;
  bool failing = false;
  item.judged = false;
  for (const Finding& f : item.checks) {
    item.judged = item.judged || f.judged;
    failing = failing || (f.judged && f.failing);
    if (!item.last_evaluated || f.evaluated_at > *item.last_evaluated)
      item.last_evaluated = f.evaluated_at;
  }
  // M1 passes by notifying: a change finding is the notification.
  item.status = failing && index != 0 ? ItemStatus::kFailing : ItemStatus::kOk;
}

}  // namespace

ModelScorecard BuildScorecard(ScorecardInputs inputs) {
  ModelScorecard card;
  card.model = inputs.model;
  card.version = inputs.version;
  card.evaluated_at = inputs.evaluated_at;
  card.changes = std::move(inputs.changes);
  for (int i = 0; i < kItemCount; ++i) {
    card.items[i].item = ItemName(i);
    card.items[i].title = ItemTitle(i);
    card.items[i].numbers = std::move(inputs.numbers[i]);
    card.items[i].status = inputs.configured[i] ? ItemStatus::kOk : ItemStatus::kNotConfigured;
    if (inputs.configured[i]) ++card.score;
  }
  for (const auto* list : {&inputs.own, &inputs.drift}) {
    for (const Finding& f : *list) {
      if (f.model != inputs.model && !f.model.empty()) continue;
      ScorecardItem& item = card.items[ItemIndex(f.check)];
      if (item.status != ItemStatus::kNotConfigured) item.checks.push_back(f);
    }
  }
  for (int i = 0; i < kItemCount; ++i) Refresh(card.items[i], i);
  return card;
}

void MergeDriftFindings(ModelScorecard* card, std::span<const Finding> drift) {
  bool touched[kItemCount] = {};
  for (const Finding& f : drift) {
    if (f.model != card->model && !f.model.empty()) continue;
    const int i = ItemIndex(f.check);
    if (card->items[i].status == ItemStatus::kNotConfigured) continue;
    card->items[i].checks.push_back(f);
    touched[i] = true;
  }
  for (int i = 0; i < kItemCount; ++i) {
    if (touched[i]) Refresh(card->items[i], i);
  }
}

}  // namespace driftd::detectors
