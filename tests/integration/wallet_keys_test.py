#!/usr/bin/python3
"""theta-wallet's key commands, sends, offline signing and error paths end to end on a devnet.

Keys made with `new` (random and mnemonic) and brought in with `import` (private key, mnemonic,
another wallet's exported keystore file) are funded by one multi-recipient `send` and then spend on
their own, so each key is proven to be the key of its address by the chain itself. `sign` runs with
no node reachable and `broadcast` sends its output later. The error paths (wrong password,
unreachable node, insufficient funds, sequence mismatch) must fail with the message a user can act
on, exit 1, and send nothing. Every effect is read back through another node's theta.* RPC."""

import json
import os
import sys

import harness
from harness import check, log
from wallet_util import WEI, Wallet, dead_url, write_file


def keys(w, tmp):
    """new, import (three ways), list, export, address. Returns the addresses made."""
    random_key = w.json("new", "--light-kdf", node=False)["address"]
    made = w.json("new", "--mnemonic", "--words", "12", "--light-kdf", node=False)
    mnemonic_key, words = made["address"], made["mnemonic"]
    check(len(words.split()) == 12 and made["path"] == "m/44'/500'/0'/0/0",
          f"new --mnemonic prints 12 words and Theta's path: {made['path']}")
    account0 = w.import_key(0)

    # The mnemonic's addresses, derived without storing anything, then index 1 imported elsewhere.
    words_file = write_file(os.path.join(tmp, "words.txt"), words + "\n")
    derived = w.json("address", f"--mnemonic-file={words_file}", "--count=2", node=False)
    check([d["address"] for d in derived][0] == mnemonic_key,
          f"address --mnemonic-file gives new's address first: {derived}")
    other = Wallet(w.devnet, w.bin, keystore_dir=os.path.join(tmp, "other-keystore"))
    mnemonic_key1 = other.json("import", f"--mnemonic-file={words_file}", "--index=1",
                               "--light-kdf", node=False)["address"]
    check(mnemonic_key1 == derived[1]["address"],
          "import --mnemonic-file --index 1 matches address")

    # export's keystore file moves the random key into the other wallet.
    exported, _ = w.run("export", random_key, node=False)
    check(json.loads(exported)["address"].lower() == random_key[2:].lower(),
          "export prints the key's keystore file")
    keystore_file = write_file(os.path.join(tmp, "exported.json"), exported)
    moved = other.json("import", f"--keystore-file={keystore_file}",
                       f"--keystore-password-file={w.password_file}", "--light-kdf", node=False)
    check(moved["address"] == random_key, f"import --keystore-file gives {random_key}: {moved}")
    plain = w.json("export", random_key, "--private-key", "--yes", node=False)
    check(plain["address"] == random_key and len(plain["private_key"]) == 66,
          "export --private-key prints the hex key")

    entries = w.json("list", node=False)["keys"]
    for entry in entries:
        mode = os.stat(entry["file"]).st_mode & 0o777
        check(mode == 0o600, f"{entry['file']} has mode {oct(mode)}, not 0600")
    check(os.stat(w.keystore_dir).st_mode & 0o777 == 0o700, "the keystore folder is 0700")
    listed = {k["address"].lower() for k in entries}
    check(listed == {random_key.lower(), mnemonic_key.lower(), account0.lower()},
          f"list shows the three keys of the first wallet: {listed}")
    shown = w.json("address", random_key, node=False)
    check(shown["verified"] and shown["public_key"].startswith("0x04"),
          f"address unlocks the key and shows its public key: {shown}")
    return account0, random_key, mnemonic_key, mnemonic_key1, other


