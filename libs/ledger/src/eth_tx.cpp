// Ethereum raw transactions: strict codec, signing hash, sender recovery and the translation into
// a SmartContractTx (eth_tx.hpp).
#include "theta/ledger/eth_tx.hpp"

#include "absl/strings/str_cat.h"
#include "codec.hpp"
#include "theta/core/hash.hpp"
#include "theta/core/status.hpp"

namespace theta::ledger {
namespace {

constexpr uint8_t kAccessListType = 0x01;
constexpr uint8_t kDynamicFeeType = 0x02;

void WriteTo(RlpWriter& w, const std::optional<Address>& to) {
  if (to)
    w.AddBytes(to->view());
  else
    w.AddBytes({});
}

void WriteAccessList(RlpWriter& w, const std::vector<EthAccessTuple>& list) {
  w.BeginList();
  for (const EthAccessTuple& t : list) {
    w.BeginList().AddBytes(t.address.view()).BeginList();
    for (const Hash32& key : t.storage_keys)
      w.AddBytes(key.view());
    w.EndList().EndList();
  }
  w.EndList();
}

// The fields every form shares, in the legacy order from nonce to data.
void WriteLegacyBody(RlpWriter& w, const EthTx& tx) {
  w.AddUint(tx.nonce);
  WriteUint256(w, tx.gas_price);
  w.AddUint(tx.gas_limit);
  WriteTo(w, tx.to);
  WriteUint256(w, tx.value);
  w.AddBytes(tx.data);
}

// EIP-2930: chainId, then the legacy body, then the access list.
void WriteAccessListBody(RlpWriter& w, const EthTx& tx) {
  WriteUint256(w, tx.chain_id);
  WriteLegacyBody(w, tx);
  WriteAccessList(w, tx.access_list);
}

void WriteDynamicBody(RlpWriter& w, const EthTx& tx) {
  WriteUint256(w, tx.chain_id);
  w.AddUint(tx.nonce);
  WriteUint256(w, tx.max_priority_fee_per_gas);
  WriteUint256(w, tx.max_fee_per_gas);
  w.AddUint(tx.gas_limit);
  WriteTo(w, tx.to);
  WriteUint256(w, tx.value);
  w.AddBytes(tx.data);
  WriteAccessList(w, tx.access_list);
}

void WriteTypedBody(RlpWriter& w, const EthTx& tx) {
  if (tx.type == EthTx::Type::kAccessList)
    WriteAccessListBody(w, tx);
  else
    WriteDynamicBody(w, tx);
}

void WriteSignature(RlpWriter& w, const Signature& sig) {
  WriteUint256(w, *uint256::FromBigEndian(sig.r().view()));
  WriteUint256(w, *uint256::FromBigEndian(sig.s().view()));
}

absl::StatusOr<std::optional<Address>> ReadTo(FieldReader& r) {
  THETA_ASSIGN_OR_RETURN(Bytes to, r.ByteString("to"));
  if (to.empty()) return std::optional<Address>();
  if (to.size() != Address::kSize)
    return absl::InvalidArgumentError(
        absl::StrCat("ethereum tx: to has ", to.size(), " bytes, expected 0 or 20"));
  Address a;
  std::copy(to.begin(), to.end(), a.bytes.begin());
  return std::optional<Address>(a);
}

absl::StatusOr<std::vector<EthAccessTuple>> ReadAccessList(FieldReader& r) {
  THETA_ASSIGN_OR_RETURN(FieldReader list, r.List("accessList"));
  std::vector<EthAccessTuple> out;
  while (!list.AtEnd()) {
    THETA_ASSIGN_OR_RETURN(FieldReader t, list.List("[]"));
    EthAccessTuple tuple;
    THETA_ASSIGN_OR_RETURN(tuple.address, t.Addr("address"));
    THETA_ASSIGN_OR_RETURN(FieldReader keys, t.List("storageKeys"));
    while (!keys.AtEnd()) {
      THETA_ASSIGN_OR_RETURN(Hash32 key, keys.Hash("[]"));
      tuple.storage_keys.push_back(key);
    }
    THETA_RETURN_IF_ERROR(t.End());
    out.push_back(std::move(tuple));
  }
  return out;
}

// r and s as canonical integers of at most 32 bytes, then the signature's own checks (low s).
absl::StatusOr<Signature> ReadSignature(FieldReader& r, uint64_t y_parity) {
  THETA_ASSIGN_OR_RETURN(uint256 sig_r, r.BigUint("r"));
  THETA_ASSIGN_OR_RETURN(uint256 sig_s, r.BigUint("s"));
  const Signature sig = Signature::FromParts(sig_r.ToBigEndian(), sig_s.ToBigEndian(),
                                             static_cast<uint8_t>(y_parity));
  absl::Status check = CheckSignature(sig);
  if (!check.ok())
    return absl::InvalidArgumentError(
        absl::StrCat("ethereum tx: signature: ", std::string(check.message())));
  return sig;
}

absl::StatusOr<EthTx> DecodeLegacy(const RlpItem& item) {
  THETA_ASSIGN_OR_RETURN(FieldReader r, FieldReader::Open(item, "ethereum legacy tx"));
  EthTx tx;
  THETA_ASSIGN_OR_RETURN(tx.nonce, r.Uint("nonce"));
  THETA_ASSIGN_OR_RETURN(tx.gas_price, r.BigUint("gasPrice"));
  THETA_ASSIGN_OR_RETURN(tx.gas_limit, r.Uint("gasLimit"));
  THETA_ASSIGN_OR_RETURN(tx.to, ReadTo(r));
  THETA_ASSIGN_OR_RETURN(tx.value, r.BigUint("value"));
  THETA_ASSIGN_OR_RETURN(tx.data, r.ByteString("data"));
  THETA_ASSIGN_OR_RETURN(uint256 v, r.BigUint("v"));
  if (v < uint256(37))
    return absl::InvalidArgumentError(absl::StrCat(
        "ethereum tx: v = ", v.ToDecimal(),
        " is not EIP-155; unprotected transactions are refused (sign with a chain ID)"));
  const uint256 rest = v - uint256(35);
  tx.chain_id = rest / uint256(2);
  THETA_ASSIGN_OR_RETURN(tx.signature, ReadSignature(r, (rest % uint256(2)).IsZero() ? 0 : 1));
  THETA_RETURN_IF_ERROR(r.End());
  return tx;
}

// EIP-2930 and EIP-1559 share their fields but the fee: one gasPrice, or the two EIP-1559 caps.
absl::StatusOr<EthTx> DecodeTyped(const RlpItem& item, EthTx::Type type) {
  const bool dynamic = type == EthTx::Type::kDynamicFee;
  THETA_ASSIGN_OR_RETURN(FieldReader r, FieldReader::Open(item, dynamic ? "ethereum EIP-1559 tx"
                                                                        : "ethereum EIP-2930 tx"));
  EthTx tx;
  tx.type = type;
  THETA_ASSIGN_OR_RETURN(tx.chain_id, r.BigUint("chainId"));
  THETA_ASSIGN_OR_RETURN(tx.nonce, r.Uint("nonce"));
  if (dynamic) {
    THETA_ASSIGN_OR_RETURN(tx.max_priority_fee_per_gas, r.BigUint("maxPriorityFeePerGas"));
    THETA_ASSIGN_OR_RETURN(tx.max_fee_per_gas, r.BigUint("maxFeePerGas"));
  } else {
    THETA_ASSIGN_OR_RETURN(tx.gas_price, r.BigUint("gasPrice"));
  }
  THETA_ASSIGN_OR_RETURN(tx.gas_limit, r.Uint("gasLimit"));
  THETA_ASSIGN_OR_RETURN(tx.to, ReadTo(r));
  THETA_ASSIGN_OR_RETURN(tx.value, r.BigUint("value"));
  THETA_ASSIGN_OR_RETURN(tx.data, r.ByteString("data"));
  THETA_ASSIGN_OR_RETURN(tx.access_list, ReadAccessList(r));
  THETA_ASSIGN_OR_RETURN(uint64_t y_parity, r.Uint("yParity", 1));
  THETA_ASSIGN_OR_RETURN(tx.signature, ReadSignature(r, y_parity));
  THETA_RETURN_IF_ERROR(r.End());
  if (tx.max_priority_fee_per_gas > tx.max_fee_per_gas)
    return absl::InvalidArgumentError(
        "ethereum tx: maxPriorityFeePerGas is above maxFeePerGas (EIP-1559)");
  return tx;
}

}  // namespace

absl::StatusOr<EthTx> DecodeEthTx(ByteView raw) {
  if (raw.size() > kMaxTxBytes)
    return absl::InvalidArgumentError(
        absl::StrCat("ethereum tx: ", raw.size(), " bytes, at most ", kMaxTxBytes));
  if (raw.empty()) return absl::InvalidArgumentError("ethereum tx: empty");
  const bool typed = raw[0] < 0xc0;
  if (typed && raw[0] != kAccessListType && raw[0] != kDynamicFeeType)
    return absl::InvalidArgumentError(
        absl::StrCat("ethereum tx: type ", raw[0],
                     " is not supported (legacy, EIP-2930 type 1 and EIP-1559 type 2 are)"));
  absl::StatusOr<RlpItem> item = DecodeRlp(typed ? raw.subspan(1) : raw);
  if (!item.ok()) return FieldError("ethereum tx", item.status());
  if (!item->is_list) return absl::InvalidArgumentError("ethereum tx: not an RLP list");
  if (!typed) return DecodeLegacy(*item);
  return DecodeTyped(
      *item, raw[0] == kAccessListType ? EthTx::Type::kAccessList : EthTx::Type::kDynamicFee);
}

Bytes EncodeEthTx(const EthTx& tx) {
  RlpWriter w;
  w.BeginList();
  if (tx.type == EthTx::Type::kLegacy) {
    WriteLegacyBody(w, tx);
    WriteUint256(w, tx.chain_id * uint256(2) + uint256(35 + tx.signature.v()));
  } else {
    WriteTypedBody(w, tx);
    w.AddUint(tx.signature.v());
  }
  WriteSignature(w, tx.signature);
  w.EndList();
  Bytes out = std::move(w).Finish();
  if (tx.type != EthTx::Type::kLegacy) out.insert(out.begin(), static_cast<uint8_t>(tx.type));
  return out;
}

Hash32 EthSigningHash(const EthTx& tx) {
  RlpWriter w;
  w.BeginList();
  if (tx.type == EthTx::Type::kLegacy) {
    WriteLegacyBody(w, tx);
    WriteUint256(w, tx.chain_id);
    w.AddUint(0).AddUint(0);
  } else {
    WriteTypedBody(w, tx);
  }
  w.EndList();
  Bytes payload = std::move(w).Finish();
  if (tx.type != EthTx::Type::kLegacy)
    payload.insert(payload.begin(), static_cast<uint8_t>(tx.type));
  return Keccak256(payload);
}

void SignEthTx(EthTx& tx, const PrivateKey& key) {
  tx.signature = Sign(key, EthSigningHash(tx));
}

absl::StatusOr<Address> EthSender(const EthTx& tx) {
  absl::StatusOr<Address> sender = RecoverAddress(EthSigningHash(tx), tx.signature);
  if (!sender.ok())
    return absl::InvalidArgumentError(absl::StrCat("ethereum tx: signature does not recover: ",
                                                   std::string(sender.status().message())));
  return sender;
}

absl::StatusOr<SmartContractTx> EthToSmartContractTx(const EthTx& tx, const Address& sender,
                                                     const uint256& evm_chain_id) {
  if (tx.chain_id != evm_chain_id)
    return absl::InvalidArgumentError(absl::StrCat("ethereum tx: chain ID ",
                                                   tx.chain_id.ToDecimal(), ", this chain's is ",
                                                   evm_chain_id.ToDecimal()));
  if (tx.nonce == ~uint64_t{0})
    return absl::InvalidArgumentError("ethereum tx: nonce 2^64 - 1 has no Theta sequence");
  SmartContractTx out;
  out.from = TxInput{sender, Coins::TFuel(tx.value), tx.nonce + 1, {}};
  out.to = TxOutput{tx.to.value_or(Address{}), {}};
  out.gas_limit = tx.gas_limit;
  out.gas_price = tx.type == EthTx::Type::kDynamicFee ? tx.max_fee_per_gas : tx.gas_price;
  out.data = tx.data;
  return out;
}

}  // namespace theta::ledger
