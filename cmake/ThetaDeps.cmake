# Finds the system libraries theta-cpp uses. Each dependency is found on first request by
# theta_require_dep(<name>), so a library that needs none of the heavy parts (Vulkan, FFmpeg) configures
# and builds without them installed. A missing dependency stops the configure step with the Debian
# package that provides it; scripts/bootstrap installs them all.
#
# Every dependency becomes an imported target named theta::dep::<name>.

include_guard(GLOBAL)
find_package(PkgConfig QUIET)
# Imported targets must be visible from every directory, whichever one asked for them first.
set(CMAKE_FIND_PACKAGE_TARGETS_GLOBAL ON)

# Debian package (bookworm) that provides each dependency; keep in step with scripts/bootstrap.
set(_theta_pkg_absl "libabsl-dev")
set(_theta_pkg_leveldb "libleveldb-dev libsnappy-dev")
set(_theta_pkg_sodium "libsodium-dev")
set(_theta_pkg_cryptopp "libcrypto++-dev")
set(_theta_pkg_secp256k1 "libsecp256k1-dev")
set(_theta_pkg_json "nlohmann-json3-dev")
set(_theta_pkg_catch2 "catch2")
set(_theta_pkg_benchmark "libbenchmark-dev")
set(_theta_pkg_spdlog "libspdlog-dev")
set(_theta_pkg_boost "libboost-dev")
set(_theta_pkg_vulkan "libvulkan-dev glslc")
set(_theta_pkg_ffmpeg "libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev")
set(_theta_pkg_pybind11 "pybind11-dev python3-dev")
set(_theta_pkg_gmp "libgmp-dev")
set(_theta_pkg_openblas "libopenblas-dev")

# What pkg-config users need for the dependencies found as CMake packages (the .pc files of
# cmake/ThetaInstall.cmake). Dependencies found through pkg-config record their modules themselves.
set_property(GLOBAL PROPERTY THETA_DEP_PC_absl
  absl_status absl_statusor absl_strings absl_str_format absl_span absl_inlined_vector
  absl_flat_hash_map absl_synchronization)
set_property(GLOBAL PROPERTY THETA_DEP_PC_spdlog spdlog)
set_property(GLOBAL PROPERTY THETA_DEP_PC_json nlohmann_json)
set_property(GLOBAL PROPERTY THETA_DEP_PC_vulkan vulkan)
set_property(GLOBAL PROPERTY THETA_DEP_LIBS_leveldb -lleveldb -lsnappy)
set_property(GLOBAL PROPERTY THETA_DEP_PC_boost "")  # header-only (Asio, Beast)

function(_theta_dep_missing name detail)
  if(THETA_PACKAGE_CONSUMER)
    set(hint "find_package(theta) needs it for the components you asked for.")
  else()
    set(hint "or run ./scripts/bootstrap, which installs everything the build and tests need.")
  endif()
  message(FATAL_ERROR
    "theta-cpp: dependency '${name}' not found (${detail}).\n"
    "Install the Debian package(s): ${_theta_pkg_${name}}\n${hint}")
endfunction()

function(_theta_pkg_config name module)
  if(NOT PKG_CONFIG_FOUND)
    _theta_dep_missing(${name} "pkg-config itself is missing; install pkg-config")
  endif()
  pkg_check_modules(THETA_PC_${name} QUIET IMPORTED_TARGET GLOBAL ${module} ${ARGN})
  if(NOT THETA_PC_${name}_FOUND)
    _theta_dep_missing(${name} "pkg-config module(s) ${module} ${ARGN}")
  endif()
  add_library(theta::dep::${name} ALIAS PkgConfig::THETA_PC_${name})
  # The installed .pc files name the same modules (versions dropped) in Requires.private.
  set(modules ${module} ${ARGN})
  list(TRANSFORM modules REPLACE "[<>=].*$" "")
  set_property(GLOBAL PROPERTY THETA_DEP_PC_${name} "${modules}")
endfunction()

function(_theta_alias name)
  add_library(_theta_dep_${name} INTERFACE IMPORTED GLOBAL)
  target_link_libraries(_theta_dep_${name} INTERFACE ${ARGN})
  add_library(theta::dep::${name} ALIAS _theta_dep_${name})
endfunction()

function(_theta_find_absl)
  find_package(absl CONFIG QUIET)
  if(NOT absl_FOUND)
    _theta_dep_missing(absl "CMake package absl")
  endif()
  _theta_alias(absl absl::status absl::statusor absl::strings absl::str_format absl::span
               absl::inlined_vector absl::flat_hash_map absl::synchronization)
endfunction()

function(_theta_find_leveldb)
  find_package(leveldb CONFIG QUIET)
  if(NOT leveldb_FOUND)
    _theta_dep_missing(leveldb "CMake package leveldb")
  endif()
  _theta_alias(leveldb leveldb::leveldb)
endfunction()

function(_theta_find_sodium)
  _theta_pkg_config(sodium libsodium>=1.0.18)
