# Type stubs of the native extension theta._native; its submodules have their own stubs beside
# this file (core.pyi, keys.pyi, ledger.pyi, bls.pyi, evm.pyi), matching the names theta exports.
from theta import bls as bls, core as core, evm as evm, keys as keys, ledger as ledger
