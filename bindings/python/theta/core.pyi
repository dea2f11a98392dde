# Type stubs of theta.core (bindings/python/core_bindings.cpp).
from typing import List, Union

RlpValue = Union[bytes, int, List["RlpValue"]]
RlpDecoded = Union[bytes, List["RlpDecoded"]]

def keccak256(data: bytes) -> bytes:
    """Ethereum's Keccak-256 of data (32 bytes)."""
def sha256(data: bytes) -> bytes:
    """SHA-256 of data (32 bytes)."""
def blake2b256(data: bytes) -> bytes:
    """BLAKE2b with a 32-byte digest (no key)."""
def rlp_encode(value: RlpValue) -> bytes:
    """RLP of bytes, non-negative ints and (nested) lists of them."""
def rlp_decode(data: bytes) -> RlpDecoded:
    """Strictly decodes one RLP item; ValueError otherwise."""
def checksum_address(address: str) -> str:
    """The EIP-55 form of a 0x-hex address; ValueError on a bad address or checksum."""