endfunction()

function(_theta_find_cryptopp)
  _theta_pkg_config(cryptopp libcrypto++)
endfunction()

function(_theta_find_secp256k1)
  _theta_pkg_config(secp256k1 libsecp256k1)
  include(CheckCXXSourceCompiles)
  set(CMAKE_REQUIRED_INCLUDES ${THETA_PC_secp256k1_INCLUDE_DIRS})
  set(CMAKE_REQUIRED_LIBRARIES ${THETA_PC_secp256k1_LINK_LIBRARIES})
  check_cxx_source_compiles([[
    #include <secp256k1_recovery.h>
    int main() { return secp256k1_ecdsa_recover == nullptr; }]] THETA_SECP256K1_HAS_RECOVERY)
  if(NOT THETA_SECP256K1_HAS_RECOVERY)
    _theta_dep_missing(secp256k1 "libsecp256k1 was built without its recovery module")
  endif()
endfunction()

function(_theta_find_json)
  find_package(nlohmann_json 3.10 CONFIG QUIET)
  if(NOT nlohmann_json_FOUND)
    _theta_dep_missing(json "CMake package nlohmann_json >= 3.10")
  endif()
  _theta_alias(json nlohmann_json::nlohmann_json)
endfunction()

function(_theta_find_catch2)
  find_package(Catch2 2.13 CONFIG QUIET)
  if(NOT Catch2_FOUND)
    _theta_dep_missing(catch2 "CMake package Catch2 >= 2.13")
  endif()
  # Catch2 2.x ships catch_discover_tests in Catch.cmake beside its package config.
  set(THETA_CATCH2_MODULE "${Catch2_DIR}/Catch.cmake" CACHE INTERNAL "")
  _theta_alias(catch2 Catch2::Catch2)
endfunction()

function(_theta_find_benchmark)
  find_package(benchmark CONFIG QUIET)
  if(NOT benchmark_FOUND)
    _theta_dep_missing(benchmark "CMake package benchmark")
  endif()
  _theta_alias(benchmark benchmark::benchmark)
endfunction()

function(_theta_find_spdlog)
  find_package(spdlog CONFIG QUIET)
  if(NOT spdlog_FOUND)
    _theta_dep_missing(spdlog "CMake package spdlog")
  endif()
  _theta_alias(spdlog spdlog::spdlog)
endfunction()

function(_theta_find_boost)
  find_package(Boost 1.74 CONFIG QUIET)
  if(NOT Boost_FOUND)
    _theta_dep_missing(boost "CMake package Boost >= 1.74 (Asio and Beast headers)")
  endif()
  _theta_alias(boost Boost::headers)
endfunction()

function(_theta_find_vulkan)
  find_package(Vulkan QUIET)
  find_program(THETA_GLSLC glslc)
  if(NOT Vulkan_FOUND)
    _theta_dep_missing(vulkan "Vulkan loader and headers")
  endif()
  # An installed package's consumer links the library and never compiles shaders.
  if(NOT THETA_GLSLC AND NOT THETA_PACKAGE_CONSUMER)
    _theta_dep_missing(vulkan "the glslc shader compiler")
  endif()
  _theta_alias(vulkan Vulkan::Vulkan)
endfunction()

function(_theta_find_ffmpeg)
  _theta_pkg_config(ffmpeg libavcodec libavformat libavutil libswscale libswresample)
endfunction()

function(_theta_find_pybind11)
  # Debian's interpreter, not whichever python3 is first on PATH (a pyenv build lacks Debian's
  # python3-pytest and builds against other headers). -DPython3_EXECUTABLE=... still wins.
  if(NOT DEFINED Python3_EXECUTABLE AND EXISTS /usr/bin/python3)
    set(Python3_EXECUTABLE /usr/bin/python3)
  endif()
  find_package(Python3 COMPONENTS Interpreter Development.Module QUIET)
  find_package(pybind11 CONFIG QUIET)
  if(NOT pybind11_FOUND OR NOT Python3_FOUND)
    _theta_dep_missing(pybind11 "pybind11 and the Python 3 development headers")
  endif()
  set(THETA_PYTHON_EXECUTABLE "${Python3_EXECUTABLE}" CACHE INTERNAL "")
  _theta_alias(pybind11 pybind11::module)
endfunction()

function(_theta_find_gmp)
  _theta_pkg_config(gmp gmp)
endfunction()

function(_theta_find_openblas)
  _theta_pkg_config(openblas openblas)
endfunction()

# theta_require_dep(<name>...): make theta::dep::<name> available, or stop with the package to install.
function(theta_require_dep)
  foreach(name IN LISTS ARGN)
    if(TARGET theta::dep::${name})
      continue()
    endif()
    if(NOT DEFINED _theta_pkg_${name})
      message(FATAL_ERROR "theta_require_dep: unknown dependency '${name}'")
    endif()
    cmake_language(CALL _theta_find_${name})
    message(STATUS "theta-cpp: found ${name}")
  endforeach()
endfunction()
