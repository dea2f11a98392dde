// Fuzzes WAL replay over arbitrary file contents. Replay either succeeds, leaving a file that is a
// prefix of the input and replays again to the same state with nothing more cut, or fails with
// DataLoss; it never crashes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "theta/consensus/wal.hpp"

namespace {

class MemoryFile final : public theta::consensus::WalFile {
 public:
  explicit MemoryFile(theta::Bytes* bytes) : bytes_(bytes) {}
  absl::Status Append(theta::ByteView data) override {
    bytes_->insert(bytes_->end(), data.begin(), data.end());
    return absl::OkStatus();
  }
  absl::Status Sync() override { return absl::OkStatus(); }
  absl::StatusOr<theta::Bytes> ReadAll() override { return *bytes_; }
  absl::Status Truncate(uint64_t size) override {
    bytes_->resize(size);
    return absl::OkStatus();
  }
  absl::Status Replace(theta::ByteView contents) override {
    bytes_->assign(contents.begin(), contents.end());
    return absl::OkStatus();
  }

 private:
  theta::Bytes* bytes_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  theta::Bytes file(data, data + size);
  theta::consensus::WalStorage wal(std::make_unique<MemoryFile>(&file));
  auto state = wal.Load();
  if (!state.ok()) {
    if (state.status().code() != absl::StatusCode::kDataLoss) std::abort();
    return 0;
  }
  if (file.size() > size || !std::equal(file.begin(), file.end(), data)) std::abort();
  theta::consensus::WalStorage again(std::make_unique<MemoryFile>(&file));
  auto replayed = again.Load();
  if (!replayed.ok() || again.truncated_bytes() != 0) std::abort();
  if (replayed->blocks.size() != state->blocks.size() ||
      replayed->qcs.size() != state->qcs.size() ||
      replayed->epoch_proofs.size() != state->epoch_proofs.size() ||
      replayed->safety.has_value() != state->safety.has_value()) {
    std::abort();
  }
  return 0;
}
