// Copyright the wf-engine authors. Apache-2.0.
//
// One line per event on stderr, with a UTC timestamp:
//   2026-01-16T01:00:00.123Z INFO listening on 127.0.0.1:50051
// (abseil's logging is not in Debian 12's abseil.)
#ifndef WF_UTIL_LOG_H_
#define WF_UTIL_LOG_H_

#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace wf {

template <typename... Args>
void LogLine(const char* level, const Args&... args) {
  std::string line = absl::StrCat(
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()),
      " ", level, " ", args..., "\n");
  std::fwrite(line.data(), 1, line.size(), stderr);
}

#define WF_LOG_INFO(...) ::wf::LogLine("INFO", __VA_ARGS__)
#define WF_LOG_ERROR(...) ::wf::LogLine("ERROR", __VA_ARGS__)

}  // namespace wf

#endif  // WF_UTIL_LOG_H_
