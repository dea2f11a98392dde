# Runs a small `theta-sim --measure --json` twice: the outputs must be identical, the last line a
# JSON object with every key the benchmark harness's consensus sweeps read, and all_final true.
# Usage: cmake -DSIM=path/to/theta-sim -P sim_measure_check.cmake
set(args --measure --validators=4 --guardians=12 --checkpoints=2 --checkpoint_interval=3
         --latency=heavytail --byzantine=0.2 --seed=11 --json)
foreach(run 1 2)
  execute_process(COMMAND ${SIM} ${args} OUTPUT_VARIABLE out${run} RESULT_VARIABLE rc${run}
                  ERROR_QUIET)
  if(NOT rc${run} EQUAL 0)
    message(FATAL_ERROR "theta-sim exited ${rc${run}}: ${out${run}}")
  endif()
endforeach()
if(NOT out1 STREQUAL out2)
  message(FATAL_ERROR "same seed, different output:\n${out1}\n${out2}")
endif()
string(STRIP "${out1}" out1)
string(REGEX REPLACE ".*\n" "" last "${out1}")
foreach(key seed validators guardians latency byzantine aggregation checkpoints ok all_final
            finality_rounds finality_rounds_p99 finality_ms finality_ms_p99
            guardian_msgs_per_node guardian_bytes_per_node guardian_msg_bytes_max
            validator_msgs_per_node validator_bytes_per_node committed_blocks
            silent_validators faulty_guardians)
  string(JSON value ERROR_VARIABLE err GET "${last}" ${key})
  if(err)
    message(FATAL_ERROR "no '${key}' in: ${last}")
  endif()
endforeach()
string(JSON all_final GET "${last}" all_final)
string(JSON rounds GET "${last}" finality_rounds)
string(JSON guardian_bytes GET "${last}" guardian_bytes_per_node)
if(NOT all_final STREQUAL "ON" OR rounds LESS 1 OR guardian_bytes LESS 1)
  message(FATAL_ERROR "implausible measurement: ${last}")
endif()
message(STATUS "ok: ${last}")
