// Same-run anchor for theta_crypto_bench's BLS rows: supranational/blst through @chainsafe/blst
// (npm, pinned in tests/package.json; its linux-x64-gnu package ships blst built with ADX/BMI2),
// minimal-pubkey-size, POP ciphersuite, 32-byte messages, like ../shared/data/anchors.md.
//
//   node benchmarks/crypto/blst_anchor.cjs                      a table of every row
//   node benchmarks/crypto/blst_anchor.cjs --case BM_BlsSign [--repetitions 5] [--min-time 0.5]
//        one row, as the harness's command anchor: a JSON line {"repeats_ns": [...]}
//
// Times are the process's CPU time per call (user + system, as Google Benchmark's CPU column), so
// that a loaded machine inflates both sides alike; the table shows the median of 5 samples. The
// N-API call costs about a microsecond, well under every row here. Keys and signatures are decoded
// before timing and not re-validated in the timed calls, as in theta_crypto_bench. blst's binding
// has no call for hash to G2, the Miller loop or the final exponentiation alone: those rows keep
// anchors.md's recorded figures.
'use strict';
const path = require('node:path');
const blst = require(path.join(__dirname, '../../tests/node_modules/@chainsafe/blst'));

const message = new Uint8Array(32).fill(0x5a);
const ikm = (i) => {
  const b = new Uint8Array(32);
  new DataView(b.buffer).setUint32(28, i + 1);
  return b;
};

// Each row: its theta_crypto_bench case, its label, and a setup that returns the timed call.
function single() {
  const sk = blst.SecretKey.fromKeygen(ikm(99));
  const pk = sk.toPublicKey();
  const sig = sk.sign(message);
  return {sk, pk, sig, pkBytes: pk.toBytes(true), sigBytes: sig.toBytes(true)};
}
function fastAggregate(n) {
  const keys = [];
  const sigs = [];  // every key signs once, outside the timing
  for (let i = 0; i < n; ++i) {
    const k = blst.SecretKey.fromKeygen(ikm(1000 + i));
    keys.push(k.toPublicKey());
    sigs.push(k.sign(message));
  }
  const aggregate = blst.aggregateSignatures(sigs, false);
  return () => {
    if (!blst.fastAggregateVerify(message, keys, aggregate, false)) throw new Error('FAV failed');
  };
}
const ROWS = [
  ['BM_BlsKeyGenAndPk', 'keygen + public key', () => (i) => blst.SecretKey.fromKeygen(ikm(i)).toPublicKey()],
  ['BM_BlsSign', 'sign', () => {
    const {sk} = single();
    return () => sk.sign(message);
  }],
  ['BM_BlsPublicKeyDecode', 'public key decode + validate', () => {
    const {pkBytes} = single();
    return () => blst.PublicKey.fromBytes(pkBytes, true);
  }],
  ['BM_BlsSignatureDecode', 'signature decode + group check', () => {
    const {sigBytes} = single();
    return () => blst.Signature.fromBytes(sigBytes, true);
  }],
  ['BM_BlsVerify', 'verify', () => {
    const {pk, sig} = single();
    return () => {
      if (!blst.verify(message, pk, sig, false, false)) throw new Error('verify failed');
    };
  }],
  ['BM_BlsFastAggregateVerify/1000', 'FastAggregateVerify, 1000 decoded', () => fastAggregate(1000)],
  ['BM_BlsFastAggregateVerify/10000', 'FastAggregateVerify, 10000 decoded', () => fastAggregate(10000)],
];

function cpuMicros() {
  const used = process.cpuUsage();
  return used.user + used.system;
}

// CPU ns per call over one sample: at least `calls` calls and at least minTime seconds.
function sampleNs(fn, calls, minTime) {
  const start = cpuMicros();
  let done = 0;
  while (done < calls || cpuMicros() - start < minTime * 1e6) fn(done++);
  return ((cpuMicros() - start) * 1000) / done;
}

function table() {
  for (const [, label, setup] of ROWS) {
    const fn = setup();
    fn(0);  // warm up
    const samples = [];
    for (let s = 0; s < 5; ++s) samples.push(sampleNs(fn, 1, 0.3));
    samples.sort((a, b) => a - b);
    const ms = samples[2] / 1e6;
    console.log(`${label.padEnd(40)} ${ms < 1 ? (ms * 1000).toFixed(1) + ' us' : ms.toFixed(2) + ' ms'}`);
  }
}

function oneCase(argv) {
  const option = (name, fallback) => {
    const at = argv.indexOf(name);
    return at >= 0 && at + 1 < argv.length ? argv[at + 1] : fallback;
  };
  const name = option('--case', '');
  const repetitions = Number(option('--repetitions', '5'));
  const minTime = Number(option('--min-time', '0.5'));
  const row = ROWS.find(([c]) => c === name);
  if (!row) {
    console.error(`blst_anchor: no blst row for case '${name}'; rows: ${ROWS.map(([c]) => c).join(', ')}`);
    return 2;
  }
  if (!(Number.isInteger(repetitions) && repetitions > 0) || !(minTime >= 0)) {
    console.error('blst_anchor: --repetitions must be a positive integer and --min-time a number >= 0');
    return 2;
  }
  const fn = row[2]();
  fn(0);  // warm up
  const repeats = [];
  for (let r = 0; r < repetitions; ++r) repeats.push(sampleNs(fn, 1, minTime));
  console.log(JSON.stringify({case: name, repeats_ns: repeats}));
  return 0;
}

process.exitCode = process.argv.includes('--case') ? oneCase(process.argv.slice(2)) : table();
