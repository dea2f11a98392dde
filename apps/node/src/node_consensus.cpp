// ThetaNode as the consensus Node's world: the application (ChainService), the transport (gossip
// envelopes), the clock (asio timers on the core thread) and the pacing of proposals.
#include <chrono>

#include "absl/strings/str_cat.h"
#include "boost/asio/post.hpp"
#include "boost/asio/steady_timer.hpp"
#include "node_impl.hpp"
#include "spdlog/spdlog.h"
#include "theta/core/status.hpp"

namespace theta::node {
// Whole coins, at least 1 and at most 2^40: the consensus library counts stake in uint64 and
// caps totals at 2^62.
uint64_t StakeUnits(const uint256& wei) {
  const uint256 units = wei / uint256(1'000'000'000'000'000'000ULL);
  const auto& limbs = units.limbs();
  if (limbs[1] != 0 || limbs[2] != 0 || limbs[3] != 0 || limbs[0] > (uint64_t{1} << 40))
    return uint64_t{1} << 40;
  return std::max<uint64_t>(limbs[0], 1);
}

absl::Status NodeImpl::StartConsensus() {
  const std::string path = (config_.data_dir / "consensus.wal").string();
  THETA_ASSIGN_OR_RETURN(std::unique_ptr<consensus::WalFile> file,
                         consensus::OpenPosixWalFile(path));
  wal_ = std::make_unique<consensus::WalStorage>(std::move(file));
  signer_ = consensus::NewSecp256k1Signer(*keys_.account);
  consensus::NodeOptions options;
  options.chain_id = chain_->chain_id();
  options.genesis_hash = chain_->genesis_hash();
  options.self = validator_index_.value_or(0);
  options.self_key = Bytes(address_.bytes.begin(), address_.bytes.end());  // its index per epoch
  options.epoch_length = chain_->epoch_length();
  options.keep_epoch_proofs = 16;  // full blocks: a node further behind uses block sync
  options.base_timeout_ms = config_.consensus.base_timeout_ms;
  options.max_timeout_ms = config_.consensus.max_timeout_ms;
  // Enough for a validator up to 64 blocks behind to catch up by consensus sync (further behind it
  // uses block sync from the store); full blocks make each one costly to hold.
  options.keep_committed_blocks = 128;
  options.compact_wal_every = config_.consensus.wal_compact_interval;
  // The store's commits are not fsynced one by one: root a compacted WAL well below the head, so
  // a machine crash that loses the store's last writes still finds their blocks in the WAL.
  options.wal_anchor_depth = 64;
  consensus::NodeEnv env{signer_.get(), verifier_.get(), this, this, wal_.get(), this};
  consensus_ = std::make_unique<consensus::Node>(options, env);
  absl::Status started = consensus_->Start();
  if (!started.ok())
    return absl::Status(started.code(),
                        absl::StrCat("consensus (", path, "): ", std::string(started.message())));
  if (wal_->truncated_bytes() > 0)
    log_->warn("consensus WAL: cut {} bytes of a torn last record", wal_->truncated_bytes());
  const std::optional<consensus::ValidatorIndex> self = consensus_->self();
  log_->info("validator {} enters consensus in epoch {} at round {} ({} of {} validators)",
             ToHex(address_.view()), consensus_->epoch(), consensus_->round(),
             self ? absl::StrCat("index ", *self) : std::string("not in the committee"),
             consensus_->committee().validators.size());
  round_ = consensus_->round();
  return absl::OkStatus();
}

// A consensus envelope from the gossip (network thread). Envelopes addressed elsewhere are relayed
// and otherwise ignored; ours go to the core thread, where the committee (which changes with the
// epochs) says who we are.
absl::Status NodeImpl::OnConsensusItem(ByteView item) {
  THETA_ASSIGN_OR_RETURN(Envelope envelope, DecodeEnvelope(item));
  if (envelope.from >= consensus::kMaxValidators)
    return absl::InvalidArgumentError("consensus envelope from a non-validator index");
  if (!runs_consensus_) return absl::OkStatus();
  boost::asio::post(core_io_, [this, envelope = std::move(envelope)] {
    if (!consensus_) return;
    const std::optional<consensus::ValidatorIndex> self = consensus_->self();
    if (envelope.to != kToAll && envelope.to != self) return;
    if (envelope.from == self) return;  // our own, echoed back
    absl::Status status = consensus_->OnMessage(envelope.from, envelope.message);
    if (!status.ok())
      log_->debug("consensus message from validator {}: {}", envelope.from,
                  std::string(status.message()));
    round_ = consensus_->round();
  });
  return absl::OkStatus();
}

void NodeImpl::Send(consensus::ValidatorIndex to, Bytes message) {
  const std::optional<consensus::ValidatorIndex> self =
      consensus_ ? consensus_->self() : std::nullopt;
  if (!self) return;  // a follower outside the committee has no index to send from
  Envelope envelope{*self, to, send_sequence_++, std::move(message)};
  consensus_gossip_->Publish(EncodeEnvelope(envelope));
}

void NodeImpl::Broadcast(Bytes message) {
  Send(kToAll, std::move(message));
}

uint64_t NodeImpl::NowMs() const {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

void NodeImpl::SetTimer(uint64_t delay_ms, uint64_t token) {
  auto timer = std::make_shared<boost::asio::steady_timer>(core_io_);
  timer->expires_after(std::chrono::milliseconds(delay_ms));
  timer->async_wait([this, timer, token](const boost::system::error_code& error) {
    if (error || !consensus_) return;
    consensus_->OnTimer(token);
    round_ = consensus_->round();
  });
}

Bytes NodeImpl::Propose(uint64_t height, const Hash32& parent) {
  waiting_idle_ = false;
  (void)height;
  // Called from inside consensus_'s proposal step: reading its block tree is safe on this thread.
  std::vector<ByteView> uncommitted;
  for (const consensus::Block* block : consensus_->UncommittedChain(parent))
    uncommitted.push_back(block->payload);
  return chain_->BuildPayload(uncommitted);
}

// Consensus asks this right before it votes for the block (after its round and safety checks), so
// a success here is the moment of the vote: the vote latency metric is taken here.
absl::Status NodeImpl::Validate(const consensus::Block& block) {
  // A proposer's clock may run a little ahead; far ahead is refused so timestamps stay useful.
  if (block.header.timestamp_ms > NowMs() + 15'000)
    return absl::InvalidArgumentError("proposal: timestamp more than 15 s in the future");
  THETA_RETURN_IF_ERROR(chain_->ValidatePayload(block.payload));
  const uint64_t now = NowMs();
  if (now > block.header.timestamp_ms)
    metrics_->GetHistogram("theta_consensus_vote_latency_seconds", "")
        .Observe(static_cast<double>(now - block.header.timestamp_ms) / 1000.0);
  return absl::OkStatus();
}

void NodeImpl::Commit(const consensus::Block& block, const consensus::QuorumCert& proof) {
  absl::Status status = chain_->Commit(block, proof);
  if (!status.ok()) return Fail(status);
  MaybeCollectGarbage(block.header.height);
}

// With pruning on, every gc_interval blocks (consensus or block sync) on the core thread: the
// pass holds the chain's write lock, so RPC reads wait for it rather than see a pruned state.
void NodeImpl::MaybeCollectGarbage(uint64_t height) {
  const StateConfig& state = config_.state;
  if (state.pruning_depth == 0 || height % state.gc_interval != 0) return;
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<ledger::GarbageStats> gc = chain_->CollectGarbage();
  if (!gc.ok()) return Fail(gc.status());
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  log_->info(
      "state pruned at block {}: {} trie nodes deleted ({} bytes), {} live in {} roots, {} ms",
      height, gc->deleted_nodes, gc->deleted_bytes, gc->live_nodes, gc->roots, ms.count());
}

void NodeImpl::OnCommitProof(const consensus::BlockHeader& child, const consensus::QuorumCert& qc) {
  absl::Status status = chain_->AddCommitProof(CommitProof{child, qc});
  if (!status.ok())
    log_->warn("commit proof of block {}: {}", child.height - 1, std::string(status.message()));
}

std::pair<uint64_t, Hash32> NodeImpl::LastCommitted() const {
  return {chain_->Height(), chain_->HeadHash()};
}

// The committee of the epoch that holds `height`: the ledger's validator set after the block
// before the epoch (stake changes count from the next epoch on; docs/node.md).
absl::StatusOr<consensus::ValidatorSet> NodeImpl::ValidatorsAt(uint64_t height) {
  return ValidatorSetOfState(chain_->CommitteeStateHeight(height));
}

absl::StatusOr<consensus::ValidatorSet> NodeImpl::ValidatorSetOfState(uint64_t state_height) {
  std::lock_guard lock(committees_mu_);
  if (auto it = committees_.find(state_height); it != committees_.end()) return it->second;
  THETA_ASSIGN_OR_RETURN(std::vector<ledger::StakedMember> members,
                         chain_->ValidatorSetAt(state_height));
  std::vector<consensus::Validator> set;
  for (const ledger::StakedMember& m : members) {
    set.push_back(consensus::Validator{Bytes(m.address.bytes.begin(), m.address.bytes.end()),
                                       StakeUnits(m.stake)});
  }
  absl::StatusOr<consensus::ValidatorSet> validators =
      consensus::ValidatorSet::Create(std::move(set));
  if (!validators.ok())
    return absl::FailedPreconditionError(
        absl::StrCat("the validator set after block ", state_height,
                     " is not a committee: ", std::string(validators.status().message())));
  if (committees_.size() >= 8) committees_.erase(committees_.begin());  // old epochs
  return committees_.emplace(state_height, *std::move(validators)).first->second;
}

absl::StatusOr<consensus::Committee> NodeImpl::CommitteeForBlock(uint64_t height) {
  const uint64_t state_height = chain_->CommitteeStateHeight(height);
  THETA_ASSIGN_OR_RETURN(consensus::ValidatorSet set, ValidatorSetOfState(state_height));
  const uint64_t length = chain_->epoch_length();
  const uint64_t epoch = length == 0 || height == 0 ? 0 : (height - 1) / length;
  return consensus::Committee{chain_->chain_id(), epoch,           std::move(set),
                              Hash32{},           verifier_.get(), state_height};
}

std::optional<Hash32> NodeImpl::CommittedHashAt(uint64_t height) const {
  absl::StatusOr<BlockRecord> record = chain_->BlockAt(height);
  if (!record.ok()) return std::nullopt;
  return record->hash;
}

// The epoch's last block may have committed through a longer suffix than one block: keep the
// proof in the form block sync serves.
void NodeImpl::OnEpochEnd(const consensus::EpochProof& proof) {
  CommitProof commit{proof.blocks[1].header, proof.qc, {}};
  for (size_t i = 2; i < proof.blocks.size(); ++i)
    commit.suffix.push_back(proof.blocks[i].header);
  absl::Status status = chain_->AddCommitProof(commit);
  if (!status.ok())
    log_->warn("epoch {} end proof: {}", proof.epoch, std::string(status.message()));
  else
    log_->info("epoch {} ended at block {}; epoch {} begins", proof.epoch,
               proof.blocks[0].header.height, proof.epoch + 1);
}

void NodeImpl::ReportEvidence(const consensus::Evidence& evidence) {
  log_->warn(
      "equivocation evidence: validator {} {} (slashing it on chain is not wired yet)",
      evidence.kind == consensus::Evidence::Kind::kDoubleVote ? evidence.vote_a.voter
                                                              : evidence.header_a.proposer,
      evidence.kind == consensus::Evidence::Kind::kDoubleVote ? "voted twice" : "proposed twice");
}

// Blocks come fast while transactions wait (min_block_ms apart) and slowly when idle
// (idle_block_ms), so an idle chain does not fill the disk with empty blocks.
uint64_t NodeImpl::ProposalDelayMs(uint64_t parent_timestamp_ms) {
  const uint64_t now = NowMs();
  const bool pending = chain_->PendingCount() > 0;
  const uint64_t interval =
      pending ? config_.consensus.min_block_ms : config_.consensus.idle_block_ms;
  const uint64_t due = parent_timestamp_ms + interval;
  waiting_idle_ = !pending;
  idle_parent_ms_ = parent_timestamp_ms;
  return due > now ? due - now : 0;
}

// A transaction arrived (any thread): a leader idling with nothing to propose proposes as soon as
// min_block_ms after its parent.
void NodeImpl::OnNewTx() {
  if (!waiting_idle_.exchange(false)) return;
  boost::asio::post(core_io_, [this] {
    if (!consensus_) return;
    const uint64_t due = idle_parent_ms_ + config_.consensus.min_block_ms;
    const uint64_t now = NowMs();
    if (due <= now) {
      consensus_->ProposeNow();
      return;
    }
    auto timer = std::make_shared<boost::asio::steady_timer>(core_io_);
    timer->expires_after(std::chrono::milliseconds(due - now));
    timer->async_wait([this, timer](const boost::system::error_code& error) {
      if (!error && consensus_) consensus_->ProposeNow();
    });
  });
}

void NodeImpl::AfterCommit(const CommitEvent& event) {
  UpdateMetrics(event);
  SendStatus(std::nullopt);
  const uint64_t height = event.block->height;
  if (height % config_.consensus.checkpoint_interval == 0)
    OnCheckpointCommitted(height, event.block->hash);
}

}  // namespace theta::node
