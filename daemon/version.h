// Build identity, set by CMake.
#ifndef DRIFTD_DAEMON_VERSION_H_
#define DRIFTD_DAEMON_VERSION_H_

namespace driftd {

inline constexpr const char* kVersion = DRIFTD_VERSION;
inline constexpr const char* kRevision = DRIFTD_REVISION;

}  // namespace driftd

#endif  // DRIFTD_DAEMON_VERSION_H_
