// Logging for theta-cpp libraries and apps, on spdlog.
//
// Libraries hold no global logger of their own: a component takes a `Logger` (a shared spdlog logger)
// from whoever embeds it, and MakeNullLogger() is the default so that an embedder who passes nothing
// sees nothing. Apps create their loggers with MakeLogger and configure level and format once.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace spdlog {
class logger;
}

namespace theta {

using Logger = std::shared_ptr<spdlog::logger>;

enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError, kOff };

// Parses "trace", "debug", "info", "warn", "error" or "off" (case-insensitive).
absl::StatusOr<LogLevel> ParseLogLevel(std::string_view name);

struct LoggerOptions {
  LogLevel level = LogLevel::kInfo;
  // Write to stderr (default) and, when non-empty, also append to this file.
  std::string file;
  // Emit one JSON object per line instead of human-readable text (for log shippers).
  bool json = false;
};

// A logger named `name` (e.g. "consensus") with its own sinks; not registered globally.
absl::StatusOr<Logger> MakeLogger(std::string_view name, const LoggerOptions& options = {});

// A logger that discards everything, for embedders that want silence.
Logger MakeNullLogger(std::string_view name = "null");

}  // namespace theta
