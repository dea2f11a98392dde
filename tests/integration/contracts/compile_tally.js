// Compiles Tally.sol with solc-js 0.8.28 (tests/node_modules) into Tally.bin (init code, hex) and
// Tally.abi.json. Run from the repository root after editing Tally.sol:
//   NODE_PATH=tests/node_modules node tests/integration/contracts/compile_tally.js
// The outputs are committed so that the test does not pay solc-js's start-up on every run.
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const dir = __dirname;
const input = {
  language: 'Solidity',
  sources: {'Tally.sol': {content: fs.readFileSync(path.join(dir, 'Tally.sol'), 'utf8')}},
  settings: {
    optimizer: {enabled: true, runs: 200},
    evmVersion: 'cancun',
    outputSelection: {'*': {'*': ['abi', 'evm.bytecode.object']}},
  },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
if (errors.length > 0) {
  console.error(errors.map((e) => e.formattedMessage).join('\n'));
  process.exit(1);
}
const tally = output.contracts['Tally.sol'].Tally;
fs.writeFileSync(path.join(dir, 'Tally.bin'), tally.evm.bytecode.object + '\n');
fs.writeFileSync(path.join(dir, 'Tally.abi.json'), JSON.stringify(tally.abi, null, 2) + '\n');
console.log(`solc ${solc.version()}: Tally.bin ${tally.evm.bytecode.object.length / 2} bytes`);
