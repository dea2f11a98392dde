// Shared by the Node.js integration clients: the devnet's description ($DEVNET_CONFIG, written by
// tests/integration/harness.py) and small helpers that fail loudly.
'use strict';
const fs = require('fs');

function config() {
  const path = process.env.DEVNET_CONFIG;
  if (!path) throw new Error('DEVNET_CONFIG is not set (run through tests/integration/harness.py)');
  return JSON.parse(fs.readFileSync(path, 'utf8'));
}

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

function log(message) {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Polls `fn` until it returns a truthy value; throws naming `what` after `timeoutMs`.
async function waitFor(what, fn, timeoutMs = 30000, pollMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let lastError = null;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (e) {
      lastError = e;
    }
    await sleep(pollMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}` +
                  (lastError ? ` (last error: ${lastError.message})` : ''));
}

// A raw JSON-RPC call (for methods the client libraries do not wrap).
async function rpc(url, method, params) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({jsonrpc: '2.0', id: 1, method, params}),
  });
  const answer = await response.json();
  if (answer.error) {
    const e = new Error(`${method}: ${answer.error.message} (code ${answer.error.code})`);
    e.code = answer.error.code;
    throw e;
  }
  return answer.result;
}

function main(body) {
  body().then(
      () => {
        log('client: all checks passed');
        process.exit(0);
      },
      (e) => {
        console.error(e && e.stack ? e.stack : e);
        process.exit(1);
      });
}

module.exports = {config, check, log, sleep, waitFor, rpc, main};
