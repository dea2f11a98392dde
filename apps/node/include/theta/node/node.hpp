// One theta-node process: a validator, guardian or full node assembled from the libraries.
//
// Threads: the peer network runs on one thread (theta::net::Host, gossip), consensus and block
// execution on another (the consensus Node, the guardian, block sync, ChainService::Commit), and
// the two RPC servers on a small pool. Messages cross from the network thread to the consensus
// thread by posting; nothing else is shared but ChainService (thread-safe) and the metrics.
//
// Peer protocol (channels of theta::net::Host):
//   1 transactions   gossip; item = a raw tx
//   2 consensus      gossip; item = RLP [from validator, to validator (2^32-1: all), sequence,
//                    consensus message]; validators act on those addressed to them
//   3 guardians      gossip; item = RLP [from guardian, to guardian (2^32-1: all), sequence,
//                    guardian message]
//   4 block sync     direct; RLP [1, height, head hash] status every second; [2, from, count]
//                    asks a peer for committed blocks; [3, [records], commit proof of the last]
//                    answers. Followers (full and guardian nodes) and lagging validators catch up
//                    this way and verify the answer against the validator set (commit proof).
// The sequence makes every consensus send a new gossip item (a re-sent timeout must travel again).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "theta/core/log.hpp"
#include "theta/net/host.hpp"
#include "theta/node/chain_service.hpp"
#include "theta/node/config.hpp"

namespace theta::node {

class NodeImpl;

// What the node reports about itself (RPC status, metrics, the devnet screen).
struct NodeStatus {
  Role role = Role::kFull;
  std::string chain_id;
  Address address;  // the account key's (validators and guardians)
  uint64_t height = 0;
  Hash32 head_hash;
  uint64_t head_timestamp = 0;    // seconds
  uint64_t finalized_height = 0;  // the last checkpoint with a guardian certificate seen
  Hash32 finalized_hash;
  uint64_t consensus_round = 0;  // validators
  bool syncing = false;          // a peer is known to be more than a few blocks ahead
  uint64_t best_peer_height = 0;
  size_t peers = 0;
  size_t mempool = 0;
  uint16_t p2p_port = 0;
  uint16_t rpc_port = 0;
  uint16_t eth_rpc_port = 0;
};

class ThetaNode {
 public:
  // Reads the genesis and keys, opens (or creates) the data directory. Nothing listens yet.
  // InvalidArgument / NotFound / FailedPrecondition naming the file or key at fault.
  static absl::StatusOr<std::unique_ptr<ThetaNode>> Create(NodeConfig config, Logger logger);
  ~ThetaNode();
  ThetaNode(const ThetaNode&) = delete;
  ThetaNode& operator=(const ThetaNode&) = delete;

  // Binds the ports, starts the threads, dials the seeds and enters consensus. Unavailable when a
  // port cannot be bound.
  absl::Status Start();
  // Stops RPC, then consensus and the network, then flushes and closes the stores. Idempotent.
  void Stop();

  NodeStatus Status() const;
  std::vector<net::PeerInfo> Peers() const;
  ChainService& chain();
  // Non-OK once the node has stopped on a fatal error (storage failure, divergence).
  absl::Status health() const;

 private:
  explicit ThetaNode(std::unique_ptr<NodeImpl> impl);
  std::unique_ptr<NodeImpl> impl_;
};

}  // namespace theta::node
