"""theta.ledger: every Theta transaction type built, signed and encoded from Python, checked
against the C++ test's documented bytes and against transactions made by @thetalabs/theta-js
(data/thetajs_vectors.json, written by data/make_thetajs_vectors.py)."""
import copy
import json
import pathlib

import pytest

from theta import core, keys, ledger

VECTORS = json.loads((pathlib.Path(__file__).parent / "data" / "thetajs_vectors.json").read_text())


def addr(fill):
    return core.checksum_address("0x" + bytes([fill]).hex() * 20)


def tx_input(fill, sequence=1):
    return {"address": addr(fill), "coins": {"theta_wei": fill, "tfuel_wei": fill * 1000},
            "sequence": sequence, "signature": b""}


def tx_output(fill):
    return {"address": addr(fill), "coins": {"theta_wei": fill, "tfuel_wei": 7}}


FEE = {"theta_wei": 0, "tfuel_wei": 3 * 10**17}
ZERO = {"theta_wei": 0, "tfuel_wei": 0}


def holder(fill):
    return {"address": addr(fill), "coins": ZERO}


# One transaction of each type with every field set (the C++ test's OneOfEach).
ONE_OF_EACH = [
    dict(type="Coinbase", proposer=tx_input(1), outputs=[tx_output(2), tx_output(3)],
         block_height=4164983),
    dict(type="Slash", proposer=tx_input(1), slashed_address=addr(9), reserve_sequence=12,
         slash_proof=b"\x01\x02\x03"),
    dict(type="Send", fee=FEE, inputs=[tx_input(1), tx_input(2, 5)],
         outputs=[tx_output(3), tx_output(4)]),
    dict(type="ReserveFund", fee=FEE, source=tx_input(1),
         collateral={"theta_wei": 0, "tfuel_wei": 1000}, resource_ids=["video-1", "video-2"],
         duration=300),
    dict(type="ReleaseFund", fee=FEE, source=tx_input(1), reserve_sequence=9),
    dict(type="ServicePayment", fee=FEE, source=tx_input(1), target=tx_input(2),
         payment_sequence=3, reserve_sequence=4, resource_id="video-1"),
    dict(type="SplitRule", fee=FEE, resource_id="video-1", initiator=tx_input(1),
         splits=[{"address": addr(2), "percentage": 30}, {"address": addr(3), "percentage": 70}],
         duration=1000),
    dict(type="SmartContract", **{"from": tx_input(1)}, to=tx_output(0), gas_limit=21000,
         gas_price=4 * 10**12, data=b"\x60\x00"),
    dict(type="DepositStake", fee=FEE, source=tx_input(1), holder=holder(2),
         purpose=ledger.STAKE_FOR_GUARDIAN),
    dict(type="WithdrawStake", fee=FEE, source=tx_input(1), holder=holder(2),
         purpose=ledger.STAKE_FOR_VALIDATOR),
    dict(type="DepositStakeV2", fee=FEE, source=tx_input(1), holder=holder(2),
         purpose=ledger.STAKE_FOR_ELITE_EDGE_NODE, bls_pubkey=b"\xaa" * 48, bls_pop=b"\xbb" * 96,
         holder_sig=b"\xcc" * 65),
    dict(type="StakeRewardDistribution", fee=FEE, holder=tx_input(1), beneficiary=holder(2),
         split_basis_point=500),
]


def test_the_twelve_types_are_named_in_wire_order():
    assert [tx["type"] for tx in ONE_OF_EACH] == list(ledger.TX_TYPES)
    assert len(ledger.TX_TYPES) == 12


@pytest.mark.parametrize("tx", ONE_OF_EACH, ids=lambda tx: tx["type"])
def test_every_type_round_trips_through_bytes(tx):
    raw = ledger.encode_tx(tx)
    index = ledger.TX_TYPES.index(tx["type"])
    assert raw[0] == (0x80 if index == 0 else index)  # RLP(type) before the struct
    assert ledger.decode_tx(raw) == tx
    assert ledger.encode_tx(**tx) == raw  # keyword arguments build the same tx
    assert ledger.encode_tx({**tx, "type": index}) == raw  # so does the numeric type
    assert ledger.tx_hash(raw) == core.keccak256(raw)


def test_a_send_tx_has_the_bytes_of_the_cpp_test():
    # tests/ledger/tx_test.cpp "a send tx has the documented byte layout".
    raw = ledger.encode_tx(
        type="Send", fee={"tfuel_wei": 1},
        inputs=[{"address": addr(0x11), "coins": {"tfuel_wei": 2}, "sequence": 1}],
        outputs=[{"address": addr(0x22), "coins": {"tfuel_wei": 1}}])
    assert raw.hex() == ("02f839c28001dbda941111111111111111111111111111111111111111c28002018"
                         "0d9d8942222222222222222222222222222222222222222c28001")


def signer_key(fill):
    return bytes([fill]) * 32


