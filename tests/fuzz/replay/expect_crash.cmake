# Shows that theta_fuzz_replay fails and saves the input when a target fails: runs its self-test
# target over one seed file that a single bit flip turns into a failing input, then expects a
# non-zero exit and a saved input holding WANT.
#   cmake -DREPLAY=<binary> -DSEED=<text> -DWANT=<text> -DDIR=<scratch dir> -P expect_crash.cmake
file(REMOVE_RECURSE "${DIR}")
file(MAKE_DIRECTORY "${DIR}")
file(WRITE "${DIR}/seed" "${SEED}")
execute_process(COMMAND "${REPLAY}" replay_selftest --runs=5000 --crash_dir=${DIR} "${DIR}/seed"
                RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(result EQUAL 0)
  message(FATAL_ERROR "the replay passed a target that fails on '${WANT}':\n${out}${err}")
endif()
if(NOT EXISTS "${DIR}/crash-replay_selftest")
  message(FATAL_ERROR "no crash-replay_selftest saved (exit: ${result}):\n${out}${err}")
endif()
file(READ "${DIR}/crash-replay_selftest" saved)
string(FIND "${saved}" "${WANT}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "the saved input '${saved}' does not hold '${WANT}'")
endif()
if(NOT err MATCHES "its input is saved as")
  message(FATAL_ERROR "the replay did not say where the input is:\n${err}")
endif()
message(STATUS "failed as expected (${result}); saved input: ${saved}")
