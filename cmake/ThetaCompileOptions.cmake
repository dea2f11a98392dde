# Compiler settings shared by every theta-cpp target: warnings, sanitizers and ccache.
# Targets opt in with theta_target_defaults(<target>) so that embedders' own flags stay untouched.

find_program(THETA_CCACHE ccache)
if(THETA_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER "${THETA_CCACHE}")
endif()

add_library(theta_build_flags INTERFACE)
target_compile_options(theta_build_flags INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                                   -Wno-missing-field-initializers)
if(THETA_WERROR)
  target_compile_options(theta_build_flags INTERFACE -Werror)
endif()
# GCC 12 at -O2/-O3 reports false maybe-uninitialized warnings inside libstdc++ for a std::optional
# of a container moved out of an absl::StatusOr (libs/core/src/trie_proof.cpp in the release preset);
# -Wuninitialized (certain cases) stays on, and ASan/valgrind cover the rest.
target_compile_options(theta_build_flags INTERFACE
  $<$<AND:$<CXX_COMPILER_ID:GNU>,$<NOT:$<CONFIG:Debug>>>:-Wno-maybe-uninitialized>)

if(THETA_SANITIZE)
  string(REPLACE "," ";" _theta_sanitizers "${THETA_SANITIZE}")
  set(_theta_san_flags -fsanitize=${THETA_SANITIZE} -fno-omit-frame-pointer)
  if("undefined" IN_LIST _theta_sanitizers)
    list(APPEND _theta_san_flags -fno-sanitize-recover=undefined)
  endif()
  # Applied globally so that test runners and libraries agree on the instrumented runtime.
  add_compile_options(${_theta_san_flags})
  # GCC 12 reports false maybe-uninitialized warnings inside libstdc++ (<regex>, std::function) once
  # sanitizers change inlining; they are not ours to fix and would fail -Werror builds.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
  add_link_options(${_theta_san_flags})
endif()

# theta_target_defaults(<target>): warnings for code this project owns.
function(theta_target_defaults target)
  target_link_libraries(${target} PRIVATE $<BUILD_INTERFACE:theta_build_flags>)
endfunction()

# theta_add_library(<name> [OUTPUT_NAME <file name>]): the static library theta_<name> built from
# libs/<name>/src/*.cpp, with the alias and export name theta::<name>, its public headers in
# libs/<name>/include and its private ones in libs/<name>/src. Callers add their own links.
function(theta_add_library name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "OUTPUT_NAME" "")
  if(NOT arg_OUTPUT_NAME)
    set(arg_OUTPUT_NAME theta-${name})
  endif()
  file(GLOB sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/src/*.cpp")
  add_library(theta_${name} STATIC ${sources})
  add_library(theta::${name} ALIAS theta_${name})
  set_target_properties(theta_${name} PROPERTIES OUTPUT_NAME ${arg_OUTPUT_NAME} EXPORT_NAME ${name}
                                                 POSITION_INDEPENDENT_CODE ON)
  target_include_directories(theta_${name}
    PUBLIC $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:include>
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  # The public headers are C++20: consumers (in-tree, FetchContent or installed) compile as C++20 too.
  target_compile_features(theta_${name} PUBLIC cxx_std_20)
  theta_target_defaults(theta_${name})
  # cmake/ThetaInstall.cmake installs and exports every library listed here, in this (dependency) order.
  set_property(GLOBAL APPEND PROPERTY THETA_LIBRARIES ${name})
endfunction()
