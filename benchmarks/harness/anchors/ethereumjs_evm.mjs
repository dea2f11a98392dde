// Times one case of the evmone benchmark set (../shared/data/evm-benchmarks) on @ethereumjs/evm, the
// way theta_evm_bench times it: Istanbul rules, gas limit INT64_MAX, the pre-state loaded once and kept
// across iterations, only the execution of the call timed. Prints one JSON line:
//   {"case", "repeats_ns": [CPU ns per execution, one per repetition], "gas_used", "iterations"}
// Usage: node ethereumjs_evm.mjs --repo DIR --data DIR --case execute/main/<file>/<label>
//                                [--repetitions N] [--min-time SECONDS]
// The packages come from the repository's tests/node_modules (tests/package.json pins them).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

function parseArgs(argv) {
  const args = { repetitions: 1, minTime: 0.1 };
  for (let i = 0; i < argv.length; i += 2) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (key === '--repo') args.repo = value;
    else if (key === '--data') args.data = value;
    else if (key === '--case') args.case = value;
    else if (key === '--repetitions') args.repetitions = Number(value);
    else if (key === '--min-time') args.minTime = Number(value);
    else throw new Error(`unknown argument ${key}`);
  }
  if (!args.repo || !args.data || !args.case) throw new Error('--repo, --data and --case are required');
  return args;
}

// execute/<group>/<file>/<label>: the label names one of the transaction's data entries
// (_info.labels, else its index), as theta_evm_bench registers them.
function loadCase(dataDir, caseName) {
  const [, group, file, label] = caseName.split('/');
  const tests = JSON.parse(readFileSync(path.join(dataDir, 'benchmarks', group, `${file}.json`), 'utf8'));
  const test = tests[file] ?? Object.values(tests)[0];
  const labels = test._info?.labels ?? {};
  const index = test.transaction.data.findIndex((_, i) => (labels[String(i)] ?? String(i)) === label);
  if (index < 0) throw new Error(`no data entry labelled ${label} in ${file}`);
  return { pre: test.pre, to: test.transaction.to, data: test.transaction.data[index] };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const require = createRequire(path.join(args.repo, 'tests', 'package.json'));
  const { createEVM } = require('@ethereumjs/evm');
  const { Common, Mainnet, Hardfork } = require('@ethereumjs/common');
  const util = require('@ethereumjs/util');

  const c = loadCase(args.data, args.case);
  const common = new Common({ chain: Mainnet, hardfork: Hardfork.Istanbul });
  const evm = await createEVM({ common });
  for (const [address, a] of Object.entries(c.pre)) {
    const addr = util.createAddressFromString(address);
    await evm.stateManager.putAccount(addr, util.createAccount({ nonce: BigInt(a.nonce ?? 0), balance: BigInt(a.balance) }));
    await evm.stateManager.putCode(addr, util.hexToBytes(a.code));
    for (const [k, v] of Object.entries(a.storage ?? {})) {
      await evm.stateManager.putStorage(addr, util.setLengthLeft(util.hexToBytes(k), 32), util.hexToBytes(v));
    }
  }
  const to = util.createAddressFromString(c.to);
  const code = await evm.stateManager.getCode(to);
  const opts = { code, data: util.hexToBytes(c.data), gasLimit: 2n ** 63n - 1n, to };

  let gasUsed = 0n;
  const run = async () => {
    const r = await evm.runCode(opts);
    if (r.exceptionError) throw new Error(`execution failed: ${r.exceptionError.error}`);
    gasUsed = r.executionGasUsed;
  };
  await run(); // warm-up: JIT and caches, as Google Benchmark's first iterations are
  const repeats = [];
  let iterations = 0;
  for (let rep = 0; rep < args.repetitions; ++rep) {
    // CPU time of the process (as theta_evm_bench reports CPU time), so a loaded machine does not
    // inflate the anchor more than ours; it includes V8's GC helper threads.
    let n = 0;
    const start = process.cpuUsage();
    let elapsedUs = 0;
    do {
      await run();
      ++n;
      const used = process.cpuUsage(start);
      elapsedUs = used.user + used.system;
    } while (elapsedUs < args.minTime * 1e6);
    repeats.push((elapsedUs * 1e3) / n);
    iterations += n;
  }
  console.log(JSON.stringify({ case: args.case, repeats_ns: repeats, gas_used: Number(gasUsed), iterations }));
}

main().catch((e) => {
  console.error(`ethereumjs_evm: ${e.message}`);
  process.exit(1);
});
