# Type stubs of theta.bls (bindings/python/bls_bindings.cpp).
from typing import Sequence

def keygen(ikm: bytes, key_info: bytes = b"") -> bytes:
    """A 32-byte secret key from at least 32 bytes of keying material."""
def public_key(secret_key: bytes) -> bytes:
    """The 48-byte compressed public key."""
def sign(secret_key: bytes, message: bytes) -> bytes:
    """The 96-byte signature of message."""
def verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Whether signature signs message under public_key."""
def aggregate(signatures: Sequence[bytes]) -> bytes:
    """The 96-byte sum of signatures."""
def aggregate_verify(public_keys: Sequence[bytes], messages: Sequence[bytes],
                     signature: bytes) -> bool:
    """Each key signed its own message."""
def fast_aggregate_verify(public_keys: Sequence[bytes], message: bytes, signature: bytes) -> bool:
    """Every key signed the same message (keys with checked proofs of possession only)."""
def verify_bitmap(public_keys: Sequence[bytes], bitmap: bytes, message: bytes,
                  signature: bytes) -> bool:
    """The keys whose bit is set signed message."""
def pop_prove(secret_key: bytes) -> bytes:
    """The 96-byte proof of possession of a secret key."""
def pop_verify(public_key: bytes, proof: bytes) -> bool:
    """Whether proof is a valid proof of possession for public_key."""
