// A steady flow of signed value transfers (Ethereum form, through eth_sendRawTransaction) from the
// devnet's developer accounts, spread over every node that answers, for the fault tests. Nodes die
// and come back under it: a refused connection moves on to the next node, and an account whose
// nonce ran ahead of the chain (its txs died in a killed node's mempool) resyncs from the chain.
//
//   node load.js --rate 40        runs until SIGTERM, one JSON line of counters per second
'use strict';
const {ethers} = require('ethers');
const {config, rpc, sleep} = require('./common');

const args = process.argv.slice(2);
const rate = Number(args[args.indexOf('--rate') + 1] || 40);
const cfg = config();
const urls = cfg.nodes.map((n) => n.eth_url);
const chainId = BigInt(cfg.eth_chain_id);
const accounts = cfg.accounts.map((a) => ({
  wallet: new ethers.Wallet(a.private_key),
  nonce: null,       // next nonce to use; null: ask the chain
  chainNonce: null,  // the chain's count when last asked
  lastProgress: Date.now(),
}));
const downUntil = new Map();  // url -> time it may be tried again
const stats = {sent: 0, rejected: 0, unreachable: 0, resyncs: 0};
let nextUrl = 0;
let running = true;
let gasPrice = null;

function pickUrl() {
  for (let i = 0; i < urls.length; i++) {
    const url = urls[(nextUrl++) % urls.length];
    if ((downUntil.get(url) || 0) <= Date.now()) return url;
  }
  return null;
}

async function call(method, params) {
  for (let attempt = 0; attempt < urls.length; attempt++) {
    const url = pickUrl();
    if (!url) break;
    try {
      return await rpc(url, method, params);
    } catch (e) {
      if (e.code === undefined) {  // no JSON-RPC answer: the node is down
        downUntil.set(url, Date.now() + 1000);
        stats.unreachable++;
        continue;
      }
      throw e;
    }
  }
  throw new Error('no node answers');
}

async function resync(account) {
  const count = Number(await call('eth_getTransactionCount', [account.wallet.address, 'latest']));
  if (account.chainNonce === null || count > account.chainNonce) account.lastProgress = Date.now();
  account.chainNonce = count;
  // Stalled with txs outstanding: they were lost (a killed node's mempool); start again from the
  // chain's count.
  if (account.nonce === null || account.nonce < count ||
      (account.nonce > count && Date.now() - account.lastProgress > 4000)) {
    if (account.nonce !== null) stats.resyncs++;
    account.nonce = count;
    account.lastProgress = Date.now();
  }
}

async function sendOne(account, to) {
  if (account.nonce - account.chainNonce >= 64) return;  // far ahead of the chain: let it catch up
  const raw = await account.wallet.signTransaction({
    type: 0, chainId, nonce: account.nonce, to, value: 1000n, gasLimit: 21000n, gasPrice,
  });
  try {
    await call('eth_sendRawTransaction', [raw]);
    account.nonce++;
    stats.sent++;
  } catch (e) {
    stats.rejected++;
    account.nonce = null;  // a nonce the node refused: ask the chain next round
    account.chainNonce = null;
  }
}

async function loop() {
  gasPrice = BigInt(await call('eth_gasPrice', []));
  let tick = 0;
  const perTick = Math.max(1, Math.round(rate / 10));
  while (running) {
    const started = Date.now();
    try {
      if (tick % 10 === 0) {
        for (const a of accounts) await resync(a);
        console.log(JSON.stringify({t: Date.now(), ...stats}));
      }
      for (let i = 0; i < perTick; i++) {
        const a = accounts[(tick * perTick + i) % accounts.length];
        if (a.nonce === null || a.chainNonce === null) await resync(a);
        const to = accounts[(tick + i + 1) % accounts.length].wallet.address;
        await sendOne(a, to);
      }
    } catch (e) {
      stats.unreachable++;
    }
    tick++;
    await sleep(Math.max(0, 100 - (Date.now() - started)));
  }
}

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    running = false;
  });
}
loop().then(() => {
  console.log(JSON.stringify({t: Date.now(), done: true, ...stats}));
  process.exit(0);
}, (e) => {
  console.error(e);
  process.exit(1);
});
