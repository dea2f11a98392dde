"""theta.core: hashes, RLP and EIP-55 addresses, checked against published vectors."""
import hashlib

import pytest

import theta
from theta import core


def test_hashes_match_published_vectors_and_hashlib():
    assert core.keccak256(b"").hex() == \
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    assert core.keccak256(b"abc").hex() == \
        "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"
    for data in (b"", b"abc", bytes(range(256)) * 5):
        assert core.sha256(data) == hashlib.sha256(data).digest()
        assert core.blake2b256(data) == hashlib.blake2b(data, digest_size=32).digest()


def test_rlp_encodes_the_yellow_paper_examples():
    assert core.rlp_encode(b"dog") == bytes.fromhex("83646f67")
    assert core.rlp_encode([b"cat", b"dog"]) == bytes.fromhex("c88363617483646f67")
    assert core.rlp_encode(0) == b"\x80"
    assert core.rlp_encode(1024) == bytes.fromhex("820400")
    nested = [[], [[]], [[], [[]]]]
    assert core.rlp_encode(nested) == bytes.fromhex("c7c0c1c0c3c0c1c0")
    assert core.rlp_decode(bytes.fromhex("c7c0c1c0c3c0c1c0")) == nested
    assert core.rlp_decode(bytes.fromhex("c88363617483646f67")) == [b"cat", b"dog"]


@pytest.mark.parametrize("bad", ["8105", "83646f6700", ""])
def test_rlp_decode_rejects_non_canonical_input_with_the_rule(bad):
    with pytest.raises(ValueError, match=r"^rlp:"):
        core.rlp_decode(bytes.fromhex(bad))


def test_rlp_encode_rejects_values_without_an_rlp_form():
    with pytest.raises(ValueError, match="negative"):
        core.rlp_encode(-1)
    with pytest.raises(TypeError):
        core.rlp_encode(True)
    with pytest.raises(TypeError):
        core.rlp_encode("text")


def test_checksum_address_follows_eip55():
    assert core.checksum_address("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed") == \
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
    with pytest.raises(ValueError, match="checksum"):
        core.checksum_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")


def test_submodules_import_as_modules():
    import theta.core
    from theta.ledger import encode_tx  # noqa: F401
    assert theta.core is core
    for name in ("core", "keys", "ledger", "bls", "evm", "rpc"):
        assert getattr(theta, name).__doc__, name


def test_every_native_function_has_a_docstring():
    import inspect
    for module in (theta.core, theta.keys, theta.ledger, theta.bls, theta.evm):
        for name, value in vars(module).items():
            if name.startswith("_") or not callable(value):
                continue
            assert (value.__doc__ or "").strip(), f"{module.__name__}.{name}"
            if inspect.isclass(value):
                for attr, member in vars(value).items():
                    if not attr.startswith("_"):
                        assert (getattr(member, "__doc__", None) or "").strip(), \
                            f"{module.__name__}.{name}.{attr}"


def test_the_type_stubs_name_every_public_name_and_no_other():
    import ast
    import pathlib
    package = pathlib.Path(theta.__file__).parent
    for module in (theta.core, theta.keys, theta.ledger, theta.bls, theta.evm):
        short = module.__name__.split(".")[-1]
        tree = ast.parse((package / f"{short}.pyi").read_text())
        stubbed = set()
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                stubbed.add(node.name)
            elif isinstance(node, ast.AnnAssign):
                stubbed.add(node.target.id)
        public = {name for name in vars(module) if not name.startswith("_")}
        assert public == stubbed, f"{short}.pyi: missing {public - stubbed}, extra {stubbed - public}"
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                members = {n.name for n in node.body if isinstance(n, ast.FunctionDef)
                           and not n.name.startswith("_")}
                cls = getattr(module, node.name)
                assert members == {m for m in vars(cls) if not m.startswith("_")}, node.name
