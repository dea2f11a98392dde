#include "wallet_test_util.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "support/test_data.hpp"

extern char** environ;

namespace theta::wallet::testing {

TempDir::TempDir() {
  char name[] = "/tmp/theta-wallet-test-XXXXXX";
  REQUIRE(::mkdtemp(name) != nullptr);
  path_ = name;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path TempDir::Write(const std::string& name, const std::string& content) const {
  const auto file = path_ / name;
  std::ofstream(file, std::ios::trunc) << content;
  return file;
}

std::string ClosedLocalUrl() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof(address);
  const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), size) == 0 &&
                     ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0;
  ::close(fd);  // never listened: connecting is refused
  REQUIRE(bound);
  return "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/rpc";
}

namespace {
std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
}  // namespace

RunResult RunWallet(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  TempDir io;
  const auto out_path = io.path() / "out";
  const auto err_path = io.path() / "err";
  std::vector<std::string> argv_storage = {THETA_WALLET_BINARY};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<std::string> env_storage;
  for (char** e = environ; *e != nullptr; ++e) {
    // The tests choose the password source; an inherited one would hide bugs.
    if (std::string_view(*e).rfind("THETA_WALLET_PASSWORD=", 0) == 0) continue;
    env_storage.emplace_back(*e);
  }
  env_storage.insert(env_storage.end(), env.begin(), env.end());
  std::vector<char*> argv, envp;
  for (auto& a : argv_storage)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env_storage)
    envp.push_back(e.data());
  envp.push_back(nullptr);

  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::setsid();  // no controlling terminal: /dev/tty cannot be opened
    const int in = ::open("/dev/null", O_RDONLY);
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  RunResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = Slurp(out_path);
  result.err = Slurp(err_path);
  return result;
}

nlohmann::json AskEthers(const nlohmann::json& request) {
  const auto tests_dir = theta::testing::RepoTestDataDir().parent_path();
  if (!std::filesystem::exists(tests_dir / "node_modules/ethers/package.json")) {
    FAIL("ethers is not installed in " << (tests_dir / "node_modules").string()
                                       << ": run scripts/bootstrap (it runs npm ci in tests/)");
  }
  TempDir dir;
  const auto request_path = dir.Write("request.json", request.dump());
  const std::string command = "node '" + (tests_dir / "wallet/js/wallet_oracle.mjs").string() +
                              "' '" + request_path.string() + "'";
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0;)
    output.append(buffer, n);
  const int status = ::pclose(pipe);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    FAIL("`" << command << "` failed (status " << status
             << "); is node on PATH? scripts/bootstrap installs it. Output: " << output);
  }
  nlohmann::json answer = nlohmann::json::parse(output, nullptr, /*allow_exceptions=*/false);
  REQUIRE_FALSE(answer.is_discarded());
  return answer;
}

}  // namespace theta::wallet::testing
