// Explicit instantiations of the field templates: every member is compiled (and warned about) once
// here, even those a given curve does not call yet.
#include "internal/fields.hpp"

namespace theta::crypto::internal {

template class Fp<Bn254FpParams>;
template class Fp<Bn254FrParams>;
template class Fp<Bls12381FpParams>;
template struct Fp2<Bn254Tower>;
template struct Fp6<Bn254Tower>;
template struct Fp12<Bn254Tower>;
template struct Fp2<Bls12381Tower>;
template struct Fp6<Bls12381Tower>;
template struct Fp12<Bls12381Tower>;

}  // namespace theta::crypto::internal
