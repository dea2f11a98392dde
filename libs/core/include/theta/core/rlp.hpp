// Recursive Length Prefix (RLP), the canonical encoding of everything hashed or signed on chain
// (Ethereum Yellow Paper, appendix B; Theta uses it unchanged).
//
// An RLP item is either a byte string or a list of items. Encoding is canonical by construction.
// Decoding is strict: every item in the tree must be in its one canonical form, so two different
// byte strings never decode to the same value. Rejected with InvalidArgument, naming the offset:
//   - a single byte below 0x80 wrapped in a string header (0x81 0x05 instead of 0x05);
//   - a long-form header for a payload under 56 bytes, or a length with leading zero bytes;
//   - a length that runs past the end of the input, or any trailing bytes after the item;
//   - nesting deeper than RlpLimits::max_depth.
// Decoded items borrow the input bytes: keep the input alive while using them. Everything here is
// thread-compatible (no shared state).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"
#include "theta/core/bytes.hpp"
#include "theta/core/fixed_bytes.hpp"

namespace theta {

// ---------------------------------------------------------------------------------------------
// Encoding

// Builds one RLP encoding item by item. Lists nest with BeginList/EndList:
//   RlpWriter w;
//   w.BeginList().AddUint(nonce).AddBytes(to).EndList();
//   Bytes tx = std::move(w).Finish();
// Several top-level items may be written one after another; Finish returns their concatenation.
class RlpWriter {
 public:
  RlpWriter() = default;

  // A byte string item.
  RlpWriter& AddBytes(ByteView bytes);
  RlpWriter& AddString(std::string_view text) { return AddBytes(AsBytes(text)); }
  // An unsigned integer: big-endian without leading zeros; zero is the empty string (0x80).
  RlpWriter& AddUint(uint64_t value);
  // An unsigned integer given as big-endian bytes of any width; leading zeros are stripped.
  RlpWriter& AddUintBytes(ByteView big_endian);
  // An item that is already RLP-encoded, copied verbatim (the caller vouches for its form).
  RlpWriter& AddRaw(ByteView encoded);

  // Makes room for `bytes` of output at once: a hint for callers that know the size roughly.
  RlpWriter& Reserve(size_t bytes) {
    out_.reserve(bytes);
    return *this;
  }

  // Opens a list; the items added until the matching EndList form its payload.
  RlpWriter& BeginList();
  // Closes the innermost open list. Calling it with no list open is a programming error (asserts).
  RlpWriter& EndList();

  // The encoding so far. Every list must be closed (asserts).
  const Bytes& bytes() const;
  Bytes Finish() &&;

 private:
  Bytes out_;
  absl::InlinedVector<size_t, 8>
      open_lists_;  // offset of each open list's 1-byte header placeholder
};

// One-item conveniences.
Bytes RlpEncodeBytes(ByteView bytes);
Bytes RlpEncodeUint(uint64_t value);

// ---------------------------------------------------------------------------------------------
// Decoding

struct RlpLimits {
  // Deepest list nesting accepted; deeper input is rejected instead of exhausting the stack.
  int max_depth = 512;
};

// A decoded item: a view into the input it came from.
struct RlpItem {
  bool is_list = false;
  ByteView payload;  // a string's bytes, or a list's concatenated encoded items
  ByteView encoded;  // the whole item, header included

  bool is_string() const noexcept { return !is_list; }
};

// Decodes `input` as exactly one item and validates the whole tree under it. Trailing bytes are an
// error.
absl::StatusOr<RlpItem> DecodeRlp(ByteView input, const RlpLimits& limits = {});

// Decodes the first item of `input` (validating its tree) and stores the bytes after it in `*rest`.
// For streams of concatenated items, e.g. Theta's `RLP(type) ‖ RLP(tx)` wire form.
absl::StatusOr<RlpItem> DecodeRlpPrefix(ByteView input, ByteView* rest,
                                        const RlpLimits& limits = {});

// Iterates over the items of a decoded list. The list must come from DecodeRlp/DecodeRlpPrefix (or
// a reader over one), so its items are already validated and Next only splits them.
class RlpListReader {
 public:
  // InvalidArgument if `item` is a string.
  static absl::StatusOr<RlpListReader> Open(const RlpItem& item);

  bool AtEnd() const noexcept { return rest_.empty(); }
  // The next item; InvalidArgument when the list has no more items.
  absl::StatusOr<RlpItem> Next();
  // InvalidArgument if items remain (for structures with a fixed number of fields).
  absl::Status ExpectEnd() const;

 private:
  explicit RlpListReader(ByteView payload) : rest_(payload) {}
  ByteView rest_;
};

// All items of a list (InvalidArgument if `item` is a string).
absl::StatusOr<std::vector<RlpItem>> RlpListItems(const RlpItem& item);

// A string item's bytes; InvalidArgument for a list.
absl::StatusOr<ByteView> RlpBytes(const RlpItem& item);

// A canonical unsigned integer of at most 8 bytes (no leading zero byte; zero is the empty string).
absl::StatusOr<uint64_t> RlpUint64(const RlpItem& item);

// A canonical unsigned integer of at most `max_bytes` bytes, returned as its minimal big-endian
// bytes.
absl::StatusOr<ByteView> RlpUintBytes(const RlpItem& item, size_t max_bytes = 32);

// A string of exactly N bytes (hashes, addresses).
template <size_t N>
absl::StatusOr<FixedBytes<N>> RlpFixed(const RlpItem& item) {
  absl::StatusOr<ByteView> bytes = RlpBytes(item);
  if (!bytes.ok()) return bytes.status();
  return FixedBytes<N>::FromBytes(*bytes);
}

}  // namespace theta
