# Fails when a Catch2 case name would break catch_discover_tests: CMake reads "[", "]" and ";" as list
# syntax, so one such name silently merges every later case into a single CTest entry.
# Usage: cmake -DTEST_EXECUTABLE=path -P check_test_names.cmake
execute_process(COMMAND "${TEST_EXECUTABLE}" --list-test-names-only
                OUTPUT_VARIABLE names RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 AND rc LESS 0)
  message(FATAL_ERROR "could not list the cases of ${TEST_EXECUTABLE}")
endif()
string(REGEX MATCHALL "[^\n]*[][;][^\n]*" bad "${names}")
if(bad)
  message(FATAL_ERROR "test case names with [, ] or ; break CTest discovery; rename:\n${bad}")
endif()
message(STATUS "all case names of ${TEST_EXECUTABLE} are safe for CTest discovery")
