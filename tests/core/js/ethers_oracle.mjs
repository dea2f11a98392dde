// The ethers (npm, pinned in tests/package-lock.json) side of tests/core/ethers_differential_test.cpp.
// Reads a request JSON file named on the command line, answers on stdout with what ethers computes:
//   derive:  [{phrase, passphrase, paths}] -> for each path {address, privateKey, extendedKey}
//   decrypt: [{json, password}]            -> the private key ethers decrypts
//   encrypt: [{privateKey, password, n}]   -> a keystore ethers writes (scrypt N = n, r = 8, p = 1)
import { readFileSync } from "node:fs";
import { ethers } from "ethers";

const request = JSON.parse(readFileSync(process.argv[2], "utf8"));

const derive = (request.derive ?? []).map(({ phrase, passphrase, paths }) => {
  const mnemonic = ethers.Mnemonic.fromPhrase(phrase, passphrase);
  return paths.map((path) => {
    const node = ethers.HDNodeWallet.fromMnemonic(mnemonic, path);
    return { address: node.address, privateKey: node.privateKey, extendedKey: node.extendedKey };
  });
});

const decrypt = (request.decrypt ?? []).map(
  ({ json, password }) => ethers.decryptKeystoreJsonSync(json, password).privateKey,
);

const encrypt = (request.encrypt ?? []).map(({ privateKey, password, n }) => {
  const wallet = new ethers.Wallet(privateKey);
  return ethers.encryptKeystoreJsonSync(
    { address: wallet.address, privateKey }, password, { scrypt: { N: n, r: 8, p: 1 } });
});

process.stdout.write(JSON.stringify({ version: ethers.version, derive, decrypt, encrypt }));
