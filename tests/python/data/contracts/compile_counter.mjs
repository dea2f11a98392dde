// Compiles Counter.sol with solc-js (npm `solc`, the version named in Counter.json) for the
// Cancun EVM and writes Counter.json: the creation bytecode, the runtime bytecode, the ABI and the
// compiler version. solc is not a dependency of the tests; to regenerate:
//   npm install --prefix /tmp/solc solc@0.8.37
//   NODE_PATH=/tmp/solc/node_modules node tests/python/data/contracts/compile_counter.mjs
import { createRequire } from "node:module";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(join(process.env.NODE_PATH ?? ".", "x.js"));
const solc = require("solc");
const here = dirname(fileURLToPath(import.meta.url));
const input = {
  language: "Solidity",
  sources: { "Counter.sol": { content: readFileSync(join(here, "Counter.sol"), "utf8") } },
  settings: {
    evmVersion: "cancun",
    optimizer: { enabled: true, runs: 200 },
    outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
  },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
for (const error of output.errors ?? []) {
  if (error.severity === "error") throw new Error(error.formattedMessage);
}
const contract = output.contracts["Counter.sol"].Counter;
const result = {
  compiler: `solc-js ${solc.version()}`,
  settings: { evmVersion: "cancun", optimizer: { enabled: true, runs: 200 } },
  abi: contract.abi,
  bytecode: "0x" + contract.evm.bytecode.object,
  deployedBytecode: "0x" + contract.evm.deployedBytecode.object,
};
writeFileSync(join(here, "Counter.json"), JSON.stringify(result, null, 1) + "\n");
console.log(`Counter.json written by ${result.compiler}`);
