// The @thetalabs/theta-js side of tests/node/theta_rpc_thetajs_test.cpp: theta-js's HttpProvider and
// Wallet against a theta-cpp node's theta.* RPC. argv: RPC URL, chain ID, the sender's private key
// (hex), a recipient address. Reads the sender, sends THETA and TFUEL with a SendTransaction theta-js
// signs (the synchronous broadcast: it returns once the node commits the block), reads the tx, its
// block and the recipient back, and prints everything it got as one JSON object.
import thetajs from "@thetalabs/theta-js";
import BigNumber from "bignumber.js";

const [url, chainId, privateKey, recipient] = process.argv.slice(2);
const provider = new thetajs.providers.HttpProvider(chainId, url);
const wallet = new thetajs.Wallet(privateKey, provider);
const sender = wallet.getAddress();

const out = { sender };
out.before = await provider.getAccount(sender);
out.blockNumber = await provider.getBlockNumber();
out.freshSequence = await provider.getTransactionCount(recipient);  // unknown account: 0
const tx = new thetajs.transactions.SendTransaction({
  from: sender,
  outputs: [{ address: recipient, thetaWei: new BigNumber("1000"), tfuelWei: new BigNumber("2000") }],
  gasPrice: new BigNumber("300000000000000000"),
});
out.sent = await wallet.sendTransaction(tx);
out.tx = await provider.getTransaction(out.sent.hash);
out.block = await provider.getBlock(out.tx.block_hash);
out.blockByHeight = await provider.getBlockByHeight(out.tx.block_height);
out.recipient = await provider.getAccount(recipient);
out.senderAfter = await provider.getAccount(sender);
try {
  await provider.getTransaction("0x1234");
  out.badHash = null;
} catch (e) {
  out.badHash = { code: e.code, message: e.message };
}
console.log(JSON.stringify(out));
