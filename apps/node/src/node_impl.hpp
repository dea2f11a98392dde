// ThetaNode's insides (node.hpp), shared by node*.cpp.
#pragma once

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "theta/consensus/certificates.hpp"
#include "theta/consensus/guardian.hpp"
#include "theta/consensus/node.hpp"
#include "theta/consensus/wal.hpp"
#include "theta/crypto/bls.hpp"
#include "theta/net/gossip.hpp"
#include "theta/net/host.hpp"
#include "theta/net/metrics.hpp"
#include "theta/net/rpc_server.hpp"
#include "theta/node/node.hpp"
#include "theta/node/rpc.hpp"

namespace theta::node {

inline constexpr uint32_t kTxChannel = 1;
inline constexpr uint32_t kConsensusChannel = 2;
inline constexpr uint32_t kGuardianChannel = 3;
inline constexpr uint32_t kSyncChannel = 4;
inline constexpr uint32_t kToAll = 0xffffffff;

// The keys a node runs with (keys.cpp).
struct NodeKeys {
  std::optional<PrivateKey> account;
  std::optional<crypto::bls::SecretKey> bls;
  std::optional<net::NodeKey> node;
};
absl::StatusOr<NodeKeys> LoadNodeKeys(const NodeConfig& config, const Logger& log);

// A stake in wei as the consensus library counts it (node_consensus.cpp).
uint64_t StakeUnits(const uint256& wei);

// An RLP envelope [from, to, sequence, message] of the consensus and guardian channels.
struct Envelope {
  uint32_t from = 0;
  uint32_t to = kToAll;
  uint64_t sequence = 0;
  Bytes message;
};
Bytes EncodeEnvelope(const Envelope& envelope);
absl::StatusOr<Envelope> DecodeEnvelope(ByteView bytes);

// A gossiped batch of raw transactions (channel 1): RLP [raw tx, ...], 1 to 2,000 of them.
Bytes EncodeTxBatch(const std::vector<Bytes>& txs);
absl::StatusOr<std::vector<Bytes>> DecodeTxBatch(ByteView bytes);

class NodeImpl final : public consensus::Application,
                       public consensus::Transport,
                       public consensus::Clock {
 public:
  NodeImpl(NodeConfig config, Logger log) : config_(std::move(config)), log_(std::move(log)) {}
  ~NodeImpl() override;

  absl::Status Open();  // node.cpp
  absl::Status Start();
  void Stop();
  NodeStatus Status() const;
  std::vector<net::PeerInfo> Peers() const;
  ChainService& chain() { return *chain_; }
  absl::Status health() const;

  // consensus::Application (node_consensus.cpp), called on the core thread.
  Bytes Propose(uint64_t height, const Hash32& parent) override;
  absl::Status Validate(const consensus::Block& block) override;
  void Commit(const consensus::Block& block, const consensus::QuorumCert& proof) override;
  void OnCommitProof(const consensus::BlockHeader& child, const consensus::QuorumCert& qc) override;
  std::pair<uint64_t, Hash32> LastCommitted() const override;
  absl::StatusOr<consensus::ValidatorSet> ValidatorsAt(uint64_t height) override;
  std::optional<Hash32> CommittedHashAt(uint64_t height) const override;
  void OnEpochEnd(const consensus::EpochProof& proof) override;
  void ReportEvidence(const consensus::Evidence& evidence) override;
  uint64_t ProposalDelayMs(uint64_t parent_timestamp_ms) override;
  // consensus::Transport
  void Send(consensus::ValidatorIndex to, Bytes message) override;
  void Broadcast(Bytes message) override;
  // consensus::Clock
  uint64_t NowMs() const override;
  void SetTimer(uint64_t delay_ms, uint64_t token) override;

 private:
  // node.cpp
  absl::Status OpenChain();
  absl::Status SetUpCommittee();
  absl::Status SetUpNetwork();
  absl::Status SetUpRpc();
  void Fail(const absl::Status& status);
  void MaybeCollectGarbage(uint64_t height);
  void RunThread(boost::asio::io_context& io, const char* name);
  // node_consensus.cpp
  absl::Status StartConsensus();
  // The committee that certified the block at `height` (its epoch's), from the ledger's state.
  absl::StatusOr<consensus::Committee> CommitteeForBlock(uint64_t height);
  absl::StatusOr<consensus::ValidatorSet> ValidatorSetOfState(uint64_t state_height);
  absl::Status OnConsensusItem(ByteView item);
  void OnNewTx();
  void AfterCommit(const CommitEvent& event);
  // node_txs.cpp
  void QueueTxForGossip(ByteView raw);
  void FlushTxs();
  absl::Status OnTxBatch(const net::NodeId& from, ByteView item);
  // node_sync.cpp
  absl::Status OnSyncMessage(const net::NodeId& from, ByteView payload);
  void SendStatus(const std::optional<net::NodeId>& to);
  void StatusTick();
  void MaybeRequestBlocks();
  absl::Status ServeBlocks(const net::NodeId& peer, uint64_t from, uint64_t count);
  absl::Status ApplySyncedBlocks(const net::NodeId& peer, ByteView answer);
  // node_guardian.cpp
  absl::Status SetUpGuardians();
  absl::Status OnGuardianItem(ByteView item);
  void OnCheckpointCommitted(uint64_t height, const Hash32& hash);
  void NoteFinal(const consensus::GuardianMessage& certificate);
  // node_metrics.cpp
  void SetUpMetrics();
  void UpdateMetrics(const CommitEvent& event);
  void RefreshGauges();

  NodeConfig config_;
  Logger log_;
  NodeKeys keys_;
  Address address_;
  ledger::Genesis genesis_;

  std::unique_ptr<KvStore> store_;
  std::unique_ptr<ChainService> chain_;
  std::shared_ptr<net::MetricsRegistry> metrics_;

  boost::asio::io_context net_io_;
  boost::asio::io_context core_io_;
  boost::asio::io_context rpc_io_;
  boost::asio::io_context admit_io_;  // verifies transaction batches from peers
  std::vector<std::thread> threads_;
  bool started_ = false;
  bool stopped_ = false;

  std::unique_ptr<net::Host> host_;
  std::unique_ptr<net::Gossip> tx_gossip_;
  std::unique_ptr<net::Gossip> consensus_gossip_;
  std::unique_ptr<net::Gossip> guardian_gossip_;
  std::atomic<uint64_t> send_sequence_{0};
  std::mutex outbox_mu_;
  std::vector<Bytes> outbox_;  // admitted here, not yet gossiped
  size_t outbox_bytes_ = 0;

  // Consensus (core thread).
  consensus::ValidatorSet validators_;                        // the genesis committee
  std::optional<consensus::ValidatorIndex> validator_index_;  // in the genesis committee
  bool runs_consensus_ = false;  // role validator: follows (and, when in the committee, votes)
  std::mutex committees_mu_;
  std::map<uint64_t, consensus::ValidatorSet> committees_;  // by the state height they come from
  std::unique_ptr<consensus::Verifier> verifier_;
  std::unique_ptr<consensus::Signer> signer_;
  std::unique_ptr<consensus::WalStorage> wal_;
  std::unique_ptr<consensus::Node> consensus_;
  std::atomic<bool> waiting_idle_{false};  // a leader waits out idle_block_ms with nothing to do
  uint64_t idle_parent_ms_ = 0;

  // Guardians (core thread).
  std::unique_ptr<consensus::GuardianSet> guardian_set_;
  std::optional<uint32_t> guardian_index_;
  std::unique_ptr<consensus::Guardian> guardian_;

  // Block sync (core thread).
  std::map<net::NodeId, uint64_t> peer_heights_;
  uint64_t sync_requested_at_ms_ = 0;

  // Shared state for Status() (any thread).
  mutable std::mutex status_mu_;
  uint64_t finalized_height_ = 0;
  Hash32 finalized_hash_;
  absl::Status health_;
  std::atomic<uint64_t> round_{0};
  std::atomic<uint64_t> best_peer_height_{0};
  std::deque<std::pair<uint64_t, size_t>> recent_commits_;  // (ms, txs) of the last 10 s

  NodeRpc rpc_;
  std::unique_ptr<net::RpcServer> rpc_server_;
  std::unique_ptr<net::RpcServer> eth_rpc_server_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> net_work_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>
      core_work_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> rpc_work_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>
      admit_work_;
};

}  // namespace theta::node
