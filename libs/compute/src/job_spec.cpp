#include "theta/compute/job_spec.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "theta/core/status.hpp"

namespace theta::compute {
namespace {

using Json = nlohmann::json;

// What each kernel takes: its numeric params, the name of its string param (if any) with the values
// allowed, and its inputs (the optional ones last).
struct KernelSchema {
  JobKernel kernel;
  // const char* rather than string_view: Debian's Abseil has its own string_view for StrCat.
  const char* name;
  std::vector<const char*> dims;
  const char* op_key;  // "" when the kernel has no string param
  std::vector<const char*> ops;
  std::vector<const char*> inputs;
  size_t optional_inputs = 0;  // how many of the last inputs may be left out
  std::vector<const char*> optional_dims = {};
};

bool Contains(const std::vector<const char*>& names, std::string_view name) {
  return std::any_of(names.begin(), names.end(),
                     [&](const char* item) { return name == std::string_view(item); });
}

const std::vector<KernelSchema>& Schemas() {
  static const std::vector<KernelSchema> schemas = {
      {JobKernel::kMatMul, "matmul", {"k", "m", "n"}, "", {}, {"a", "b"}},
      {JobKernel::kActivation, "activation", {"count"}, "op", {"relu", "gelu", "sigmoid"}, {"x"}},
      {JobKernel::kBinary, "binary", {"count"}, "op", {"add", "mul"}, {"a", "b"}},
      {JobKernel::kSoftmax, "softmax", {"cols", "rows"}, "", {}, {"x"}},
      {JobKernel::kReduce, "reduce", {"cols", "rows"}, "op", {"sum", "max"}, {"x"}},
      {JobKernel::kConv2d,
       "conv2d",
       {"batch", "height", "in_channels", "kernel_h", "kernel_w", "out_channels", "padding",
        "stride", "width"},
       "",
       {},
       {"input", "weights", "bias"},
       1},
      {JobKernel::kResizeBilinear,
       "resize_bilinear",
       {"channels", "dst_height", "dst_width", "src_height", "src_width"},
       "",
       {},
       {"src"}},
      {JobKernel::kYuvToRgb,
       "yuv_to_rgb",
       {"height", "width"},
       "layout",
       {"nv12", "i420"},
       {"frame"}},
      {JobKernel::kModel, "model", {"batch"}, "", {}, {"weights", "input"}},
      {JobKernel::kTranscode,
       "transcode",
       {"dst_height", "dst_width"},
       "preset",
       {"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower",
        "veryslow"},
       {"video"},
       0,
       {"bitrate_kbps", "crf", "max_frames"}},
  };
  return schemas;
}

const KernelSchema& SchemaOf(JobKernel kernel) {
  for (const auto& schema : Schemas()) {
    if (schema.kernel == kernel) return schema;
  }
  return Schemas().front();  // unreachable: every enumerator has a schema
}

absl::Status Invalid(std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("compute job: ", std::string(what)));
}

absl::Status CheckKeys(const Json& object, const char* where,
                       std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return Invalid(absl::StrCat("unknown key \"", key, "\" in ", where));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> GetUnsigned(const Json& value, std::string_view key, uint64_t max) {
  if (!value.is_number_unsigned() && !(value.is_number_integer() && value.get<int64_t>() >= 0)) {
    return Invalid(absl::StrCat("\"", std::string(key), "\" must be a non-negative integer"));
  }
  const uint64_t n = value.get<uint64_t>();
  if (n > max) {
    return Invalid(absl::StrCat("\"", std::string(key), "\" = ", n, " exceeds ", max));
  }
  return n;
}

absl::StatusOr<std::string> GetString(const Json& value, std::string_view key) {
  if (!value.is_string()) {
    return Invalid(absl::StrCat("\"", std::string(key), "\" must be a string"));
  }
  return value.get<std::string>();
}

absl::StatusOr<JobInput> ParseInput(const Json& value, size_t index) {
  const std::string where = absl::StrCat("inputs[", index, "]");
  if (!value.is_object()) return Invalid(absl::StrCat(where, " must be an object"));
  THETA_RETURN_IF_ERROR(CheckKeys(value, where.c_str(), {"name", "hex", "blake2b", "size"}));
  JobInput input;
  if (!value.contains("name")) return Invalid(absl::StrCat(where, " has no \"name\""));
  THETA_ASSIGN_OR_RETURN(input.name, GetString(value["name"], "name"));
  const bool has_hex = value.contains("hex");
  const bool has_hash = value.contains("blake2b");
  if (has_hex == has_hash) {
    return Invalid(
        absl::StrCat(where, " (", input.name, ") needs exactly one of \"hex\" and \"blake2b\""));
  }
  if (has_hex) {
    if (value.contains("size")) {
      return Invalid(absl::StrCat(where, " (", input.name, ") is inline; \"size\" is implied"));
    }
    THETA_ASSIGN_OR_RETURN(std::string hex, GetString(value["hex"], "hex"));
    auto bytes = ParseHex(hex);
    if (!bytes.ok()) {
      return Invalid(
          absl::StrCat(where, " (", input.name, ") hex: ", std::string(bytes.status().message())));
    }
    input.size = bytes->size();
    input.inline_data = std::move(*bytes);
  } else {
    THETA_ASSIGN_OR_RETURN(std::string hex, GetString(value["blake2b"], "blake2b"));
    auto hash = Hash32::FromHex(hex);
    if (!hash.ok()) {
      return Invalid(absl::StrCat(where, " (", input.name,
                                  ") blake2b: ", std::string(hash.status().message())));
    }
    input.blake2b = *hash;
    if (!value.contains("size")) {
      return Invalid(absl::StrCat(where, " (", input.name, ") by hash needs \"size\""));
    }
    THETA_ASSIGN_OR_RETURN(
        input.size, GetUnsigned(value["size"], "size", std::numeric_limits<uint32_t>::max()));
  }
  return input;
}

absl::StatusOr<JobKernel> KernelByName(std::string_view name) {
  for (const auto& schema : Schemas()) {
    if (std::string_view(schema.name) == name) return schema.kernel;
  }
  return Invalid(absl::StrCat("unknown kernel \"", std::string(name), "\""));
}

absl::Status ParseParams(const Json& params, const KernelSchema& schema, JobSpec& spec) {
  if (!params.is_object()) return Invalid("\"params\" must be an object");
  for (const auto& item : params.items()) {
    // Named locals, not structured bindings: lambdas below capture them (clang < 16 cannot).
    const std::string& key = item.key();
    const Json& value = item.value();
    if (!(*schema.op_key == '\0') && key == schema.op_key) {
      THETA_ASSIGN_OR_RETURN(spec.op, GetString(value, key));
      if (std::none_of(schema.ops.begin(), schema.ops.end(),
                       [&](const char* op) { return spec.op == op; })) {
        return Invalid(absl::StrCat(schema.name, " ", schema.op_key, " \"", spec.op,
                                    "\" is not one of ", absl::StrJoin(schema.ops, ", ")));
      }
    } else if (Contains(schema.dims, key) || Contains(schema.optional_dims, key)) {
      THETA_ASSIGN_OR_RETURN(uint64_t n,
                             GetUnsigned(value, key, std::numeric_limits<uint32_t>::max()));
      spec.dims[key] = static_cast<uint32_t>(n);
    } else {
      return Invalid(absl::StrCat("unknown param \"", key, "\" for kernel ", schema.name));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckInputNames(const KernelSchema& schema, const std::vector<JobInput>& inputs) {
  const size_t required = schema.inputs.size() - schema.optional_inputs;
  if (inputs.size() < required || inputs.size() > schema.inputs.size()) {
    return Invalid(absl::StrCat(schema.name, " takes inputs ", absl::StrJoin(schema.inputs, ", "),
                                " (", required, " required), got ", inputs.size()));
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].name != std::string_view(schema.inputs[i])) {
      return Invalid(absl::StrCat(schema.name, " input ", i, " must be named \"", schema.inputs[i],
                                  "\", not \"", inputs[i].name, "\""));
    }
  }
  return absl::OkStatus();
}

absl::Status ParseLimits(const Json& value, JobLimits& limits) {
  if (!value.is_object()) return Invalid("\"limits\" must be an object");
  THETA_RETURN_IF_ERROR(
      CheckKeys(value, "limits", {"max_input_bytes", "max_output_bytes", "max_work"}));
  constexpr uint64_t kMax = std::numeric_limits<int64_t>::max();
  if (value.contains("max_input_bytes")) {
    THETA_ASSIGN_OR_RETURN(limits.max_input_bytes,
                           GetUnsigned(value["max_input_bytes"], "max_input_bytes", kMax));
  }
  if (value.contains("max_output_bytes")) {
    THETA_ASSIGN_OR_RETURN(limits.max_output_bytes,
                           GetUnsigned(value["max_output_bytes"], "max_output_bytes", kMax));
  }
  if (value.contains("max_work")) {
    THETA_ASSIGN_OR_RETURN(limits.max_work, GetUnsigned(value["max_work"], "max_work", kMax));
  }
  return absl::OkStatus();
}

// The rate control takes one of crf (x264's 0..51) and bitrate_kbps (1..1,000,000).
absl::Status CheckTranscodeParams(const JobSpec& spec) {
  const auto crf = spec.dims.find("crf");
  const auto bitrate = spec.dims.find("bitrate_kbps");
  if (crf != spec.dims.end() && bitrate != spec.dims.end()) {
    return Invalid("transcode takes crf or bitrate_kbps, not both");
  }
  if (crf != spec.dims.end() && crf->second > 51) {
    return Invalid(absl::StrCat("transcode crf ", crf->second, " is not in 0..51"));
  }
  if (bitrate != spec.dims.end() && (bitrate->second == 0 || bitrate->second > 1'000'000)) {
    return Invalid(
        absl::StrCat("transcode bitrate_kbps ", bitrate->second, " is not in 1..1000000"));
  }
  return absl::OkStatus();
}

absl::Status CheckSchema(const JobSpec& spec) {
  const KernelSchema& schema = SchemaOf(spec.kernel);
  for (const auto& entry : spec.dims) {
    const std::string& key = entry.first;
    if (!Contains(schema.dims, key) && !Contains(schema.optional_dims, key)) {
      return Invalid(absl::StrCat("unknown param \"", key, "\" for kernel ", schema.name));
    }
  }
  for (const char* dim : schema.dims) {
    if (!spec.dims.contains(dim)) {
      return Invalid(absl::StrCat(schema.name, " needs param \"", dim, "\""));
    }
  }
  if (*schema.op_key == '\0') {
    if (!spec.op.empty()) return Invalid(absl::StrCat(schema.name, " takes no op"));
  } else if (std::none_of(schema.ops.begin(), schema.ops.end(),
                          [&](const char* op) { return spec.op == op; })) {
    return Invalid(absl::StrCat(schema.name, " ", schema.op_key, " \"", spec.op,
                                "\" is not one of ", absl::StrJoin(schema.ops, ", ")));
  }
  THETA_RETURN_IF_ERROR(CheckInputNames(schema, spec.inputs));
  if (spec.kernel == JobKernel::kTranscode) THETA_RETURN_IF_ERROR(CheckTranscodeParams(spec));
  for (const JobInput& input : spec.inputs) {
    const bool consistent = input.inline_data
                                ? !input.blake2b && input.inline_data->size() == input.size
                                : input.blake2b.has_value();
    if (!consistent || input.size > std::numeric_limits<uint32_t>::max()) {
      return Invalid(
          absl::StrCat("input ", input.name, " needs inline data of its size or a hash, not both"));
    }
  }
  return absl::OkStatus();
}

constexpr std::array<std::string_view, 3> kBackendNames = {"auto", "cpu", "vulkan"};

}  // namespace

std::string_view JobKernelName(JobKernel kernel) noexcept {
  return SchemaOf(kernel).name;
}

absl::Status ValidateJobSpec(const JobSpec& spec) {
  return CheckSchema(spec);
}

absl::StatusOr<JobSpec> ParseJobSpec(std::string_view text) {
  if (text.size() > kMaxJobSpecBytes) {
    return Invalid(absl::StrCat("spec of ", text.size(), " bytes exceeds ", kMaxJobSpecBytes));
  }
  const Json doc = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Invalid("spec is not valid JSON");
  if (!doc.is_object()) return Invalid("spec must be a JSON object");
  THETA_RETURN_IF_ERROR(
      CheckKeys(doc, "the spec", {"kernel", "params", "inputs", "limits", "backend"}));
  JobSpec spec;
  if (!doc.contains("kernel")) return Invalid("spec has no \"kernel\"");
  THETA_ASSIGN_OR_RETURN(std::string kernel_name, GetString(doc["kernel"], "kernel"));
  THETA_ASSIGN_OR_RETURN(spec.kernel, KernelByName(kernel_name));
  const KernelSchema& schema = SchemaOf(spec.kernel);
  THETA_RETURN_IF_ERROR(
      ParseParams(doc.contains("params") ? doc["params"] : Json::object(), schema, spec));
  if (!doc.contains("inputs") || !doc["inputs"].is_array()) {
    return Invalid("spec needs \"inputs\", an array");
  }
  for (size_t i = 0; i < doc["inputs"].size(); ++i) {
    THETA_ASSIGN_OR_RETURN(JobInput input, ParseInput(doc["inputs"][i], i));
    spec.inputs.push_back(std::move(input));
  }
  if (doc.contains("limits")) THETA_RETURN_IF_ERROR(ParseLimits(doc["limits"], spec.limits));
  if (doc.contains("backend")) {
    THETA_ASSIGN_OR_RETURN(std::string backend, GetString(doc["backend"], "backend"));
    auto it = std::find(kBackendNames.begin(), kBackendNames.end(), backend);
    if (it == kBackendNames.end()) {
      return Invalid(absl::StrCat("backend \"", backend, "\" is not one of auto, cpu, vulkan"));
    }
    spec.backend = static_cast<BackendChoice>(it - kBackendNames.begin());
  }
  THETA_RETURN_IF_ERROR(CheckSchema(spec));
  return spec;
}

std::string JobSpecToJson(const JobSpec& spec) {
  const KernelSchema& schema = SchemaOf(spec.kernel);
  Json params = Json::object();
  for (const auto& [key, value] : spec.dims)
    params[key] = value;
  if (!(*schema.op_key == '\0')) params[std::string(schema.op_key)] = spec.op;
  Json inputs = Json::array();
  for (const JobInput& input : spec.inputs) {
    Json item = {{"name", input.name}};
    if (input.inline_data) {
      item["hex"] = ToHex(*input.inline_data);
    } else if (input.blake2b) {
      item["blake2b"] = input.blake2b->ToHex();
      item["size"] = input.size;
    }
    inputs.push_back(std::move(item));
  }
  const Json doc = {
      {"kernel", std::string(schema.name)},
      {"params", std::move(params)},
      {"inputs", std::move(inputs)},
      {"limits",
       {{"max_input_bytes", spec.limits.max_input_bytes},
        {"max_output_bytes", spec.limits.max_output_bytes},
        {"max_work", spec.limits.max_work}}},
      {"backend", std::string(kBackendNames[static_cast<size_t>(spec.backend)])},
  };
  return doc.dump();
}

}  // namespace theta::compute
