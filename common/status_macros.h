// Early-return helpers for absl::Status (Abseil 20220623 ships none).
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define OMS_STATUS_CONCAT_INNER(a, b) a##b
#define OMS_STATUS_CONCAT(a, b) OMS_STATUS_CONCAT_INNER(a, b)

// Returns the status from the enclosing function when `expr` is not OK.
#define OMS_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::absl::Status oms_status_ = (expr);       \
    if (!oms_status_.ok()) return oms_status_; \
  } while (false)

// Declares `lhs` from a StatusOr expression, or returns its error.
#define OMS_ASSIGN_OR_RETURN(lhs, expr) \
  OMS_ASSIGN_OR_RETURN_IMPL(OMS_STATUS_CONCAT(oms_statusor_, __LINE__), lhs, expr)

// `lhs` is a declaration and `tmp` a name, so neither can be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define OMS_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
