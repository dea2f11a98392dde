"""No leak over 100,000 calls: resident memory (from /proc/self/statm) must not grow with the
number of calls through the conversions of each submodule, error paths included. Each step makes
at least five calls; a leak of 10 bytes per call would show as 1 MB."""
import os

from theta import bls, core, evm, keys, ledger

PAGE = os.sysconf("SC_PAGE_SIZE")
CALLS = 100_000


def rss_bytes():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


def measure(step, steps):
    for i in range(steps // 10):  # warm up: allocator pools, interned strings, caches
        step(i)
    before = rss_bytes()
    for i in range(steps):
        step(i)
    return rss_bytes() - before


SEND = ledger.encode_tx(
    type="Send", fee={"tfuel_wei": 10**12},
    inputs=[{"address": keys.address(b"\x01" * 32), "coins": {"tfuel_wei": 2**200}, "sequence": 3,
             "signature": b"\x05" * 65}],
    outputs=[{"address": keys.address(b"\x02" * 32), "coins": {"theta_wei": 1, "tfuel_wei": 2}}])


def test_core_ledger_and_error_paths_do_not_leak():
    def step(i):
        core.rlp_decode(core.rlp_encode([SEND, i, [b"x"]]))
        tx = ledger.decode_tx(SEND)
        assert ledger.encode_tx(tx) == SEND
        try:
            ledger.decode_tx(SEND[:-1])
        except ValueError:
            pass
        try:
            ledger.encode_tx(type="Send", fee={"tfuel_wei": -i - 1})
        except ValueError:
            pass

    growth = measure(step, CALLS // 5)
    assert growth < 1_000_000, f"RSS grew by {growth} bytes over {CALLS} calls"


def test_keys_evm_and_bls_do_not_leak():
    digest = core.keccak256(b"leak")
    signature = keys.sign(b"\x01" * 32, digest)
    public_key = keys.public_key(b"\x01" * 32)
    machine = evm.EVM()
    target = "0x0000000000000000000000000000000000001234"
    machine.set_code(target, bytes.fromhex("60206000f3"))  # return 32 zero bytes
    sk = bls.keygen(b"\x09" * 32)
    bls_sig = bls.sign(sk, b"m")

    def step(i):
        keys.recover_address(digest, signature)
        keys.verify(public_key, digest, signature)
        try:
            keys.recover_address(digest, b"\x00" * 65)
        except ValueError:
            pass
        machine.call(target, target, b"\x01" * 40, commit=False)
        machine.call(target, target, b"\x01" * 40)
        if i % 1000 == 0:
            bls.aggregate([bls_sig, bls_sig])

    growth = measure(step, CALLS // 5)
    assert growth < 1_000_000, f"RSS grew by {growth} bytes over {CALLS} calls"
