#!/usr/bin/python3
"""Real clients against a devnet: `--client theta-js` (clients/theta_js_send.js) or `--client ethers`
(clients/ethers_erc20.js: solc + OpenZeppelin + ethers 6, HTTP and WebSocket)."""

import sys

import harness

CLIENTS = {"theta-js": "theta_js_send.js", "ethers": "ethers_erc20.js"}


def extra(p):
    p.add_argument("--client", choices=sorted(CLIENTS), required=True)


def body(devnet, args):
    devnet.wait_for_height(2, timeout=60)
    harness.run_client(devnet, args, CLIENTS[args.client], timeout=150)


if __name__ == "__main__":
    sys.exit(harness.run_test(body, validators=4, guardians=2, extra=extra))
