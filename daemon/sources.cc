#include "daemon/sources.h"

#include "collectors/file_source.h"

namespace driftd {

std::unique_ptr<collectors::Source> OpenSource(const config::Config& config, std::string* error) {
  switch (config.source.type) {
    case config::SourceType::kFile:
      return collectors::FileSource::Open(config.source, config.daemon.max_event_bytes, error);
    case config::SourceType::kKafka:
      *error = "source.type \"kafka\" is not available in this build";
      return nullptr;
  }
  *error = "unknown source type";
  return nullptr;
}

}  // namespace driftd
