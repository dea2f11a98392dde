// Same-run anchor for theta_crypto_bench's BLS rows: supranational/blst through @chainsafe/blst
// (npm, pinned in tests/package.json; its linux-x64-gnu package ships blst built with ADX/BMI2),
// minimal-pubkey-size, POP ciphersuite, 32-byte messages, like ../shared/data/anchors.md.
//
//   node benchmarks/crypto/blst_anchor.cjs
//
// Each figure is the median of 5 samples of the process's CPU time per call (user + system, as
// Google Benchmark's CPU column), so that a loaded machine inflates both sides alike. The N-API
// call costs about a microsecond, well under every row here. Keys and signatures are decoded
// before timing and not re-validated in the timed calls, as in theta_crypto_bench.
'use strict';
const path = require('node:path');
const blst = require(path.join(__dirname, '../../tests/node_modules/@chainsafe/blst'));

function cpuMs(calls, fn) {
  const samples = [];
  for (let s = 0; s < 5; ++s) {
    const before = process.cpuUsage();
    for (let i = 0; i < calls; ++i) fn(i);
    const used = process.cpuUsage(before);
    samples.push((used.user + used.system) / 1000 / calls);
  }
  samples.sort((a, b) => a - b);
  return samples[2];
}

function report(name, ms) {
  console.log(`${name.padEnd(40)} ${ms < 1 ? (ms * 1000).toFixed(1) + ' us' : ms.toFixed(2) + ' ms'}`);
}

const message = new Uint8Array(32).fill(0x5a);
const ikm = (i) => {
  const b = new Uint8Array(32);
  new DataView(b.buffer).setUint32(28, i + 1);
  return b;
};
const sk = blst.SecretKey.fromKeygen(ikm(99));
const pk = sk.toPublicKey();
const sig = sk.sign(message);
const pkBytes = pk.toBytes(true);
const sigBytes = sig.toBytes(true);

report('keygen + public key', cpuMs(200, (i) => blst.SecretKey.fromKeygen(ikm(i)).toPublicKey()));
report('sign', cpuMs(100, () => sk.sign(message)));
report('public key decode + validate', cpuMs(200, () => blst.PublicKey.fromBytes(pkBytes, true)));
report('signature decode + group check', cpuMs(200, () => blst.Signature.fromBytes(sigBytes, true)));
report('verify', cpuMs(40, () => {
  if (!blst.verify(message, pk, sig, false, false)) throw new Error('verify failed');
}));
for (const n of [1000, 10000]) {
  const keys = [];
  const sigs = [];  // every key signs once, outside the timing
  for (let i = 0; i < n; ++i) {
    const k = blst.SecretKey.fromKeygen(ikm(1000 + i));
    keys.push(k.toPublicKey());
    sigs.push(k.sign(message));
  }
  const aggregate = blst.aggregateSignatures(sigs, false);
  report(`FastAggregateVerify, ${n} decoded`, cpuMs(n === 1000 ? 20 : 5, () => {
    if (!blst.fastAggregateVerify(message, keys, aggregate, false)) throw new Error('FAV failed');
  }));
}
