// logfmt encoding (key=value pairs, values quoted when needed), shared by the
// daemon's log and the alert log sink so both read the same way.
#ifndef DRIFTD_ALERTS_LOGFMT_H_
#define DRIFTD_ALERTS_LOGFMT_H_

#include <string>
#include <string_view>

namespace driftd::alerts {

// Appends ` key=value` (no leading space when *line is empty). The value is
// quoted when it is empty or holds a space, '=', '"' or a control character;
// inside quotes '"' and '\\' are escaped and control characters written as
// \n, \t, \r or \u00XX. Invalid UTF-8 passes through unchanged.
void AppendLogfmt(std::string* line, std::string_view key, std::string_view value);

}  // namespace driftd::alerts

#endif  // DRIFTD_ALERTS_LOGFMT_H_
