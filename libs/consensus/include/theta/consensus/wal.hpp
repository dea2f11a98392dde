// A write-ahead log of consensus state, and the Storage implementation on top of it.
//
// The log is a file of records, each `length (u32 LE) ‖ crc32c(type ‖ payload) (u32 LE) ‖ type ‖
// payload`, appended in order: safety state (type 1, synced before SaveSafety returns), blocks
// (type 2) and QCs (type 3) as their canonical RLP, epoch proofs (type 5, as their message
// encoding), and after a compaction one anchor (type 4, a block) first. Compact writes the live
// state as a fresh log and swaps it in whole (write a temporary file, fsync it, rename it over the
// log, fsync the folder), so a crash leaves the old log or the new one. On Load the log is replayed
// from the start:
//   - a record cut short by a crash (the header or payload runs past the end of the file, or the
//     very last record fails its checksum) is a torn tail: the file is truncated to the last
//     whole record and Load succeeds;
//   - a record that fails its checksum with more bytes after it, or a checksummed record that does
//     not decode, is corruption: Load fails with DataLoss naming the offset, and the node refuses
//     to start rather than risk voting against what it voted before.
// The file itself sits behind WalFile so the simulator can tear writes and lose fsyncs.
// Not thread-safe: one Node drives one WalStorage.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "theta/consensus/environment.hpp"

namespace theta::consensus {

// An append-only file.
class WalFile {
 public:
  virtual ~WalFile() = default;
  virtual absl::Status Append(ByteView data) = 0;
  // Makes everything appended so far durable (fdatasync).
  virtual absl::Status Sync() = 0;
  virtual absl::StatusOr<Bytes> ReadAll() = 0;
  // Cuts the file to `size` bytes, durably.
  virtual absl::Status Truncate(uint64_t size) = 0;
  // Replaces the whole file by `contents`, durably and atomically (old or new after a crash);
  // later appends go after `contents`.
  virtual absl::Status Replace(ByteView contents) = 0;
};

// A WalFile on the local file system at `path` (created if missing, parent directory must exist).
// Unavailable when it cannot be opened.
absl::StatusOr<std::unique_ptr<WalFile>> OpenPosixWalFile(const std::string& path);

// CRC-32C (Castagnoli), the record checksum.
uint32_t Crc32c(ByteView data);

class WalStorage final : public Storage {
 public:
  explicit WalStorage(std::unique_ptr<WalFile> file) : file_(std::move(file)) {}

  absl::Status SaveSafety(const SafetyState& state) override;
  absl::Status SaveBlock(const Block& block) override;
  absl::Status SaveQuorumCert(const QuorumCert& qc) override;
  absl::Status SaveEpochProof(const EpochProof& proof) override;
  // Replays the log (truncating a torn tail). DataLoss on corruption, as described above.
  absl::StatusOr<RecoveredState> Load() override;
  absl::Status Compact(const RecoveredState& live) override;

  // Bytes truncated away by the last Load (0 when the tail was whole).
  uint64_t truncated_bytes() const { return truncated_bytes_; }
  // The log's size as this WalStorage knows it: after Load, what was kept; plus appends since.
  uint64_t size_bytes() const { return size_bytes_; }

 private:
  absl::Status AppendRecord(uint8_t type, ByteView payload, bool sync);
  std::unique_ptr<WalFile> file_;
  uint64_t truncated_bytes_ = 0;
  uint64_t size_bytes_ = 0;
};

Bytes EncodeSafetyState(const SafetyState& state);
absl::StatusOr<SafetyState> DecodeSafetyState(ByteView bytes);

}  // namespace theta::consensus
