// Shared by the scheduler and verification tests: inline job specs on random data, a gate that
// holds real jobs until released, and a lying worker (a real backend whose outputs are corrupted
// after it computes them).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>

#include "test_data.hpp"
#include "theta/compute/backend.hpp"
#include "theta/compute/job_order.hpp"
#include "theta/compute/scheduler.hpp"

namespace theta::compute::testing {

inline Bytes ToBytes(const std::vector<float>& values) {
  Bytes out(values.size() * 4);
  std::memcpy(out.data(), values.data(), out.size());
  return out;
}

inline std::vector<float> ToFloats(ByteView bytes) {
  std::vector<float> out(bytes.size() / 4);
  std::memcpy(out.data(), bytes.data(), out.size() * 4);
  return out;
}

inline JobInput Inline(std::string name, Bytes data) {
  const uint64_t size = data.size();
  return JobInput{std::move(name), std::move(data), std::nullopt, size};
}

inline JobSpec MatMulSpec(uint32_t m, uint32_t n, uint32_t k, uint32_t seed) {
  JobSpec spec;
  spec.kernel = JobKernel::kMatMul;
  spec.dims = {{"m", m}, {"n", n}, {"k", k}};
  spec.inputs = {Inline("a", ToBytes(RandomFloats(size_t{m} * k, seed))),
                 Inline("b", ToBytes(RandomFloats(size_t{k} * n, seed + 1)))};
  return spec;
}

inline JobOrder Order(std::string id, JobSpec spec,
                      std::chrono::milliseconds budget = std::chrono::seconds(30)) {
  JobOrder order;
  order.job_id = std::move(id);
  order.spec = std::move(spec);
  order.price_tfuel_wei = uint256(1000);
  order.deadline = std::chrono::system_clock::now() + budget;
  return order;
}

// Holds every job that reaches it until Open(); counts how many wait or run at once.
class Gate {
 public:
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  void Pass() {
    const int now = ++inside_;
    int seen = max_inside_.load();
    while (now > seen && !max_inside_.compare_exchange_weak(seen, now)) {
    }
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return open_; });
  }
  void Leave() { --inside_; }
  int inside() const { return inside_; }
  int max_inside() const { return max_inside_; }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
  std::atomic<int> inside_{0};
  std::atomic<int> max_inside_{0};
};

// A real executor (CPU, or Vulkan on `device`) whose jobs first wait at `gate`.
inline JobExecutorFactory GatedExecutors(std::shared_ptr<Gate> gate, Device* device = nullptr) {
  return [gate, device](size_t) -> absl::StatusOr<JobExecutor> {
    absl::StatusOr<JobExecutor> real = NewLocalExecutor(device);
    if (!real.ok()) return real.status();
    return JobExecutor([gate, run = *real](const JobSpec& spec) {
      gate->Pass();
      absl::StatusOr<JobResult> result = run(spec);
      gate->Leave();
      return result;
    });
  };
}

// How a lying worker corrupts what its backend computed.
enum class Corruption {
  kScaleAll,    // every float output times 1.01 (a worker that cuts corners everywhere)
  kOneElement,  // one element in the middle plus 1 (hard to find by sampling)
};

// A worker's backend that lies: it runs the real kernel on `inner`, then corrupts the output.
class FaultyBackend : public Backend {
 public:
  FaultyBackend(std::unique_ptr<Backend> inner, Corruption corruption)
      : inner_(std::move(inner)), corruption_(corruption) {}
  std::string_view name() const noexcept override { return inner_->name(); }

 protected:
  absl::Status DoMatMul(MatMulShape shape, std::span<const float> a, std::span<const float> b,
                        std::span<float> c) override {
    return Corrupt(inner_->MatMul(shape, a, b, c), c);
  }
  absl::Status DoActivate(Activation op, std::span<const float> in, std::span<float> out) override {
    return Corrupt(inner_->Activate(op, in, out), out);
  }
  absl::Status DoBinary(BinaryOp op, std::span<const float> a, std::span<const float> b,
                        std::span<float> out) override {
    return Corrupt(inner_->Binary(op, a, b, out), out);
  }
  absl::Status DoSoftmax(uint32_t rows, uint32_t cols, std::span<const float> in,
                         std::span<float> out) override {
    return Corrupt(inner_->Softmax(rows, cols, in, out), out);
  }
  absl::Status DoReduce(ReduceOp op, uint32_t rows, uint32_t cols, std::span<const float> in,
                        std::span<float> out) override {
    return Corrupt(inner_->Reduce(op, rows, cols, in, out), out);
  }
  absl::Status DoConv2d(const Conv2dShape& shape, std::span<const float> in,
                        std::span<const float> weights, std::span<const float> bias,
                        std::span<float> out) override {
    return Corrupt(inner_->Conv2d(shape, in, weights, bias, out), out);
  }
  absl::Status DoResizeBilinear(ImageSize src_size, uint32_t channels, std::span<const uint8_t> src,
                                ImageSize dst_size, std::span<uint8_t> dst) override {
    absl::Status status = inner_->ResizeBilinear(src_size, channels, src, dst_size, dst);
    for (uint8_t& v : dst)
      v = static_cast<uint8_t>(v ^ 0x10);
    return status;
  }
  absl::Status DoYuvToRgb(YuvLayout layout, ImageSize size, std::span<const uint8_t> yuv,
                          std::span<uint8_t> rgb) override {
    absl::Status status = inner_->YuvToRgb(layout, size, yuv, rgb);
    for (uint8_t& v : rgb)
      v = static_cast<uint8_t>(v ^ 0x10);
    return status;
  }

 private:
  absl::Status Corrupt(absl::Status status, std::span<float> out) {
    if (!status.ok() || out.empty()) return status;
    if (corruption_ == Corruption::kScaleAll) {
      for (float& v : out)
        v *= 1.01f;
    } else {
      out[out.size() / 2] += 1.0f;
    }
    return status;
  }
  std::unique_ptr<Backend> inner_;
  Corruption corruption_;
};

// Executors of a lying worker: the CPU backend wrapped in FaultyBackend.
inline JobExecutorFactory FaultyExecutors(Corruption corruption) {
  return [corruption](size_t) -> absl::StatusOr<JobExecutor> {
    auto backend = std::make_shared<FaultyBackend>(NewCpuBackend(), corruption);
    auto runner = std::make_shared<JobRunner>(JobRunnerOptions{.cpu = backend.get()});
    return JobExecutor([backend, runner](const JobSpec& spec) { return runner->Run(spec); });
  };
}

}  // namespace theta::compute::testing
