// Parameter parsing for the theta.* handlers: Go's jsonrpc2 codec takes the params object bare or
// as the one element of an array, and Go's JSON types take heights as decimal strings and hex with
// or without "0x". Every failure names the parameter (-32602 through InvalidArgument).
#include <charconv>

#include "absl/strings/str_cat.h"
#include "theta_rpc_json.hpp"

namespace theta::node::theta_rpc {
namespace {

std::string Quoted(std::string_view name) {
  return absl::StrCat("\"", std::string(name), "\"");
}

absl::StatusOr<uint64_t> ParseDecimal(std::string_view text, std::string_view name) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    return absl::InvalidArgumentError(absl::StrCat("parameter ", Quoted(name),
                                                   " must be a decimal uint64 (\"123\"), not \"",
                                                   std::string(text.substr(0, 80)), "\""));
  }
  return value;
}

bool HasHexPrefix(std::string_view text) {
  return text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
}

}  // namespace

absl::StatusOr<Json> ParamsObject(const Json& params) {
  if (params.is_null()) return Json::object();
  if (params.is_object()) return params;
  if (params.is_array()) {
    if (params.empty()) return Json::object();
    if (params.size() == 1 && (params[0].is_object() || params[0].is_null())) {
      return params[0].is_null() ? Json::object() : params[0];
    }
  }
  return absl::InvalidArgumentError(
      "params must be one object, bare or as the only element of an array: [{\"name\": value}]");
}

absl::StatusOr<std::string> RequiredString(const Json& object, std::string_view name) {
  auto it = object.find(std::string(name));
  if (it == object.end() || it->is_null()) {
    return absl::InvalidArgumentError(absl::StrCat("missing parameter ", Quoted(name)));
  }
  if (!it->is_string()) {
    return absl::InvalidArgumentError(
        absl::StrCat("parameter ", Quoted(name), " must be a string"));
  }
  return it->get<std::string>();
}

absl::StatusOr<std::optional<uint64_t>> OptionalHeight(const Json& object, std::string_view name) {
  auto it = object.find(std::string(name));
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (it->is_number_unsigned()) return it->get<uint64_t>();
  if (it->is_string()) {
    auto value = ParseDecimal(it->get_ref<const std::string&>(), name);
    if (!value.ok()) return value.status();
    return *value;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("parameter ", Quoted(name), " must be a decimal string (\"123\")"));
}

absl::StatusOr<uint64_t> RequiredHeight(const Json& object, std::string_view name) {
  auto height = OptionalHeight(object, name);
  if (!height.ok()) return height.status();
  if (!height->has_value()) {
    return absl::InvalidArgumentError(absl::StrCat("missing parameter ", Quoted(name)));
  }
  return **height;
}

absl::StatusOr<bool> OptionalBool(const Json& object, std::string_view name) {
  auto it = object.find(std::string(name));
  if (it == object.end() || it->is_null()) return false;
  if (!it->is_boolean()) {
    return absl::InvalidArgumentError(
        absl::StrCat("parameter ", Quoted(name), " must be true or false"));
  }
  return it->get<bool>();
}

absl::StatusOr<Bytes> ParseLooseHex(std::string_view text, std::string_view name) {
  const bool prefixed = HasHexPrefix(text);
  auto bytes =
      prefixed ? ParseHex(absl::StrCat("0x", std::string(text.substr(2)))) : ParseHexDigits(text);
  if (!bytes.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "parameter ", Quoted(name), " is not hex: ", std::string(bytes.status().message())));
  }
  return *std::move(bytes);
}

absl::StatusOr<Address> ParseAddressParam(std::string_view text) {
  const bool prefixed = HasHexPrefix(text);
  auto address = ParseAddress(prefixed ? absl::StrCat("0x", std::string(text.substr(2)))
                                       : absl::StrCat("0x", std::string(text)));
  if (!address.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("parameter \"address\" is not an address: ",
                                                   std::string(address.status().message())));
  }
  return *address;
}

absl::StatusOr<Hash32> ParseHashParam(std::string_view text, std::string_view name) {
  auto bytes = ParseLooseHex(text, name);
  if (!bytes.ok()) return bytes.status();
  if (bytes->size() != 32) {
    return absl::InvalidArgumentError(
        absl::StrCat("parameter ", Quoted(name), " has ", bytes->size(), " bytes; a hash has 32"));
  }
  return *Hash32::FromBytes(*bytes);
}

absl::Status ServerError(std::string_view message, const Json& data) {
  return net::RpcErrorStatus(kThetaRpcServerError, message, data);
}

}  // namespace theta::node::theta_rpc
