// Fuzzes the ABI encoder with arbitrary bytes split into a type text and a JSON argument list, as
// a user's --abi/--args would supply them. It must never crash or recurse without bound; every
// refusal is InvalidArgument; and whatever it encodes has the ABI's shape (a multiple of 32 bytes).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "theta/wallet/abi.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t split = input.find('\n');
  const std::string_view type_text = input.substr(0, split);
  const std::string_view values_text =
      split == std::string_view::npos ? "" : input.substr(split + 1);
  auto type = theta::wallet::ParseAbiTypeText(type_text);
  if (!type.ok()) {
    if (!absl::IsInvalidArgument(type.status())) std::abort();
    return 0;
  }
  if (type->Canonical().empty()) std::abort();
  nlohmann::json values = nlohmann::json::parse(values_text, nullptr, false);
  if (values.is_discarded()) return 0;
  auto encoded = theta::wallet::AbiEncode({*type}, nlohmann::json::array({values}));
  if (encoded.ok()) {
    if (encoded->size() % 32 != 0) std::abort();
  } else if (!absl::IsInvalidArgument(encoded.status())) {
    std::abort();
  }
  return 0;
}
