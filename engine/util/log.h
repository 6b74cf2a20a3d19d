// Copyright the wf-engine authors. Apache-2.0.
//
// One line per event on stderr; lines of different threads never
// interleave. Two formats (SetLogFormat):
//
//   JSON (the default), one object per line, for a log collector:
//     {"time":"2026-01-16T08:00:00.123+07:00","time_utc":"2026-01-16T01:00:00.123Z",
//      "level":"INFO","message":"listening on 127.0.0.1:50051"}
//   text, for a person at a terminal:
//     2026-01-16T01:00:00.123Z INFO listening on 127.0.0.1:50051
//
// The access log (one line per gRPC call, engine/service/observe.h) adds
// the call's fields. Its lines are queued and written by a thread of their
// own, many per write(): a write() per call cost the busy server ~2% of its
// throughput. Other lines are written at once, after any queued before
// them, so that an error reaches stderr before a crash can follow it. Never put token values, workflow variables or payloads
// in a log line (docs/operations.md).
// (abseil's logging is not in Debian 12's abseil.)
#ifndef WF_UTIL_LOG_H_
#define WF_UTIL_LOG_H_

#include <cstdint>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace wf {

enum class LogFormat { kJson, kText };

// Process-wide; set once at start-up (wf_server's --log_format).
void SetLogFormat(LogFormat format);
LogFormat GetLogFormat();

// Writes one line at `level` ("INFO", "ERROR").
void WriteLog(absl::string_view level, absl::string_view message);

// One gRPC call, for the access log. Empty fields are left out.
struct AccessRecord {
  absl::string_view method;  // "/wf.v1.WorkflowService/FireEvent"
  absl::string_view code;    // "OK", "NOT_FOUND", ...
  absl::string_view reason;  // the refusal's ErrorInfo reason, if any
  double latency_ms = 0;
  absl::string_view actor;
  absl::string_view unit;
  absl::string_view instance;
  absl::string_view workflow;
  absl::string_view event;
  absl::string_view trace_id;
  bool error = false;  // a server-side failure: logged at ERROR
};
void WriteAccessLog(const AccessRecord& record);

// Writes every line queued so far before returning (at exit, in tests).
void FlushLogs();

// Appends `text` to `out` as the inside of a JSON string: quotes,
// backslashes and control characters escaped, invalid UTF-8 replaced by
// U+FFFD.
void AppendJsonEscaped(absl::string_view text, std::string* out);

template <typename... Args>
void LogLine(const char* level, const Args&... args) {
  WriteLog(level, absl::StrCat(args...));
}

// At most `burst` lines a `period` (a window opens with the first line
// after the last one closed) for lines a client can cause at will (a
// request that does not decode, a failed TLS handshake): the access
// log already has a line per call, and a hostile client must not fill the
// disk through this one. The first line let through after some were held
// back says how many.
class LogLimiter {
 public:
  LogLimiter(int burst, absl::Duration period)
      : burst_(burst), period_(period) {}
  // Whether to write a line at `now`; if so, `*held` is how many lines were
  // held back since the last one written.
  bool Allow(absl::Time now, int64_t* held);

 private:
  const int burst_;
  const absl::Duration period_;
  absl::Mutex mu_;
  absl::Time window_start_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  int written_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t held_ ABSL_GUARDED_BY(mu_) = 0;
};

#define WF_LOG_INFO(...) ::wf::LogLine("INFO", __VA_ARGS__)
#define WF_LOG_ERROR(...) ::wf::LogLine("ERROR", __VA_ARGS__)

}  // namespace wf

#endif  // WF_UTIL_LOG_H_
