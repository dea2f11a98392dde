#include "bindings.hpp"

PYBIND11_MODULE(theta, m) {
  m.doc() = "theta-cpp: Theta-style blockchain and edge network libraries";
  theta::python::RegisterCore(m);
}
