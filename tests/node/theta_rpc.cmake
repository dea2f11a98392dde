# Tests of the native theta.* RPC (apps/node/src/theta_rpc*.cpp).
list(APPEND THETA_NODE_TEST_SOURCES
  ${CMAKE_CURRENT_SOURCE_DIR}/theta_rpc_test.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/theta_rpc_broadcast_test.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/theta_rpc_thetajs_test.cpp)
# theta-wallet's node client against the handlers, when the wallet is part of this build. The
# suite's target is created after this file is included, hence the deferred link.
if(TARGET theta_wallet_lib)
  list(APPEND THETA_NODE_TEST_SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/theta_rpc_wallet_test.cpp)
  cmake_language(DEFER CALL target_link_libraries theta_node_tests PRIVATE theta_wallet_lib)
endif()
