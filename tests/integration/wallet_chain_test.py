#!/usr/bin/python3
"""theta-wallet's stake, micropayment-pool and contract commands end to end on a devnet.

Stake deposits for a validator, a new guardian (a BLS key from `guardian new-bls-key` and the
holder summary with its proof of possession from `guardian summary`) and a new elite edge node, a
reward split, withdrawals, reserve-fund and release-fund after the fund's freeze period, a split
rule, and a contract deployed and called with ABI-encoded arguments. Each effect is read through
another node's theta.* RPC: the stake pools (GetVcp/Gcp/EenpByHeight), the reward rules, the
account's reserved funds, GetSplitRule, the receipt and GetStorageAt.

A reserved fund can be released from 300 + 5 blocks after it was made; the validators here propose
a block every 50 ms when idle (instead of 1 s) so that the wait is seconds, not minutes."""

import json
import os
import sys

import harness
from harness import check, log
from wallet_util import CONTRACTS_DIR, WEI, Wallet

RESERVE_DURATION = 300  # the smallest the ledger allows
FREEZE_PERIOD = 5  # docs/ledger.md: a fund is released from end height + 5


def fast_blocks(devnet):
    for spec in devnet.nodes:
        with open(spec.config) as f:
            config = json.load(f)
        config.setdefault("consensus", {}).update({"idle_block_ms": 50, "min_block_ms": 50})
        with open(spec.config, "w") as f:
            json.dump(config, f, indent=2)


def pool_stakes(w, method, pairs_key, pool_key, holders_key, holder):
    """The stakes of `holder` in a stake pool at the reader's head: {source: stake JSON}."""
    result = w.rpc(method, {"height": str(w.height())})
    for pair in result[pairs_key]:
        pool = pair[pool_key]
        entries = pool[holders_key] if holders_key else pool
        for entry in entries or []:
            if entry["holder"].lower() == holder.lower():
                return {s["source"].lower(): s for s in entry["stakes"]}, entry
    return {}, None


def vcp(w, holder):
    return pool_stakes(w, "theta.GetVcpByHeight", "BlockHashVcpPairs", "Vcp", "SortedCandidates",
                       holder)


def gcp(w, holder):
    return pool_stakes(w, "theta.GetGcpByHeight", "BlockHashGcpPairs", "Gcp", "SortedGuardians",
                       holder)


def eenp(w, holder):
    return pool_stakes(w, "theta.GetEenpByHeight", "BlockHashEenpPairs", "EENs", None, holder)


