#include "theta/wallet/abi.hpp"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "theta/core/address.hpp"
#include "theta/core/hash.hpp"
#include "theta/core/status.hpp"
#include "theta/core/uint256.hpp"

namespace theta::wallet {
namespace {

using Json = nlohmann::json;
using Kind = AbiType::Kind;

// Deeper nesting than any real contract uses; bounds recursion on hostile input.
constexpr int kMaxDepth = 32;

absl::Status TypeError(std::string_view text, std::string_view rule) {
  return absl::InvalidArgumentError(
      absl::StrCat("abi type \"", std::string(text), "\": ", std::string(rule)));
}
absl::Status ValueError(std::string_view path, std::string_view rule) {
  return absl::InvalidArgumentError(absl::StrCat(std::string(path), ": ", std::string(rule)));
}

absl::StatusOr<int> ParseSize(std::string_view digits, std::string_view text) {
  int value = 0;
  if (digits.empty() || digits.front() == '0' || !absl::SimpleAtoi(std::string(digits), &value)) {
    return TypeError(text, "bad size");
  }
  return value;
}

absl::StatusOr<AbiType> ParseElementary(std::string_view base, std::string_view text) {
  AbiType type;
  auto sized = [&](std::string_view prefix, Kind kind) -> absl::StatusOr<bool> {
    if (base.substr(0, prefix.size()) != prefix) return false;
    std::string_view digits = base.substr(prefix.size());
    type.kind = kind;
    if (digits.empty()) return kind != Kind::kFixedBytes;  // "uint" = uint256; bytes handled apart
    THETA_ASSIGN_OR_RETURN(type.size, ParseSize(digits, text));
    return true;
  };
  if (base == "address") return AbiType{Kind::kAddress};
  if (base == "bool") return AbiType{Kind::kBool};
  if (base == "string") return AbiType{Kind::kString};
  if (base == "bytes") return AbiType{Kind::kBytes};
  for (auto [prefix, kind] : {std::pair{std::string_view("uint"), Kind::kUint},
                              std::pair{std::string_view("int"), Kind::kInt}}) {
    THETA_ASSIGN_OR_RETURN(bool matched, sized(prefix, kind));
    if (!matched) continue;
    if (type.size < 8 || type.size > 256 || type.size % 8 != 0) {
      return TypeError(text, "integer sizes are 8..256 in steps of 8");
    }
    return type;
  }
  THETA_ASSIGN_OR_RETURN(bool fixed, sized("bytes", Kind::kFixedBytes));
  if (fixed) {
    if (type.size < 1 || type.size > 32) return TypeError(text, "bytes<M> needs 1 <= M <= 32");
    return type;
  }
  return TypeError(text,
                   "unknown type (supported: uint<M>, int<M>, address, bool, bytes<M>, "
                   "bytes, string, arrays and tuples)");
}

// Splits "T[2][]" into "T" and the suffix list {"2", ""}.
absl::StatusOr<std::pair<std::string_view, std::vector<std::string_view>>> SplitSuffixes(
    std::string_view text) {
  std::vector<std::string_view> suffixes;
  std::string_view rest = text;
  while (!rest.empty() && rest.back() == ']') {
    const size_t open = rest.rfind('[');
    if (open == std::string_view::npos) return TypeError(text, "unbalanced ]");
    suffixes.insert(suffixes.begin(), rest.substr(open + 1, rest.size() - open - 2));
    rest = rest.substr(0, open);
  }
  return std::pair{rest, suffixes};
}

absl::StatusOr<AbiType> ApplySuffixes(AbiType type, const std::vector<std::string_view>& suffixes,
                                      std::string_view text) {
  for (std::string_view suffix : suffixes) {
    AbiType array;
    array.kind = Kind::kArray;
    if (!suffix.empty()) {
      THETA_ASSIGN_OR_RETURN(array.length, ParseSize(suffix, text));
    }
    array.components.push_back(std::move(type));
    type = std::move(array);
  }
  return type;
}

absl::StatusOr<AbiType> ParseText(std::string_view text, int depth) {
  if (depth > kMaxDepth) return TypeError(text, "nested too deeply");
  THETA_ASSIGN_OR_RETURN(auto split, SplitSuffixes(text));
  auto [base, suffixes] = split;
  AbiType type;
  if (!base.empty() && base.front() == '(') {
    if (base.back() != ')') return TypeError(text, "unbalanced parentheses");
    type.kind = Kind::kTuple;
    std::string_view inner = base.substr(1, base.size() - 2);
    int level = 0;
    size_t start = 0;
    for (size_t i = 0; i <= inner.size() && !inner.empty(); ++i) {
      if (i < inner.size() && inner[i] == '(') ++level;
      if (i < inner.size() && inner[i] == ')') --level;
      if (level < 0) return TypeError(text, "unbalanced parentheses");
      if (i == inner.size() || (inner[i] == ',' && level == 0)) {
        THETA_ASSIGN_OR_RETURN(AbiType member,
                               ParseText(inner.substr(start, i - start), depth + 1));
        type.components.push_back(std::move(member));
        type.names.emplace_back();
        start = i + 1;
      }
    }
    if (level != 0) return TypeError(text, "unbalanced parentheses");
  } else {
    THETA_ASSIGN_OR_RETURN(type, ParseElementary(base, text));
  }
  return ApplySuffixes(std::move(type), suffixes, text);
}

absl::StatusOr<AbiType> ParseParameter(const Json& parameter, int depth) {
  if (!parameter.is_object() || !parameter.contains("type") || !parameter["type"].is_string()) {
    return absl::InvalidArgumentError("abi: a parameter must be an object with a string \"type\"");
  }
  if (depth > kMaxDepth) return absl::InvalidArgumentError("abi: parameters nested too deeply");
  const std::string text = parameter["type"].get<std::string>();
  THETA_ASSIGN_OR_RETURN(auto split, SplitSuffixes(text));
  auto [base, suffixes] = split;
  if (base != "tuple") return ParseText(text, depth);
  AbiType type;
  type.kind = Kind::kTuple;
  const Json& components = parameter.contains("components") ? parameter["components"] : Json();
  if (!components.is_array()) return TypeError(text, "a tuple needs a \"components\" array");
  for (const Json& component : components) {
    THETA_ASSIGN_OR_RETURN(AbiType member, ParseParameter(component, depth + 1));
    type.components.push_back(std::move(member));
    type.names.push_back(component.value("name", ""));
  }
  return ApplySuffixes(std::move(type), suffixes, text);
}

// ---- Values ------------------------------------------------------------------------------

Bytes Word(const uint256& value) {
  const Hash32 word = value.ToBigEndian();
  return Bytes(word.view().begin(), word.view().end());
}

void Append(Bytes& out, const Bytes& more) {
  out.insert(out.end(), more.begin(), more.end());
}

Bytes PaddedBytes(ByteView data) {
  Bytes out = Word(data.size());
  out.insert(out.end(), data.begin(), data.end());
  out.resize(out.size() + (32 - data.size() % 32) % 32, 0);
  return out;
}

absl::StatusOr<uint256> ParseInteger(const AbiType& type, const Json& value,
                                     std::string_view path) {
  bool negative = false;
  uint256 magnitude;
  if (value.is_number_unsigned()) {
    magnitude = value.get<uint64_t>();
  } else if (value.is_number_integer()) {
    const int64_t v = value.get<int64_t>();
    negative = v < 0;
    // |v| as uint64 (also right for INT64_MIN): two's complement negation in unsigned arithmetic.
    magnitude =
        negative ? uint256(~static_cast<uint64_t>(v) + 1) : uint256(static_cast<uint64_t>(v));
  } else if (value.is_string()) {
    std::string_view text = value.get_ref<const std::string&>();
    if (text.substr(0, 2) == "0x") {
      auto parsed = uint256::FromHex(text);
      if (!parsed.ok()) return ValueError(path, std::string(parsed.status().message()));
      magnitude = *parsed;
    } else {
      if (!text.empty() && text.front() == '-') {
        negative = true;
        text.remove_prefix(1);
      }
      auto parsed = uint256::FromDecimal(text);
      if (!parsed.ok()) return ValueError(path, std::string(parsed.status().message()));
      magnitude = *parsed;
    }
  } else {
    return ValueError(path, "expected an integer (a JSON number, a decimal or a 0x string)");
  }
  const uint64_t bits = static_cast<uint64_t>(type.size);
  if (type.kind == Kind::kUint) {
    if (negative && !magnitude.IsZero())
      return ValueError(path, absl::StrCat("uint", bits, " cannot be negative"));
    if (bits < 256 && !(magnitude >> bits).IsZero()) {
      return ValueError(path, absl::StrCat("does not fit in uint", bits));
    }
    return magnitude;
  }
  const uint256 limit = uint256(1) << (bits - 1);  // 2^(M-1)
  if (negative ? magnitude > limit : magnitude >= limit) {
    return ValueError(path, absl::StrCat("does not fit in int", bits));
  }
  return negative ? uint256(0) - magnitude : magnitude;
}

absl::StatusOr<Bytes> ParseHexValue(const Json& value, std::string_view path) {
  if (!value.is_string()) return ValueError(path, "expected a 0x hex string");
  auto bytes = ParseHex(value.get_ref<const std::string&>());
  if (!bytes.ok()) return ValueError(path, std::string(bytes.status().message()));
  return *bytes;
}

absl::StatusOr<Bytes> EncodeTuple(const std::vector<AbiType>& types,
                                  const std::vector<const Json*>& values, std::string_view path);

absl::StatusOr<Bytes> EncodeValue(const AbiType& type, const Json& value, std::string_view path) {
  switch (type.kind) {
    case Kind::kUint:
    case Kind::kInt: {
      THETA_ASSIGN_OR_RETURN(uint256 word, ParseInteger(type, value, path));
      return Word(word);
    }
    case Kind::kAddress: {
      if (!value.is_string()) return ValueError(path, "expected an address string");
      auto address = ParseAddress(value.get_ref<const std::string&>());
      if (!address.ok()) return ValueError(path, std::string(address.status().message()));
      Bytes out(12, 0);
      out.insert(out.end(), address->view().begin(), address->view().end());
      return out;
    }
    case Kind::kBool:
      if (!value.is_boolean()) return ValueError(path, "expected true or false");
      return Word(value.get<bool>() ? 1 : 0);
    case Kind::kFixedBytes: {
      THETA_ASSIGN_OR_RETURN(Bytes bytes, ParseHexValue(value, path));
      if (bytes.size() != static_cast<size_t>(type.size)) {
        return ValueError(path, absl::StrCat("bytes", type.size, " needs exactly ", type.size,
                                             " bytes, got ", bytes.size()));
      }
      bytes.resize(32, 0);
      return bytes;
    }
    case Kind::kBytes: {
      THETA_ASSIGN_OR_RETURN(Bytes bytes, ParseHexValue(value, path));
      return PaddedBytes(bytes);
    }
    case Kind::kString:
      if (!value.is_string()) return ValueError(path, "expected a string");
      return PaddedBytes(AsBytes(value.get_ref<const std::string&>()));
    case Kind::kArray: {
      if (!value.is_array()) return ValueError(path, "expected a JSON array");
      if (type.length >= 0 && value.size() != static_cast<size_t>(type.length)) {
        return ValueError(path,
                          absl::StrCat("expected ", type.length, " elements, got ", value.size()));
      }
      std::vector<AbiType> types(value.size(), type.components.front());
      std::vector<const Json*> elements;
      for (const Json& element : value)
        elements.push_back(&element);
      THETA_ASSIGN_OR_RETURN(Bytes body, EncodeTuple(types, elements, path));
      if (type.length >= 0) return body;
      Bytes out = Word(value.size());
      Append(out, body);
      return out;
    }
    case Kind::kTuple: {
      std::vector<const Json*> members;
      if (value.is_array()) {
        for (const Json& member : value)
          members.push_back(&member);
      } else if (value.is_object()) {
        for (const std::string& name : type.names) {
          if (name.empty() || !value.contains(name)) {
            return ValueError(path, absl::StrCat("missing tuple member \"", name, "\""));
          }
          members.push_back(&value[name]);
        }
      } else {
        return ValueError(path, "expected a tuple as a JSON array or object");
      }
      if (members.size() != type.components.size()) {
        return ValueError(path, absl::StrCat("expected ", type.components.size(),
                                             " tuple members, got ", members.size()));
      }
      return EncodeTuple(type.components, members, path);
    }
  }
  return absl::InternalError("abi: unknown kind");
}

absl::StatusOr<Bytes> EncodeTuple(const std::vector<AbiType>& types,
                                  const std::vector<const Json*>& values, std::string_view path) {
  std::vector<Bytes> encoded;
  size_t head_size = 0;
  for (size_t i = 0; i < types.size(); ++i) {
    THETA_ASSIGN_OR_RETURN(Bytes part, EncodeValue(types[i], *values[i],
                                                   absl::StrCat(std::string(path), "[", i, "]")));
    head_size += types[i].IsDynamic() ? 32 : part.size();
    encoded.push_back(std::move(part));
  }
  Bytes head, tail;
  for (size_t i = 0; i < types.size(); ++i) {
    if (types[i].IsDynamic()) {
      Append(head, Word(head_size + tail.size()));
      Append(tail, encoded[i]);
    } else {
      Append(head, encoded[i]);
    }
  }
  Append(head, tail);
  return head;
}

absl::StatusOr<AbiFunction> MakeFunction(const Json& entry) {
  AbiFunction function;
  function.name = entry.value("name", "");
  const Json inputs = entry.contains("inputs") ? entry["inputs"] : Json::array();
  if (!inputs.is_array()) return absl::InvalidArgumentError("abi: \"inputs\" must be an array");
  std::vector<std::string> canonical;
  for (const Json& input : inputs) {
    THETA_ASSIGN_OR_RETURN(AbiType type, ParseAbiParameter(input));
    canonical.push_back(type.Canonical());
    function.inputs.push_back(std::move(type));
  }
  function.signature = absl::StrCat(function.name, "(", absl::StrJoin(canonical, ","), ")");
  function.payable =
      entry.value("stateMutability", "") == "payable" || entry.value("payable", false);
  return function;
}

absl::StatusOr<const Json*> Entries(const Json& abi) {
  if (abi.is_object() && abi.contains("abi")) return Entries(abi["abi"]);
  if (!abi.is_array()) {
    return absl::InvalidArgumentError("abi: expected a JSON array (or an object with \"abi\")");
  }
  return &abi;
}

}  // namespace

std::string AbiType::Canonical() const {
  switch (kind) {
    case Kind::kUint:
      return absl::StrCat("uint", size);
    case Kind::kInt:
      return absl::StrCat("int", size);
    case Kind::kAddress:
      return "address";
    case Kind::kBool:
      return "bool";
    case Kind::kFixedBytes:
      return absl::StrCat("bytes", size);
    case Kind::kBytes:
      return "bytes";
    case Kind::kString:
      return "string";
    case Kind::kArray:
      return absl::StrCat(components.front().Canonical(), "[",
                          length >= 0 ? std::to_string(length) : "", "]");
    case Kind::kTuple: {
      std::vector<std::string> parts;
      for (const AbiType& member : components)
        parts.push_back(member.Canonical());
      return absl::StrCat("(", absl::StrJoin(parts, ","), ")");
    }
  }
  return "";
}

bool AbiType::IsDynamic() const {
  switch (kind) {
    case Kind::kBytes:
    case Kind::kString:
      return true;
    case Kind::kArray:
      return length < 0 || components.front().IsDynamic();
    case Kind::kTuple:
      for (const AbiType& member : components) {
        if (member.IsDynamic()) return true;
      }
      return false;
    default:
      return false;
  }
}

absl::StatusOr<AbiType> ParseAbiParameter(const Json& parameter) {
  return ParseParameter(parameter, 0);
}

absl::StatusOr<AbiType> ParseAbiTypeText(std::string_view text) {
  return ParseText(text, 0);
}

absl::StatusOr<Bytes> AbiEncode(const std::vector<AbiType>& types, const Json& values) {
  if (!values.is_array()) return ValueError("args", "expected a JSON array of arguments");
  if (values.size() != types.size()) {
    return ValueError("args",
                      absl::StrCat("expected ", types.size(), " arguments, got ", values.size()));
  }
  std::vector<const Json*> pointers;
  for (const Json& value : values)
    pointers.push_back(&value);
  return EncodeTuple(types, pointers, "args");
}

absl::StatusOr<AbiFunction> FindAbiFunction(const Json& abi, std::string_view name_or_signature,
                                            size_t arg_count) {
  THETA_ASSIGN_OR_RETURN(const Json* entries, Entries(abi));
  const bool by_signature = name_or_signature.find('(') != std::string_view::npos;
  std::vector<AbiFunction> candidates;
  for (const Json& entry : *entries) {
    if (!entry.is_object() || entry.value("type", "function") != "function") continue;
    if (!by_signature && entry.value("name", "") != name_or_signature) continue;
    THETA_ASSIGN_OR_RETURN(AbiFunction function, MakeFunction(entry));
    if (by_signature && function.signature != name_or_signature) continue;
    candidates.push_back(std::move(function));
  }
  if (candidates.empty()) {
    return absl::NotFoundError(
        absl::StrCat("abi: no function \"", std::string(name_or_signature), "\""));
  }
  if (candidates.size() > 1) {
    std::vector<AbiFunction> by_count;
    for (AbiFunction& f : candidates) {
      if (f.inputs.size() == arg_count) by_count.push_back(f);
    }
    if (by_count.size() == 1) return by_count.front();
    std::vector<std::string> names;
    for (const AbiFunction& f : candidates)
      names.push_back(f.signature);
    return absl::InvalidArgumentError(absl::StrCat(
        "abi: \"", std::string(name_or_signature),
        "\" is overloaded; name the full signature, one of: ", absl::StrJoin(names, ", ")));
  }
  return candidates.front();
}

absl::StatusOr<AbiFunction> FindAbiConstructor(const Json& abi) {
  THETA_ASSIGN_OR_RETURN(const Json* entries, Entries(abi));
  for (const Json& entry : *entries) {
    if (entry.is_object() && entry.value("type", "") == "constructor") return MakeFunction(entry);
  }
  return AbiFunction{};
}

absl::StatusOr<Bytes> EncodeFunctionCall(const AbiFunction& function, const Json& args) {
  THETA_ASSIGN_OR_RETURN(Bytes encoded, AbiEncode(function.inputs, args));
  const Hash32 hash = Keccak256(AsBytes(function.signature));
  Bytes out(hash.view().begin(), hash.view().begin() + 4);
  Append(out, encoded);
  return out;
}

}  // namespace theta::wallet
