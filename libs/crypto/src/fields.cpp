// Explicit instantiations of the field templates: every member is compiled (and warned about) once
// here, even those a given curve does not call yet.
#include "internal/fields.hpp"

namespace theta::crypto::internal {

template class Fp<Bn254FpParams>;
template class Fp<Bn254FrParams>;
template class Fp<Bls12381FpParams>;

}  // namespace theta::crypto::internal
