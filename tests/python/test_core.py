"""theta.core from Python: run by CTest with the built module on PYTHONPATH."""
import sys

import theta

core = theta.core

assert core.keccak256(b"").hex() == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
assert core.sha256(b"abc").hex().startswith("ba7816bf")
assert core.rlp_encode(b"dog") == bytes.fromhex("83646f67")
assert core.rlp_encode([b"cat", b"dog"]) == bytes.fromhex("c88363617483646f67")
assert core.rlp_encode(0) == b"\x80" and core.rlp_encode(1024) == bytes.fromhex("820400")
nested = [[], [[]], [[], [[]]]]
assert core.rlp_encode(nested) == bytes.fromhex("c7c0c1c0c3c0c1c0")
assert core.rlp_decode(bytes.fromhex("c7c0c1c0c3c0c1c0")) == nested
assert core.rlp_decode(bytes.fromhex("c88363617483646f67")) == [b"cat", b"dog"]

for bad in (bytes.fromhex("8105"), bytes.fromhex("83646f6700"), b""):
    try:
        core.rlp_decode(bad)
    except ValueError as error:
        assert str(error).startswith("rlp:"), error
    else:
        sys.exit(f"rlp_decode accepted {bad.hex()}")

# EIP-55's own example.
assert core.checksum_address("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed") == \
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
try:
    core.checksum_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")
except ValueError as error:
    assert "checksum" in str(error)
else:
    sys.exit("a wrong EIP-55 checksum was accepted")

print("theta.core: all checks passed")
