# cmake -DBUILD_DIR=... -DPREFIX=... -DPACKAGE_DIR=lib/python3/dist-packages -DPYTHON=... -P this:
# installs the `python` component of BUILD_DIR into a fresh PREFIX and checks that the interpreter
# imports theta from there (and not from the build tree), with every submodule working.
file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND ${CMAKE_COMMAND} --install "${BUILD_DIR}" --component python
                        --prefix "${PREFIX}"
                RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${result}):\n${output}")
endif()
set(check [=[
import sys, theta
from theta import bls, core, evm, keys, ledger, rpc
assert theta.__file__.startswith(sys.argv[1]), theta.__file__
assert core.keccak256(b"").hex().startswith("c5d24601")
assert keys.address((1).to_bytes(32, "big")) == "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf"
assert len(bls.public_key(bls.keygen(bytes(32)))) == 48
assert ledger.decode_tx(ledger.encode_tx(type="Send"))["type"] == "Send"
assert evm.EVM().state_root().hex().startswith("56e81f17")
import pathlib
stubs = {p.name for p in pathlib.Path(theta.__file__).parent.glob("*.pyi")}
assert {"core.pyi", "keys.pyi", "ledger.pyi", "bls.pyi", "evm.pyi"} <= stubs, stubs
print("theta imported from", theta.__file__)
]=])
execute_process(COMMAND ${CMAKE_COMMAND} -E env "PYTHONPATH=${PREFIX}/${PACKAGE_DIR}"
                        "${PYTHON}" -c "${check}" "${PREFIX}/${PACKAGE_DIR}"
                WORKING_DIRECTORY "${PREFIX}"
                RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
message("${output}")
if(NOT result EQUAL 0)
  message(FATAL_ERROR "importing the installed package failed (${result})")
endif()