def test_each_input_of_a_send_signs_and_verifies():
    tx = dict(type="Send", fee=FEE, outputs=[tx_output(9)],
              inputs=[dict(tx_input(1), address=keys.address(signer_key(1))),
                      dict(tx_input(2), address=keys.address(signer_key(2)))])
    signed = ledger.sign_tx(ledger.sign_tx(tx, "privatenet", signer_key(1)), "privatenet",
                            signer_key(2))
    sign_bytes = ledger.sign_bytes(signed, "privatenet")
    for fill, tx_in in zip((1, 2), signed["inputs"]):
        assert len(tx_in["signature"]) == 65
        assert ledger.verify_signature(sign_bytes, tx_in["signature"], keys.address(signer_key(fill))) is None
        assert keys.sign_message(signer_key(fill), sign_bytes) == tx_in["signature"]
    with pytest.raises(ValueError, match="was made by"):
        ledger.verify_signature(sign_bytes, signed["inputs"][0]["signature"],
                                keys.address(signer_key(2)))
    assert ledger.sign_bytes(signed, "privatenet", "v2") != sign_bytes
    assert tx["inputs"][0]["signature"] == b""  # sign_tx returned a copy
    with pytest.raises(ValueError):
        ledger.sign_tx(tx, "privatenet", signer_key(3))  # no input of that key


def test_a_service_payment_is_signed_by_payer_then_payee():
    payer, payee = signer_key(5), signer_key(6)
    tx = dict(type="ServicePayment", fee=FEE, payment_sequence=1, reserve_sequence=1,
              resource_id="video-1", source=dict(tx_input(1), address=keys.address(payer)),
              target=dict(tx_input(2), address=keys.address(payee)))
    voucher = ledger.sign_service_payment_source(tx, "privatenet", payer)
    settled = ledger.sign_tx(voucher, "privatenet", payee)
    assert len(settled["source"]["signature"]) == 65
    assert len(settled["target"]["signature"]) == 65
    assert ledger.decode_tx(ledger.encode_tx(settled)) == settled
    with pytest.raises(ValueError):
        ledger.sign_service_payment_source(tx, "privatenet", payee)


