// ThetaNode (node.hpp): opening the data directory, starting and stopping the parts in order.
#include "theta/node/node.hpp"

#include <pthread.h>

#include <fstream>
#include <future>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "boost/asio/post.hpp"
#include "node_impl.hpp"
#include "spdlog/spdlog.h"
#include "theta/core/status.hpp"
#include "theta/core/thread_priority.hpp"

namespace theta::node {
namespace {

constexpr int kRpcThreads = 16;

// Guardian and elite edge node deposits carry a BLS proof of possession; the ledger asks us.
class PopVerifier final : public ledger::BlsPopVerifier {
 public:
  bool VerifyPop(ByteView pubkey, ByteView pop) const override {
    absl::StatusOr<crypto::bls::PublicKey> key = crypto::bls::PublicKey::FromBytes(pubkey);
    absl::StatusOr<crypto::bls::Signature> sig = crypto::bls::Signature::FromBytes(pop);
    return key.ok() && sig.ok() && crypto::bls::PopVerify(*key, *sig);
  }
};
const PopVerifier kPopVerifier;

absl::StatusOr<ledger::Genesis> LoadGenesis(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read the genesis file ", path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  absl::StatusOr<ledger::Genesis> genesis = ledger::ParseGenesisJson(text.str());
  if (!genesis.ok())
    return absl::InvalidArgumentError(
        absl::StrCat(path.string(), ": ", std::string(genesis.status().message())));
  return genesis;
}

}  // namespace

NodeImpl::~NodeImpl() {
  Stop();
}

absl::Status NodeImpl::Open() {
  THETA_ASSIGN_OR_RETURN(genesis_, LoadGenesis(config_.genesis));
  if (!config_.chain_id.empty() && config_.chain_id != genesis_.chain_id)
    return absl::InvalidArgumentError(absl::StrCat("config: chain_id \"", config_.chain_id,
                                                   "\" but the genesis is of \"", genesis_.chain_id,
                                                   "\""));
  std::error_code error;
  std::filesystem::create_directories(config_.data_dir, error);
  if (error)
    return absl::UnavailableError(absl::StrCat("cannot create the data directory ",
                                               config_.data_dir.string(), ": ", error.message()));
  THETA_ASSIGN_OR_RETURN(keys_, LoadNodeKeys(config_, log_));
  if (keys_.account) address_ = AddressFromPublicKey(keys_.account->DerivePublicKey());
  THETA_RETURN_IF_ERROR(OpenChain());
  THETA_RETURN_IF_ERROR(SetUpCommittee());
  THETA_RETURN_IF_ERROR(SetUpGuardians());
  SetUpMetrics();
  return absl::OkStatus();
}

absl::Status NodeImpl::OpenChain() {
  LevelDbOptions db_options;
  db_options.background_nice = static_cast<int>(config_.state.compaction_nice);
  absl::StatusOr<std::unique_ptr<KvStore>> store =
      OpenLevelDbStore((config_.data_dir / "db").string(), db_options);
  if (!store.ok())
    return absl::Status(store.status().code(),
                        absl::StrCat("cannot open the database in ", config_.data_dir.string(),
                                     "/db: ", std::string(store.status().message())));
  store_ = *std::move(store);
  ChainServiceOptions options;
  options.chain.bls_verifier = &kPopVerifier;
  options.chain.pruning_depth = config_.state.pruning_depth;
  // Each epoch's committee is read from the state before the epoch (also after a restart in
  // mid-epoch): that state must outlive the epoch.
  const uint64_t epoch_length = genesis_.epoch_length;
  if (options.chain.pruning_depth != 0 && options.chain.pruning_depth <= epoch_length) {
    options.chain.pruning_depth = epoch_length + 1;
    log_->warn("state.pruning_depth {} is shorter than an epoch ({} blocks): keeping {} states",
               config_.state.pruning_depth, epoch_length, options.chain.pruning_depth);
  }
  options.max_block_txs = config_.consensus.max_block_txs;
  options.mempool.workers = 2;
  THETA_ASSIGN_OR_RETURN(chain_, ChainService::Open(*store_, genesis_, options));
  log_->info("chain {} at height {} (genesis {})", chain_->chain_id(), chain_->Height(),
             ToHex(chain_->genesis_hash().view()));
  return absl::OkStatus();
}

// The genesis committee; with epochs (genesis epoch_length) each epoch's comes from the ledger's
// stakes at its start (ValidatorsAt).
absl::Status NodeImpl::SetUpCommittee() {
  THETA_ASSIGN_OR_RETURN(validators_, ValidatorSetOfState(0));
  verifier_ = consensus::NewSecp256k1AddressVerifier();
  // A validator's consensus key is its 20-byte account address (NewSecp256k1AddressVerifier).
  const Bytes own(address_.bytes.begin(), address_.bytes.end());
  for (consensus::ValidatorIndex i = 0; i < validators_.size(); ++i) {
    if (keys_.account && validators_.at(i).public_key == own) validator_index_ = i;
  }
  const bool epochs = chain_->epoch_length() > 0;
  if (config_.role == Role::kValidator && !validator_index_ && !epochs)
    return absl::FailedPreconditionError(
        absl::StrCat("role validator, but the account ", ToHex(address_.view()),
                     " is not in the genesis validator set (", validators_.size(), " validators)"));
  if (config_.role == Role::kValidator && !validator_index_)
    log_->warn(
        "the account {} is not in the genesis validator set: it follows the chain and "
        "votes from the first epoch whose stakes include it",
        ToHex(address_.view()));
  runs_consensus_ = config_.role == Role::kValidator && keys_.account.has_value();
  if (config_.role != Role::kValidator) validator_index_.reset();
  return absl::OkStatus();
}

absl::Status NodeImpl::Start() {
  if (started_) return absl::FailedPreconditionError("node: already started");
  started_ = true;
  net_work_.emplace(net_io_.get_executor());
  core_work_.emplace(core_io_.get_executor());
  rpc_work_.emplace(rpc_io_.get_executor());
  admit_work_.emplace(admit_io_.get_executor());
  THETA_RETURN_IF_ERROR(SetUpNetwork());
  THETA_RETURN_IF_ERROR(SetUpRpc());
  chain_->Subscribe([this](const CommitEvent& event) { AfterCommit(event); });
  chain_->SetNewTxHook([this](const Hash32&, ByteView raw) {
    QueueTxForGossip(raw);
    OnNewTx();
  });
  THETA_RETURN_IF_ERROR(host_->Start());
  threads_.emplace_back([this] { RunThread(net_io_, "net"); });
  threads_.emplace_back([this] { RunThread(core_io_, "core"); });
  // Admission and RPC yield to consensus when the cores are short (consensus.admission_nice);
  // the verification threads a batch starts inherit the niceness.
  const int admission_nice = static_cast<int>(config_.consensus.admission_nice);
  threads_.emplace_back([this, admission_nice] {
    RaiseThisThreadNice(admission_nice);
    RunThread(admit_io_, "admit");
  });
  // RPC handlers may block (theta.BroadcastRawTransaction waits for its block), so the pool is
  // larger than the core count.
  for (int i = 0; i < kRpcThreads; ++i)
    threads_.emplace_back([this, admission_nice] {
      RaiseThisThreadNice(admission_nice);
      RunThread(rpc_io_, "rpc");
    });
  std::promise<absl::Status> started;
  std::future<absl::Status> result = started.get_future();
  boost::asio::post(core_io_, [this, &started] {
    absl::Status status = runs_consensus_ ? StartConsensus() : absl::OkStatus();
    if (status.ok()) StatusTick();
    started.set_value(status);
  });
  THETA_RETURN_IF_ERROR(result.get());
  log_->info("{} node started: p2p {}, rpc {}, eth rpc {}", RoleName(config_.role),
             FormatEndpoint({config_.p2p_listen.host, host_->listen_port()}),
             rpc_server_ ? FormatEndpoint({config_.rpc_listen.host, rpc_server_->port()}) : "off",
             eth_rpc_server_
                 ? FormatEndpoint({config_.eth_rpc_listen.host, eth_rpc_server_->port()})
                 : "off");
  return absl::OkStatus();
}

void NodeImpl::RunThread(boost::asio::io_context& io, const char* name) {
  // "theta-core", "theta-rpc", ...: what an operator sees in top -H or perf, per thread.
  const std::string thread_name = absl::StrCat("theta-", name).substr(0, 15);
  pthread_setname_np(pthread_self(), thread_name.c_str());
  while (true) {
    try {
      io.run();
      return;
    } catch (const std::exception& e) {
      // A handler that throws is a bug; log it and keep serving rather than die mid-commit.
      log_->error("{} thread: unexpected exception: {}", name, e.what());
    }
  }
}

void NodeImpl::Stop() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  log_->info("stopping");
  if (rpc_server_) rpc_server_->Stop();
  if (eth_rpc_server_) eth_rpc_server_->Stop();
  // Let the core thread finish what it is doing (a commit is one write: stopping between two
  // is safe either way), then stop the network.
  std::promise<void> drained;
  boost::asio::post(core_io_, [&drained] { drained.set_value(); });
  drained.get_future().wait_for(std::chrono::seconds(10));
  if (host_) host_->Stop();
  rpc_work_.reset();
  admit_work_.reset();
  core_work_.reset();
  net_work_.reset();
  core_io_.stop();
  net_io_.stop();
  rpc_io_.stop();
  admit_io_.stop();
  for (std::thread& t : threads_)
    t.join();
  threads_.clear();
  consensus_.reset();
  guardian_.reset();
  log_->info("stopped");  // the stores close with the node (Status() stays readable until then)
}

