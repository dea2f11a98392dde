// The fuzz targets linked into theta_fuzz_replay. Each target's LLVMFuzzerTestOneInput is renamed
// at compile time (tests/fuzz/CMakeLists.txt), so that all of them fit in one binary; the table
// itself is generated there from the *_fuzz.cpp files of the libraries this build has.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace theta::fuzz {

struct Target {
  const char* name;  // the file name without _fuzz.cpp, as scripts/fuzz names targets
  int (*test_one_input)(const uint8_t* data, size_t size);
};

std::span<const Target> Targets();

}  // namespace theta::fuzz
