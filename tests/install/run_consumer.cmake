# Plays an outside project against theta-cpp (tests/install/CMakeLists.txt registers each mode):
#
#   install            cmake --install BUILD_DIR into PREFIX (emptied first)
#   example            configure EXAMPLE against PREFIX, build it, run it; FORBIDDEN (a regex) must not
#                      match the link command
#   pkgconfig          compile EXAMPLE/main.cpp with the flags `pkg-config --cflags --libs --static
#                      MODULE` gives, run it; FORBIDDEN must not match those flags
#   subproject         FetchContent of THETA_SOURCE with every optional library off but crypto, building
#                      EXAMPLE/main.cpp against theta::crypto
#   unknown_component  find_package(theta COMPONENTS nosuch) must fail naming 'nosuch'
#   wrong_version      find_package(theta 0.2) must fail
cmake_minimum_required(VERSION 3.25)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "command failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(run_output "${out}${err}" PARENT_SCOPE)
endfunction()

# configure(<source> <binary> [extra -D args...]): configure an outside project like a user would.
function(configure source binary)
  file(REMOVE_RECURSE "${binary}")
  set(args -S "${source}" -B "${binary}" -G "${GENERATOR}" -DCMAKE_CXX_COMPILER=${CXX}
           -DCMAKE_BUILD_TYPE=${BUILD_TYPE} -DCMAKE_PREFIX_PATH=${PREFIX})
  if(LAUNCHER)
    list(APPEND args -DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER})
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} ${args} ${ARGN}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(configure_rc ${rc} PARENT_SCOPE)
  set(configure_output "${out}${err}" PARENT_SCOPE)
endfunction()

# A throwaway consumer whose CMakeLists.txt is `body`.
function(write_consumer dir body)
  file(REMOVE_RECURSE "${dir}")
  file(MAKE_DIRECTORY "${dir}")
  file(WRITE "${dir}/CMakeLists.txt"
       "cmake_minimum_required(VERSION 3.25)\nproject(consumer LANGUAGES CXX)\n${body}\n")
endfunction()

get_filename_component(example_name "${EXAMPLE}" NAME)

if(MODE STREQUAL "install")
  file(REMOVE_RECURSE "${PREFIX}")
  run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${PREFIX}")
  foreach(expected include/theta/core/uint256.hpp lib/cmake/theta/thetaConfig.cmake
                   lib/cmake/theta/thetaConfigVersion.cmake lib/pkgconfig/theta-core.pc)
    if(NOT EXISTS "${PREFIX}/${expected}")
      message(FATAL_ERROR "cmake --install did not write ${expected}")
    endif()
  endforeach()
  file(GLOB_RECURSE private_headers "${PREFIX}/include/*/src/*")
  if(private_headers)
    message(FATAL_ERROR "private files were installed: ${private_headers}")
  endif()

elseif(MODE STREQUAL "example")
  set(binary "${WORK}/${example_name}")
  configure("${EXAMPLE}" "${binary}")
  if(NOT configure_rc EQUAL 0)
    message(FATAL_ERROR "configuring ${example_name} against ${PREFIX} failed:\n${configure_output}")
  endif()
  run(${CMAKE_COMMAND} --build "${binary}")
  if(FORBIDDEN)
    # The exact link line Ninja runs (or Makefiles' link.txt).
    if(GENERATOR MATCHES "Ninja")
      run(${CMAKE_COMMAND} -E chdir "${binary}" ninja -t commands ${example_name})
      set(link_line "${run_output}")
    else()
      file(GLOB_RECURSE link_files "${binary}/link.txt")
      file(READ "${link_files}" link_line)
    endif()
    string(TOLOWER "${link_line}" link_line_lower)
    if(link_line_lower MATCHES "(${FORBIDDEN})")
      message(FATAL_ERROR "${example_name} links '${CMAKE_MATCH_1}':\n${link_line}")
    endif()
  endif()
  run("${binary}/${example_name}")
  message(STATUS "${run_output}")

