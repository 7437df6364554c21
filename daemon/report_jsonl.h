// JSONL events (driftd's own event log: one JSON object a line) read into a
// TableBuilder for `driftd report` / `driftd baseline`.
//
// Contract:
//  - An event is an object with a "features" object; each feature is a
//    column (numbers and booleans as numbers, strings as text, null and
//    anything else as missing; a feature absent from an event is missing).
//  - Events with "kind" other than "prediction" or "input" are skipped, and
//    with TableOptions::model set, events of another "model".
//  - Lines that do not decode, are not objects or lack "features" are
//    counted in table->rejected_events; blank lines are skipped.
//  - TableOptions::prediction_column: each event's "prediction" (a number,
//    a label, or {"label", "score"}: the score for a numeric column, the
//    label for a categorical one) goes to column kPredictionColumnName.
//  - Reads `f` to its end; false with *error = "<path>: read error" when
//    the stream fails (the rows before stay added).
#ifndef DRIFTD_DAEMON_REPORT_JSONL_H_
#define DRIFTD_DAEMON_REPORT_JSONL_H_

#include <cstdio>
#include <string>

#include "daemon/report_input.h"
#include "daemon/table_builder.h"

namespace driftd::report {

[[nodiscard]] bool ReadJsonl(const std::string& path, const TableOptions& options, TableBuilder* builder,
                             Table* table, std::string* error, std::FILE* f);

}  // namespace driftd::report

#endif  // DRIFTD_DAEMON_REPORT_JSONL_H_
