// Status helpers. Every fallible call across a theta-cpp library boundary returns absl::Status or
// absl::StatusOr<T>; these macros keep the propagation of errors short and uniform.
//
// Codes by meaning (see ../shared/STYLE.md): InvalidArgument for bad input, NotFound, DataLoss for
// corruption on disk, Unavailable for a peer or node that cannot be reached, FailedPrecondition for a
// call made in the wrong state, Internal for a broken invariant of our own.
#pragma once

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Returns from the enclosing function if `expr` (an absl::Status) is not OK.
#define THETA_RETURN_IF_ERROR(expr)                  \
  do {                                               \
    if (::absl::Status _theta_st = (expr); !_theta_st.ok()) { \
      return _theta_st;                              \
    }                                                \
  } while (0)

#define THETA_STATUS_CONCAT_INNER_(a, b) a##b
#define THETA_STATUS_CONCAT_(a, b) THETA_STATUS_CONCAT_INNER_(a, b)

// THETA_ASSIGN_OR_RETURN(lhs, expr): evaluates `expr` (an absl::StatusOr<T>); on error returns its
// status from the enclosing function, else move-assigns the value to `lhs` (which may be a declaration,
// e.g. `auto item`).
#define THETA_ASSIGN_OR_RETURN(lhs, expr) \
  THETA_ASSIGN_OR_RETURN_IMPL_(THETA_STATUS_CONCAT_(_theta_sor_, __LINE__), lhs, expr)

#define THETA_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return std::move(tmp).status();     \
  lhs = std::move(tmp).value()
