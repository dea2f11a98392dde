// Fuzzes the strict RLP decoder: it must never crash, and whatever it accepts must be canonical,
// i.e. re-encoding the decoded tree reproduces the input byte for byte.
#include <cstdint>
#include <cstdlib>

#include "theta/core/rlp.hpp"

namespace {

void Reencode(theta::RlpWriter& w, const theta::RlpItem& item) {
  if (!item.is_list) {
    w.AddBytes(item.payload);
    return;
  }
  w.BeginList();
  auto items = theta::RlpListItems(item);
  if (!items.ok()) std::abort();  // the tree was validated: splitting it cannot fail
  for (const theta::RlpItem& child : *items)
    Reencode(w, child);
  w.EndList();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const theta::ByteView input(data, size);
  auto item = theta::DecodeRlp(input);
  if (!item.ok()) return 0;
  theta::RlpWriter w;
  Reencode(w, *item);
  const theta::Bytes& again = w.bytes();
  if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
  if (item->is_string()) {
    // Integer views of an accepted string must agree with each other.
    auto small = theta::RlpUint64(*item);
    auto wide = theta::RlpUintBytes(*item, 32);
    if (small.ok() && !wide.ok()) std::abort();
  }
  return 0;
}
