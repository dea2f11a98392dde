// Registration functions of the `theta` Python module, one per library submodule.
#pragma once

#include <pybind11/pybind11.h>

namespace theta::python {

// Adds `theta.core`: keccak256, sha256, blake2b256, rlp_encode, rlp_decode, checksum_address.
void RegisterCore(pybind11::module_& parent);

}  // namespace theta::python
