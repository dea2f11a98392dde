#include "support/test_data.hpp"

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace theta::testing {

std::filesystem::path SharedDataDir() {
  if (const char* env = std::getenv("THETA_SHARED_DATA"); env != nullptr && *env != '\0') {
    return env;
  }
  return THETA_SHARED_DATA_DIR;
}

std::filesystem::path RepoTestDataDir() {
  return THETA_REPO_TEST_DATA_DIR;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) FAIL("cannot open test data file " << path.string());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

nlohmann::json LoadJson(const std::filesystem::path& path) {
  const std::string text = ReadFile(path);
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) FAIL("test data file " << path.string() << " is not valid JSON");
  return parsed;
}

std::string RunCommand(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) FAIL("cannot start `" << command << "`");
  std::string output;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0;)
    output.append(buffer, n);
  const int status = ::pclose(pipe);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    FAIL("`" << command << "` failed (status " << status << "): " << output);
  return output;
}

}  // namespace theta::testing
