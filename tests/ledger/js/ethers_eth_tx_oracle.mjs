// The ethers side of tests/ledger/eth_tx_test.cpp (ethers pinned in tests/package-lock.json).
// Signs `count` random legacy (EIP-155), EIP-2930 and EIP-1559 transactions with random keys, drawn from a
// seeded generator (argv[2] seed, argv[3] count, argv[4] chain ID), and prints a JSON list:
//   {privateKey, from, raw, hash, type, nonce, gasLimit, gasPrice, maxFeePerGas,
//    maxPriorityFeePerGas, to, value, data, accessList}
// Numbers are decimal strings, byte strings lower-case hex.
import { ethers } from "ethers";
import { seededRandom } from "./seeded_random.mjs";

const { hex, below } = seededRandom(process.argv[2] ?? 1);
// A random amount of up to `bytes` bytes, sometimes zero.
const amount = (bytes) => (below(5) === 0 ? 0n : BigInt(hex(1 + below(bytes))));

const count = Number(process.argv[3] ?? 20);
const chainId = BigInt(process.argv[4] ?? 366);
const out = [];
for (let i = 0; i < count; i++) {
  let key = hex(32);
  while (BigInt(key) === 0n || BigInt(key) >= ethers.N) key = hex(32);
  const wallet = new ethers.Wallet(key);
  const type = below(3);
  const create = below(4) === 0;
  const tx = {
    type,
    chainId,
    nonce: below(3) === 0 ? 0 : below(1000000),
    gasLimit: BigInt(21000 + below(20000000)),
    to: create ? null : ethers.getAddress(hex(20)),
    value: amount(24),
    data: hex(below(3) === 0 ? 0 : below(200)),
  };
  if (type !== 2) {
    tx.gasPrice = amount(12);
  } else {
    tx.maxPriorityFeePerGas = amount(8);
    tx.maxFeePerGas = tx.maxPriorityFeePerGas + amount(10);
  }
  if (type !== 0) {
    tx.accessList = [];
    for (let j = below(3); j > 0; j--) {
      const keys = [];
      for (let k = below(3); k > 0; k--) keys.push(hex(32));
      tx.accessList.push({ address: ethers.getAddress(hex(20)), storageKeys: keys });
    }
  }
  const raw = await wallet.signTransaction(tx);
  const parsed = ethers.Transaction.from(raw);
  out.push({
    privateKey: key,
    from: wallet.address.toLowerCase(),
    raw,
    hash: parsed.hash,
    type,
    nonce: String(tx.nonce),
    gasLimit: String(tx.gasLimit),
    gasPrice: String(tx.gasPrice ?? 0n),
    maxFeePerGas: String(tx.maxFeePerGas ?? 0n),
    maxPriorityFeePerGas: String(tx.maxPriorityFeePerGas ?? 0n),
    to: tx.to ? tx.to.toLowerCase() : "",
    value: String(tx.value),
    data: tx.data,
    accessList: (tx.accessList ?? []).map((t) => ({
      address: t.address.toLowerCase(),
      storageKeys: t.storageKeys,
    })),
  });
}
console.log(JSON.stringify(out));
