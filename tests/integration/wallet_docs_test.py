#!/usr/bin/python3
"""docs/wallet.md's walkthrough ("On the devnet: every command"), run with bash exactly as written
against a fresh devnet: the variables its first block sets by hand are the lines scripts/devnet
prints for it (WalletCommands.shell_env), every later block runs in order under `set -euo
pipefail`, so a command that fails or an example that no longer matches the wallet fails the test.
A few effects are then read through a node's RPC."""

import os
import re
import subprocess
import sys

import harness
from harness import check, log
from wallet_chain_test import fast_blocks
from wallet_util import WEI, Wallet

DOC = os.path.join(harness._REPO, "docs", "wallet.md")
SECTION = "## On the devnet: every command"


def walkthrough():
    """The sh blocks of the section, the first one (the variables to fill in by hand) left out."""
    with open(DOC) as f:
        text = f.read()
    start = text.index(SECTION)
    end = text.index("\n## ", start + len(SECTION))
    blocks = re.findall(r"```sh\n(.*?)```", text[start:end], re.S)
    check(len(blocks) >= 8, f"{DOC}: the walkthrough has its blocks ({len(blocks)})")
    return blocks[0], blocks[1:]


def body(devnet, args):
    check(args.wallet_bin, "--wallet-bin is required")
    devnet.wait_for_height(1, timeout=60)
    w = Wallet(devnet, args.wallet_bin)  # writes $D/keys as scripts/devnet does
    setup, blocks = walkthrough()
    accounts = [a["address"] for a in devnet.accounts]
    # The lines scripts/devnet prints for the walkthrough stand in for its first block.
    printed = w.cmds.shell_env()
    for name in ("THETA_WALLET_PASSWORD", "THETA_WALLET_NODE", "D", "A0", "A1", "A2", "A3", "V0",
                 "T"):
        check(re.search(rf"\b{name}=", setup), f"the walkthrough's first block sets {name}")
        check(re.search(rf"\b{name}=", printed), f"scripts/devnet prints {name}")
    env = dict(os.environ,
               PATH=os.path.dirname(os.path.abspath(args.wallet_bin)) + os.pathsep +
               os.environ.get("PATH", ""),
               HOME=os.path.join(devnet.data_dir, "home"))
    for name in ("THETA_WALLET_PASSWORD", "THETA_WALLET_NODE"):
        env.pop(name, None)
    work = os.path.join(devnet.data_dir, "walkthrough")
    os.makedirs(work)
    os.makedirs(env["HOME"])
    script = ("set -euo pipefail -x\n" + printed + "\n" + "\n".join(blocks) +
              'echo "RESULT C=$C R=$R"\n')
    log(f"running the {len(blocks)} blocks of {DOC} with bash")
    result = subprocess.run(["bash", "-c", script], cwd=work, env=env, capture_output=True,
                            text=True, timeout=180, stdin=subprocess.DEVNULL)
    sys.stdout.write(result.stdout[-6000:])
    sys.stdout.write(result.stderr[-6000:])
    check(result.returncode == 0, f"the walkthrough failed with status {result.returncode}")
    found = re.search(r"RESULT C=(0x[0-9a-fA-F]{40}) R=(\d+)", result.stdout)
    check(found, "the walkthrough set the contract address and the reserve sequence")

    contract = found.group(1)
    total = w.rpc("theta.GetStorageAt", {"address": contract, "storage_position": "0" * 64})
    check(int(total["value"], 16) == 50, f"Tally's total is 42 + 8: {total}")
    devnet.wait_until(lambda: not w.account(accounts[1])["reserved_funds"], 30,
                      "account1's fund to be released")
    _, _, seq = w.coins(accounts[3])
    check(seq == 2, f"account3 staked and set its reward split: sequence {seq}")
    check(w.coins(accounts[1])[0] >= 10**9 * WEI, "account1 received THETA")


if __name__ == "__main__":
    sys.exit(harness.run_test(body, validators=2, guardians=1, accounts=4, configure=fast_blocks))