def reserve(w, funder):
    """reserve-fund first, so that its freeze period runs out while the rest of the test runs."""
    theta, tfuel, seq = w.coins(funder)
    w.json("reserve-fund", f"--from={funder}", "--fund=10", "--collateral=11",
           f"--duration={RESERVE_DURATION}", "--resource-id=video1", "--resource-id=video2",
           "--yes")
    w.wait_sequence(funder, seq + 1)
    funds = w.account(funder)["reserved_funds"]
    check(len(funds) == 1, f"one reserved fund: {funds}")
    fund = funds[0]
    check(int(fund["initial_fund"]["tfuelwei"]) == 10 * WEI and
          int(fund["collateral"]["tfuelwei"]) == 11 * WEI and
          fund["resource_ids"] == ["video1", "video2"] and int(fund["reserve_sequence"]) == seq + 1,
          f"the fund holds what reserve-fund asked: {fund}")
    check(w.coins(funder)[1] == tfuel - 21 * WEI - 3 * WEI // 10, "21 TFUEL and the fee left")
    return seq + 1, int(fund["end_block_height"])


def release(w, funder, reserve_sequence, end_height):
    release_at = end_height + FREEZE_PERIOD
    log(f"waiting for height {release_at} to release the fund (now {w.height()})")
    w.devnet.wait_until(lambda: w.height() >= release_at, 120, f"height {release_at}")
    _, tfuel, seq = w.coins(funder)
    w.json("release-fund", f"--from={funder}", f"--reserve-sequence={reserve_sequence}", "--yes")
    w.wait_sequence(funder, seq + 1)
    check(not w.account(funder)["reserved_funds"], "the fund is gone")
    check(w.coins(funder)[1] == tfuel + 21 * WEI - 3 * WEI // 10,
          f"fund and collateral came back, less the fee: {w.coins(funder)[1]} vs {tfuel}")


def split_rule(w, initiator, a, b):
    w.json("split-rule", f"--from={initiator}", "--resource-id=video1", f"--split={a}:30",
           f"--split={b}:20", "--duration=1000", "--yes")
    rule = w.devnet.wait_until(lambda: w.rpc("theta.GetSplitRule", {"resource_id": "video1"}), 30,
                               "the split rule on the reader")
    check(rule["initiator_address"].lower() == initiator.lower(), f"initiator: {rule}")
    check({(s["address"].lower(), int(s["percentage"])) for s in rule["splits"]} ==
          {(a.lower(), 30), (b.lower(), 20)}, f"the splits: {rule}")


def stakes(w, tmp, staker, guardian, een, beneficiary):
    validator = w.devnet.info["nodes"][0]["address"]
    # Validator: THETA from the staker to a running validator.
    w.json("stake", "deposit", "--purpose=validator", f"--holder={validator}",
           "--amount=2000000", f"--from={staker}", "--yes")
    got, _ = w.devnet.wait_until(
        lambda: vcp(w, validator)[0].get(staker.lower()) and vcp(w, validator), 30,
        "the validator stake")
    check(int(got[staker.lower()]["amount"]) == 2_000_000 * WEI, f"validator stake: {got}")

    # Guardian: a fresh BLS key, the holder's summary, the deposit that registers it.
    bls = w.json("guardian", "new-bls-key", f"--out={os.path.join(tmp, 'guardian-bls.json')}",
                 "--light-kdf", node=False)
    summary = w.json("guardian", "summary", f"--holder={guardian}", f"--bls-key={bls['file']}",
                     node=False)["summary"]
    check(len(bytes.fromhex(summary[2:])) == 229, "a holder summary is 229 bytes")
    w.json("stake", "deposit", "--purpose=guardian", f"--holder-summary={summary}",
           "--amount=1000", f"--from={staker}", "--yes")
    got, entry = w.devnet.wait_until(lambda: gcp(w, guardian)[1] and gcp(w, guardian), 30,
                                     "the new guardian")
    check(int(got[staker.lower()]["amount"]) == 1000 * WEI, f"guardian stake: {got}")
    pubkey = entry["Pubkey"].lower().removeprefix("0x")
    check(pubkey == bls["bls_pubkey"].lower().removeprefix("0x"),
          f"the guardian's BLS key is new-bls-key's: {entry['Pubkey']}")

    # Elite edge node: TFUEL, staked by the holder itself; then its reward split.
    een_bls = w.json("guardian", "new-bls-key", f"--out={os.path.join(tmp, 'een-bls.json')}",
                     "--light-kdf", node=False)
    een_summary = w.json("guardian", "summary", f"--holder={een}",
                         f"--bls-key={een_bls['file']}", node=False)["summary"]
    w.json("stake", "deposit", "--purpose=een", f"--holder-summary={een_summary}",
           "--amount=10000", f"--from={een}", "--yes")
    got, entry = w.devnet.wait_until(lambda: eenp(w, een)[1] and eenp(w, een), 30, "the new EEN")
    check(int(got[een.lower()]["amount"]) == 10_000 * WEI, f"EEN stake: {got}")
    w.json("stake", "reward-split", f"--beneficiary={beneficiary}", "--split-basis-points=500",
           f"--from={een}", "--yes")

    def rule():
        sets = w.rpc("theta.GetStakeRewardDistributionByHeight",
                     {"height": str(w.height()), "address": een})
        pairs = sets["BlockHashStakeRewardDistributionRuleSetPairs"]
        return pairs and pairs[0]["StakeRewardDistributionRuleSet"]
    rules = w.devnet.wait_until(rule, 30, "the reward split rule")
    check(rules[0]["Beneficiary"].lower() == beneficiary.lower() and
          int(rules[0]["SplitBasisPoint"]) == 500, f"reward split: {rules}")

    # Withdrawals: marked withdrawn, returned after the locking period.
    for purpose, holder, pool in (("validator", validator, vcp), ("guardian", guardian, gcp)):
        w.json("stake", "withdraw", f"--purpose={purpose}", f"--holder={holder}",
               f"--from={staker}", "--yes")
        got, _ = w.devnet.wait_until(
            lambda: pool(w, holder)[0][staker.lower()]["withdrawn"] and pool(w, holder), 30,
            f"the {purpose} stake to be withdrawn")
        check(int(got[staker.lower()]["return_height"]) > w.height(),
              f"{purpose} stake returns later: {got}")


def contract(w, deployer):
    bytecode = os.path.join(CONTRACTS_DIR, "Tally.bin")
    abi = os.path.join(CONTRACTS_DIR, "Tally.abi.json")
    sent = w.json("contract", "deploy", f"--bytecode={bytecode}", f"--abi={abi}", "--args=[42]",
                  f"--from={deployer}", "--yes")
    receipt = w.wait_finalized(sent["hash"])["receipt"]
    address = receipt["ContractAddress"]
    check(not receipt["EvmErr"] and int(address, 16) != 0, f"the contract was created: {receipt}")

    def slot(n):
        answer = w.rpc("theta.GetStorageAt", {"address": address, "storage_position": f"{n:064x}"})
        return int(answer["value"] or "0", 16)
    # The reader is another node: it may commit the block a moment after the wallet's node.
    w.devnet.wait_until(lambda: slot(0) == 42, 30, "the constructor's 42 in slot 0")
    check(slot(1) == int(deployer, 16), "the constructor stored the deployer")

    sent = w.json("contract", "call", f"--to={address}", f"--abi={abi}", "--function=add",
                  '--args=[8, "first"]', f"--from={deployer}", "--yes")
    receipt = w.wait_finalized(sent["hash"])["receipt"]
    check(not receipt["EvmErr"] and len(receipt["Logs"]) == 1, f"add emits one event: {receipt}")
    w.devnet.wait_until(lambda: slot(0) == 50, 30, "add(8) to make the total 50")
    # The full signature and a value in wei, through a different node.
    w.json("contract", "call", f"--to={address}", f"--abi={abi}",
           "--function=add(uint256,string)", '--args=["0x10", "second"]', "--value=1000wei",
           f"--from={deployer}", "--yes")
    w.devnet.wait_until(lambda: slot(0) == 66, 30, "the total to become 66")
    check(w.coins(address)[1] == 1000, "the contract holds the 1000 wei sent with the call")


def body(devnet, args):
    check(args.wallet_bin, "--wallet-bin is required")
    devnet.wait_for_height(1, timeout=60)
    tmp = os.path.join(devnet.data_dir, "wallet-chain-test")
    os.makedirs(tmp, mode=0o700)
    w = Wallet(devnet, args.wallet_bin)
    staker, funder, guardian, een = (w.import_key(i) for i in range(4))
    reserve_sequence, end_height = reserve(w, funder)
    split_rule(w, funder, guardian, een)
    stakes(w, tmp, staker, guardian, een, funder)
    contract(w, staker)
    release(w, funder, reserve_sequence, end_height)


if __name__ == "__main__":
    sys.exit(harness.run_test(body, validators=2, guardians=1, accounts=4, configure=fast_blocks))
