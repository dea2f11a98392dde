# The Python package's tests (included from tests/CMakeLists.txt when THETA_BUILD_PYTHON is on):
# one CTest case per pytest file and one for the doctests of docs/embedding.md, all
# importing `theta` from the build tree; and, with install rules, one that installs the package
# into a scratch prefix and imports it from there. pytest is Debian's python3-pytest.
execute_process(COMMAND ${THETA_PYTHON_EXECUTABLE} -c "import pytest"
                RESULT_VARIABLE _theta_no_pytest OUTPUT_QUIET ERROR_QUIET)
if(_theta_no_pytest)
  message(WARNING "theta-cpp: ${THETA_PYTHON_EXECUTABLE} has no pytest, so the Python tests will "
                  "fail: install Debian's python3-pytest (scripts/bootstrap does)")
endif()

set(_theta_python_env "PYTHONPATH=${THETA_PYTHON_BUILD_DIR}" "PYTHONDONTWRITEBYTECODE=1")
file(GLOB _theta_pytest_files CONFIGURE_DEPENDS "${CMAKE_CURRENT_LIST_DIR}/test_*.py")
foreach(file IN LISTS _theta_pytest_files)
  get_filename_component(name "${file}" NAME_WE)
  add_test(NAME "python: ${name}"
           COMMAND ${THETA_PYTHON_EXECUTABLE} -m pytest -q -p no:cacheprovider "${file}")
  set_tests_properties("python: ${name}" PROPERTIES ENVIRONMENT "${_theta_python_env}" TIMEOUT 120)
endforeach()

add_test(NAME "python: docs/embedding.md doctests"
         COMMAND ${THETA_PYTHON_EXECUTABLE} -m doctest -o ELLIPSIS -o NORMALIZE_WHITESPACE
                 "${PROJECT_SOURCE_DIR}/docs/embedding.md")
set_tests_properties("python: docs/embedding.md doctests" PROPERTIES
                     ENVIRONMENT "${_theta_python_env}" TIMEOUT 60)

if(THETA_INSTALL)
  add_test(NAME "python: import theta from an installed prefix"
           COMMAND ${CMAKE_COMMAND} -DBUILD_DIR=${PROJECT_BINARY_DIR}
                   -DPREFIX=${CMAKE_CURRENT_BINARY_DIR}/python-install
                   -DPACKAGE_DIR=${THETA_PYTHON_INSTALL_DIR} -DPYTHON=${THETA_PYTHON_EXECUTABLE}
                   -P "${CMAKE_CURRENT_LIST_DIR}/installed_import.cmake")
  set_tests_properties("python: import theta from an installed prefix" PROPERTIES TIMEOUT 120)
endif()