def sends(w, other, account0, random_key, mnemonic_key, mnemonic_key1):
    """One send to three recipients, then each key spends."""
    account1 = w.devnet.accounts[1]["address"]
    theta1, tfuel1, _ = w.coins(account1)
    _, _, seq0 = w.coins(account0)
    sent = w.json("send", f"--from={account0}", f"--to={random_key}=5theta,10tfuel",
                  f"--to={mnemonic_key}=20tfuel", f"--to={mnemonic_key1}=3tfuel,1500000000thetawei",
                  "--yes")
    w.wait_finalized(sent["hash"])
    w.wait_sequence(account0, seq0 + 1)
    check(w.coins(random_key)[:2] == (5 * WEI, 10 * WEI), "the random key got 5 THETA, 10 TFUEL")
    check(w.coins(mnemonic_key)[:2] == (0, 20 * WEI), "the mnemonic key got 20 TFUEL")
    check(w.coins(mnemonic_key1)[:2] == (1_500_000_000, 3 * WEI), "mnemonic index 1 got its coins")

    balances = w.json("balance", random_key, mnemonic_key)
    check([(int(b["thetawei"]), int(b["tfuelwei"]), b["sequence"]) for b in balances] ==
          [(5 * WEI, 10 * WEI, 0), (0, 20 * WEI, 0)], f"balance agrees with the node: {balances}")
    text, _ = w.run("balance", random_key)
    check("5" in text and "10" in text and random_key in text, "balance prints a table")

    # Keys that arrived by keystore file and by mnemonic (in the other wallet) sign on their own.
    other.json("send", f"--from={random_key}", f"--to={account1}", "--theta=2", "--tfuel=1.5",
               "--yes")
    other.json("send", f"--from={mnemonic_key1}", f"--to={account1}", "--theta=1500000000wei",
               "--yes")
    w.wait_sequence(mnemonic_key1, 1)
    w.wait_sequence(random_key, 1)
    check(w.coins(random_key)[:2] == (3 * WEI, 10 * WEI - 3 * WEI // 2 - 3 * WEI // 10),
          f"the random key paid 2 THETA, 1.5 TFUEL and the 0.3 TFUEL fee: {w.coins(random_key)}")
    check(w.coins(account1)[:2] == (theta1 + 2 * WEI + 1_500_000_000, tfuel1 + 3 * WEI // 2),
          "account1 received both sends")


def offline(w, tmp, mnemonic_key):
    """sign with no node reachable, broadcast later from the online side."""
    account1 = w.devnet.accounts[1]["address"]
    raw = os.path.join(tmp, "tx.hex")
    signed = w.json("sign", "send", f"--from={mnemonic_key}", f"--to={account1}", "--tfuel=4",
                    f"--chain-id={w.devnet.chain_id}", "--sequence=1", f"--out={raw}", "--yes",
                    node=dead_url())
    check(os.path.exists(raw) and signed["hash"].startswith("0x"), f"sign writes {raw}: {signed}")
    check(w.coins(mnemonic_key)[2] == 0, "signing sent nothing")
    _, tfuel_before, _ = w.coins(account1)
    sent = w.json("broadcast", raw, "--yes")
    check(sent["hash"] == signed["hash"], "broadcast sends the signed transaction")
    w.wait_sequence(mnemonic_key, 1)
    check(w.coins(account1)[1] == tfuel_before + 4 * WEI, "the offline-signed 4 TFUEL arrived")
    return raw


def errors(w, tmp, raw, random_key, mnemonic_key):
    account1 = w.devnet.accounts[1]["address"]
    seq = w.coins(random_key)[2]
    wrong = write_file(os.path.join(tmp, "wrong-password"), "not-devnet\n")
    _, err = w.run("send", f"--from={random_key}", f"--to={account1}", "--tfuel=1", "--yes",
                   password_file=wrong, expect=1)
    check("wrong password for " + random_key in err, f"a wrong password is named: {err}")
    check(w.coins(random_key)[2] == seq and not w.rpc("theta.GetPendingTransactions")["tx_hashes"],
          "nothing was sent with a wrong password")

    url = dead_url()
    for args in (("balance", random_key), ("send", f"--from={random_key}", f"--to={account1}",
                                           "--tfuel=1", "--yes"), ("broadcast", raw, "--yes")):
        _, err = w.run(*args, node=url, expect=1)
        check(f"node unreachable at {url}" in err,
              f"{args[0]}: an unreachable node is named: {err}")
    as_json, _ = w.run("balance", random_key, "--json", node=url, expect=1)
    check(json.loads(as_json)["error"]["code"] == "UNAVAILABLE", "--json errors are JSON")

    # The mnemonic key holds 0 THETA and 20 - 4 - 0.3 TFUEL now.
    _, err = w.run("send", f"--from={mnemonic_key}", f"--to={account1}", "--theta=1000", "--yes",
                   expect=1)
    check(f"insufficient funds: {mnemonic_key} has 0 THETA and 15.7 TFUEL; this transaction "
          "needs 1000 THETA and 0.3 TFUEL" in err, f"insufficient funds names the amounts: {err}")

    _, err = w.run("send", f"--from={mnemonic_key}", f"--to={account1}", "--tfuel=1",
                   "--sequence=1", "--yes", expect=1)
    check("sequence mismatch" in err and "--sequence 2" in err,
          f"a stale --sequence is refused with the fix: {err}")
    _, err = w.run("send", f"--from={mnemonic_key}", f"--to={account1}", "--tfuel=1",
                   "--chain-id=mainnet", "--yes", expect=1)
    check(f"chain mismatch: the node at {w.node_url} runs {w.devnet.chain_id}, not mainnet" in err,
          f"a wrong --chain-id is named: {err}")

    # A stale transaction signed offline: the node refuses it and the wallet says how to fix it.
    stale = os.path.join(tmp, "stale.hex")
    w.run("sign", "send", f"--from={mnemonic_key}", f"--to={account1}", "--tfuel=2",
          f"--chain-id={w.devnet.chain_id}", "--sequence=1", f"--out={stale}", "--yes", node=False)
    _, err = w.run("broadcast", stale, "--yes", expect=1)
    check("sequence mismatch" in err and "next sequence is 2" in err,
          f"broadcasting a stale signed tx is a sequence mismatch: {err}")
    # The one already committed is answered as included (a retry after a timeout), not sent again.
    again = w.json("broadcast", raw, "--yes")
    check(again["hash"] == w.json("tx", "status", again["hash"])["hash"], "replay names the tx")
    check(w.coins(mnemonic_key)[2] == 1, "no error path sent anything")


def body(devnet, args):
    check(args.wallet_bin, "--wallet-bin is required")
    devnet.wait_for_height(1, timeout=60)
    tmp = os.path.join(devnet.data_dir, "wallet-keys-test")
    os.makedirs(tmp, mode=0o700)
    w = Wallet(devnet, args.wallet_bin)
    account0, random_key, mnemonic_key, mnemonic_key1, other = keys(w, tmp)
    log("keys made and imported; funding them")
    sends(w, other, account0, random_key, mnemonic_key, mnemonic_key1)
    raw = offline(w, tmp, mnemonic_key)
    errors(w, tmp, raw, random_key, mnemonic_key)


if __name__ == "__main__":
    sys.exit(harness.run_test(body, validators=2, guardians=1, accounts=2))
