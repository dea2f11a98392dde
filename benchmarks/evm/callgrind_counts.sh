#!/usr/bin/env bash
# Instruction counts per execution of each main benchmark case, from callgrind: a measure that does
# not depend on machine load (wall time on a shared machine swings by tens of percent). Counts only
# what runs inside theta::evm::Execute (the interpreter and the host calls it makes), not the
# benchmark's setup. Usage: callgrind_counts.sh [BENCH_BINARY] [CASE_REGEX]
set -euo pipefail
bench=${1:-build/release/benchmarks/evm/theta_evm_bench}
filter=${2:-.}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Iterations per case: enough to amortise the first (cold) execution, few enough to stay quick.
cases=(
  "snailtracer/benchmark 2"
  "blake2b_shifts/8415nulls 4"
  "blake2b_huff/8415nulls 20"
  "sha1_shifts/5311 8"
  "sha1_divs/5311 4"
  "structarray_alloc/nfts_rank 40"
  "weierstrudel/1 40"
  "weierstrudel/15 8"
  "swap_math/spent 2000"
  "swap_math/received 2000"
  "swap_math/insufficient_liquidity 2000"
)
printf '%-36s %16s\n' case 'Ir/execution'
for entry in "${cases[@]}"; do
  read -r name iters <<<"$entry"
  [[ $name =~ $filter ]] || continue
  THETA_EVM_BENCH_ITERATIONS=$iters valgrind --tool=callgrind --callgrind-out-file="$out/cg" \
    --toggle-collect='theta::evm::Execute*' "$bench" --benchmark_filter="main/$name(/|\$)" \
    >/dev/null 2>"$out/log"
  total=$(grep -E '^(summary|totals):' "$out/cg" | tail -1 | awk '{print $2}')
  printf '%-36s %16d\n' "$name" $((total / iters))
done
