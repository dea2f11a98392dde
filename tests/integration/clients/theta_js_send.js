// theta-js against a devnet node: read an account, send THETA and TFUEL with a SendTx that theta-js
// signs, wait until the node reports it finalized in a block, and read the block and balances back.
'use strict';
const thetajs = require('@thetalabs/theta-js');
const BigNumber = require('bignumber.js');
const {config, check, log, waitFor, main} = require('./common');

const TEN18 = new BigNumber(10).pow(18);

function coins(account) {
  check(account && account.coins, `GetAccount answer has coins: ${JSON.stringify(account)}`);
  return {
    theta: new BigNumber(account.coins.thetawei),
    tfuel: new BigNumber(account.coins.tfuelwei),
  };
}

main(async () => {
  const cfg = config();
  const node = cfg.nodes[0];
  const other = cfg.nodes[1];  // read back through another node: the block reached it too
  const provider = new thetajs.providers.HttpProvider(cfg.chain_id, node.rpc_url);
  const otherProvider = new thetajs.providers.HttpProvider(cfg.chain_id, other.rpc_url);
  const [sender, receiver] = cfg.accounts;
  const wallet = new thetajs.Wallet(sender.private_key, provider);
  check(wallet.address.toLowerCase() === sender.address.toLowerCase(),
        `theta-js derives ${wallet.address} from account0's key, devnet.json says ${sender.address}`);

  const status = await provider.getBlockNumber();
  log(`node ${node.name} at height ${status}`);

  const before = coins(await provider.getAccount(sender.address));
  const receiverBefore = coins(await provider.getAccount(receiver.address));
  check(before.theta.gt(0) && before.tfuel.gt(0), 'account0 is funded at genesis');
  log(`account0 holds ${before.theta.div(TEN18)} THETA, ${before.tfuel.div(TEN18)} TFUEL`);

  const thetaWei = new BigNumber('12.5').multipliedBy(TEN18);
  const tfuelWei = new BigNumber('34.25').multipliedBy(TEN18);
  const tx = new thetajs.transactions.SendTransaction({
    from: sender.address,
    outputs: [{address: receiver.address, thetaWei, tfuelWei}],
  });
  const fee = new BigNumber(tx.fee.tfuelWei);
  const result = await wallet.sendTransaction(tx);  // theta.BroadcastRawTransaction
  check(result && result.hash, `BroadcastRawTransaction returns a hash: ${JSON.stringify(result)}`);
  log(`sent ${result.hash}`);

  const found = await waitFor('the SendTx to be finalized', async () => {
    const t = await otherProvider.getTransaction(result.hash);
    return t && t.status === 'finalized' ? t : null;
  }, 60000);
  const height = Number(found.block_height);
  log(`finalized in block ${height} (${found.block_hash})`);
  check(found.hash.toLowerCase() === result.hash.toLowerCase(), 'GetTransaction returns its hash');

  const block = await otherProvider.getBlockByHeight(String(height));
  check(block.hash.toLowerCase() === found.block_hash.toLowerCase(),
        `GetBlockByHeight(${height}).hash ${block.hash} equals the tx's block_hash`);
  const hashes = block.transactions.map((t) => String(t.hash).toLowerCase());
  check(hashes.includes(result.hash.toLowerCase()),
        `block ${height} lists the tx among ${JSON.stringify(hashes)}`);
  const byHash = await otherProvider.getBlock(block.hash);
  check(Number(byHash.height) === height, 'GetBlock by hash gives the same block');

  // The balances after the block: exact amounts, the fee paid by the sender.
  const after = coins(await otherProvider.getAccount(sender.address));
  const receiverAfter = coins(await otherProvider.getAccount(receiver.address));
  check(receiverAfter.theta.minus(receiverBefore.theta).eq(thetaWei),
        `receiver gained ${receiverAfter.theta.minus(receiverBefore.theta)} THETA wei`);
  check(receiverAfter.tfuel.minus(receiverBefore.tfuel).eq(tfuelWei),
        `receiver gained ${receiverAfter.tfuel.minus(receiverBefore.tfuel)} TFUEL wei`);
  check(before.theta.minus(after.theta).eq(thetaWei), 'sender paid the THETA');
  check(before.tfuel.minus(after.tfuel).eq(tfuelWei.plus(fee)),
        `sender paid the TFUEL and the ${fee} wei fee (paid ${before.tfuel.minus(after.tfuel)})`);
  const seq = await provider.getTransactionCount(sender.address);
  check(seq === tx.getSequence(), `account0's sequence is now ${seq}, the tx's`);
});
