# Install rules and package files for every library declared with theta_add_library():
#
#   <prefix>/include/theta/<lib>/*.hpp            public headers
#   <prefix>/lib/libtheta-<lib>.a                 static libraries
#   <prefix>/lib/cmake/theta/                     thetaConfig.cmake (+ version), one exported target
#                                                 file and one dependency list per component
#   <prefix>/lib/pkgconfig/theta-<lib>.pc         one pkg-config module per library
#
# A consumer writes find_package(theta 0.1 CONFIG REQUIRED COMPONENTS ledger) and gets theta::ledger plus
# the components and system libraries it needs, and nothing else: the dependency list of each component
# is read here from the target's own link libraries, so it cannot drift from the build.

include_guard(GLOBAL)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(THETA_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/theta" CACHE STRING
    "Where cmake --install puts theta's CMake package files, relative to the prefix")
set(THETA_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig" CACHE STRING
    "Where cmake --install puts theta's pkg-config files, relative to the prefix")

# _theta_component_links(<name> <out_components> <out_deps> <out_extra>): the theta components,
# theta::dep::<dep> names and other link items (Threads::Threads) that theta_<name> links, public or
# private (a static library's consumer needs both).
function(_theta_component_links name out_components out_deps out_extra)
  get_target_property(links theta_${name} LINK_LIBRARIES)
  set(components "")
  set(deps "")
  set(extra "")
  foreach(item IN LISTS links)
    if(item MATCHES "^theta::dep::([A-Za-z0-9_]+)$")
      list(APPEND deps ${CMAKE_MATCH_1})
    elseif(item MATCHES "^theta::([A-Za-z0-9_]+)$")
      list(APPEND components ${CMAKE_MATCH_1})
    elseif(item STREQUAL "Threads::Threads")
      list(APPEND extra threads)
    endif()
  endforeach()
  set(${out_components} "${components}" PARENT_SCOPE)
  set(${out_deps} "${deps}" PARENT_SCOPE)
  set(${out_extra} "${extra}" PARENT_SCOPE)
endfunction()

# _theta_write_pc(<name> <components> <deps> <extra>): lib/pkgconfig/theta-<name>.pc.
function(_theta_write_pc name components deps extra)
  get_target_property(output_name theta_${name} OUTPUT_NAME)
  set(requires "")
  foreach(component IN LISTS components)
    get_target_property(dep_output theta_${component} OUTPUT_NAME)
    list(APPEND requires ${dep_output})
  endforeach()
  set(requires_private "")
  set(libs_private "")
  foreach(dep IN LISTS deps)
    get_property(modules GLOBAL PROPERTY THETA_DEP_PC_${dep})
    get_property(flags GLOBAL PROPERTY THETA_DEP_LIBS_${dep})
    list(APPEND requires_private ${modules})
    list(APPEND libs_private ${flags})
  endforeach()
  if("threads" IN_LIST extra)
    list(APPEND libs_private -pthread)
  endif()
  list(REMOVE_DUPLICATES requires_private)
  list(JOIN requires ", " requires)
  list(JOIN requires_private ", " requires_private)
  list(JOIN libs_private " " libs_private)
  # Relative to the .pc file, so the prefix can be chosen at install time (cmake --install --prefix).
  file(RELATIVE_PATH pc_prefix_from_pcdir "/prefix/${THETA_INSTALL_PKGCONFIGDIR}" "/prefix")
  string(REGEX REPLACE "/$" "" pc_prefix_from_pcdir "${pc_prefix_from_pcdir}")
  set(pc_file "${PROJECT_BINARY_DIR}/pkgconfig/${output_name}.pc")
  file(CONFIGURE OUTPUT "${pc_file}" @ONLY CONTENT [[
prefix=${pcfiledir}/@pc_prefix_from_pcdir@
libdir=${prefix}/@CMAKE_INSTALL_LIBDIR@
includedir=${prefix}/@CMAKE_INSTALL_INCLUDEDIR@

Name: @output_name@
Description: theta-cpp @name@ library (static; compile with -std=c++20)
Version: @PROJECT_VERSION@
Requires: @requires@
Requires.private: @requires_private@
Cflags: -I${includedir} -std=c++20
Libs: -L${libdir} -l@output_name@
Libs.private: @libs_private@
]])
  install(FILES "${pc_file}" DESTINATION "${THETA_INSTALL_PKGCONFIGDIR}")
endfunction()

# _theta_install_component(<name>): headers, archive, exported target, dependency list and .pc.
function(_theta_install_component name)
  get_target_property(source_dir theta_${name} SOURCE_DIR)
  install(TARGETS theta_${name} EXPORT theta-${name}-targets
          ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}"
          INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
  install(DIRECTORY "${source_dir}/include/" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
  install(EXPORT theta-${name}-targets NAMESPACE theta:: DESTINATION "${THETA_INSTALL_CMAKEDIR}")

  _theta_component_links(${name} components deps extra)
  set(component_file "${PROJECT_BINARY_DIR}/cmake/theta-${name}-component.cmake")
  file(WRITE "${component_file}"
       "# Generated: what theta::${name} needs before its targets can be imported.\n"
       "set(_theta_component_${name}_components ${components})\n"
       "set(_theta_component_${name}_deps ${deps})\n"
       "set(_theta_component_${name}_extra ${extra})\n")
  install(FILES "${component_file}" DESTINATION "${THETA_INSTALL_CMAKEDIR}")
  _theta_write_pc(${name} "${components}" "${deps}" "${extra}")
endfunction()

# theta_install_packages(): call once, after every library was added.
function(theta_install_packages)
  get_property(libraries GLOBAL PROPERTY THETA_LIBRARIES)
  set(THETA_INSTALLED_COMPONENTS "${libraries}")
  foreach(name IN LISTS libraries)
    _theta_install_component(${name})
  endforeach()

  configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/thetaConfig.cmake.in"
    "${PROJECT_BINARY_DIR}/cmake/thetaConfig.cmake"
    INSTALL_DESTINATION "${THETA_INSTALL_CMAKEDIR}")
  # 0.x releases may break the API between minor versions, so 0.1 accepts 0.1.* only.
  write_basic_package_version_file("${PROJECT_BINARY_DIR}/cmake/thetaConfigVersion.cmake"
    VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
  install(FILES "${PROJECT_BINARY_DIR}/cmake/thetaConfig.cmake"
                "${PROJECT_BINARY_DIR}/cmake/thetaConfigVersion.cmake"
                "${PROJECT_SOURCE_DIR}/cmake/ThetaDeps.cmake"
          DESTINATION "${THETA_INSTALL_CMAKEDIR}")
endfunction()
