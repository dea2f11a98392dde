// theta_fuzz_replay: runs a libFuzzer target without libFuzzer. It feeds the target its seed files,
// then a deterministic stream of mutations of them (replay/mutator.hpp). CTest runs it for every
// target in the ordinary build, so the targets compile and hold their properties under GCC and in
// CI, where the clang `fuzz` preset is not built. Real fuzzing stays ./scripts/fuzz's job.
//
//   theta_fuzz_replay --list
//   theta_fuzz_replay TARGET [--runs=N] [--seed=S] [--max_seconds=T] [--max_len=L]
//                     [--crash_dir=DIR] [FILE_OR_DIR...]
// A failing input (an abort, a crash signal, an exception out of the target) is saved as
// DIR/crash-TARGET and the process dies of the signal; run the target on that file to reproduce.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "replay/mutator.hpp"
#include "replay/registry.hpp"

namespace theta::fuzz {
namespace {

struct Options {
  std::string target;
  uint64_t runs = 1000;
  uint64_t seed = 1;
  double max_seconds = 30;
  size_t max_len = 4096;
  std::string crash_dir = ".";
  std::vector<std::string> paths;
};

// What a signal handler needs to save the input that crashed: set before each run, read only there.
struct CrashState {
  char path[4096] = {};
  const uint8_t* data = nullptr;
  size_t size = 0;
};
CrashState g_crash;

void SaveCrashingInput(int sig) {
  // Only async-signal-safe calls from here on.
  const int fd = ::open(g_crash.path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    size_t done = 0;
    while (done < g_crash.size) {
      const ssize_t n = ::write(fd, g_crash.data + done, g_crash.size - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ::close(fd);
  }
  static const char kMessage[] = "\ntheta_fuzz_replay: the target crashed; its input is saved as ";
  [[maybe_unused]] ssize_t ignored = ::write(2, kMessage, sizeof kMessage - 1);
  ignored = ::write(2, g_crash.path, std::strlen(g_crash.path));
  ignored = ::write(2, "\n", 1);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

// A target that fails on purpose, so that a test can show the driver catches and saves failures:
// it aborts on an input holding "crash" and throws on one holding "throw".
int SelfTest(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (text.find("crash") != std::string_view::npos) std::abort();
  if (text.find("throw") != std::string_view::npos) throw std::runtime_error("selftest");
  return 0;
}
constexpr Target kSelfTest = {"replay_selftest", &SelfTest};

int Usage(const char* why) {
  std::fprintf(stderr,
               "theta_fuzz_replay: %s\nusage: theta_fuzz_replay --list\n"
               "       theta_fuzz_replay TARGET [--runs=N] [--seed=S] [--max_seconds=T] "
               "[--max_len=L] [--crash_dir=DIR] [FILE_OR_DIR...]\n",
               why);
  return 2;
}

// "--name=value" → value, for the flag named; nullopt when `arg` is another argument.
std::optional<std::string> FlagValue(std::string_view arg, std::string_view name) {
  if (arg.size() <= name.size() + 1 || arg.substr(0, name.size()) != name ||
      arg[name.size()] != '=')
    return std::nullopt;
  return std::string(arg.substr(name.size() + 1));
}

bool ParseUnsigned(const std::string& text, uint64_t& out) {
  if (text.empty() || text[0] < '0' || text[0] > '9') return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtoull(text.c_str(), &end, 10);
  return errno == 0 && end == text.c_str() + text.size();
}

bool ParseFlag(std::string_view arg, Options& options) {
  if (auto dir = FlagValue(arg, "--crash_dir")) {
    options.crash_dir = *dir;
    return true;
  }
  uint64_t number = 0;
  if (auto value = FlagValue(arg, "--runs")) return ParseUnsigned(*value, options.runs);
  if (auto value = FlagValue(arg, "--seed")) return ParseUnsigned(*value, options.seed);
  if (auto value = FlagValue(arg, "--max_len")) {
    if (!ParseUnsigned(*value, number)) return false;
    options.max_len = static_cast<size_t>(number);
    return true;
  }
  if (auto value = FlagValue(arg, "--max_seconds")) {
    if (!ParseUnsigned(*value, number)) return false;
    options.max_seconds = static_cast<double>(number);
    return true;
  }
  return false;
}

bool ReadFile(const std::filesystem::path& path, Input& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

// Seed files in a stable order (a directory's entries sorted by name), so every run is the same.
bool LoadSeeds(const std::vector<std::string>& paths, std::vector<Input>& seeds) {
  for (const std::string& path : paths) {
    std::vector<std::filesystem::path> files;
    std::error_code error;
    if (std::filesystem::is_directory(path, error)) {
      for (const auto& entry : std::filesystem::directory_iterator(path, error))
        if (entry.is_regular_file()) files.push_back(entry.path());
      std::sort(files.begin(), files.end());
    } else {
      files.emplace_back(path);
    }
    for (const auto& file : files) {
      Input input;
      if (!ReadFile(file, input)) {
        std::fprintf(stderr, "theta_fuzz_replay: cannot read %s\n", file.c_str());
        return false;
      }
      seeds.push_back(std::move(input));
    }
  }
  return true;
}

// One input, as libFuzzer gives it: a heap block of exactly its size, so that ASan sees overreads.
void RunOne(const Target& target, const Input& input) {
  auto copy = std::make_unique<uint8_t[]>(std::max<size_t>(input.size(), 1));
  std::copy(input.begin(), input.end(), copy.get());
  g_crash.data = copy.get();
  g_crash.size = input.size();
  try {
    target.test_one_input(input.empty() ? nullptr : copy.get(), input.size());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "theta_fuzz_replay: the target threw: %s\n", e.what());
    SaveCrashingInput(SIGABRT);
  } catch (...) {
    std::fprintf(stderr, "theta_fuzz_replay: the target threw a non-exception\n");
    SaveCrashingInput(SIGABRT);
  }
}

int Replay(const Target& target, const Options& options) {
  std::vector<Input> seeds;
  if (!LoadSeeds(options.paths, seeds)) return 2;
  const std::string path = options.crash_dir + "/crash-" + target.name;
  if (path.size() >= sizeof g_crash.path) return Usage("--crash_dir is too long");
  std::memcpy(g_crash.path, path.c_str(), path.size() + 1);
  for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL})
    std::signal(sig, SaveCrashingInput);

  const auto start = std::chrono::steady_clock::now();
  for (const Input& seed : seeds)
    RunOne(target, seed);
  Mutator mutator(seeds, options.seed, options.max_len);
  uint64_t done = 0;
  double elapsed = 0;
  for (; done < options.runs; ++done) {
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (elapsed > options.max_seconds) break;
    RunOne(target, mutator.Next());
  }
  elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s: %zu seed inputs and %llu of %llu mutations (stream seed %llu) in %.2f s%s\n",
              target.name, seeds.size(), static_cast<unsigned long long>(done),
              static_cast<unsigned long long>(options.runs),
              static_cast<unsigned long long>(options.seed), elapsed,
              done < options.runs ? ", stopped by --max_seconds" : "");
  return 0;
}

int Main(int argc, char** argv) {
  if (argc < 2) return Usage("a target name or --list is required");
  if (std::string_view(argv[1]) == "--list") {
    for (const Target& target : Targets())
      std::printf("%s\n", target.name);
    return 0;
  }
  Options options;
  options.target = argv[1];
  for (int i = 2; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.substr(0, 2) != "--") {
      options.paths.emplace_back(arg);
    } else if (!ParseFlag(arg, options)) {
      return Usage(("bad flag " + std::string(arg)).c_str());
    }
  }
  for (const Target& target : Targets())
    if (options.target == target.name) return Replay(target, options);
  if (options.target == kSelfTest.name) return Replay(kSelfTest, options);
  return Usage(("no target named " + options.target + " (see --list)").c_str());
}

}  // namespace
}  // namespace theta::fuzz

int main(int argc, char** argv) {
  return theta::fuzz::Main(argc, argv);
}
