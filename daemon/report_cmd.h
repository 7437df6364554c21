// `driftd report`: a one-shot drift report of two tables (DESIGN.md section
// 6, docs/detectors.md "Offline report").
//
//   driftd report --reference A --current B [--config FILE [--model M]]
//       [--preset auto|evidently|nannyml] [--test NAME] [--threshold X]
//       [--columns a,b,c] [--categorical a,b] [--chunk-size N]
//       [--min-samples N] [--format json|text] [--threads N]
//
// A and B are CSV files with a header, or JSONL events. Every column the two
// share is tested (or those of --columns, or the config model's features).
// --threads: the two files are read at once, a CSV file cut at line breaks
// into ranges, and the columns evaluated, on up to N threads (default: one
// per core, at most 4); the report is byte-for-byte the same for every N.
// Exit codes: 0 report written (whether or not anything drifted), 1 input
// error (unreadable or malformed file, no shared column), 2 usage or
// configuration error.
#ifndef DRIFTD_DAEMON_REPORT_CMD_H_
#define DRIFTD_DAEMON_REPORT_CMD_H_

#include <ostream>
#include <string>
#include <vector>

namespace driftd {

// args: everything after "report".
int ReportCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace driftd

#endif  // DRIFTD_DAEMON_REPORT_CMD_H_
