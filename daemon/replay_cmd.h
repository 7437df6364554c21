// driftd replay --config FILE --input events.jsonl [--format text|json]
//
// Runs the daemon's pipeline (decoding, routing, windows, drift evaluation
// and the ML Test Score monitors) over a file as fast as it can be read, on
// event time: the clock is the newest event time seen, and the models are
// evaluated every daemon.evaluation_interval of event time and once more at
// the end. Prints each finding when it starts failing and when it resolves
// (the transitions an alert would follow), then a summary. No HTTP, no
// sinks, no checkpoints. For debugging a config, backfills and benchmarks.
//
// Output, text: one line per transition
//   <evaluated_at> <model> <AlertName>[ <subject>] firing|resolved: <details>
// then "replay: N events (R rejected: reason=n ...) in S s, E evaluations,
// F findings failing at the end". JSON (--format json): one object per line,
//   {"evaluated_at", "model", "alert", "subject", "state", "test",
//    "statistic", "threshold", "details"}
// and a last line {"summary": {"events", "rejected": {reason: n},
// "evaluations", "failing", "seconds"}}.
//
// Exit status: 0 when the file was replayed (findings are not errors), 1 when
// the input cannot be read, 2 on usage or configuration errors.
#ifndef DRIFTD_DAEMON_REPLAY_CMD_H_
#define DRIFTD_DAEMON_REPLAY_CMD_H_

#include <ostream>
#include <string>
#include <vector>

namespace driftd {

int ReplayCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace driftd

#endif  // DRIFTD_DAEMON_REPLAY_CMD_H_
