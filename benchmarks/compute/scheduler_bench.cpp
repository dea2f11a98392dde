// What the edge worker's job path adds: a tiny job run directly on an executor vs. submitted to a
// Scheduler and awaited (queue, worker thread hand-off, outcome); and what verification costs the
// requester: a spot check of 8 rows of a 256x256x256 matmul vs. recomputing it on OpenBLAS.
#include <benchmark/benchmark.h>

#include <cstring>
#include <random>
#include <string>

#include "theta/compute/scheduler.hpp"
#include "theta/compute/verify.hpp"

namespace theta::compute {
namespace {

JobSpec MatMul(uint32_t size) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> dist(-1, 1);
  auto input = [&](const char* name) {
    Bytes bytes(size_t{size} * size * 4);
    for (size_t i = 0; i < bytes.size(); i += 4) {
      const float v = dist(rng);
      std::memcpy(bytes.data() + i, &v, 4);
    }
    return JobInput{name, bytes, std::nullopt, bytes.size()};
  };
  JobSpec spec;
  spec.kernel = JobKernel::kMatMul;
  spec.dims = {{"m", size}, {"n", size}, {"k", size}};
  spec.inputs = {input("a"), input("b")};
  spec.backend = BackendChoice::kCpu;
  return spec;
}

void BM_TinyJobDirect(benchmark::State& state) {
  JobExecutor run = *NewLocalExecutor(nullptr);
  const JobSpec spec = MatMul(8);
  for (auto _ : state)
    benchmark::DoNotOptimize(run(spec));
}
BENCHMARK(BM_TinyJobDirect)->Unit(benchmark::kMicrosecond);

void BM_TinyJobThroughScheduler(benchmark::State& state) {
  auto scheduler = *Scheduler::Start(
      {.workers = 1, .make_executor = [](size_t) { return NewLocalExecutor(nullptr); }});
  JobOrder order;
  order.spec = MatMul(8);
  order.deadline = std::chrono::system_clock::now() + std::chrono::hours(1);
  uint64_t id = 0;
  for (auto _ : state) {
    // Built in place: GCC 12 -O3 flags "j" + std::to_string(...) with a false -Werror=restrict.
    order.job_id.assign(1, 'j');
    order.job_id += std::to_string(id++);
    benchmark::DoNotOptimize(scheduler->Submit(order)->get());
  }
}
BENCHMARK(BM_TinyJobThroughScheduler)->Unit(benchmark::kMicrosecond);

void BM_SpotCheck8RowsOfMatMul256(benchmark::State& state) {
  const JobSpec spec = MatMul(256);
  const Bytes output = (*NewLocalExecutor(nullptr))(spec)->output;
  uint64_t seed = 1;
  for (auto _ : state)
    benchmark::DoNotOptimize(SpotCheckOutput(spec, output, {.samples = 8, .seed = seed++}));
}
BENCHMARK(BM_SpotCheck8RowsOfMatMul256)->Unit(benchmark::kMicrosecond);

void BM_FullRecomputeMatMul256(benchmark::State& state) {
  JobExecutor run = *NewLocalExecutor(nullptr);
  const JobSpec spec = MatMul(256);
  for (auto _ : state)
    benchmark::DoNotOptimize(run(spec));
}
BENCHMARK(BM_FullRecomputeMatMul256)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace theta::compute
