// ethers 6 + solc-js + OpenZeppelin against a devnet node's Ethereum RPC: compile an ERC-20, deploy
// it with eth_sendRawTransaction, transfer, read balances with eth_call, read the Transfer events
// with eth_getLogs, and receive one through an eth_subscribe("logs") WebSocket subscription (and new
// heads through eth_subscribe("newHeads")) and one through a polled HTTP filter (eth_newFilter).
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');
const {ethers} = require('ethers');
const {config, check, log, waitFor, rpc, main} = require('./common');

// Waits until `node`'s /metrics shows the gauge at `min` or more (gauges refresh every second).
async function waitForGauge(node, name, min) {
  await waitFor(`${name} >= ${min} on ${node.metrics_url}`, async () => {
    const text = await (await fetch(node.metrics_url)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line && Number(line.split(' ')[1]) >= min;
  }, 20000, 100);
}

// Follows `contract`'s Transfer events; `next(how)` is the first one, or an error naming `how` if
// none comes within 30 s of the call.
function followTransfers(contract) {
  const seen = new Promise((resolve) => {
    contract.on('Transfer', (from, to, value, event) => resolve({from, to, value, event}));
  });
  return {
    next: (how) => Promise.race([
      seen, new Promise((_, reject) => setTimeout(
                () => reject(new Error(`no Transfer event ${how} within 30 s`)), 30000)),
    ]),
  };
}

function compile() {
  const source = fs.readFileSync(path.join(__dirname, 'DevToken.sol'), 'utf8');
  const input = {
    language: 'Solidity',
    sources: {'DevToken.sol': {content: source}},
    settings: {
      evmVersion: 'cancun',
      optimizer: {enabled: true, runs: 200},
      outputSelection: {'*': {'*': ['abi', 'evm.bytecode.object']}},
    },
  };
  const findImport = (name) => {
    try {
      return {contents: fs.readFileSync(require.resolve(name), 'utf8')};
    } catch (e) {
      return {error: `cannot import ${name}: ${e.message}`};
    }
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), {import: findImport}));
  const errors = (output.errors || []).filter((e) => e.severity === 'error');
  check(errors.length === 0, `solc compiles DevToken: ${errors.map((e) => e.formattedMessage)}`);
  const contract = output.contracts['DevToken.sol'].DevToken;
  return {abi: contract.abi, bytecode: '0x' + contract.evm.bytecode.object};
}

