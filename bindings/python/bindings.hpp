// The native extension `theta._native`: one registration function per submodule, and the
// conversions every submodule shares.
//
// Conventions at the Python boundary: byte strings are `bytes`; 256-bit integers are Python ints
// (0 <= n < 2**256, ValueError outside); addresses are accepted as "0x" hex text (EIP-55 checked
// when mixed case) or as 20 bytes, and returned as EIP-55 text; an absl::Status error becomes
// ValueError (bad input) or RuntimeError (anything else) carrying the library's message.
#pragma once

#include <pybind11/pybind11.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "theta/core/address.hpp"
#include "theta/core/bytes.hpp"
#include "theta/core/fixed_bytes.hpp"
#include "theta/core/secp256k1.hpp"
#include "theta/core/uint256.hpp"

namespace theta::python {

// Adds `theta.core`: keccak256, sha256, blake2b256, rlp_encode, rlp_decode, checksum_address.
void RegisterCore(pybind11::module_& parent);
// Adds `theta.keys`: secp256k1 keys, signatures, recovery and addresses.
void RegisterKeys(pybind11::module_& parent);
// Adds `theta.ledger`: Theta transactions (encode, decode, sign) as dicts.
void RegisterLedger(pybind11::module_& parent);
// Adds `theta.bls`: BLS12-381 signatures with proof of possession.
void RegisterBls(pybind11::module_& parent);
// Adds `theta.evm`: an EVM over an in-memory state.
void RegisterEvm(pybind11::module_& parent);

// Borrows the bytes of a Python bytes object (alive as long as the object is).
ByteView View(const pybind11::bytes& data);
pybind11::bytes ToPy(ByteView bytes);

// ValueError for InvalidArgument, OutOfRange, NotFound and FailedPrecondition; RuntimeError for
// the rest. The message is the status's.
[[noreturn]] void Raise(const absl::Status& status);
template <typename T>
T Unwrap(absl::StatusOr<T> value) {
  if (!value.ok()) Raise(value.status());
  return *std::move(value);
}
inline void Check(const absl::Status& status) {
  if (!status.ok()) Raise(status);
}

// A non-negative Python int below 2**256; `what` names the argument in the ValueError.
uint256 ToUint256(const pybind11::handle& value, const char* what);
// An int that fits in 64 bits (unsigned).
uint64_t ToUint64(const pybind11::handle& value, const char* what);
pybind11::int_ FromUint256(const uint256& value);

// "0x" hex text or 20 bytes.
Address ToAddress(const pybind11::handle& value, const char* what);
inline std::string FromAddress(const Address& address) {
  return ToChecksumHex(address);
}

// Exactly N bytes, from bytes or "0x" hex text.
template <size_t N>
FixedBytes<N> ToFixed(const pybind11::handle& value, const char* what) {
  absl::StatusOr<FixedBytes<N>> out = absl::InvalidArgumentError("");
  if (pybind11::isinstance<pybind11::bytes>(value)) {
    out = FixedBytes<N>::FromBytes(View(pybind11::reinterpret_borrow<pybind11::bytes>(value)));
  } else if (pybind11::isinstance<pybind11::str>(value)) {
    out = FixedBytes<N>::FromHex(value.cast<std::string>());
  } else {
    throw pybind11::type_error(std::string(what) + ": expected bytes or a 0x-hex str");
  }
  if (!out.ok()) {
    throw pybind11::value_error(std::string(what) + ": " + std::string(out.status().message()));
  }
  return *out;
}

// A byte string from bytes or "0x" hex text.
Bytes ToBytes(const pybind11::handle& value, const char* what);

// A secp256k1 private key from 32 bytes or "0x" and 64 hex digits.
PrivateKey ToPrivateKey(const pybind11::handle& value);

}  // namespace theta::python