def strip_signatures(value):
    if isinstance(value, dict):
        return {k: (b"" if k == "signature" else strip_signatures(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [strip_signatures(v) for v in value]
    return value


def signer_input(tx):
    for field in ("inputs", "from", "source", "holder"):
        if field in tx and (field != "holder" or "sequence" in tx[field]):
            return tx[field][0] if field == "inputs" else tx[field]
    raise AssertionError(tx["type"])


# theta-js 0.0.86 builds StakeRewardDistribution with the type byte of DepositStakeV2 (10), a
# defect the oracle also works around ("stockType" vectors); the Go ledger rejects those bytes.
GOOD = [v for v in VECTORS["txs"] if not v["fields"].get("stockType")]
STOCK = [v for v in VECTORS["txs"] if v["fields"].get("stockType")]


@pytest.mark.parametrize("vector", GOOD, ids=lambda v: f"type{v['type']}-{v['signer'][:8]}")
def test_thetajs_transactions_decode_sign_and_encode_byte_identically(vector):
    raw = bytes.fromhex(vector["raw"][2:])
    tx = ledger.decode_tx(raw)
    assert ledger.TX_TYPES.index(tx["type"]) == vector["type"]
    assert ledger.encode_tx(tx) == raw
    assert ledger.sign_bytes(tx, vector["chainId"]).hex() == vector["signBytes"][2:]
    signer = signer_input(tx)
    assert signer["address"].lower() == vector["signer"]
    assert signer["sequence"] == vector["fields"]["sequence"]
    # Our signer (RFC 6979, as theta-js's elliptic) reproduces theta-js's bytes exactly.
    unsigned = strip_signatures(copy.deepcopy(tx))
    assert ledger.encode_tx(ledger.sign_tx(unsigned, vector["chainId"],
                                           vector["privateKey"])) == raw
    fields = vector["fields"]
    if tx["type"] == "Send":
        assert [(o["address"].lower(), o["coins"]["theta_wei"], o["coins"]["tfuel_wei"])
                for o in tx["outputs"]] == \
            [(o["address"], int(o["thetaWei"]), int(o["tfuelWei"])) for o in fields["outputs"]]
        assert tx["fee"]["tfuel_wei"] == int(fields["fee"])
    if tx["type"] == "SmartContract":
        assert tx["to"]["address"].lower() == fields["to"]
        assert tx["gas_limit"] == fields["gasLimit"]
        assert tx["gas_price"] == int(fields["gasPrice"])
        assert "0x" + tx["data"].hex() == fields["data"]


def build_from_thetajs_fields(vector):
    """The transaction dict a Python user writes for what theta-js was asked to build."""
    f, signer = vector["fields"], vector["signer"]
    fee = {"tfuel_wei": int(f["fee"])} if "fee" in f else None
    kind = vector["type"]
    if kind == 2:
        outputs = [{"address": o["address"],
                    "coins": {"theta_wei": int(o["thetaWei"]), "tfuel_wei": int(o["tfuelWei"])}}
                   for o in f["outputs"]]
        spent = {"theta_wei": sum(o["coins"]["theta_wei"] for o in outputs),
                 "tfuel_wei": sum(o["coins"]["tfuel_wei"] for o in outputs) + int(f["fee"])}
        return dict(type="Send", fee=fee, outputs=outputs,
                    inputs=[{"address": signer, "coins": spent, "sequence": f["sequence"]}])
    if kind == 7:
        return {"type": "SmartContract", "to": {"address": f["to"]}, "gas_limit": f["gasLimit"],
                "gas_price": int(f["gasPrice"]), "data": f["data"],
                "from": {"address": signer, "coins": {"tfuel_wei": int(f["value"])},
                         "sequence": f["sequence"]}}
    if kind in (8, 9):
        coins = {"theta_wei": int(f["amount"])} if kind == 8 else {}
        return dict(type="DepositStake" if kind == 8 else "WithdrawStake", fee=fee,
                    source={"address": signer, "coins": coins, "sequence": f["sequence"]},
                    holder={"address": f["holder"]}, purpose=f["purpose"])
    if kind == 10:
        summary = bytes.fromhex(f["summary"][2:])
        unit = "tfuel_wei" if f["purpose"] == ledger.STAKE_FOR_ELITE_EDGE_NODE else "theta_wei"
        return dict(type="DepositStakeV2", fee=fee, purpose=f["purpose"],
                    source={"address": signer, "coins": {unit: int(f["amount"])},
                            "sequence": f["sequence"]},
                    holder={"address": summary[:20]}, bls_pubkey=summary[20:68],
                    bls_pop=summary[68:164], holder_sig=summary[164:])
    if kind == 11:
        return dict(type="StakeRewardDistribution", fee=fee, split_basis_point=f["splitBasisPoint"],
                    holder={"address": signer, "sequence": f["sequence"]},
                    beneficiary={"address": f["beneficiary"]})
    raise AssertionError(f"theta-js built an unexpected type {kind}")


@pytest.mark.parametrize("vector", GOOD, ids=lambda v: f"type{v['type']}-{v['signer'][:8]}")
def test_transactions_built_from_keywords_equal_thetajs_bytes(vector):
    tx = build_from_thetajs_fields(vector)
    signed = ledger.sign_tx(tx, vector["chainId"], vector["privateKey"])
    assert "0x" + ledger.encode_tx(signed).hex() == vector["raw"]


def test_the_vectors_cover_every_type_thetajs_builds():
    assert {v["type"] for v in GOOD} >= {2, 7, 8, 9, 10, 11}


@pytest.mark.parametrize("vector", STOCK, ids=lambda v: v["signer"][:10])
def test_thetajs_stake_reward_distributions_with_a_deposit_type_byte_are_rejected(vector):
    with pytest.raises(ValueError, match="DepositStakeV2Tx"):
        ledger.decode_tx(bytes.fromhex(vector["raw"][2:]))


BAD = [
    ({"type": "Sned"}, ValueError, "unknown type 'Sned'"),
    ({"type": 12}, ValueError, "unknown type 12"),
    ({}, ValueError, "no 'type'"),
    ({"type": "Send", "fees": FEE}, ValueError, "unknown field 'fees'"),
    ({"type": "Send", "fee": {"tfuel_wei": -1}}, ValueError, r"fee.tfuel_wei: -1 is negative"),
    ({"type": "Send", "fee": {"tfuel_wei": 2**256}}, ValueError, "does not fit in 256 bits"),
    ({"type": "Send", "inputs": [{"address": "0x12"}]}, ValueError, r"inputs\[0\].address"),
    ({"type": "Send", "inputs": [{"sequence": 2**64}]}, ValueError, "does not fit in 64 bits"),
    ({"type": "DepositStake", "purpose": 256}, ValueError, "purpose: 256 exceeds 255"),
    ({"type": "Send", "inputs": {}}, TypeError, "inputs: expected a list"),
    ({"type": "Send", "fee": {"tfuel_wei": "1"}}, TypeError, "expected an int"),
]


@pytest.mark.parametrize("tx,error,message", BAD, ids=[str(b[2]) for b in BAD])
def test_bad_transaction_dicts_raise_with_the_field_named(tx, error, message):
    with pytest.raises(error, match=message):
        ledger.encode_tx(tx)


@pytest.mark.parametrize("raw", ["", "02", "0dc0", "02c0", "02f839c28001"])
def test_malformed_raw_bytes_raise_value_error(raw):
    with pytest.raises(ValueError, match=r"\S"):
        ledger.decode_tx(bytes.fromhex(raw))


def test_trailing_bytes_after_a_tx_are_rejected():
    raw = ledger.encode_tx(ONE_OF_EACH[2])
    with pytest.raises(ValueError):
        ledger.decode_tx(raw + b"\x00")
