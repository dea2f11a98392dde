// The ethers side of "we sign, ethers parses" in tests/ledger/eth_tx_test.cpp: parses each raw
// transaction given as an argument (0x hex) with ethers.Transaction.from and prints a JSON list
//   {type, from, hash, chainId, nonce, gasLimit, gasPrice, to, value, data, accessList}
// (numbers as decimal strings, byte strings lower-case hex; `to` is "" for a creation).
import { ethers } from "ethers";

const out = process.argv.slice(2).map((raw) => {
  const tx = ethers.Transaction.from(raw);
  return {
    type: tx.type,
    from: tx.from.toLowerCase(),
    hash: tx.hash,
    chainId: String(tx.chainId),
    nonce: String(tx.nonce),
    gasLimit: String(tx.gasLimit),
    gasPrice: String(tx.gasPrice ?? 0n),
    to: tx.to ? tx.to.toLowerCase() : "",
    value: String(tx.value),
    data: tx.data,
    accessList: (tx.accessList ?? []).map((t) => ({
      address: t.address.toLowerCase(),
      storageKeys: t.storageKeys,
    })),
  };
});
console.log(JSON.stringify(out));
