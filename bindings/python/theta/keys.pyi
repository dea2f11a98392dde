# Type stubs of theta.keys (bindings/python/keys_bindings.cpp).
from typing import Union

PrivateKey = Union[bytes, str]  # 32 bytes or "0x" and 64 hex digits
AddressLike = Union[str, bytes]  # "0x" hex text or 20 bytes
Digest = Union[bytes, str]  # 32 bytes or 0x-hex text

def generate_private_key() -> bytes:
    """A fresh private key (32 bytes) from libsodium's CSPRNG."""
def public_key(private_key: PrivateKey, compressed: bool = False) -> bytes:
    """64 bytes x||y, or 33 bytes SEC 1 compressed."""
def address(private_key: PrivateKey) -> str:
    """The EIP-55 account address of a private key."""
def address_from_public_key(public_key: bytes) -> str:
    """The EIP-55 address of a 64-, 65- or 33-byte public key."""
def sign(private_key: PrivateKey, digest: Digest) -> bytes:
    """65 bytes R||S||V (V in {0, 1}) over a 32-byte digest; RFC 6979, low-s."""
def sign_message(private_key: PrivateKey, message: bytes) -> bytes:
    """sign(private_key, keccak256(message))."""
def recover_public_key(digest: Digest, signature: bytes) -> bytes:
    """The 64-byte public key that made the signature; ValueError if none."""
def recover_address(digest: Digest, signature: bytes) -> str:
    """The EIP-55 address whose key made the signature; ValueError if none."""
def verify(public_key: bytes, digest: Digest, signature: bytes) -> bool:
    """Whether signature is a valid low-s signature of digest by public_key."""
def to_ethereum_signature(signature: bytes) -> bytes:
    """R||S||V with V + 27."""
def from_ethereum_signature(signature: bytes) -> bytes:
    """R||S||V with V in {0, 1} from V of 27 or 28."""
def checksum_address(address: AddressLike) -> str:
    """The EIP-55 form of an address."""
