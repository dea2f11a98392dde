// Encodings and params of the Ethereum RPC (eth_internal.hpp): geth's strict hex forms, so that a
// client's mistake is an error naming the param rather than a different value.
#include "absl/strings/str_cat.h"
#include "eth_internal.hpp"
#include "theta/core/status.hpp"

namespace theta::node::eth {

std::string Quantity(uint64_t value) {
  return uint256(value).ToHex();
}
std::string Quantity(const uint256& value) {
  return value.ToHex();
}
std::string Data(ByteView bytes) {
  return ToHex(bytes);
}
std::string HashHex(const Hash32& hash) {
  return ToHex(hash.view());
}
std::string AddressHex(const Address& address) {
  return ToHex(address.view());
}

absl::StatusOr<Json> Param(const Json& params, size_t i) {
  if (params.is_null()) return Json();
  if (!params.is_array())
    return absl::InvalidArgumentError("params must be an array (positional parameters)");
  return i < params.size() ? params[i] : Json();
}

namespace {

absl::StatusOr<std::string> Text(const Json& value, std::string_view what) {
  if (!value.is_string())
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(what), ": expected a hex string, got ", value.dump()));
  return value.get<std::string>();
}

absl::Status Named(const absl::Status& status, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat(std::string(what), ": ", std::string(status.message())));
}

}  // namespace

absl::StatusOr<uint256> ParseU256(const Json& value, std::string_view what) {
  THETA_ASSIGN_OR_RETURN(std::string text, Text(value, what));
  absl::StatusOr<uint256> parsed = uint256::FromHexQuantity(text);
  if (!parsed.ok()) return Named(parsed.status(), what);
  return *parsed;
}

absl::StatusOr<uint64_t> ParseU64(const Json& value, std::string_view what) {
  THETA_ASSIGN_OR_RETURN(uint256 parsed, ParseU256(value, what));
  if (parsed > uint256(UINT64_MAX))
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(what), ": ", parsed.ToHex(), " does not fit in 64 bits"));
  return parsed.limb(0);
}

absl::StatusOr<Address> ParseAddr(const Json& value, std::string_view what) {
  THETA_ASSIGN_OR_RETURN(std::string text, Text(value, what));
  absl::StatusOr<Address> parsed = ParseAddress(text);
  if (!parsed.ok()) return Named(parsed.status(), what);
  return *parsed;
}

absl::StatusOr<Hash32> ParseHash(const Json& value, std::string_view what) {
  THETA_ASSIGN_OR_RETURN(std::string text, Text(value, what));
  absl::StatusOr<Hash32> parsed = Hash32::FromHex(text);
  if (!parsed.ok()) return Named(parsed.status(), what);
  return *parsed;
}

absl::StatusOr<Bytes> ParseData(const Json& value, std::string_view what) {
  THETA_ASSIGN_OR_RETURN(std::string text, Text(value, what));
  absl::StatusOr<Bytes> parsed = ParseHex(text);
  if (!parsed.ok()) return Named(parsed.status(), what);
  return std::move(*parsed);
}

absl::StatusOr<uint64_t> ResolveBlock(const ChainService& chain, const Json& value,
                                      std::string_view what) {
  if (value.is_null()) return chain.Height();
  if (value.is_object()) {  // EIP-1898
    if (value.contains("blockHash")) {
      THETA_ASSIGN_OR_RETURN(Hash32 hash, ParseHash(value["blockHash"], what));
      absl::StatusOr<BlockRecord> block = chain.BlockByHash(hash);
      if (!block.ok()) return block.status();
      return block->height;
    }
    if (value.contains("blockNumber")) return ResolveBlock(chain, value["blockNumber"], what);
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(what), ": a block object needs blockNumber or blockHash"));
  }
  if (!value.is_string())
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(what), ": expected a block number or tag, got ", value.dump()));
  const std::string tag = value.get<std::string>();
  // Every committed block is final (BFT), and the mempool is not a block: all tags but earliest
  // name the head.
  if (tag == "latest" || tag == "pending" || tag == "safe" || tag == "finalized")
    return chain.Height();
  if (tag == "earliest") return 0;
  if (tag.rfind("0x", 0) != 0)
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(what), ": \"", tag,
        "\" is not a block number or one of latest, earliest, pending, safe, finalized"));
  return ParseU64(value, what);
}

absl::StatusOr<uint64_t> ResolveStateBlock(const ChainService& chain, const Json& value) {
  absl::StatusOr<uint64_t> height = ResolveBlock(chain, value, "block");
  if (absl::IsNotFound(height.status()) || (height.ok() && *height > chain.Height()))
    return net::RpcErrorStatus(kEthServerError, "header not found");
  return height;
}

}  // namespace theta::node::eth
