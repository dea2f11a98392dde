#include "theta/consensus/wal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "theta/consensus/codec.hpp"
#include "theta/core/rlp.hpp"
#include "theta/core/status.hpp"

namespace theta::consensus {
namespace {

constexpr uint8_t kSafetyRecord = 1;
constexpr uint8_t kBlockRecord = 2;
constexpr uint8_t kQcRecord = 3;
constexpr uint8_t kAnchorRecord = 4;
constexpr uint8_t kEpochProofRecord = 5;  // an EpochProof as its message encoding
constexpr size_t kHeaderSize = 8;
constexpr uint32_t kMaxRecord = 64 << 20;

std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k)
      c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    table[i] = c;
  }
  return table;
}

uint32_t ReadLe32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

void WriteLe32(Bytes& out, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

absl::Status Errno(std::string_view what, const std::string& path) {
  return absl::UnavailableError(
      absl::StrCat("consensus wal: ", std::string(what), " ", path, ": ", std::strerror(errno)));
}

// Appends `length ‖ crc32c(type ‖ payload) ‖ type ‖ payload` to `out`.
void AppendFramed(Bytes& out, uint8_t type, ByteView payload) {
  const uint32_t length = static_cast<uint32_t>(payload.size() + 1);
  Bytes body;
  body.reserve(length);
  body.push_back(type);
  body.insert(body.end(), payload.begin(), payload.end());
  WriteLe32(out, length);
  WriteLe32(out, Crc32c(body));
  out.insert(out.end(), body.begin(), body.end());
}

absl::Status WriteAll(int fd, ByteView data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("cannot write", path);
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

int OpenForAppend(const std::string& path) {
  return ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
}

class PosixWalFile final : public WalFile {
 public:
  PosixWalFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixWalFile() override { ::close(fd_); }

  absl::Status Append(ByteView data) override { return WriteAll(fd_, data, path_); }
  absl::Status Sync() override {
    if (::fdatasync(fd_) != 0) return Errno("cannot fsync", path_);
    return absl::OkStatus();
  }
  absl::StatusOr<Bytes> ReadAll() override {
    Bytes out;
    std::array<uint8_t, 1 << 16> buffer;
    off_t offset = 0;
    while (true) {
      const ssize_t n = ::pread(fd_, buffer.data(), buffer.size(), offset);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Errno("cannot read", path_);
      if (n == 0) break;
      out.insert(out.end(), buffer.begin(), buffer.begin() + n);
      offset += n;
    }
    return out;
  }
  absl::Status Truncate(uint64_t size) override {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) return Errno("cannot truncate", path_);
    return Sync();
  }
  absl::Status Replace(ByteView contents) override {
    const std::string temp = path_ + ".compact";
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return Errno("cannot create", temp);
    absl::Status written = WriteAll(fd, contents, temp);
    if (written.ok() && ::fdatasync(fd) != 0) written = Errno("cannot fsync", temp);
    ::close(fd);
    if (written.ok() && ::rename(temp.c_str(), path_.c_str()) != 0)
      written = Errno("cannot rename over", path_);
    if (!written.ok()) {
      ::unlink(temp.c_str());
      return written;
    }
    THETA_RETURN_IF_ERROR(SyncFolder());
    const int reopened = OpenForAppend(path_);
    if (reopened < 0) return Errno("cannot reopen", path_);
    ::close(fd_);
    fd_ = reopened;
    return absl::OkStatus();
  }

 private:
  // The rename is durable only once the folder holding the log is synced.
  absl::Status SyncFolder() const {
    const size_t slash = path_.find_last_of('/');
    const std::string folder = slash == std::string::npos ? "." : path_.substr(0, slash + 1);
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return Errno("cannot open the folder of", path_);
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) return Errno("cannot fsync the folder of", path_);
    return absl::OkStatus();
  }

  int fd_;
  std::string path_;
};

}  // namespace

