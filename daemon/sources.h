// Opens the event source a configuration names.
#ifndef DRIFTD_DAEMON_SOURCES_H_
#define DRIFTD_DAEMON_SOURCES_H_

#include <memory>
#include <string>

#include "collectors/source.h"
#include "config/config.h"

namespace driftd {

// Returns the source, or nullptr with *error set.
std::unique_ptr<collectors::Source> OpenSource(const config::Config& config, std::string* error);

}  // namespace driftd

#endif  // DRIFTD_DAEMON_SOURCES_H_
