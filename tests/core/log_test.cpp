#include "theta/core/log.hpp"

#include <spdlog/spdlog.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "theta/core/status.hpp"

namespace theta {
namespace {

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST_CASE("log levels parse by name, case-insensitively", "[log]") {
  CHECK(*ParseLogLevel("debug") == LogLevel::kDebug);
  CHECK(*ParseLogLevel("WARN") == LogLevel::kWarn);
  CHECK(*ParseLogLevel("off") == LogLevel::kOff);
  auto bad = ParseLogLevel("verbose");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(std::string(bad.status().message()), Catch::Contains("\"verbose\""));
}

TEST_CASE("log writes JSON lines with the message escaped", "[log]") {
  const auto path = std::filesystem::temp_directory_path() / "theta_log_test.jsonl";
  std::filesystem::remove(path);
  LoggerOptions options;
  options.file = path.string();
  options.json = true;
  options.level = LogLevel::kDebug;
  auto logger = MakeLogger("test", options);
  REQUIRE(logger.ok());
  (*logger)->debug("quote \" backslash \\ newline \n end");
  (*logger)->trace("below the level");
  (*logger)->flush();
  const std::string text = ReadAll(path);
  CHECK_THAT(text, Catch::Contains(R"("level":"debug","logger":"test")"));
  CHECK_THAT(text, Catch::Contains(R"("msg":"quote \" backslash \\ newline \u000a end"})"));
  CHECK_THAT(text, !Catch::Contains("below the level"));
  std::filesystem::remove(path);
}

TEST_CASE("log reports a file it cannot open", "[log]") {
  // A path below a regular file can never be created, even by root.
  const auto blocker = std::filesystem::temp_directory_path() / "theta_log_blocker";
  std::ofstream(blocker) << "x";
  LoggerOptions options;
  options.file = (blocker / "log.txt").string();
  auto logger = MakeLogger("test", options);
  REQUIRE_FALSE(logger.ok());
  CHECK(logger.status().code() == absl::StatusCode::kUnavailable);
  CHECK_THAT(std::string(logger.status().message()), Catch::Contains(options.file));
  std::filesystem::remove(blocker);
}

TEST_CASE("null logger discards everything", "[log]") {
  Logger logger = MakeNullLogger();
  CHECK_FALSE(logger->should_log(spdlog::level::critical));
}

absl::StatusOr<int> Half(int x) {
  if (x % 2 != 0) return absl::InvalidArgumentError("odd");
  return x / 2;
}

absl::StatusOr<int> Quarter(int x) {
  THETA_ASSIGN_OR_RETURN(int half, Half(x));
  THETA_ASSIGN_OR_RETURN(auto quarter, Half(half));
  return quarter;
}

absl::Status CheckEven(int x) {
  THETA_RETURN_IF_ERROR(Half(x).status());
  return absl::OkStatus();
}

TEST_CASE("status macros propagate the first error", "[status]") {
  CHECK(*Quarter(8) == 2);
  CHECK(Quarter(6).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(CheckEven(4).ok());
  CHECK_FALSE(CheckEven(3).ok());
}

}  // namespace
}  // namespace theta