elseif(MODE STREQUAL "pkgconfig")
  find_program(PKG_CONFIG pkg-config REQUIRED)
  set(ENV{PKG_CONFIG_PATH} "${PREFIX}/lib/pkgconfig")
  run(${PKG_CONFIG} --cflags --libs --static ${MODULE})
  string(STRIP "${run_output}" flags)
  string(TOLOWER "${flags}" flags_lower)
  if(FORBIDDEN AND flags_lower MATCHES "(${FORBIDDEN})")
    message(FATAL_ERROR "pkg-config ${MODULE} brings '${CMAKE_MATCH_1}': ${flags}")
  endif()
  separate_arguments(flag_list UNIX_COMMAND "${flags}")
  set(binary "${WORK}/pkgconfig-${example_name}")
  file(MAKE_DIRECTORY "${WORK}")
  run(${CXX} "${EXAMPLE}/main.cpp" -o "${binary}" ${flag_list})
  run("${binary}")

elseif(MODE STREQUAL "subproject")
  set(dir "${WORK}/subproject-src")
  write_consumer("${dir}" "
set(THETA_BUILD_EVM OFF)
set(THETA_BUILD_LEDGER OFF)
set(THETA_BUILD_NET OFF)
set(THETA_BUILD_EDGE_COMPUTE OFF)
set(THETA_BUILD_VIDEO OFF)
set(THETA_BUILD_CONSENSUS OFF)
include(FetchContent)
FetchContent_Declare(theta SOURCE_DIR \"${THETA_SOURCE}\")
FetchContent_MakeAvailable(theta)
foreach(unwanted theta::evm theta::ledger theta::net theta::compute theta::video theta::consensus)
  if(TARGET \${unwanted})
    message(FATAL_ERROR \"\${unwanted} was built although it is switched off\")
  endif()
endforeach()
add_executable(${example_name} \"${EXAMPLE}/main.cpp\")
target_link_libraries(${example_name} PRIVATE theta::crypto)")
  set(binary "${WORK}/subproject")
  # The same warning flags as the enclosing build, so ccache can reuse its objects.
  configure("${dir}" "${binary}" -DTHETA_WERROR=${WERROR})
  if(NOT configure_rc EQUAL 0)
    message(FATAL_ERROR "configuring a FetchContent consumer failed:\n${configure_output}")
  endif()
  if(configure_output MATCHES "enable_testing|theta-cpp: found (vulkan|boost|ffmpeg|catch2|benchmark)")
    message(FATAL_ERROR "a subproject build looked for test or heavy dependencies:\n${configure_output}")
  endif()
  run(${CMAKE_COMMAND} --build "${binary}" --target ${example_name})
  run("${binary}/${example_name}")

elseif(MODE STREQUAL "unknown_component")
  set(dir "${WORK}/unknown-component")
  write_consumer("${dir}" "find_package(theta 0.1 CONFIG REQUIRED COMPONENTS core nosuch)")
  configure("${dir}" "${dir}/build")
  if(configure_rc EQUAL 0)
    message(FATAL_ERROR "find_package(theta COMPONENTS nosuch) succeeded")
  endif()
  if(NOT configure_output MATCHES "component 'nosuch' does not exist")
    message(FATAL_ERROR "the error does not name the component:\n${configure_output}")
  endif()

elseif(MODE STREQUAL "wrong_version")
  set(dir "${WORK}/wrong-version")
  write_consumer("${dir}" "find_package(theta 0.2 CONFIG REQUIRED COMPONENTS core)")
  configure("${dir}" "${dir}/build")
  if(configure_rc EQUAL 0)
    message(FATAL_ERROR "find_package(theta 0.2) accepted version 0.1")
  endif()

else()
  message(FATAL_ERROR "run_consumer.cmake: unknown MODE '${MODE}'")
endif()
