#!/usr/bin/python3
"""Validator-set epochs on real processes (genesis epoch_length 6, 4 validators):

  - blocks commit across several epoch changes, and every validator moves into each new epoch;
  - THETA staked for validator1 counts from the next epoch on: its stake in the consensus committee
    (/metrics theta_consensus_own_stake) rises then, not before;
  - kill -9 of one validator for more than an epoch: the other three change epochs without it; after
    a restart it catches up and votes in the current epoch again (its round metric moves);
  - every validator killed at once in mid-epoch and restarted: they resume and change epochs again;
  - every node holds the same blocks and state roots at every height.
"""

import json
import os
import sys

import harness
from harness import check, log
from wallet_util import Wallet

EPOCH = 6
WEI = 10**18


def epochs_and_fast_blocks(devnet):
    genesis_path = os.path.join(devnet.data_dir, "genesis.json")
    with open(genesis_path) as f:
        genesis = json.load(f)
    genesis["epoch_length"] = EPOCH
    with open(genesis_path, "w") as f:
        json.dump(genesis, f, indent=2)
    for spec in devnet.nodes:
        with open(spec.config) as f:
            config = json.load(f)
        config.setdefault("consensus", {}).update({"idle_block_ms": 100, "min_block_ms": 50})
        with open(spec.config, "w") as f:
            json.dump(config, f, indent=2)


def metric(devnet, name, key):
    return int(float((devnet.metrics(name) or {}).get(key, -1)))


def wait_epoch(devnet, names, epoch, timeout=90):
    devnet.wait_until(lambda: all(metric(devnet, n, "theta_consensus_epoch") >= epoch
                                  for n in names), timeout, f"epoch {epoch} on {names}",
                      watch=names)


def same_chain(devnet, names, upto):
    for h in range(1, upto + 1):
        seen = set()
        for n in names:
            b = devnet.eth(n, "eth_getBlockByNumber", [hex(h), False])
            check(b is not None, f"{n} lacks block {h}")
            seen.add((b["hash"], b["stateRoot"]))
        check(len(seen) == 1, f"nodes disagree at height {h}: {seen}")
    log(f"{len(names)} nodes hold the same blocks and state roots at heights 1..{upto}")


def body(devnet, args):
    check(args.wallet_bin, "--wallet-bin is required")
    names = [n.name for n in devnet.validators()]
    wait_epoch(devnet, names, 2)
    log(f"every validator reached epoch 2 (height {min(devnet.height(n) for n in names)})")

    # Stake for validator1: its committee stake changes at the next epoch boundary, not before.
    w = Wallet(devnet, args.wallet_bin)
    staker = w.import_key(0)
    target = devnet.node(names[1])
    holder = json.load(open(os.path.join(devnet.data_dir, "devnet.json")))["nodes"][1]["address"]
    before = metric(devnet, target.name, "theta_consensus_own_stake")
    check(before > 0, f"{target.name} is in the committee with stake {before}")
    sent = w.json("stake", "deposit", "--purpose=validator", f"--holder={holder}",
                  "--amount=5000000", f"--from={staker}", "--yes")
    deposited_at = int(sent["node"]["block"]["Height"])
    current = (deposited_at - 1) // EPOCH  # the epoch of the block that holds the deposit
    log(f"staked 5,000,000 THETA for {target.name} in block {deposited_at} (epoch {current})")
    devnet.wait_until(lambda: metric(devnet, target.name, "theta_consensus_own_stake") > before,
                      90, f"{target.name}'s committee stake to rise")
    now_epoch = metric(devnet, target.name, "theta_consensus_epoch")
    check(now_epoch > current,
          f"the stake counts from a later epoch ({now_epoch}) than the deposit's ({current})")
    log(f"{target.name}'s committee stake rose {before} -> "
        f"{metric(devnet, target.name, 'theta_consensus_own_stake')} in epoch {now_epoch}")

    # A validator down for more than an epoch.
    victim = names[-1]
    live = names[:-1]
    devnet.kill9(victim)
    down_epoch = max(metric(devnet, n, "theta_consensus_epoch") for n in live)
    log(f"kill -9 {victim} in epoch {down_epoch}")
    wait_epoch(devnet, live, down_epoch + 2)
    devnet.start_node(victim)
    devnet.wait_for_rpc([victim], timeout=60)
    goal = max(metric(devnet, n, "theta_consensus_epoch") for n in live) + 1
    wait_epoch(devnet, names, goal)
    round_then = metric(devnet, victim, "theta_consensus_round")
    devnet.wait_until(lambda: metric(devnet, victim, "theta_consensus_round") != round_then, 30,
                      f"{victim} to follow consensus rounds again")
    log(f"{victim} restarted and reached epoch {goal} with the others")

    # Every validator killed at once, in mid-epoch, and restarted: each resumes its epoch from its
    # store and WAL alone.
    for n in names:
        devnet.kill9(n)
    for n in names:
        devnet.start_node(n)
    devnet.wait_for_rpc(names, timeout=60)
    resumed = min(metric(devnet, n, "theta_consensus_epoch") for n in names)
    wait_epoch(devnet, names, resumed + 2)
    log(f"all four killed and restarted (epoch {resumed}); they moved on to epoch {resumed + 2}")
    same_chain(devnet, names, min(devnet.height(n) for n in names))


if __name__ == "__main__":
    sys.exit(harness.run_test(body, validators=4, guardians=0, accounts=2,
                              configure=epochs_and_fast_blocks))