main(async () => {
  const cfg = config();
  const node = cfg.nodes[0];
  const reader = cfg.nodes[1];  // reads through another node: the blocks reached it too
  const chainId = BigInt(cfg.eth_chain_id);

  const {abi, bytecode} = compile();
  log(`solc ${solc.version()}: DevToken is ${(bytecode.length - 2) / 2} bytes of init code`);

  const network = new ethers.Network('theta-devnet', chainId);
  const provider = new ethers.JsonRpcProvider(node.eth_url, network, {staticNetwork: network});
  const readProvider =
      new ethers.JsonRpcProvider(reader.eth_url, network, {staticNetwork: network});
  check(BigInt(await provider.send('eth_chainId', [])) === chainId,
        `eth_chainId is the devnet's ${chainId}`);
  check(String(await provider.send('net_version', [])) === String(chainId),
        'net_version is the chain ID in decimal');

  const owner = new ethers.Wallet(cfg.accounts[0].private_key, provider);
  const alice = cfg.accounts[1].address;
  const bob = cfg.accounts[2].address;
  check(owner.address.toLowerCase() === cfg.accounts[0].address.toLowerCase(),
        'ethers derives the same address as devnet.json');
  const funds = await provider.getBalance(owner.address);
  const firstNonce = await provider.getTransactionCount(owner.address);
  check(funds > 0n, `account0 holds TFUEL on the Ethereum RPC (${funds})`);

  // Deploy: ethers signs an EIP-155 transaction and sends it with eth_sendRawTransaction.
  const supply = ethers.parseUnits('1000000', 18);
  const factory = new ethers.ContractFactory(abi, bytecode, owner);
  const token = await factory.deploy(supply);
  const deployTx = token.deploymentTransaction();
  log(`deploy tx ${deployTx.hash} (type ${deployTx.type})`);
  const deployReceipt = await deployTx.wait(1, 60000);
  check(deployReceipt.status === 1, 'the deployment succeeded');
  const address = await token.getAddress();
  check(deployReceipt.contractAddress.toLowerCase() === address.toLowerCase(),
        'the receipt names the contract address ethers computed');
  log(`DevToken at ${address}, block ${deployReceipt.blockNumber}, gas ${deployReceipt.gasUsed}`);
  await waitFor('the reading node to reach the deployment block',
                async () => (await readProvider.getBlockNumber()) >= deployReceipt.blockNumber);
  const code = await readProvider.getCode(address);
  check(code.length > 2, 'eth_getCode returns the runtime code');

  const readToken = new ethers.Contract(address, abi, readProvider);
  check(await readToken.name() === 'Devnet Token' && await readToken.symbol() === 'DEV',
        'name() and symbol() through eth_call');
  check(await readToken.totalSupply() === supply, 'totalSupply() is the minted supply');
  check(await readToken.balanceOf(owner.address) === supply, 'the owner holds the supply');

  // A transfer and the balances after it.
  const amount = ethers.parseUnits('1234.5', 18);
  const estimate = await token.transfer.estimateGas(alice, amount);
  check(estimate > 21000n && estimate < 100000n, `eth_estimateGas for a transfer: ${estimate}`);
  const transferTx = await token.transfer(alice, amount);
  const transferReceipt = await transferTx.wait(1, 60000);
  check(transferReceipt.status === 1, 'the transfer succeeded');
  await waitFor('the reading node to reach the transfer block',
                async () => (await readProvider.getBlockNumber()) >= transferReceipt.blockNumber);
  check(await readToken.balanceOf(alice) === amount, 'alice holds the amount');
  check(await readToken.balanceOf(owner.address) === supply - amount, 'the owner holds the rest');

  // The receipt's log and eth_getLogs agree: the mint (from zero) and the transfer.
  const transferTopic = ethers.id('Transfer(address,address,uint256)');
  check(transferReceipt.logs.length === 1 && transferReceipt.logs[0].topics[0] === transferTopic,
        'the transfer receipt holds one Transfer log');
  const logs = await readProvider.getLogs({
    address,
    topics: [transferTopic],
    fromBlock: deployReceipt.blockNumber,
    toBlock: transferReceipt.blockNumber,
  });
  check(logs.length === 2, `eth_getLogs finds the mint and the transfer (found ${logs.length})`);
  const events = logs.map((l) => readToken.interface.parseLog(l));
  check(events[0].args.from === ethers.ZeroAddress && events[0].args.value === supply,
        'the first Transfer is the mint');
  check(events[1].args.from.toLowerCase() === owner.address.toLowerCase() &&
            events[1].args.to.toLowerCase() === alice.toLowerCase() &&
            events[1].args.value === amount,
        'the second Transfer is owner → alice');
  check(logs[1].transactionHash === transferTx.hash, 'the log names its transaction');
  const byTopic = await readProvider.getLogs({
    address,
    topics: [transferTopic, null, ethers.zeroPadValue(alice, 32)],
    fromBlock: deployReceipt.blockNumber,
  });
  check(byTopic.length === 1, 'eth_getLogs filters by the indexed `to` topic');

  // Over WebSocket: a logs subscription (ethers subscribes with eth_subscribe) sees the next
  // transfer, and a newHeads subscription sees blocks.
  const ws = new ethers.WebSocketProvider(reader.ws_url, network, {staticNetwork: network});
  try {
    const wsToken = new ethers.Contract(address, abi, ws);
    let heads = 0;
    await ws.on('block', () => heads++);
    const transfers = followTransfers(wsToken);
    await waitForGauge(reader, 'theta_eth_subscriptions', 2);  // newHeads and logs are in place
    const second = ethers.parseUnits('7', 18);
    const tx2 = await token.transfer(bob, second);
    const got = await transfers.next('over the WebSocket subscription');
    check(got.to.toLowerCase() === bob.toLowerCase() && got.value === second,
          'the subscription delivers owner → bob');
    check(got.event.log.transactionHash === tx2.hash, 'the event names its transaction');
    await waitFor('newHeads over the WebSocket', async () => heads >= 2, 20000);
    log(`WebSocket: Transfer event in tx ${tx2.hash}, ${heads} new heads`);
  } finally {
    await ws.destroy();
  }

  // Over HTTP, ethers v6 follows contract events with a polled filter (eth_newFilter, then
  // eth_getFilterChanges at each new block it sees): a third transfer reaches it.
  const polling = new ethers.JsonRpcProvider(
      reader.eth_url, network, {staticNetwork: network, pollingInterval: 250});
  try {
    const httpToken = new ethers.Contract(address, abi, polling);
    const transfers = followTransfers(httpToken);
    // A filter reports the blocks after its install: wait until the node counts it.
    await waitForGauge(reader, 'theta_eth_filters', 1);
    const third = ethers.parseUnits('3', 18);
    const tx3 = await token.transfer(alice, third);
    const got = await transfers.next('through the polled HTTP filter');
    check(got.to.toLowerCase() === alice.toLowerCase() && got.value === third,
          'the polled filter delivers owner → alice');
    check(got.event.log.transactionHash === tx3.hash, 'the polled event names its transaction');
    log(`HTTP: Transfer event in tx ${tx3.hash} through eth_newFilter/eth_getFilterChanges`);
  } finally {
    polling.destroy();
  }

  // The same answer through the raw RPC: the receipt by hash and the block's logs bloom holds it.
  const raw = await rpc(reader.eth_url, 'eth_getTransactionReceipt', [transferTx.hash]);
  check(raw && raw.status === '0x1' && raw.logs.length === 1, 'eth_getTransactionReceipt (raw)');
  const nonce = await readProvider.getTransactionCount(owner.address);
  check(nonce === firstNonce + 4, `account0 sent 4 transactions: nonce ${firstNonce} → ${nonce}`);
});
