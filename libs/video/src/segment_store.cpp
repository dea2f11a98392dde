#include "theta/video/segment_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "theta/core/hash.hpp"

namespace theta::video {
namespace {

namespace fs = std::filesystem;
constexpr std::string_view kSuffix = ".seg";

absl::Status IoError(std::string_view what, const fs::path& path) {
  return absl::UnavailableError(absl::StrCat("segment store: ", std::string(what), " ",
                                             path.string(), ": ", std::strerror(errno)));
}

// Writes all of `bytes` to a new file and fsyncs it.
absl::Status WriteDurably(const fs::path& path, ByteView bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("cannot create", path);
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      absl::Status st = IoError("cannot write", path);
      ::close(fd);
      return st;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    absl::Status st = IoError("cannot sync", path);
    ::close(fd);
    return st;
  }
  if (::close(fd) != 0) return IoError("cannot close", path);
  return absl::OkStatus();
}

void SyncDir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

absl::StatusOr<Bytes> ReadAll(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return absl::NotFoundError(absl::StrCat("segment store: ", path.string(), " vanished"));
  Bytes bytes;
  uint8_t chunk[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      absl::Status st = IoError("cannot read", path);
      ::close(fd);
      return st;
    }
    if (n == 0) break;
    bytes.insert(bytes.end(), chunk, chunk + n);
  }
  ::close(fd);
  return bytes;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SegmentStore>> SegmentStore::Open(SegmentStoreOptions options) {
  if (options.byte_budget == 0) {
    return absl::InvalidArgumentError("segment store: the byte budget must be above zero");
  }
  std::error_code ec;
  fs::create_directories(options.dir, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("segment store: cannot create ", options.dir.string(), ": ", ec.message()));
  }
  std::unique_ptr<SegmentStore> store(new SegmentStore(std::move(options)));
  struct Found {
    Hash32 hash;
    uint64_t size;
    fs::file_time_type mtime;
  };
  std::vector<Found> found;
  for (const fs::directory_entry& e : fs::directory_iterator(store->options_.dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.find(".tmp") != std::string::npos) {
      fs::remove(e.path(), ec);  // an interrupted Put
      continue;
    }
    if (name.size() != 64 + kSuffix.size() || !name.ends_with(kSuffix)) continue;
    absl::StatusOr<Hash32> hash = Hash32::FromHex("0x" + name.substr(0, 64));
    if (!hash.ok() || !e.is_regular_file()) continue;
    found.push_back({*hash, e.file_size(), e.last_write_time()});
  }
  if (ec) {
    return absl::UnavailableError(absl::StrCat("segment store: cannot list ",
                                               store->options_.dir.string(), ": ", ec.message()));
  }
  std::sort(found.begin(), found.end(),
            [](const Found& a, const Found& b) { return a.mtime > b.mtime; });
  absl::MutexLock lock(&store->mu_);
  for (const Found& f : found) {
    store->lru_.push_back(f.hash);
    store->entries_[f.hash] = Entry{f.size, std::prev(store->lru_.end())};
    store->stats_.bytes += f.size;
  }
  store->stats_.segments = store->entries_.size();
  store->EvictLocked(0);
  return store;
}

fs::path SegmentStore::PathOf(const Hash32& hash) const {
  return options_.dir / absl::StrCat(ToHex(hash, false), std::string(kSuffix));
}

void SegmentStore::EraseLocked(const Hash32& hash) {
  auto it = entries_.find(hash);
  if (it == entries_.end()) return;
  stats_.bytes -= it->second.size;
  lru_.erase(it->second.lru);
  entries_.erase(it);
  stats_.segments = entries_.size();
  std::error_code ec;
  fs::remove(PathOf(hash), ec);
}

void SegmentStore::EvictLocked(uint64_t incoming) {
  while (!lru_.empty() && stats_.bytes + incoming > options_.byte_budget) {
    EraseLocked(lru_.back());
    ++stats_.evictions;
  }
}

absl::Status SegmentStore::Put(const Hash32& hash, ByteView bytes) {
  if (Blake2b256(bytes) != hash) {
    return absl::InvalidArgumentError(
        absl::StrCat("segment store: bytes do not hash to ", hash.ToHex()));
  }
  if (bytes.size() > options_.byte_budget) {
    return absl::ResourceExhaustedError(absl::StrCat("segment store: a segment of ", bytes.size(),
                                                     " bytes exceeds the budget of ",
                                                     options_.byte_budget));
  }
  {
    absl::MutexLock lock(&mu_);
    auto it = entries_.find(hash);
    if (it != entries_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second.lru);
      return absl::OkStatus();
    }
  }
  static std::atomic<uint64_t> counter{0};
  const fs::path final_path = PathOf(hash);
  fs::path tmp = final_path;
  tmp += absl::StrCat(".tmp.", ::getpid(), ".", counter.fetch_add(1));
  if (absl::Status st = WriteDurably(tmp, bytes); !st.ok()) {
    std::error_code ec;
    fs::remove(tmp, ec);
    return st;
  }
  absl::MutexLock lock(&mu_);
  if (entries_.contains(hash)) {  // a concurrent Put of the same segment won
    std::error_code ec;
    fs::remove(tmp, ec);
    return absl::OkStatus();
  }
  EvictLocked(bytes.size());
  std::error_code ec;
  fs::rename(tmp, final_path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return absl::UnavailableError(absl::StrCat("segment store: cannot rename into ",
                                               final_path.string(), ": ", ec.message()));
  }
  SyncDir(options_.dir);
  lru_.push_front(hash);
  entries_[hash] = Entry{bytes.size(), lru_.begin()};
  stats_.bytes += bytes.size();
  stats_.segments = entries_.size();
  return absl::OkStatus();
}

absl::StatusOr<Bytes> SegmentStore::Get(const Hash32& hash) {
  {
    absl::MutexLock lock(&mu_);
    auto it = entries_.find(hash);
    if (it == entries_.end()) {
      return absl::NotFoundError(absl::StrCat("segment store: no segment ", hash.ToHex()));
    }
    lru_.splice(lru_.begin(), lru_, it->second.lru);
  }
  absl::StatusOr<Bytes> bytes = ReadAll(PathOf(hash));
  absl::MutexLock lock(&mu_);
  if (!bytes.ok() || Blake2b256(*bytes) != hash) {
    EraseLocked(hash);
    if (!bytes.ok()) return bytes.status();
    ++stats_.corrupt_dropped;
    return absl::DataLossError(absl::StrCat("segment store: segment ", hash.ToHex(),
                                            " is corrupt on disk and was dropped"));
  }
  std::error_code ec;
  fs::last_write_time(PathOf(hash), fs::file_time_type::clock::now(), ec);
  return bytes;
}

bool SegmentStore::Contains(const Hash32& hash) const {
  absl::MutexLock lock(&mu_);
  return entries_.contains(hash);
}

void SegmentStore::Remove(const Hash32& hash) {
  absl::MutexLock lock(&mu_);
  EraseLocked(hash);
}

SegmentStoreStats SegmentStore::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

}  // namespace theta::video
