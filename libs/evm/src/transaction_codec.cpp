#include "theta/evm/transaction_codec.hpp"

#include <string>
#include <vector>

#include "theta/core/hash.hpp"
#include "theta/core/rlp.hpp"
#include "theta/core/secp256k1.hpp"
#include "theta/core/status.hpp"
#include "theta/evm/interpreter.hpp"

namespace theta::evm {

namespace {

absl::Status Invalid(const std::string& rule) {
  return absl::InvalidArgumentError("transaction decoding: " + rule);
}

// Wraps a core RLP error with the field it was reading.
absl::Status FieldError(const char* field, const absl::Status& status) {
  return Invalid(std::string(field) + ": " + std::string(status.message()));
}

absl::StatusOr<uint256> ReadUint256(const RlpItem& item, const char* field) {
  absl::StatusOr<ByteView> bytes = RlpUintBytes(item, 32);
  if (!bytes.ok()) return FieldError(field, bytes.status());
  return uint256::LoadBigEndian(*bytes);
}

absl::StatusOr<uint64_t> ReadUint64(const RlpItem& item, const char* field) {
  absl::StatusOr<uint64_t> v = RlpUint64(item);
  if (!v.ok()) return FieldError(field, v.status());
  return *v;
}

// The destination: empty for a creation, else exactly 20 bytes.
absl::StatusOr<std::optional<Address>> ReadTo(const RlpItem& item) {
  absl::StatusOr<ByteView> bytes = RlpBytes(item);
  if (!bytes.ok()) return FieldError("to", bytes.status());
  if (bytes->empty()) return std::optional<Address>();
  if (bytes->size() != 20) {
    return Invalid("to has " + std::to_string(bytes->size()) + " bytes, not 20");
  }
  return std::optional<Address>(Address::FromBytes(*bytes).value());
}

absl::StatusOr<std::vector<AccessListEntry>> ReadAccessList(const RlpItem& item) {
  THETA_ASSIGN_OR_RETURN(const std::vector<RlpItem> entries, RlpListItems(item));
  std::vector<AccessListEntry> out;
  for (const RlpItem& entry : entries) {
    THETA_ASSIGN_OR_RETURN(const std::vector<RlpItem> parts, RlpListItems(entry));
    if (parts.size() != 2) return Invalid("access list entry is not [address, keys]");
    absl::StatusOr<ByteView> address = RlpBytes(parts[0]);
    if (!address.ok() || address->size() != 20) return Invalid("access list address not 20 bytes");
    AccessListEntry e;
    e.address = Address::FromBytes(*address).value();
    THETA_ASSIGN_OR_RETURN(const std::vector<RlpItem> keys, RlpListItems(parts[1]));
    for (const RlpItem& key : keys) {
      absl::StatusOr<ByteView> k = RlpBytes(key);
      if (!k.ok() || k->size() != 32) return Invalid("access list storage key not 32 bytes");
      e.storage_keys.push_back(Hash32::FromBytes(*k).value());
    }
    out.push_back(std::move(e));
  }
  return out;
}

// Transaction::gas_limit is signed; a gas limit above 2^63 - 1 is well formed (the field is a
// 64-bit unsigned integer) but no block admits it, so capping it changes no validity decision.
int64_t CapGas(uint64_t gas) {
  return gas > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(gas);
}

absl::StatusOr<uint64_t> ReadNonce(const RlpItem& item) {
  THETA_ASSIGN_OR_RETURN(const uint64_t nonce, ReadUint64(item, "nonce"));
  // EIP-2681: an account nonce never reaches 2^64 - 1, so no transaction can carry it.
  if (nonce == UINT64_MAX) return Invalid("nonce 2^64 - 1 is over EIP-2681's limit");
  return nonce;
}

struct RawSignature {
  uint256 v;
  uint256 r;
  uint256 s;
};

absl::StatusOr<RawSignature> ReadSignature(const RlpItem* fields) {
  RawSignature sig;
  THETA_ASSIGN_OR_RETURN(sig.v, ReadUint256(fields[0], "v"));
  THETA_ASSIGN_OR_RETURN(sig.r, ReadUint256(fields[1], "r"));
  THETA_ASSIGN_OR_RETURN(sig.s, ReadUint256(fields[2], "s"));
  return sig;
}

// keccak256 of the RLP list of `fields` (the signed payload), after `type` when it is typed.
Hash32 SigningHash(std::optional<uint8_t> type, const std::vector<RlpItem>& fields, size_t count,
                   const std::vector<Bytes>& extra) {
  RlpWriter w;
  w.BeginList();
  for (size_t i = 0; i < count; ++i)
    w.AddRaw(fields[i].encoded);
  for (const Bytes& e : extra)
    w.AddRaw(e);
  w.EndList();
  Bytes payload;
  if (type.has_value()) payload.push_back(*type);
  const Bytes& list = w.bytes();
  payload.insert(payload.end(), list.begin(), list.end());
  return Keccak256(payload);
}

absl::StatusOr<Address> Recover(const Hash32& digest, const RawSignature& sig, uint8_t parity) {
  const Signature s = Signature::FromParts(sig.r.ToBigEndian(), sig.s.ToBigEndian(), parity);
  absl::StatusOr<Address> sender = RecoverAddress(digest, s);
  if (!sender.ok()) return Invalid("signature: " + std::string(sender.status().message()));
  return *sender;
}

// Legacy: [nonce, gasPrice, gas, to, value, data, v, r, s].
absl::StatusOr<Transaction> DecodeLegacy(const std::vector<RlpItem>& f, const uint256& chain_id,
                                         uint64_t& gas) {
  if (f.size() != 9)
    return Invalid("legacy transaction has " + std::to_string(f.size()) + " fields, not 9");
  Transaction tx;
  tx.type = 0;
  THETA_ASSIGN_OR_RETURN(tx.nonce, ReadNonce(f[0]));
  THETA_ASSIGN_OR_RETURN(tx.gas_price, ReadUint256(f[1], "gas price"));
  THETA_ASSIGN_OR_RETURN(gas, ReadUint64(f[2], "gas limit"));
  tx.gas_limit = CapGas(gas);
  THETA_ASSIGN_OR_RETURN(tx.to, ReadTo(f[3]));
  THETA_ASSIGN_OR_RETURN(tx.value, ReadUint256(f[4], "value"));
  absl::StatusOr<ByteView> data = RlpBytes(f[5]);
  if (!data.ok()) return FieldError("data", data.status());
  tx.data.assign(data->begin(), data->end());
  THETA_ASSIGN_OR_RETURN(const RawSignature sig, ReadSignature(&f[6]));
  uint8_t parity = 0;
  std::vector<Bytes> extra;
  if (sig.v == 27 || sig.v == 28) {
    parity = static_cast<uint8_t>(sig.v.limb(0) - 27);
  } else if (sig.v >= 35) {
    // EIP-155: v = chain_id * 2 + 35 + parity, and the chain id joins the signed fields.
    const uint256 id = (sig.v - 35) >> 1;
    if (id != chain_id) return Invalid("EIP-155 chain id " + id.ToHex() + " is not this chain's");
    parity = static_cast<uint8_t>((sig.v - 35).limb(0) & 1);
    tx.chain_id = id;
    extra = {RlpEncodeBytes(id.ToBigEndianTrimmed()), RlpEncodeBytes({}), RlpEncodeBytes({})};
  } else {
    return Invalid("v " + sig.v.ToHex() + " is neither 27/28 nor an EIP-155 value");
  }
  THETA_ASSIGN_OR_RETURN(tx.sender, Recover(SigningHash(std::nullopt, f, 6, extra), sig, parity));
  return tx;
}

// Types 1, 2 and 3 (field lists in EIP-2930, EIP-1559 and EIP-4844).
absl::StatusOr<Transaction> DecodeTyped(uint8_t type, const std::vector<RlpItem>& f,
                                        const uint256& chain_id, uint64_t& gas) {
  const size_t expected = type == 1 ? 11 : type == 2 ? 12 : 14;
  if (f.size() != expected) {
    return Invalid("type " + std::to_string(type) + " transaction has " + std::to_string(f.size()) +
                   " fields, not " + std::to_string(expected));
  }
  Transaction tx;
  tx.type = type;
  size_t i = 0;
  THETA_ASSIGN_OR_RETURN(const uint256 id, ReadUint256(f[i++], "chain id"));
  if (id != chain_id) return Invalid("chain id " + id.ToHex() + " is not this chain's");
  tx.chain_id = id;
  THETA_ASSIGN_OR_RETURN(tx.nonce, ReadNonce(f[i++]));
  if (type == 1) {
    THETA_ASSIGN_OR_RETURN(tx.gas_price, ReadUint256(f[i++], "gas price"));
  } else {
    THETA_ASSIGN_OR_RETURN(tx.max_priority_fee_per_gas, ReadUint256(f[i++], "priority fee"));
    THETA_ASSIGN_OR_RETURN(tx.max_fee_per_gas, ReadUint256(f[i++], "max fee"));
  }
  THETA_ASSIGN_OR_RETURN(gas, ReadUint64(f[i++], "gas limit"));
  tx.gas_limit = CapGas(gas);
  THETA_ASSIGN_OR_RETURN(tx.to, ReadTo(f[i++]));
  THETA_ASSIGN_OR_RETURN(tx.value, ReadUint256(f[i++], "value"));
  absl::StatusOr<ByteView> data = RlpBytes(f[i++]);
  if (!data.ok()) return FieldError("data", data.status());
  tx.data.assign(data->begin(), data->end());
  absl::StatusOr<std::vector<AccessListEntry>> list = ReadAccessList(f[i++]);
  if (!list.ok()) return FieldError("access list", list.status());
  tx.access_list = std::move(*list);
  if (type == 3) {
    THETA_ASSIGN_OR_RETURN(tx.max_fee_per_blob_gas, ReadUint256(f[i++], "max fee per blob gas"));
    THETA_ASSIGN_OR_RETURN(const std::vector<RlpItem> hashes, RlpListItems(f[i++]));
    for (const RlpItem& h : hashes) {
      absl::StatusOr<ByteView> b = RlpBytes(h);
      if (!b.ok() || b->size() != 32) return Invalid("blob versioned hash not 32 bytes");
      tx.blob_hashes.push_back(Hash32::FromBytes(*b).value());
    }
    if (!tx.to.has_value()) return Invalid("a blob transaction cannot create a contract");
  }
  const size_t signed_fields = i;
  THETA_ASSIGN_OR_RETURN(const RawSignature sig, ReadSignature(&f[i]));
  if (sig.v > 1) return Invalid("y parity " + sig.v.ToHex() + " is not 0 or 1");
  THETA_ASSIGN_OR_RETURN(tx.sender, Recover(SigningHash(type, f, signed_fields, {}), sig,
                                            static_cast<uint8_t>(sig.v.limb(0))));
  return tx;
}

bool TypeInRevision(uint8_t type, Revision rev) {
  switch (type) {
    case 1:
      return rev >= Revision::kBerlin;
    case 2:
      return rev >= Revision::kLondon;
    case 3:
      return rev >= Revision::kCancun;
    default:
      return false;
  }
}

// The stateless rules every type shares (see the header comment).
absl::Status CheckStateless(const Transaction& tx, uint64_t gas_limit, Revision rev,
                            int64_t intrinsic) {
  const uint256 price = tx.type >= 2 ? tx.max_fee_per_gas : tx.gas_price;
  const uint256 gas = gas_limit;
  if (!price.IsZero() && gas > uint256::Max() / price) {
    return Invalid("gas limit times gas price overflows 256 bits");
  }
  if (tx.type >= 2 && tx.max_priority_fee_per_gas > tx.max_fee_per_gas) {
    return Invalid("priority fee above the max fee");
  }
  if (rev >= Revision::kShanghai && !tx.to.has_value() && tx.data.size() > kMaxInitcodeSize) {
    return Invalid("init code over EIP-3860's limit");
  }
  if (tx.gas_limit < intrinsic) {
    return Invalid("gas limit " + std::to_string(tx.gas_limit) + " below the intrinsic gas " +
                   std::to_string(intrinsic));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<DecodedTransaction> DecodeTransaction(ByteView raw, Revision rev,
                                                     const uint256& chain_id) {
  if (raw.empty()) return Invalid("empty input");
  std::optional<uint8_t> type;
  ByteView body = raw;
  if (raw[0] < 0xc0) {
    // EIP-2718: a first byte below 0x80 is a type; 0x80..0xbf would be an RLP string, never valid.
    if (raw[0] >= 0x80) return Invalid("input is an RLP string, not a transaction");
    type = raw[0];
    if (!TypeInRevision(*type, rev)) {
      return Invalid("type " + std::to_string(*type) + " is not supported in " +
                     std::string(RevisionName(rev)));
    }
    body = raw.subspan(1);
  }
  absl::StatusOr<RlpItem> item = DecodeRlp(body);
  if (!item.ok()) return FieldError("rlp", item.status());
  if (!item->is_list) return Invalid("transaction is not an RLP list");
  absl::StatusOr<std::vector<RlpItem>> fields = RlpListItems(*item);
  if (!fields.ok()) return FieldError("rlp", fields.status());
  DecodedTransaction out;
  if (type.has_value()) {
    THETA_ASSIGN_OR_RETURN(out.tx, DecodeTyped(*type, *fields, chain_id, out.gas_limit));
  } else {
    THETA_ASSIGN_OR_RETURN(out.tx, DecodeLegacy(*fields, chain_id, out.gas_limit));
  }
  out.intrinsic_gas = IntrinsicGas(out.tx, rev);
  THETA_RETURN_IF_ERROR(CheckStateless(out.tx, out.gas_limit, rev, out.intrinsic_gas));
  out.hash = Keccak256(raw);
  return out;
}

}  // namespace theta::evm
