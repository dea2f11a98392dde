list(APPEND THETA_NODE_TEST_SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/chain_service_test.cpp)
list(APPEND THETA_NODE_TEST_SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/node_cluster_test.cpp
                                    ${CMAKE_CURRENT_SOURCE_DIR}/config_test.cpp)
list(APPEND THETA_NODE_TEST_SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/wire_test.cpp)
