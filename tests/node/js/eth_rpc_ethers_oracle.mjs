// Reads the node's Ethereum RPC answers through ethers v6's own provider (tests/node/
// eth_rpc_ethers_test.cpp): a JsonRpcApiProvider whose transport replays answers the C++ test
// recorded from the real dispatcher. ethers is strict about shapes (addresses, hashes, quantities,
// signatures), so every field it parses here is a field a dapp would get. Prints one JSON object.
import fs from 'node:fs';
import { JsonRpcApiProvider, Network, Transaction } from 'ethers';

const recorded = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const network = Network.from(recorded.chainId);

class Replay extends JsonRpcApiProvider {
  constructor() {
    super(network, { staticNetwork: network, batchMaxCount: 1, cacheTimeout: -1 });
  }
  async _send(payload) {
    const payloads = Array.isArray(payload) ? payload : [payload];
    return payloads.map((p) => {
      const full = `${p.method} ${JSON.stringify(p.params)}`;
      const key = full in recorded.responses ? full : p.method;
      const answer = recorded.responses[key];
      if (answer === undefined) {
        return { id: p.id, error: { code: -32601, message: `not recorded: ${full}` } };
      }
      return 'error' in answer ? { id: p.id, error: answer.error } : { id: p.id, result: answer.result };
    });
  }
}

function plain(value) {
  return JSON.parse(JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v)));
}

function txFields(tx) {
  return {
    hash: tx.hash, from: tx.from, to: tx.to, nonce: tx.nonce, gasLimit: tx.gasLimit,
    gasPrice: tx.gasPrice, maxFeePerGas: tx.maxFeePerGas,
    maxPriorityFeePerGas: tx.maxPriorityFeePerGas, value: tx.value, data: tx.data,
    chainId: tx.chainId, type: tx.type, blockHash: tx.blockHash ?? null,
    blockNumber: tx.blockNumber ?? null, index: tx.index ?? null,
    v: tx.signature ? tx.signature.v : null, r: tx.signature ? tx.signature.r : null,
    s: tx.signature ? tx.signature.s : null,
  };
}

async function attempt(f) {
  try {
    return { ok: await f() };
  } catch (e) {
    return { error: { code: e.code, reason: e.reason ?? null, data: e.data ?? null,
                      message: e.shortMessage ?? e.message } };
  }
}

const provider = new Replay();
const out = { blocks: {}, txs: {}, raw: {}, receipts: {} };
const block = await provider.getBlock(recorded.blockNumber, true);
out.block = {
  hash: block.hash, parentHash: block.parentHash, number: block.number,
  timestamp: block.timestamp, miner: block.miner, gasUsed: block.gasUsed,
  gasLimit: block.gasLimit, baseFeePerGas: block.baseFeePerGas, difficulty: block.difficulty,
  nonce: block.nonce, extraData: block.extraData, stateRoot: block.stateRoot,
  receiptsRoot: block.receiptsRoot, transactions: block.transactions,
  prefetched: block.prefetchedTransactions.map(txFields),
};
for (const hash of recorded.hashes) {
  out.txs[hash] = txFields(await provider.getTransaction(hash));
  const r = await provider.getTransactionReceipt(hash);
  out.receipts[hash] = {
    hash: r.hash, index: r.index, blockHash: r.blockHash, blockNumber: r.blockNumber,
    from: r.from, to: r.to, contractAddress: r.contractAddress, gasUsed: r.gasUsed,
    cumulativeGasUsed: r.cumulativeGasUsed, gasPrice: r.gasPrice, status: r.status,
    type: r.type, logsBloom: r.logsBloom,
    logs: r.logs.map((l) => ({ index: l.index, transactionIndex: l.transactionIndex,
                              transactionHash: l.transactionHash, blockHash: l.blockHash,
                              blockNumber: l.blockNumber, address: l.address, topics: l.topics,
                              data: l.data })),
  };
}
for (const raw of recorded.raws) {
  const tx = Transaction.from(raw);
  out.raw[tx.hash] = txFields(tx);
}
out.logs = (await provider.getLogs({ fromBlock: 0, toBlock: 'latest' })).map((l) => ({
  index: l.index, transactionHash: l.transactionHash, address: l.address,
}));
out.feeData = await provider.getFeeData();
out.revert = await attempt(() => provider.call({ to: recorded.contract, data: '0xdeadbeef' }));
out.estimate = await attempt(() => provider.estimateGas({ to: recorded.contract, data: '0x6d4ce63c' }));
console.log(JSON.stringify(plain(out)));
