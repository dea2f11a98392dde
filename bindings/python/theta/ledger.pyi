# Type stubs of theta.ledger (bindings/python/ledger_bindings.cpp). A transaction is a dict with
# "type" (a name of TX_TYPES or its index) and the fields of its struct; see the module docstring.
from typing import Any, Dict, Literal, Optional, Tuple, Union

Tx = Dict[str, Any]
PrivateKey = Union[bytes, str]

TX_TYPES: Tuple[str, ...]
STAKE_FOR_VALIDATOR: int
STAKE_FOR_GUARDIAN: int
STAKE_FOR_ELITE_EDGE_NODE: int

def encode_tx(tx: Optional[Tx] = None, /, **fields: Any) -> bytes:
    """The raw bytes of a transaction given as a dict and/or keyword arguments."""
def decode_tx(raw: bytes) -> Tx:
    """The transaction dict of raw bytes; ValueError naming the field and rule."""
def tx_hash(raw: bytes) -> bytes:
    """keccak256 of the raw bytes."""
def sign_bytes(tx: Tx, chain_id: str, wrapper: Literal["v1", "v2"] = "v1") -> bytes:
    """The bytes the signer inputs sign."""
def sign_tx(tx: Tx, chain_id: str, private_key: PrivateKey) -> Tx:
    """A copy of tx with the key's signer inputs signed."""
def sign_service_payment_source(tx: Tx, chain_id: str, private_key: PrivateKey) -> Tx:
    """A copy of a ServicePayment tx with the payer's voucher signature."""
def verify_signature(sign_bytes: bytes, signature: Union[bytes, str],
                     signer: Union[str, bytes]) -> None:
    """None when signature recovers to signer; ValueError saying what is wrong otherwise."""
