// Copyright the wf-engine authors. Apache-2.0.
#include "engine/util/log.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <utility>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace wf {
namespace {

std::atomic<LogFormat> log_format{LogFormat::kJson};

// The times of a line, formatted. The seconds part is formatted once per
// second per thread: absl::FormatTime costs about a microsecond, and the
// access log writes a line per call.
struct LineTime {
  char utc[32];    // 2026-01-16T01:00:00.123Z
  char local[40];  // 2026-01-16T08:00:00.123+07:00
};

LineTime Now() {
  thread_local int64_t cached_second = -1;
  thread_local std::string utc_second, local_second;
  const int64_t micros = absl::ToUnixMicros(absl::Now());
  const int64_t second = micros / 1000000;
  const int millis = static_cast<int>((micros / 1000) % 1000);
  if (second != cached_second) {
    const absl::Time t = absl::FromUnixSeconds(second);
    utc_second = absl::FormatTime("%Y-%m-%dT%H:%M:%S", t, absl::UTCTimeZone());
    local_second = absl::FormatTime("%Y-%m-%dT%H:%M:%S", t,
                                    absl::FixedTimeZone(7 * 3600));
    cached_second = second;
  }
  LineTime out;
  std::snprintf(out.utc, sizeof(out.utc), "%s.%03dZ", utc_second.c_str(),
                millis);
  std::snprintf(out.local, sizeof(out.local), "%s.%03d+07:00",
                local_second.c_str(), millis);
  return out;
}

// Length of the valid UTF-8 sequence at the start of `s`, or 0.
size_t Utf8Length(absl::string_view s) {
  const unsigned char c = s[0];
  size_t n = c < 0xC2 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF5 ? 4 : 0;
  if (n == 0 || s.size() < n) return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) return 0;
  }
  const unsigned char c1 = s[1];
  if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) ||
      (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F)) {
    return 0;  // overlong, surrogate, or past U+10FFFF
  }
  return n;
}

std::string DroppedLine(uint64_t dropped);

// All of `text` to stderr, however many write()s it takes.
void WriteAll(absl::string_view text) {
  const char* data = text.data();
  size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nowhere to report it
    data += n;
    left -= static_cast<size_t>(n);
  }
}

// Lines waiting for stderr, and the thread that writes them. Never
// destroyed: a line may be logged during static destruction.
class LineQueue {
 public:
  static LineQueue& Get() {
    static LineQueue* queue = new LineQueue();
    return *queue;
  }

  // Queues `line`; the writer thread writes it soon. Never blocks on
  // stderr: past kMaxQueued bytes (stderr stuck), lines are counted and
  // dropped, and the count is written once it moves again.
  void Add(const std::string& line) {
    absl::MutexLock lock(&mu_);
    if (queued_.size() + line.size() > kMaxQueued) {
      dropped_++;
      return;
    }
    queued_.append(line);
  }

  // Writes what is queued, in order, on the caller's thread.
  void Flush() {
    absl::MutexLock writing(&write_mu_);  // one writer: lines keep order
    std::string batch;
    uint64_t dropped = 0;
    {
      absl::MutexLock lock(&mu_);
      batch.swap(queued_);
      std::swap(dropped, dropped_);
    }
    if (dropped > 0) batch.append(DroppedLine(dropped));
    WriteAll(batch);
  }

 private:
  static constexpr size_t kMaxQueued = 8 << 20;
  static constexpr size_t kBatchBytes = 64 << 10;
  static constexpr absl::Duration kFlushEvery = absl::Milliseconds(20);

  LineQueue() {
    std::thread([this] { Loop(); }).detach();
    std::atexit([] { LineQueue::Get().Flush(); });
  }

  // Writes every kFlushEvery, or sooner once kBatchBytes wait: waking for
  // each line would cost a thread switch per call, more than the write()
  // it saves.
  void Loop() {
    for (;;) {
      {
        absl::MutexLock lock(&mu_);
        mu_.AwaitWithTimeout(
            absl::Condition(
                +[](LineQueue* q) ABSL_EXCLUSIVE_LOCKS_REQUIRED(q->mu_) {
                  return q->queued_.size() >= kBatchBytes;
                },
                this),
            kFlushEvery);
      }
      Flush();
    }
  }

