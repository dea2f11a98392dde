# Tests of the Ethereum RPC (apps/node/src/eth_*.cpp) and ledger::Call.
list(APPEND THETA_NODE_TEST_SOURCES
  ${CMAKE_CURRENT_SOURCE_DIR}/eth_rpc_test.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/eth_rpc_contract_test.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/eth_rpc_filter_test.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/eth_rpc_ethers_test.cpp)
