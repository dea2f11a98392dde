// The ethers (npm, pinned in tests/package-lock.json) side of tests/wallet: reads a request JSON
// file named on the command line and answers on stdout with what ethers computes:
//   abi:     [{types, values}]              -> AbiCoder.encode hex (or {error})
//   calldata:[{signature, types, values}]   -> selector ‖ encoding, as Interface would send it
//   decrypt: [{json, password}]             -> {address, privateKey}
//   encrypt: [{privateKey, password, n}]    -> a keystore ethers writes (scrypt N = n, r = 8, p = 1)
//   derive:  [{phrase, path}]               -> the address at path
import { readFileSync } from "node:fs";
import { ethers } from "ethers";

const request = JSON.parse(readFileSync(process.argv[2], "utf8"));
const coder = ethers.AbiCoder.defaultAbiCoder();

const abi = (request.abi ?? []).map(({ types, values }) => {
  try {
    return coder.encode(types, values);
  } catch (e) {
    return { error: String(e.shortMessage ?? e.message) };
  }
});

const calldata = (request.calldata ?? []).map(({ signature, types, values }) =>
  ethers.concat([ethers.id(signature).slice(0, 10), coder.encode(types, values)]));

const decrypt = (request.decrypt ?? []).map(({ json, password }) => {
  const account = ethers.decryptKeystoreJsonSync(json, password);
  return { address: account.address, privateKey: account.privateKey };
});

const encrypt = (request.encrypt ?? []).map(({ privateKey, password, n }) => {
  const wallet = new ethers.Wallet(privateKey);
  return ethers.encryptKeystoreJsonSync(
    { address: wallet.address, privateKey }, password, { scrypt: { N: n, r: 8, p: 1 } });
});

const derive = (request.derive ?? []).map(({ phrase, path }) =>
  ethers.HDNodeWallet.fromPhrase(phrase, undefined, path).address);

process.stdout.write(JSON.stringify({ version: ethers.version, abi, calldata, decrypt, encrypt, derive }));