void NodeImpl::Fail(const absl::Status& status) {
  std::lock_guard<std::mutex> lock(status_mu_);
  if (!health_.ok()) return;
  health_ = status;
  log_->critical("the node stops taking part: {}", std::string(status.message()));
}

absl::Status NodeImpl::health() const {
  std::lock_guard<std::mutex> lock(status_mu_);
  if (!health_.ok()) return health_;
  return consensus_ ? consensus_->status() : absl::OkStatus();
}

NodeStatus NodeImpl::Status() const {
  NodeStatus s;
  s.role = config_.role;
  s.chain_id = chain_->chain_id();
  s.address = address_;
  s.height = chain_->Height();
  s.head_hash = chain_->HeadHash();
  {
    std::lock_guard<std::mutex> lock(status_mu_);
    s.finalized_height = finalized_height_;
    s.finalized_hash = finalized_hash_;
  }
  s.consensus_round = round_.load();
  s.best_peer_height = best_peer_height_.load();
  s.syncing = s.best_peer_height > s.height + 4;
  s.peers = host_ ? host_->PeerCount() : 0;
  s.mempool = chain_->PendingCount();
  s.p2p_port = host_ ? host_->listen_port() : 0;
  s.rpc_port = rpc_server_ ? rpc_server_->port() : 0;
  s.eth_rpc_port = eth_rpc_server_ ? eth_rpc_server_->port() : 0;
  return s;
}

std::vector<net::PeerInfo> NodeImpl::Peers() const {
  return host_ ? host_->Peers() : std::vector<net::PeerInfo>{};
}

// --- ThetaNode -------------------------------------------------------------------------------

absl::StatusOr<std::unique_ptr<ThetaNode>> ThetaNode::Create(NodeConfig config, Logger logger) {
  auto impl = std::make_unique<NodeImpl>(std::move(config), std::move(logger));
  THETA_RETURN_IF_ERROR(impl->Open());
  return std::unique_ptr<ThetaNode>(new ThetaNode(std::move(impl)));
}

ThetaNode::ThetaNode(std::unique_ptr<NodeImpl> impl) : impl_(std::move(impl)) {}
ThetaNode::~ThetaNode() {
  impl_->Stop();
}
absl::Status ThetaNode::Start() {
  return impl_->Start();
}
void ThetaNode::Stop() {
  impl_->Stop();
}
NodeStatus ThetaNode::Status() const {
  return impl_->Status();
}
std::vector<net::PeerInfo> ThetaNode::Peers() const {
  return impl_->Peers();
}
ChainService& ThetaNode::chain() {
  return impl_->chain();
}
absl::Status ThetaNode::health() const {
  return impl_->health();
}

}  // namespace theta::node
