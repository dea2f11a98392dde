// Theta transactions in Theta's own wire format (thetatoken/theta-protocol-ledger
// ledger/types/tx.go and serialization.go; brief §3.2 and §3.4).
//
// A transaction is one of twelve structs; `Tx` is a variant whose index is the wire type id
// (0 Coinbase … 11 StakeRewardDistribution). Its raw bytes are RLP(uint16 type) ‖ RLP(struct), a
// concatenation, not a list. Amounts are Coins = [ThetaWei, TFuelWei]; a TxInput is [Address,
// Coins, Sequence, Signature] and a TxOutput [Address, Coins]. A signature is kept as the bytes
// that came off the wire (Go decodes any byte string there); only 65 bytes R‖S‖V with V in {0, 1}
// verify.
//
// Decoding is strict: one canonical encoding per transaction (integers without leading zeros,
// addresses of exactly 20 bytes, amounts of at most 32 bytes, the exact number of fields, nothing
// after the struct, at most 8 MiB), so EncodeTx(DecodeTx(raw)) == raw for every accepted `raw`.
// Go's decoder ignores bytes after the struct and takes amounts of any size; we reject both.
//
// Signing: the signer of a transaction signs keccak256(W(RLP(chainID) ‖ txbytes)), where txbytes
// are the raw bytes with the signer inputs' signatures emptied and W wraps its payload in an
// Ethereum-legacy-shaped transaction [0, 0, 0, 20 zero bytes, 0, payload] (so that Ethereum
// hardware wallets can sign it). Everything here is a plain value or a pure function: thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "theta/core/address.hpp"
#include "theta/core/bytes.hpp"
#include "theta/core/fixed_bytes.hpp"
#include "theta/core/secp256k1.hpp"
#include "theta/core/uint256.hpp"

namespace theta::ledger {

// The two native tokens, in wei (1 THETA = 1 TFUEL = 10^18 wei).
struct Coins {
  uint256 theta_wei;
  uint256 tfuel_wei;

