# Integration tests: each starts its own devnet of real theta-node processes on free loopback ports
# (scripts/lib/theta_devnet) and drives it with real clients: theta-js, ethers 6 + solc-js +
# OpenZeppelin (npm, tests/node_modules), theta-wallet, and kill -9. Label `integration`; they take
# a few minutes together and use every core, so they never run beside each other
# (RESOURCE_LOCK) and run only with the rest of the suite or `ctest -L integration`.
find_program(THETA_INTEGRATION_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH)
find_program(THETA_INTEGRATION_NODE node)
if(NOT THETA_INTEGRATION_PYTHON OR NOT THETA_INTEGRATION_NODE)
  message(WARNING "theta-cpp: /usr/bin/python3 or node is missing, so the integration tests are "
                  "not registered: run scripts/bootstrap")
  return()
endif()

set(_theta_it_dir ${CMAKE_CURRENT_LIST_DIR})
set(_theta_it_bins --node-bin $<TARGET_FILE:theta_node> --node-js ${THETA_INTEGRATION_NODE})
if(TARGET theta_wallet)
  list(APPEND _theta_it_bins --wallet-bin $<TARGET_FILE:theta_wallet>)
endif()
if(TARGET theta_edge)
  list(APPEND _theta_it_bins --edge-bin $<TARGET_FILE:theta_edge>)
endif()

# theta_integration_test(<name> <script> [args...])
function(theta_integration_test name script)
  add_test(NAME "integration: ${name}"
           COMMAND ${THETA_INTEGRATION_PYTHON} ${_theta_it_dir}/${script} ${ARGN})
  set_tests_properties("integration: ${name}" PROPERTIES
    LABELS integration TIMEOUT 240 RESOURCE_LOCK theta_devnet PROCESSORS 2
    ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1")
endfunction()

theta_integration_test("theta-js reads an account, sends THETA and TFUEL, reads the block back"
                       clients_test.py --client theta-js ${_theta_it_bins})
theta_integration_test("ethers and solc deploy an OpenZeppelin ERC-20, transfer, read logs over HTTP and WebSocket"
                       clients_test.py --client ethers ${_theta_it_bins})
theta_integration_test("kill -9 of one validator under load: three commit on, the restarted one catches up"
                       fault_test.py --scenario kill-restart ${_theta_it_bins})
theta_integration_test("kill -9 of validators at random moments: no committed block lost, equal state roots"
                       fault_test.py --scenario kill-mid-commit ${_theta_it_bins})
if(TARGET theta_wallet)
  theta_integration_test("theta-wallet imports a devnet key, sends THETA and TFUEL, reads balances"
                         wallet_test.py ${_theta_it_bins})
  theta_integration_test("theta-wallet new, import, list, export, address, multi-send, offline sign and broadcast, error paths"
                         wallet_keys_test.py ${_theta_it_bins})
  theta_integration_test("theta-wallet stakes for validator, guardian and EEN, reserves and releases a fund, sets a split rule, deploys and calls a contract"
                         wallet_chain_test.py ${_theta_it_bins})
  theta_integration_test("validator-set epochs: stake counts from the next epoch, a validator down for two epochs catches up"
                         epoch_test.py ${_theta_it_bins})
  theta_integration_test("docs/wallet.md's devnet walkthrough of every theta-wallet command runs as written"
                         wallet_docs_test.py ${_theta_it_bins})
endif()
if(TARGET theta_wallet AND TARGET theta_edge)
  theta_integration_test("a viewer pays theta-edge per segment from a reserve fund and the edge settles its vouchers on chain"
                         video_payments_test.py ${_theta_it_bins})
  theta_integration_test("scripts/devnet --once reaches a finalized checkpoint, and again on reuse"
                         devnet_smoke_test.py --build-dir ${PROJECT_BINARY_DIR})
endif()
