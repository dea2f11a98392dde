#include "theta/compute/job_spec.hpp"

#include <catch2/catch.hpp>

#include "theta/core/hash.hpp"

namespace theta::compute {
namespace {

TEST_CASE("job spec parses a matmul with an inline and a hashed input and round-trips") {
  const std::string hash = Blake2b256(AsBytes("abc")).ToHex();
  const std::string text = R"({"kernel": "matmul", "params": {"m": 1, "n": 1, "k": 1},
    "inputs": [{"name": "a", "hex": "0x0000803f"}, {"name": "b", "blake2b": ")" +
                           hash + R"(", "size": 4}],
    "limits": {"max_work": 10}, "backend": "cpu"})";
  auto spec = ParseJobSpec(text);
  REQUIRE(spec.ok());
  CHECK(spec->kernel == JobKernel::kMatMul);
  CHECK(spec->dims.at("m") == 1);
  CHECK(spec->inputs[0].inline_data == Bytes{0x00, 0x00, 0x80, 0x3f});
  CHECK(spec->inputs[1].blake2b->ToHex() == hash);
  CHECK(spec->inputs[1].size == 4);
  CHECK(spec->limits.max_work == 10);
  CHECK(spec->limits.max_input_bytes == JobLimits{}.max_input_bytes);
  CHECK(spec->backend == BackendChoice::kCpu);
  auto again = ParseJobSpec(JobSpecToJson(*spec));
  REQUIRE(again.ok());
  CHECK(*again == *spec);
}

TEST_CASE("job spec rejects malformed documents with the key at fault") {
  struct Case {
    const char* json;
    const char* message;
  };
  const Case cases[] = {
      {"not json", "not valid JSON"},
      {"[1]", "must be a JSON object"},
      {R"({"inputs": []})", "no \"kernel\""},
      {R"({"kernel": "fft", "inputs": []})", "unknown kernel \"fft\""},
      {R"({"kernel": "softmax", "params": {"rows": 1}, "inputs": [{"name": "x", "hex": "0x"}]})",
       "needs param \"cols\""},
      {R"({"kernel": "softmax", "params": {"rows": -1, "cols": 1}, "inputs": []})",
       "\"rows\" must be a non-negative integer"},
      {R"({"kernel": "softmax", "params": {"rows": 4294967296, "cols": 1}, "inputs": []})",
       "exceeds 4294967295"},
      {R"({"kernel": "activation", "params": {"op": "tanh", "count": 1}, "inputs": []})",
       "op \"tanh\" is not one of relu, gelu, sigmoid"},
      {R"({"kernel": "matmul", "params": {"m": 1, "n": 1, "k": 1}, "inputs": [{"name": "a", "hex": "0x"}]})",
       "takes inputs a, b (2 required), got 1"},
      {R"({"kernel": "matmul", "params": {"m": 1, "n": 1, "k": 1},
           "inputs": [{"name": "b", "hex": "0x"}, {"name": "a", "hex": "0x"}]})",
       "input 0 must be named \"a\""},
      {R"({"kernel": "reduce", "params": {"op": "sum", "rows": 1, "cols": 1},
           "inputs": [{"name": "x", "hex": "0xzz"}]})",
       "hex"},
      {R"({"kernel": "reduce", "params": {"op": "sum", "rows": 1, "cols": 1},
           "inputs": [{"name": "x", "blake2b": "0x00"}]})",
       "blake2b"},
      {R"({"kernel": "reduce", "params": {"op": "sum", "rows": 1, "cols": 1},
           "inputs": [{"name": "x", "hex": "0x", "blake2b": "0x00"}]})",
       "exactly one of"},
      {R"({"kernel": "softmax", "params": {"rows": 1, "cols": 1}, "inputs": [], "extra": 1})",
       "unknown key \"extra\""},
      {R"({"kernel": "softmax", "params": {"rows": 1, "cols": 1}, "inputs": [], "backend": "tpu"})",
       "backend \"tpu\""},
      {R"({"kernel": "model", "inputs": [{"name": "weights", "hex": "0x"}, {"name": "input", "hex": "0x"}]})",
       "needs param \"batch\""},
      {R"({"kernel": "model", "params": {"batch": 1}, "inputs": [{"name": "weights", "hex": "0x"}]})",
       "takes inputs weights, input"},
      {R"({"kernel": "transcode", "params": {"dst_width": 2, "dst_height": 2, "preset": "fast",
           "fps": 30}, "inputs": [{"name": "video", "hex": "0x"}]})",
       "unknown param \"fps\""},
      {R"({"kernel": "transcode", "params": {"dst_width": 2, "preset": "fast"},
           "inputs": [{"name": "video", "hex": "0x"}]})",
       "needs param \"dst_height\""},
      {R"({"kernel": "transcode", "params": {"dst_width": 2, "dst_height": 2, "preset": "fast",
           "crf": 20, "bitrate_kbps": 100}, "inputs": [{"name": "video", "hex": "0x"}]})",
       "crf or bitrate_kbps, not both"},
      {R"({"kernel": "transcode", "params": {"dst_width": 2, "dst_height": 2, "preset": "fast",
           "bitrate_kbps": 0}, "inputs": [{"name": "video", "hex": "0x"}]})",
       "bitrate_kbps 0"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.json);
    auto spec = ParseJobSpec(c.json);
    REQUIRE_FALSE(spec.ok());
    CHECK(spec.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(spec.status().message()), Catch::Contains(c.message));
  }
}

TEST_CASE("job spec validation catches specs built in code") {
  JobSpec spec;
  spec.kernel = JobKernel::kConv2d;
  CHECK_THAT(std::string(ValidateJobSpec(spec).message()), Catch::Contains("needs param"));
  spec.kernel = JobKernel::kYuvToRgb;
  spec.dims = {{"width", 2}, {"height", 2}};
  spec.op = "rgb565";
  CHECK_THAT(std::string(ValidateJobSpec(spec).message()), Catch::Contains("layout"));
  spec.op = "nv12";
  spec.inputs = {JobInput{"frame", Bytes{1, 2}, std::nullopt, 3}};
  CHECK_THAT(std::string(ValidateJobSpec(spec).message()), Catch::Contains("inline data"));
  spec.inputs[0].size = 2;
  CHECK(ValidateJobSpec(spec).ok());

  // Optional params may be left out, and the required ones may not.
  spec = JobSpec{};
  spec.kernel = JobKernel::kTranscode;
  spec.op = "veryfast";
  spec.dims = {{"dst_width", 640}, {"dst_height", 360}};
  spec.inputs = {JobInput{"video", Bytes{1}, std::nullopt, 1}};
  CHECK(ValidateJobSpec(spec).ok());
  spec.dims["max_frames"] = 100;
  CHECK(ValidateJobSpec(spec).ok());
  spec.op = "";
  CHECK_THAT(std::string(ValidateJobSpec(spec).message()), Catch::Contains("preset"));
}

}  // namespace
}  // namespace theta::compute
