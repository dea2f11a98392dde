#!/usr/bin/python3
"""Fault tests on real processes, while a load generator keeps signed transfers flowing:

  kill-restart     kill -9 one validator: the other three keep committing blocks with transactions;
                   restart it: it catches up (block sync) to the others' height.
  kill-mid-commit  kill -9 a validator at random moments, several times, and restart it each time:
                   every block it had reported committed is still there with the same hash, and all
                   nodes hold the same blocks and state roots at every height.
"""

import os
import random
import signal
import sys
import time

import harness
from harness import check, log


def block(devnet, name, height):
    """(hash, stateRoot) of a node's block at `height` from the Ethereum RPC, or None."""
    b = devnet.eth(name, "eth_getBlockByNumber", [hex(height), False])
    if b is None:
        return None
    return b["hash"], b["stateRoot"]


def committed_txs(devnet, name):
    metrics = devnet.metrics(name) or {}
    return int(metrics.get("theta_txs_committed_total", 0))


def heights(devnet, names):
    return {n: devnet.height(n) for n in names}


def check_same_chain(devnet, names, upto):
    """Every node in `names` has the same block hash and state root at heights 1..upto."""
    mismatches = []
    for h in range(1, upto + 1):
        seen = {n: block(devnet, n, h) for n in names}
        if None in seen.values() or len(set(seen.values())) != 1:
            mismatches.append((h, seen))
    check(not mismatches,
          f"nodes disagree at {len(mismatches)} heights; first: {mismatches[:1]}")
    log(f"{len(names)} nodes hold the same blocks and state roots at heights 1..{upto}")


class Load:
    """The load generator (clients/load.js): transfers spread over every node that answers."""

    def __init__(self, devnet, args):
        self.out = os.path.join(devnet.data_dir, "load.jsonl")
        self.proc = harness.start_client(devnet, args, "load.js", "--rate", str(args.rate),
                                         out_path=self.out)

    def lines(self):
        with open(self.out) as f:
            return f.read().splitlines()

    def check(self):
        """Fails the test at once when the generator died (instead of waiting for commits)."""
        if self.proc.poll() is not None:
            raise harness.TestFailure(f"the load generator exited with {self.proc.returncode}:\n"
                                      + "\n".join(self.lines()[-10:]))

    def guard(self, predicate):
        def guarded():
            self.check()
            return predicate()
        return guarded

    def stop(self):
        self.check()
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=15)
        lines = self.lines()
        log(f"load generator: {lines[-1] if lines else 'no output'}")
        check(self.proc.returncode == 0, f"the load generator exited with {self.proc.returncode}:\n"
              + "\n".join(lines[-10:]))

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def wait_progress(devnet, live, blocks, timeout, load=None):
    """Waits until every live node is `blocks` above the highest height now; returns that height."""
    start = max(h or 0 for h in heights(devnet, live).values())

    def reached():
        hs = [devnet.height(n) for n in live]
        return all(h is not None and h >= start + blocks for h in hs)

    devnet.wait_until(load.guard(reached) if load else reached, timeout,
                      f"height {start + blocks} on {', '.join(live)}", watch=live)
    return start + blocks


def kill_restart(devnet, args):
    names = [n.name for n in devnet.nodes]
    victim = devnet.validators()[-1].name
    live = [n for n in names if n != victim]
    devnet.wait_for_height(3, timeout=60)
    load = Load(devnet, args)
    try:
        devnet.wait_until(load.guard(lambda: committed_txs(devnet, live[0]) > 0), 30,
                          "the first load transactions to commit")
        log(f"kill -9 {victim}")
        devnet.kill9(victim)
        before = committed_txs(devnet, live[0])
        reached = wait_progress(devnet, live, 3, timeout=60, load=load)
        after = committed_txs(devnet, live[0])
        check(after > before, f"with {victim} dead, transactions keep committing ({before}→{after})")
        log(f"3 of 4 validators committed up to height {reached} with {after - before} more txs")
        devnet.start_node(victim)
        target = max(heights(devnet, live).values())
        devnet.wait_for_height(target, [victim], timeout=60)
        log(f"{victim} restarted and caught up to height {target}")
        wait_progress(devnet, names, 2, timeout=30, load=load)  # and it follows consensus again
        load.stop()
    finally:
        load.kill()
    check_same_chain(devnet, names, min(heights(devnet, names).values()))


def kill_mid_commit(devnet, args):
    names = [n.name for n in devnet.nodes]
    validators = [n.name for n in devnet.validators()]
    rng = random.Random(args.seed)
    log(f"seed {args.seed} (rerun with --seed {args.seed})")
    devnet.wait_for_height(3, timeout=60)
    load = Load(devnet, args)
    try:
        for round_ in range(args.rounds):
            victim = rng.choice(validators)
            live = [n for n in names if n != victim]
            time.sleep(rng.uniform(0.3, 2.5))  # a random moment in the commit cycle
            # The last committed block the victim reported right before the kill: it must survive.
            height = devnet.height(victim)
            seen = block(devnet, victim, height) if height else None
            code = devnet.kill9(victim)
            log(f"round {round_ + 1}: kill -9 {victim} at height {height} (status {code})")
            wait_progress(devnet, live, 2, timeout=60, load=load)
            devnet.start_node(victim)
            devnet.wait_for_rpc([victim], timeout=60)
            after = devnet.height(victim)
            check(after is not None and after >= height,
                  f"{victim} restarted at height {after}, below the {height} it had committed")
            check(block(devnet, victim, height) == seen,
                  f"{victim}'s block {height} changed across the crash: {seen} → "
                  f"{block(devnet, victim, height)}")
            target = max(heights(devnet, live).values())
            devnet.wait_for_height(target, [victim], timeout=60)
            log(f"round {round_ + 1}: {victim} kept block {height} and caught up to {target}")
        wait_progress(devnet, names, 2, timeout=30, load=load)
        load.stop()
    finally:
        load.kill()
    check(committed_txs(devnet, names[0]) > 0, "the load's transactions were committed")
    check_same_chain(devnet, names, min(heights(devnet, names).values()))


SCENARIOS = {"kill-restart": kill_restart, "kill-mid-commit": kill_mid_commit}


def extra(p):
    p.add_argument("--scenario", choices=sorted(SCENARIOS), required=True)
    p.add_argument("--rate", type=int, default=40, help="load: transfers per second")
    p.add_argument("--rounds", type=int, default=3, help="kill-mid-commit: kills")
    p.add_argument("--seed", type=int, default=int(time.time()) % 100000)


if __name__ == "__main__":
    sys.exit(harness.run_test(lambda d, a: SCENARIOS[a.scenario](d, a),
                              validators=4, guardians=2, extra=extra))