uint32_t Crc32c(ByteView data) {
  static const std::array<uint32_t, 256> table = MakeCrcTable();
  uint32_t crc = 0xFFFFFFFFu;
  for (uint8_t b : data)
    crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

absl::StatusOr<std::unique_ptr<WalFile>> OpenPosixWalFile(const std::string& path) {
  const int fd = OpenForAppend(path);
  if (fd < 0) return Errno("cannot open", path);
  return std::make_unique<PosixWalFile>(fd, path);
}

Bytes EncodeSafetyState(const SafetyState& s) {
  RlpWriter w;
  w.BeginList().AddUint(s.epoch).AddUint(s.last_voted_round).AddUint(s.last_proposed_round);
  w.AddRaw(EncodeQuorumCert(s.high_qc)).EndList();
  return std::move(w).Finish();
}

absl::StatusOr<SafetyState> DecodeSafetyState(ByteView bytes) {
  THETA_ASSIGN_OR_RETURN(RlpItem item, DecodeRlp(bytes));
  THETA_ASSIGN_OR_RETURN(std::vector<RlpItem> f, RlpListItems(item));
  if (f.size() != 4)
    return absl::InvalidArgumentError("consensus wal: safety record needs 4 fields");
  SafetyState s;
  THETA_ASSIGN_OR_RETURN(s.epoch, RlpUint64(f[0]));
  THETA_ASSIGN_OR_RETURN(s.last_voted_round, RlpUint64(f[1]));
  THETA_ASSIGN_OR_RETURN(s.last_proposed_round, RlpUint64(f[2]));
  THETA_ASSIGN_OR_RETURN(s.high_qc, DecodeQuorumCert(f[3].encoded));
  return s;
}

absl::Status WalStorage::AppendRecord(uint8_t type, ByteView payload, bool sync) {
  Bytes record;
  record.reserve(kHeaderSize + 1 + payload.size());
  AppendFramed(record, type, payload);
  THETA_RETURN_IF_ERROR(file_->Append(record));
  size_bytes_ += record.size();
  return sync ? file_->Sync() : absl::OkStatus();
}

absl::Status WalStorage::Compact(const RecoveredState& live) {
  Bytes log;
  if (live.anchor) AppendFramed(log, kAnchorRecord, EncodeBlock(*live.anchor));
  for (const Block& block : live.blocks)
    AppendFramed(log, kBlockRecord, EncodeBlock(block));
  for (const QuorumCert& qc : live.qcs)
    AppendFramed(log, kQcRecord, EncodeQuorumCert(qc));
  for (const EpochProof& proof : live.epoch_proofs)
    AppendFramed(log, kEpochProofRecord, EncodeMessage(proof));
  if (live.safety) AppendFramed(log, kSafetyRecord, EncodeSafetyState(*live.safety));
  THETA_RETURN_IF_ERROR(file_->Replace(log));
  size_bytes_ = log.size();
  return absl::OkStatus();
}

absl::Status WalStorage::SaveSafety(const SafetyState& state) {
  return AppendRecord(kSafetyRecord, EncodeSafetyState(state), true);
}
absl::Status WalStorage::SaveBlock(const Block& block) {
  return AppendRecord(kBlockRecord, EncodeBlock(block), false);
}
absl::Status WalStorage::SaveQuorumCert(const QuorumCert& qc) {
  return AppendRecord(kQcRecord, EncodeQuorumCert(qc), false);
}
absl::Status WalStorage::SaveEpochProof(const EpochProof& proof) {
  return AppendRecord(kEpochProofRecord, EncodeMessage(proof), false);
}

absl::StatusOr<RecoveredState> WalStorage::Load() {
  THETA_ASSIGN_OR_RETURN(Bytes log, file_->ReadAll());
  RecoveredState state;
  size_t offset = 0;
  truncated_bytes_ = 0;
  while (offset < log.size()) {
    const size_t left = log.size() - offset;
    const uint32_t length = left >= kHeaderSize ? ReadLe32(&log[offset]) : 0;
    const bool torn = left < kHeaderSize || length > left - kHeaderSize;
    if (torn || length == 0 || length > kMaxRecord) {
      if (!torn && offset + kHeaderSize + length < log.size()) {
        return absl::DataLossError(absl::StrCat("consensus wal: record at offset ", offset,
                                                " has an impossible length ", length,
                                                "; the log is corrupt, refusing to start"));
      }
      break;  // cut short by a crash
    }
    ByteView body(&log[offset + kHeaderSize], length);
    const size_t end = offset + kHeaderSize + length;
    if (Crc32c(body) != ReadLe32(&log[offset + 4])) {
      if (end == log.size()) break;  // the last record, torn mid-write
      return absl::DataLossError(absl::StrCat(
          "consensus wal: record at offset ", offset, " fails its checksum and ", log.size() - end,
          " bytes follow it; the log is corrupt mid-file, refusing to start "
          "(restore the data directory from a backup or resync the node from scratch)"));
    }
    const ByteView payload = body.subspan(1);
    absl::Status st;
    if (body[0] == kSafetyRecord) {
      absl::StatusOr<SafetyState> s = DecodeSafetyState(payload);
      st = s.status();
      if (s.ok()) state.safety = *s;
    } else if (body[0] == kBlockRecord) {
      absl::StatusOr<Block> b = DecodeBlock(payload);
      st = b.status();
      if (b.ok()) state.blocks.push_back(*std::move(b));
    } else if (body[0] == kAnchorRecord) {
      absl::StatusOr<Block> b = DecodeBlock(payload);
      st = b.status();
      if (b.ok()) state.anchor = *std::move(b);
    } else if (body[0] == kQcRecord) {
      absl::StatusOr<QuorumCert> q = DecodeQuorumCert(payload);
      st = q.status();
      if (q.ok()) state.qcs.push_back(*std::move(q));
    } else if (body[0] == kEpochProofRecord) {
      absl::StatusOr<Message> m = DecodeMessage(payload);
      st = m.status();
      if (st.ok() && !std::holds_alternative<EpochProof>(*m)) {
        st = absl::InvalidArgumentError("an epoch proof record holds another message");
      }
      if (st.ok()) state.epoch_proofs.push_back(std::get<EpochProof>(*std::move(m)));
    } else {
      st = absl::InvalidArgumentError(absl::StrCat("unknown record type ", body[0]));
    }
    if (!st.ok()) {
      return absl::DataLossError(absl::StrCat("consensus wal: record at offset ", offset,
                                              " does not decode: ", std::string(st.message())));
    }
    offset = end;
  }
  if (offset < log.size()) {
    truncated_bytes_ = log.size() - offset;
    THETA_RETURN_IF_ERROR(file_->Truncate(offset));
  }
  size_bytes_ = offset;
  return state;
}

}  // namespace theta::consensus