  absl::Mutex write_mu_;
  absl::Mutex mu_ ABSL_ACQUIRED_AFTER(write_mu_);
  std::string queued_ ABSL_GUARDED_BY(mu_);
  uint64_t dropped_ ABSL_GUARDED_BY(mu_) = 0;
};

// A line that matters on its own (start-up, errors): after the lines
// queued before it, and on stderr when this returns.
void WriteLine(const std::string& line) {
  LineQueue& queue = LineQueue::Get();
  queue.Add(line);
  queue.Flush();
}

void AppendField(std::string* line, absl::string_view name,
                 absl::string_view value) {
  if (value.empty()) return;
  absl::StrAppend(line, ",\"", name, "\":\"");
  AppendJsonEscaped(value, line);
  line->push_back('"');
}

// {"time":...,"time_utc":...,"level":...,"message":...  (not closed)
std::string JsonStart(absl::string_view level, absl::string_view message) {
  const LineTime t = Now();
  std::string line;
  line.reserve(160 + message.size());
  absl::StrAppend(&line, "{\"time\":\"", t.local, "\",\"time_utc\":\"", t.utc,
                  "\",\"level\":\"", level, "\",\"message\":\"");
  AppendJsonEscaped(message, &line);
  line.push_back('"');
  return line;
}

std::string DroppedLine(uint64_t dropped) {
  const std::string message = absl::StrCat(
      dropped, " access log lines dropped: stderr did not keep up");
  if (GetLogFormat() == LogFormat::kText) {
    return absl::StrCat(Now().utc, " ERROR ", message, "\n");
  }
  return JsonStart("ERROR", message) + "}\n";
}

}  // namespace

void SetLogFormat(LogFormat format) { log_format.store(format); }
void FlushLogs() { LineQueue::Get().Flush(); }
LogFormat GetLogFormat() { return log_format.load(); }

void AppendJsonEscaped(absl::string_view text, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = text[i];
    if (c >= 0x80) {
      const size_t n = Utf8Length(text.substr(i));
      if (n == 0) {
        out->append("\\ufffd");
        ++i;
      } else {
        out->append(text.data() + i, n);
        i += n;
      }
      continue;
    }
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else if (c < 0x20 || c == 0x7f) {
      out->append("\\u00");
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 0xF]);
    } else {
      out->push_back(static_cast<char>(c));
    }
    ++i;
  }
}

void WriteLog(absl::string_view level, absl::string_view message) {
  std::string line;
  if (GetLogFormat() == LogFormat::kText) {
    line = absl::StrCat(Now().utc, " ", level, " ", message, "\n");
  } else {
    line = JsonStart(level, message);
    line.append("}\n");
  }
  WriteLine(line);
}

void WriteAccessLog(const AccessRecord& r) {
  const absl::string_view level = r.error ? "ERROR" : "INFO";
  char latency[32];
  std::snprintf(latency, sizeof(latency), "%.3f", r.latency_ms);
  std::string line;
  if (GetLogFormat() == LogFormat::kText) {
    line = absl::StrCat(Now().utc, " ", level, " ", r.method, " ", r.code,
                        r.reason.empty() ? "" : " ", r.reason, " ", latency,
                        " ms actor=", r.actor, " instance=", r.instance,
                        " trace=", r.trace_id, "\n");
    LineQueue::Get().Add(line);
    return;
  }
  line = JsonStart(level, "request");
  AppendField(&line, "method", r.method);
  AppendField(&line, "code", r.code);
  AppendField(&line, "reason", r.reason);
  absl::StrAppend(&line, ",\"latency_ms\":", latency);
  AppendField(&line, "actor", r.actor);
  AppendField(&line, "unit", r.unit);
  AppendField(&line, "instance", r.instance);
  AppendField(&line, "workflow", r.workflow);
  AppendField(&line, "event", r.event);
  AppendField(&line, "trace_id", r.trace_id);
  line.append("}\n");
  LineQueue::Get().Add(line);
}

bool LogLimiter::Allow(absl::Time now, int64_t* held) {
  absl::MutexLock lock(&mu_);
  if (now - window_start_ >= period_) {
    window_start_ = now;
    written_ = 0;
  }
  if (written_ >= burst_) {
    ++held_;
    return false;
  }
  ++written_;
  *held = held_;
  held_ = 0;
  return true;
}

}  // namespace wf
