// Copyright the wf-engine authors. Apache-2.0.
//
// abseil 20220623 (Debian 12) has no RETURN_IF_ERROR; these are ours.
#ifndef WF_UTIL_STATUS_MACROS_H_
#define WF_UTIL_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define WF_RETURN_IF_ERROR(expr)                  \
  do {                                            \
    ::absl::Status wf_status_ = (expr);           \
    if (!wf_status_.ok()) return wf_status_;      \
  } while (0)

#define WF_CONCAT_INNER_(a, b) a##b
#define WF_CONCAT_(a, b) WF_CONCAT_INNER_(a, b)

// WF_ASSIGN_OR_RETURN(auto x, MaybeX());
#define WF_ASSIGN_OR_RETURN(lhs, expr) \
  WF_ASSIGN_OR_RETURN_IMPL_(WF_CONCAT_(wf_statusor_, __LINE__), lhs, expr)
#define WF_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

#endif  // WF_UTIL_STATUS_MACROS_H_
