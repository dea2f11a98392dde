// Account addresses and their EIP-55 text form.
//
// An Address is the 20-byte identifier of an account: the last 20 bytes of the Keccak-256 of the
// account's uncompressed public key (see AddressFromPublicKey in secp256k1.hpp), or of the creator
// and nonce for a contract. It is a plain FixedBytes<20> value, so it orders, hashes and compares
// byte-wise.
//
// Its text form is "0x" and 40 hex digits. EIP-55 hides a checksum in the case of the letters a-f:
// a letter is upper case exactly when the matching nibble of keccak256(lower-case hex digits) is 8
// or more. Text in one case only (all lower or all upper) carries no checksum and is accepted as
// is; text in mixed case must carry the right checksum, so that a mistyped address is an error
// rather than a transfer to a stranger. All functions are pure and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "theta/core/fixed_bytes.hpp"

namespace theta {

using Address = FixedBytes<20>;

// The EIP-55 mixed-case form, e.g. "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed".
std::string ToChecksumHex(const Address& address);

// Parses "0x" followed by exactly 40 hex digits. All-lower and all-upper digits are accepted
// without a checksum; mixed case must match EIP-55. InvalidArgument, naming the input and the rule,
// when the prefix is missing, the digit count is not 40, a character is not a hex digit, or the
// mixed-case text fails its checksum ("address: \"0x…\" fails its EIP-55 checksum").
absl::StatusOr<Address> ParseAddress(std::string_view text);

}  // namespace theta
