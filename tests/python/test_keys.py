"""theta.keys: secp256k1 keys, signatures, recovery and addresses."""
import pytest

from theta import core, keys

# The private key 1: its public key is the generator G, its address a well-known one.
ONE = (1).to_bytes(32, "big")
G_X = "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
G_Y = "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8"


def test_the_key_one_gives_the_generator_and_its_known_address():
    assert keys.public_key(ONE).hex() == G_X + G_Y
    assert keys.public_key(ONE, compressed=True).hex() == "02" + G_X
    assert keys.address(ONE) == "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf"
    assert keys.address("0x" + ONE.hex()) == keys.address(ONE)
    assert keys.address_from_public_key(keys.public_key(ONE)) == keys.address(ONE)
    assert keys.address_from_public_key(bytes([4]) + keys.public_key(ONE)) == keys.address(ONE)


def test_sign_recover_and_verify_round_trip():
    key = keys.generate_private_key()
    assert len(key) == 32
    digest = core.keccak256(b"theta")
    signature = keys.sign(key, digest)
    assert len(signature) == 65 and signature[64] in (0, 1)
    assert keys.sign(key, digest) == signature  # RFC 6979: deterministic
    assert keys.recover_public_key(digest, signature) == keys.public_key(key)
    assert keys.recover_address(digest, signature) == keys.address(key)
    assert keys.verify(keys.public_key(key), digest, signature)
    assert not keys.verify(keys.public_key(key), core.keccak256(b"other"), signature)
    assert keys.sign_message(key, b"theta") == signature
    ethereum = keys.to_ethereum_signature(signature)
    assert ethereum[64] == signature[64] + 27
    assert keys.from_ethereum_signature(ethereum) == signature


def test_bad_keys_and_signatures_raise_value_error_with_the_rule():
    with pytest.raises(ValueError):
        keys.address(bytes(32))  # zero is not a valid scalar
    with pytest.raises(ValueError):
        keys.address(b"\xff" * 32)  # above the group order
    with pytest.raises(ValueError):
        keys.public_key(b"short")
    with pytest.raises(ValueError, match="digest"):
        keys.sign(ONE, b"not 32 bytes")
    digest = core.keccak256(b"x")
    with pytest.raises(ValueError):
        keys.recover_address(digest, b"\x00" * 64)
    with pytest.raises(ValueError):
        keys.recover_address(digest, b"\x00" * 65)  # r = s = 0
    assert not keys.verify(keys.public_key(ONE), digest, b"\x01" * 10)
    with pytest.raises(ValueError):
        keys.address_from_public_key(b"\x04" + b"\x01" * 64)  # not on the curve
    with pytest.raises(ValueError, match="checksum"):
        keys.checksum_address("0x7e5F4552091A69125d5DfCb7b8C2659029395Bdf")
    with pytest.raises(TypeError):
        keys.address(12345)
