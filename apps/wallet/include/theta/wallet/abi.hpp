// The Solidity contract ABI (https://docs.soliditylang.org/en/latest/abi-spec.html): encoding the
// arguments of a function call or a constructor, as ethers' AbiCoder does.
//
// Types: uint<M> and int<M> (M = 8..256, multiple of 8; "uint"/"int" mean 256), address, bool,
// bytes<M> (M = 1..32), bytes, string, T[] and T[k] of any type, and tuples (JSON ABI
// "components"). Values come as JSON, the way a user writes them in a file or on the command line:
//   integers   a JSON integer, a decimal string ("-12"), or a "0x" hex string (non-negative)
//   address    "0x" and 40 hex digits (EIP-55 checked when mixed case)
//   bool       true / false
//   bytes<M>   "0x" and exactly 2M hex digits; bytes: "0x" and any even number of hex digits
//   string     a JSON string (encoded as its UTF-8 bytes)
//   arrays     JSON arrays (T[k]: exactly k elements); tuples: an array in component order or an
//              object keyed by component name
// Everything is checked: a value out of its type's range, a wrong length, or a wrong JSON kind is
// InvalidArgument naming the argument path ("args[1][0]") and the rule. Pure, thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "theta/core/bytes.hpp"

namespace theta::wallet {

struct AbiType {
  enum class Kind { kUint, kInt, kAddress, kBool, kFixedBytes, kBytes, kString, kArray, kTuple };
  Kind kind = Kind::kUint;
  int size = 256;                   // bits for kUint/kInt, bytes for kFixedBytes
  int length = -1;                  // kArray: -1 for T[], k for T[k]
  std::vector<AbiType> components;  // kArray: the element type; kTuple: the members
  std::vector<std::string> names;   // kTuple: member names (may be empty strings)

  // The canonical type name used in signatures: "uint256", "(address,bytes)[2]".
  std::string Canonical() const;
  bool IsDynamic() const;
};

// Parses a JSON ABI parameter {"type": "...", "components": [...], "name": "..."}. InvalidArgument
// for an unknown or malformed type.
absl::StatusOr<AbiType> ParseAbiParameter(const nlohmann::json& parameter);

// Parses a type written as text ("uint256[]", "(address,uint8)[2]"). Its errors.
absl::StatusOr<AbiType> ParseAbiTypeText(std::string_view text);

// abi.encode(values...) for `types`: the head/tail encoding of the tuple of arguments.
// InvalidArgument as described above, or when the counts differ.
absl::StatusOr<Bytes> AbiEncode(const std::vector<AbiType>& types, const nlohmann::json& values);

// A function or constructor picked from a JSON ABI (the array solc and Hardhat write, or an
// object with an "abi" member, as in Hardhat artifacts).
struct AbiFunction {
  std::string name;  // empty for the constructor
  std::vector<AbiType> inputs;
  std::string signature;  // "transfer(address,uint256)"
  bool payable = false;
};

// The function `name_or_signature` ("transfer" or "transfer(address,uint256)") of `abi`. A bare
// name that is overloaded must be disambiguated by `arg_count` (the number of arguments given);
// InvalidArgument listing the candidates otherwise. NotFound when the ABI has no such function.
absl::StatusOr<AbiFunction> FindAbiFunction(const nlohmann::json& abi,
                                            std::string_view name_or_signature, size_t arg_count);

// The constructor of `abi` (one with no inputs when the ABI declares none).
absl::StatusOr<AbiFunction> FindAbiConstructor(const nlohmann::json& abi);

// Call data: keccak256(signature)[0..4) ‖ AbiEncode(inputs, args).
absl::StatusOr<Bytes> EncodeFunctionCall(const AbiFunction& function, const nlohmann::json& args);

}  // namespace theta::wallet
