// LevelDbOptions::background_nice: a store's flushes and compactions on a nice thread of its own.
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "theta/core/kv_store.hpp"

namespace theta {
namespace {

namespace fs = std::filesystem;

Bytes B(std::string_view text) {
  return Bytes(text.begin(), text.end());
}

// A fresh directory under the system temp dir, removed with everything in it on destruction.
struct ScratchDir {
  fs::path path = fs::temp_directory_path() /
                  ("theta_kv_nice_test_" +
                   std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  ScratchDir() { fs::create_directories(path); }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string db() const { return (path / "db").string(); }
};

size_t CountKeys(KvStore& store) {
  auto it = store.NewIterator();
  size_t n = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next())
    ++n;
  CHECK(it->status().ok());
  return n;
}

// Thread id -> nice value of every thread of this process (Linux /proc; field 19 of each stat).
std::map<int, int> ThreadNiceValues() {
  std::map<int, int> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc/self/task", ec)) {
    std::ifstream in(entry.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const size_t paren = stat.rfind(')');
    if (paren == std::string::npos) continue;
    std::istringstream fields(stat.substr(paren + 2));
    std::string field;
    for (int i = 3; i <= 19 && fields >> field; ++i) {
      if (i == 19) out[std::stoi(entry.path().filename().string())] = std::stoi(field);
    }
  }
  return out;
}

TEST_CASE("kv leveldb flushes and compacts on a nice thread of its own when asked", "[kv]") {
#ifndef __linux__
  SKIP("per-thread nice values are Linux only");
#endif
  ScratchDir dir;
  const std::map<int, int> before = ThreadNiceValues();
  LevelDbOptions options;
  options.write_buffer_bytes = 64 << 10;  // many flushes and compactions for 2 MiB of writes
  options.background_nice = 19;
  auto store = OpenLevelDbStore(dir.db(), options);
  REQUIRE(store.ok());
  const std::string value(1000, 'v');
  for (int i = 0; i < 2000; ++i)
    REQUIRE((*store)->Put(B("key" + std::to_string(i)), B(value + std::to_string(i))).ok());
  // The background thread exists from the first flush on; it is new and runs at nice 19.
  std::vector<int> nice_threads;
  for (const auto& [tid, nice] : ThreadNiceValues())
    if (!before.contains(tid) && nice == 19) nice_threads.push_back(tid);
  CHECK(nice_threads.size() == 1);
  for (int i = 0; i < 2000; i += 97)
    CHECK(*(*store)->Get(B("key" + std::to_string(i))) == B(value + std::to_string(i)));
  REQUIRE((*store)->Close().ok());
  // Close joins it.
  const std::map<int, int> after = ThreadNiceValues();
  for (int tid : nice_threads)
    CHECK_FALSE(after.contains(tid));
  auto reopened = OpenLevelDbStore(dir.db(), LevelDbOptions{.create_if_missing = false});
  REQUIRE(reopened.ok());
  CHECK(*(*reopened)->Get(B("key1999")) == B(value + "1999"));
  CHECK(CountKeys(**reopened) == 2000);
}

}  // namespace
}  // namespace theta
