// The native extension theta._native; the package theta (theta/__init__.py) re-exports its
// submodules as theta.core, theta.keys, theta.ledger, theta.bls and theta.evm.
#include "bindings.hpp"

PYBIND11_MODULE(_native, m) {
  m.doc() = "theta-cpp's native extension: use it through the package `theta`.";
  theta::python::RegisterCore(m);
  theta::python::RegisterKeys(m);
  theta::python::RegisterLedger(m);
  theta::python::RegisterBls(m);
  theta::python::RegisterEvm(m);
}
