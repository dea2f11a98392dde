"""theta.bls: BLS12-381 signatures with proof of possession, checked against the Ethereum BLS
test vectors (the same ones tests/crypto/bls_test.cpp uses) and by aggregation round trips."""
import time

import pytest

from gil_probe import releases_gil
from theta import bls

# Ethereum consensus-spec BLS vectors (sign/): secret key, message, signature.
SIGN_CASES = [
    ("263dbd792f5b1be47ed85f8938c0f29586af0d3ac7b977f21c278fe1462040e3", "00" * 32,
     "b6ed936746e01f8ecf281f020953fbf1f01debd5657c4a383940b020b26507f6076334f91e2366c96e9ab279fb5"
     "158090352ea1c5b0c9274504f4f0e7053af24802e51e4568d164fe986834f41e55c8e850ce1f98458c0cfc9ab380"
     "b55285a55"),
    ("47b8192d77bf871b62e87859d653922725724a5c031afeabc60bcef5ff665138", "56" * 32,
     "af1390c3c47acdb37131a51216da683c509fce0e954328a59f93aebda7e4ff974ba208d9a4a2a2389f892a9d418"
     "d618418dd7f7a6bc7aa0da999a9d3a5b815bc085e14fd001f6a1948768a3f4afefc8b8240dda329f984cb345c636"
     "3272ba4fe"),
]
PUBLIC_KEY_0 = ("a491d1b0ecd9bb917989f0e74f0dea0422eac4a873e5e2644f368dffb9a6e20fd6e10c1b77654d067c"
                "0618f6e5a7f79a")


@pytest.mark.parametrize("sk,msg,sig", SIGN_CASES)
def test_sign_matches_the_ethereum_vectors(sk, msg, sig):
    sk, msg = bytes.fromhex(sk), bytes.fromhex(msg)
    assert bls.sign(sk, msg).hex() == sig
    assert bls.verify(bls.public_key(sk), msg, bytes.fromhex(sig))
    assert not bls.verify(bls.public_key(sk), msg + b"!", bytes.fromhex(sig))


def test_public_key_matches_the_vector():
    assert bls.public_key(bytes.fromhex(SIGN_CASES[0][0])).hex() == PUBLIC_KEY_0


def keypairs(count):
    sks = [bls.keygen(bytes([i]) * 32) for i in range(count)]
    return sks, [bls.public_key(sk) for sk in sks]


def test_aggregates_verify_and_reject_tampering():
    sks, pks = keypairs(5)
    message = b"vote for block 42"
    aggregate = bls.aggregate([bls.sign(sk, message) for sk in sks])
    assert len(aggregate) == 96
    assert bls.fast_aggregate_verify(pks, message, aggregate)
    assert not bls.fast_aggregate_verify(pks[:4], message, aggregate)
    assert not bls.fast_aggregate_verify(pks, b"another block", aggregate)
    assert bls.verify_bitmap(pks, bytes([0b11111]), message, aggregate)
    partial = bls.aggregate([bls.sign(sk, message) for sk in sks[1:3]])
    assert bls.verify_bitmap(pks, bytes([0b00110]), message, partial)
    assert not bls.verify_bitmap(pks, bytes([0b00111]), message, partial)

    messages = [b"m%d" % i for i in range(5)]
    distinct = bls.aggregate([bls.sign(sk, m) for sk, m in zip(sks, messages)])
    assert bls.aggregate_verify(pks, messages, distinct)
    assert not bls.aggregate_verify(pks, messages[::-1], distinct)
    assert not bls.aggregate_verify(pks, messages[:4], distinct)


def test_proof_of_possession_verifies_only_for_its_own_key():
    sks, pks = keypairs(2)
    proof = bls.pop_prove(sks[0])
    assert bls.pop_verify(pks[0], proof)
    assert not bls.pop_verify(pks[1], proof)
    assert not bls.verify(pks[0], pks[0], proof)  # a proof is not a signature of the key bytes


def test_keygen_is_deterministic_and_uses_key_info():
    ikm = b"\x07" * 32
    assert bls.keygen(ikm) == bls.keygen(ikm)
    assert bls.keygen(ikm, b"info") != bls.keygen(ikm)
    assert len(bls.keygen(ikm)) == 32


def test_bad_input_raises_value_error_with_the_rule():
    sks, pks = keypairs(1)
    with pytest.raises(ValueError, match="32"):
        bls.keygen(b"short ikm")
    with pytest.raises(ValueError):
        bls.public_key(b"\x00" * 32)  # zero is not a secret key
    with pytest.raises(ValueError):
        bls.verify(b"\x00" * 48, b"m", bls.sign(sks[0], b"m"))
    with pytest.raises(ValueError):
        bls.verify(pks[0], b"m", b"\x01" * 96)
    with pytest.raises(ValueError, match=r"signatures\[1\]"):
        bls.aggregate([bls.sign(sks[0], b"m"), b"\x02" * 95])
    with pytest.raises(ValueError):
        bls.aggregate([])
    with pytest.raises(ValueError, match=r"public_keys\[1\]"):
        bls.fast_aggregate_verify([pks[0], b"\x00" * 48], b"m", bls.sign(sks[0], b"m"))
    with pytest.raises(TypeError):
        bls.aggregate(["not bytes"])


def test_pairing_checks_release_the_gil():
    sks, pks = keypairs(1)
    signature = bls.sign(sks[0], b"gil")
    count = 4
    # Enough Miller loops for a call of 150 ms or more on any build type: three times the probe's
    # minimum, so that a calibration slowed by a busy machine still leaves the measured call long
    # enough.
    while True:
        aggregate = bls.aggregate([signature] * count)
        started = time.perf_counter()
        assert bls.aggregate_verify(pks * count, [b"gil"] * count, aggregate)
        if time.perf_counter() - started >= 0.15:
            break
        count *= 4
    assert releases_gil(lambda: bls.aggregate_verify(pks * count, [b"gil"] * count, aggregate))