  static Coins Theta(const uint256& wei) { return {wei, 0}; }
  static Coins TFuel(const uint256& wei) { return {0, wei}; }
  bool IsZero() const noexcept { return theta_wei.IsZero() && tfuel_wei.IsZero(); }
  // Both components >= the other's.
  bool IsGte(const Coins& other) const noexcept {
    return theta_wei >= other.theta_wei && tfuel_wei >= other.tfuel_wei;
  }
  friend bool operator==(const Coins&, const Coins&) = default;
};

struct TxInput {
  Address address;
  Coins coins;
  uint64_t sequence = 0;
  Bytes signature;  // empty when unsigned
  friend bool operator==(const TxInput&, const TxInput&) = default;
};

struct TxOutput {
  Address address;
  Coins coins;
  friend bool operator==(const TxOutput&, const TxOutput&) = default;
};

enum class TxType : uint16_t {
  kCoinbase = 0,
  kSlash = 1,
  kSend = 2,
  kReserveFund = 3,
  kReleaseFund = 4,
  kServicePayment = 5,
  kSplitRule = 6,
  kSmartContract = 7,
  kDepositStake = 8,
  kWithdrawStake = 9,
  kDepositStakeV2 = 10,
  kStakeRewardDistribution = 11,
};

struct CoinbaseTx {
  TxInput proposer;
  std::vector<TxOutput> outputs;
  uint64_t block_height = 0;
  friend bool operator==(const CoinbaseTx&, const CoinbaseTx&) = default;
};

struct SlashTx {
  TxInput proposer;
  Address slashed_address;
  uint64_t reserve_sequence = 0;
  Bytes slash_proof;
  friend bool operator==(const SlashTx&, const SlashTx&) = default;
};

struct SendTx {
  Coins fee;
  std::vector<TxInput> inputs;
  std::vector<TxOutput> outputs;
  friend bool operator==(const SendTx&, const SendTx&) = default;
};

struct ReserveFundTx {
  Coins fee;
  TxInput source;  // source.coins is the deposit
  Coins collateral;
  std::vector<std::string> resource_ids;
  uint64_t duration = 0;  // in blocks
  friend bool operator==(const ReserveFundTx&, const ReserveFundTx&) = default;
};

struct ReleaseFundTx {
  Coins fee;
  TxInput source;
  uint64_t reserve_sequence = 0;
  friend bool operator==(const ReleaseFundTx&, const ReleaseFundTx&) = default;
};

// A micropayment voucher: signed by the payer (source) off chain, countersigned and broadcast by
// the payee (target). source.coins is the amount paid in this settlement.
struct ServicePaymentTx {
  Coins fee;
  TxInput source;
  TxInput target;
  uint64_t payment_sequence = 0;
  uint64_t reserve_sequence = 0;
  std::string resource_id;
  friend bool operator==(const ServicePaymentTx&, const ServicePaymentTx&) = default;
};

struct Split {
  Address address;
  uint64_t percentage = 0;  // 0..100
  friend bool operator==(const Split&, const Split&) = default;
};

struct SplitRuleTx {
  Coins fee;
  std::string resource_id;
  TxInput initiator;
  std::vector<Split> splits;
  uint64_t duration = 0;
  friend bool operator==(const SplitRuleTx&, const SplitRuleTx&) = default;
};

// from.coins.tfuel_wei is the EVM call value; a zero `to` address creates a contract.
struct SmartContractTx {
  TxInput from;
  TxOutput to;
  uint64_t gas_limit = 0;
  uint256 gas_price;
  Bytes data;
  friend bool operator==(const SmartContractTx&, const SmartContractTx&) = default;
};

// Stake purposes (core/stake.go).
inline constexpr uint8_t kStakeForValidator = 0;
inline constexpr uint8_t kStakeForGuardian = 1;
inline constexpr uint8_t kStakeForEliteEdgeNode = 2;

struct DepositStakeTx {
  Coins fee;
  TxInput source;  // source.coins is the stake
  TxOutput holder;
  uint8_t purpose = 0;
  friend bool operator==(const DepositStakeTx&, const DepositStakeTx&) = default;
};

struct WithdrawStakeTx {
  Coins fee;
  TxInput source;
  TxOutput holder;
  uint8_t purpose = 0;
  friend bool operator==(const WithdrawStakeTx&, const WithdrawStakeTx&) = default;
};

// DepositStakeTx plus the holder's BLS summary (required on the first deposit to a guardian or
// elite edge node; empty strings otherwise).
struct DepositStakeV2Tx {
  Coins fee;
  TxInput source;
  TxOutput holder;
  uint8_t purpose = 0;
  Bytes bls_pubkey;  // empty or 48 bytes (BLS12-381 G1, compressed)
  Bytes bls_pop;     // empty or 96 bytes (G2, compressed)
  Bytes holder_sig;  // the holder's secp256k1 signature of its summary
  friend bool operator==(const DepositStakeV2Tx&, const DepositStakeV2Tx&) = default;
};

struct StakeRewardDistributionTx {
  Coins fee;
  TxInput holder;
  TxOutput beneficiary;
  uint64_t split_basis_point = 0;
  friend bool operator==(const StakeRewardDistributionTx&,
                         const StakeRewardDistributionTx&) = default;
};

// Alternative i is the transaction of wire type i.
using Tx = std::variant<CoinbaseTx, SlashTx, SendTx, ReserveFundTx, ReleaseFundTx, ServicePaymentTx,
                        SplitRuleTx, SmartContractTx, DepositStakeTx, WithdrawStakeTx,
                        DepositStakeV2Tx, StakeRewardDistributionTx>;

inline TxType TypeOf(const Tx& tx) noexcept {
  return static_cast<TxType>(tx.index());
}
// "Send", "SmartContract", … for messages.
std::string_view TxTypeName(TxType type) noexcept;

// The largest raw transaction accepted (serialization.go maxTxSize).
inline constexpr size_t kMaxTxBytes = 8 * 1024 * 1024;

// The raw bytes RLP(type) ‖ RLP(struct).
Bytes EncodeTx(const Tx& tx);

// Decodes raw bytes. InvalidArgument, naming the field and the rule, when `raw` is over
// kMaxTxBytes, the type is unknown, or the encoding is not the one canonical encoding of a
// transaction of that type (see the header comment).
absl::StatusOr<Tx> DecodeTx(ByteView raw);

// keccak256(raw): the hash users see (mempool, RPC, receipts).
Hash32 TxHash(ByteView raw) noexcept;

// The two shapes of the Ethereum-style wrapper around the payload. kV2
// ([0,0,0,zero,0,payload,1,0,0], EIP-155 shaped) is also accepted from height 12,749,952
// (common/heights.go HeightTxWrapperExtension).
enum class SignWrapper { kV1, kV2 };

// The bytes the signer input(s) sign: for Send every input's signature is emptied, for the others
// the one input (Coinbase/Slash proposer, source, initiator, from, holder). DepositStakeV2 with the
// validator purpose signs the bytes of the equivalent DepositStakeTx (type 8). ServicePayment gives
// the target's (payee's) sign bytes, as Go's TxID does; see ServicePaymentSourceSignBytes.
Bytes SignBytes(const Tx& tx, std::string_view chain_id, SignWrapper wrapper = SignWrapper::kV1);

// The payer's voucher bytes: the tx with source = {address, coins}, target = {address}, fee = 0
// and both other sequences and signatures cleared.
Bytes ServicePaymentSourceSignBytes(const ServicePaymentTx& tx, std::string_view chain_id,
                                    SignWrapper wrapper = SignWrapper::kV1);

// secp256k1 over keccak256(sign_bytes): 65 bytes R‖S‖V with V in {0, 1}.
Bytes SignMessage(ByteView sign_bytes, const PrivateKey& key);

// Ok when `signature` is 65 well-formed bytes that recover, over keccak256(sign_bytes), to
// `signer`. InvalidArgument "ledger: signature of 0x… is missing / has N bytes / is malformed: … /
// was made by 0x…" otherwise.
absl::Status VerifySignature(ByteView sign_bytes, ByteView signature, const Address& signer);

// Verifies every signature `tx` carries for execution: each signer input over SignBytes (the kV2
// wrapper also accepted when `allow_v2`), and for ServicePayment the payer's over the source sign
// bytes too. The first failure, as VerifySignature reports it.
absl::Status VerifyTxSignatures(const Tx& tx, std::string_view chain_id, bool allow_v2);

// Signs every signer input of `tx` whose address is the key's (for Send, each matching input; for
// ServicePayment, the target: sign the source with SignServicePaymentSource first). NotFound when
// no signer input has that address.
absl::Status SignTx(Tx& tx, std::string_view chain_id, const PrivateKey& key);

// The payer's signature on a voucher; InvalidArgument if the key is not the source's.
absl::Status SignServicePaymentSource(ServicePaymentTx& tx, std::string_view chain_id,
                                      const PrivateKey& key);

}  // namespace theta::ledger
