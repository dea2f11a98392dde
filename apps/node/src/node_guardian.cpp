// Guardians (node.hpp, channel 3): a guardian node signs every committed checkpoint and gossips
// BLS aggregates (consensus::Guardian); every node watches for finality certificates.
#include <random>

#include "absl/strings/str_cat.h"
#include "boost/asio/post.hpp"
#include "boost/asio/steady_timer.hpp"
#include "node_impl.hpp"
#include "spdlog/spdlog.h"
#include "theta/core/status.hpp"

namespace theta::node {
namespace {

constexpr size_t kMaxNeighbours = 10;

}  // namespace

absl::Status NodeImpl::SetUpGuardians() {
  THETA_ASSIGN_OR_RETURN(std::vector<ledger::StakedMember> members, chain_->GuardianSetAt(0));
  if (members.empty()) {
    if (config_.role == Role::kGuardian)
      return absl::FailedPreconditionError("role guardian, but the genesis has no guardians");
    return absl::OkStatus();
  }
  std::vector<consensus::GuardianInfo> infos;
  for (size_t i = 0; i < members.size(); ++i) {
    absl::StatusOr<crypto::bls::PublicKey> key =
        crypto::bls::PublicKey::FromBytes(members[i].bls_pubkey);
    if (!key.ok())
      return absl::FailedPreconditionError(absl::StrCat(
          "guardian ", ToHex(members[i].address.view()), " has an invalid BLS key in the state"));
    infos.push_back({*key, StakeUnits(members[i].stake)});
    if (keys_.account && members[i].address == address_) guardian_index_ = static_cast<uint32_t>(i);
  }
  THETA_ASSIGN_OR_RETURN(consensus::GuardianSet set,
                         consensus::GuardianSet::Create(std::move(infos)));
  guardian_set_ = std::make_unique<consensus::GuardianSet>(std::move(set));
  if (config_.role != Role::kGuardian) {
    guardian_index_.reset();
    return absl::OkStatus();
  }
  if (!guardian_index_)
    return absl::FailedPreconditionError(absl::StrCat("role guardian, but the account ",
                                                      ToHex(address_.view()),
                                                      " holds no guardian stake in the genesis"));
  if (!(crypto::bls::SkToPk(*keys_.bls) == guardian_set_->keys()[*guardian_index_]))
    return absl::FailedPreconditionError(
        "the BLS key does not match the guardian's key in the state");
  const uint32_t self = *guardian_index_;
  std::vector<uint32_t> others;
  for (uint32_t i = 0; i < guardian_set_->size(); ++i) {
    if (i != self) others.push_back(i);
  }
  std::mt19937_64 rng(std::random_device{}());
  std::shuffle(others.begin(), others.end(), rng);
  if (others.size() > kMaxNeighbours) others.resize(kMaxNeighbours);
  consensus::GuardianOptions options;
  options.chain_id = chain_->chain_id();
  options.self = self;
  options.round_ms = config_.consensus.guardian_round_ms;
  consensus::GuardianEnv env;
  env.send = [this, self](uint32_t to, Bytes message) {
    guardian_gossip_->Publish(
        EncodeEnvelope(Envelope{self, to, send_sequence_++, std::move(message)}));
  };
  env.set_timer = [this](uint64_t delay_ms, uint64_t token) {
    auto timer = std::make_shared<boost::asio::steady_timer>(core_io_);
    timer->expires_after(std::chrono::milliseconds(delay_ms));
    timer->async_wait([this, timer, token](const boost::system::error_code& error) {
      if (!error && guardian_) guardian_->OnTimer(token);
    });
  };
  const uint32_t count = static_cast<uint32_t>(guardian_set_->size());
  env.random_guardian = [count] {
    static thread_local std::mt19937 pick(std::random_device{}());
    return static_cast<uint32_t>(pick() % count);
  };
  // The first certificate of a checkpoint a guardian holds goes to every node, not only to its
  // guardian neighbours: validators and full nodes report finality too.
  env.on_final = [this, self](const consensus::GuardianMessage& certificate) {
    bool news = false;
    {
      std::lock_guard<std::mutex> lock(status_mu_);
      news = certificate.height > finalized_height_;
    }
    NoteFinal(certificate);
    if (news)
      guardian_gossip_->Publish(EncodeEnvelope(
          Envelope{self, kToAll, send_sequence_++, consensus::EncodeGuardianMessage(certificate)}));
  };
  guardian_ = std::make_unique<consensus::Guardian>(options, guardian_set_.get(), *keys_.bls,
                                                    std::move(others), std::move(env));
  log_->info("guardian {} of {}", self, guardian_set_->size());
  return absl::OkStatus();
}

// Network thread: relay everything well-formed; act on it on the core thread.
absl::Status NodeImpl::OnGuardianItem(ByteView item) {
  if (!guardian_set_)
    return absl::InvalidArgumentError("guardian message on a chain without guardians");
  THETA_ASSIGN_OR_RETURN(Envelope envelope, DecodeEnvelope(item));
  if (envelope.from >= guardian_set_->size())
    return absl::InvalidArgumentError("guardian envelope from an unknown guardian index");
  boost::asio::post(core_io_, [this, envelope = std::move(envelope)] {
    if (guardian_ && (envelope.to == kToAll || envelope.to == *guardian_index_) &&
        envelope.from != *guardian_index_) {
      absl::Status status = guardian_->OnMessage(envelope.from, envelope.message);
      if (!status.ok())
        log_->debug("guardian message from {}: {}", envelope.from, std::string(status.message()));
    }
    absl::StatusOr<consensus::GuardianMessage> message =
        consensus::DecodeGuardianMessage(envelope.message);
    if (!message.ok() || message->kind != consensus::GuardianMessage::Kind::kFinal) return;
    {
      std::lock_guard<std::mutex> lock(status_mu_);
      if (message->height <= finalized_height_) return;
    }
    if (consensus::VerifyCheckpointCertificate(*guardian_set_, chain_->chain_id(), *message).ok())
      NoteFinal(*message);
  });
  return absl::OkStatus();
}

void NodeImpl::OnCheckpointCommitted(uint64_t height, const Hash32& hash) {
  if (guardian_) guardian_->OnCheckpoint(height, hash);
}

void NodeImpl::NoteFinal(const consensus::GuardianMessage& certificate) {
  std::lock_guard<std::mutex> lock(status_mu_);
  if (certificate.height <= finalized_height_) return;
  finalized_height_ = certificate.height;
  finalized_hash_ = certificate.block_hash;
  log_->info("checkpoint {} finalized by guardians", certificate.height);
}

}  // namespace theta::node
