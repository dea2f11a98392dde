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
