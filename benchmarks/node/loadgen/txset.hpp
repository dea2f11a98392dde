// The load generator's transactions: the devnet it loads (nodes and funded accounts from
// devnet.json) and the signed TFUEL SendTxs it submits, all signed before any timed phase.
//
// Transaction k is sent by account k mod A (A accounts) with sequence base + k div A + 1, so that
// any prefix of the list leaves every sender's sequence chain without gaps and senders take turns
// (short chains per sender in the mempool). Each pays the minimum SendTx fee (0.3 TFUEL) and sends
// 1,000 TFuelWei to the next account.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "theta/core/address.hpp"
#include "theta/core/bytes.hpp"
#include "theta/core/fixed_bytes.hpp"
#include "theta/core/secp256k1.hpp"

namespace theta::loadgen {

struct DevnetNode {
  std::string name;
  std::string role;
  uint16_t rpc_port = 0;
};

struct Devnet {
  std::string chain_id;
  std::vector<DevnetNode> nodes;
  std::vector<PrivateKey> keys;
  std::vector<Address> addresses;
};

// Reads devnet.json (theta-node init-devnet). InvalidArgument naming the field at fault.
absl::StatusOr<Devnet> LoadDevnet(const std::filesystem::path& path);

// The signed transactions, kept as one arena of raw bytes (hundreds of thousands of them).
class TxSet {
 public:
  TxSet(const Devnet& devnet, size_t accounts);

  // Signs transactions up to index `count` (exclusive) on `threads` threads.
  absl::Status SignUpTo(size_t count, unsigned threads);

  size_t size() const { return offsets_.size(); }
  size_t accounts() const { return accounts_; }
  // Index of the account that sends transaction k.
  size_t SenderOf(size_t k) const { return k % accounts_; }
  ByteView raw(size_t k) const { return ByteView(arena_.data() + offsets_[k], lengths_[k]); }
  const Hash32& hash(size_t k) const { return hashes_[k]; }

 private:
  const Devnet& devnet_;
  size_t accounts_;
  std::vector<uint8_t> arena_;
  std::vector<uint64_t> offsets_;
  std::vector<uint16_t> lengths_;
  std::vector<Hash32> hashes_;
};

// The ledger's signature check, as the mempool runs it on every admitted transaction (decode +
// signature recovery + address compare), timed over txs [0, count) on `threads` threads.
struct CeilingMeasurement {
  size_t txs = 0;
  unsigned threads = 0;
  double seconds = 0;            // wall time
  double checks_per_second = 0;  // txs / seconds
  double us_per_check = 0;       // wall time per check per thread: seconds * threads / txs
  // CPU time the checking threads used, per check. On a machine shared with other work the wall
  // rate understates what the cores can do; cpu_checks_per_second = threads / cpu time per check
  // is the rate with the threads' cores to themselves.
  double cpu_us_per_check = 0;
  double cpu_checks_per_second = 0;
};
absl::StatusOr<CeilingMeasurement> MeasureSignatureChecks(const TxSet& txs,
                                                          std::string_view chain_id, size_t count,
                                                          unsigned threads);

}  // namespace theta::loadgen
