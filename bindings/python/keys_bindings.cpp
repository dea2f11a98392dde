// theta.keys: secp256k1 keys, recoverable signatures and account addresses (theta-core). Keys and
// signatures cross the boundary as bytes; addresses as EIP-55 text.
#include <string>

#include "bindings.hpp"
#include "theta/core/hash.hpp"

namespace py = pybind11;

namespace theta::python {
namespace {

PublicKey ToPublicKey(const py::bytes& data) {
  return Unwrap(PublicKey::FromBytes(View(data)));
}

Signature ToSignature(const py::bytes& data) {
  return Unwrap(Signature::FromBytes(View(data)));
}

py::bytes PublicKeyBytes(const PublicKey& key, bool compressed) {
  if (compressed) return ToPy(key.ToCompressed());
  return ToPy(key.xy());
}

}  // namespace

void RegisterKeys(py::module_& parent) {
  py::module_ m = parent.def_submodule(
      "keys",
      "secp256k1 keys, recoverable signatures and account addresses. Private keys are 32 bytes "
      "(or 0x-hex text), public keys 64 bytes x||y (33 compressed), signatures 65 bytes R||S||V "
      "with V in {0, 1}, digests 32 bytes; addresses are EIP-55 text.");
  m.def(
      "generate_private_key", [] { return ToPy(Unwrap(PrivateKey::Generate()).bytes()); },
      "A fresh private key (32 bytes) from libsodium's CSPRNG.");
  m.def(
      "public_key",
      [](const py::handle& private_key, bool compressed) {
        return PublicKeyBytes(ToPrivateKey(private_key).DerivePublicKey(), compressed);
      },
      py::arg("private_key"), py::arg("compressed") = false,
      "The public key of a private key: 64 bytes x||y, or 33 bytes SEC 1 compressed. Raises "
      "ValueError for a key that is not 1 <= k < n.");
  m.def(
      "address",
      [](const py::handle& private_key) {
        return FromAddress(AddressFromPublicKey(ToPrivateKey(private_key).DerivePublicKey()));
      },
      py::arg("private_key"), "The EIP-55 account address of a private key.");
  m.def(
      "address_from_public_key",
      [](const py::bytes& public_key) {
        return FromAddress(AddressFromPublicKey(ToPublicKey(public_key)));
      },
      py::arg("public_key"),
      "The EIP-55 address of a public key given as 64 bytes x||y, 65 bytes 0x04||x||y or 33 bytes "
      "compressed. Raises ValueError for a point not on the curve.");
  m.def(
      "sign",
      [](const py::handle& private_key, const py::handle& digest) {
        return ToPy(Sign(ToPrivateKey(private_key), ToFixed<32>(digest, "digest")).bytes);
      },
      py::arg("private_key"), py::arg("digest"),
      "Signs a 32-byte digest (RFC 6979, low-s): 65 bytes R||S||V with V in {0, 1}.");
  m.def(
      "sign_message",
      [](const py::handle& private_key, const py::bytes& message) {
        return ToPy(Sign(ToPrivateKey(private_key), Keccak256(View(message))).bytes);
      },
      py::arg("private_key"), py::arg("message"),
      "Signs keccak256(message), as Theta signs transactions' sign bytes.");
  m.def(
      "recover_public_key",
      [](const py::handle& digest, const py::bytes& signature) {
        return ToPy(
            Unwrap(RecoverPublicKey(ToFixed<32>(digest, "digest"), ToSignature(signature))).xy());
      },
      py::arg("digest"), py::arg("signature"),
      "The public key (64 bytes x||y) that made a 65-byte signature of a digest. Raises "
      "ValueError for a malformed or high-s signature, or one that recovers no key.");
  m.def(
      "recover_address",
      [](const py::handle& digest, const py::bytes& signature) {
        return FromAddress(
            Unwrap(RecoverAddress(ToFixed<32>(digest, "digest"), ToSignature(signature))));
      },
      py::arg("digest"), py::arg("signature"),
      "The EIP-55 address whose key made a 65-byte signature of a digest; ValueError as "
      "recover_public_key.");
  m.def(
      "verify",
      [](const py::bytes& public_key, const py::handle& digest, const py::bytes& signature) {
        auto sig = Signature::FromBytes(View(signature));
        return sig.ok() && Verify(ToPublicKey(public_key), ToFixed<32>(digest, "digest"), *sig);
      },
      py::arg("public_key"), py::arg("digest"), py::arg("signature"),
      "Whether a signature is a valid low-s signature of the digest by the key. False (not an "
      "error) for any malformed signature; ValueError for a malformed public key.");
  m.def(
      "to_ethereum_signature",
      [](const py::bytes& signature) { return ToPy(ToSignature(signature).ToEthereum()); },
      py::arg("signature"), "R||S||V with V + 27, the form of eth_sign and ecrecover.");
  m.def(
      "from_ethereum_signature",
      [](const py::bytes& signature) {
        return ToPy(Unwrap(Signature::FromEthereum(View(signature))).bytes);
      },
      py::arg("signature"),
      "R||S||V with V in {0, 1} from Ethereum's V of 27 or 28; ValueError for another V.");
  m.def(
      "checksum_address",
      [](const py::handle& address) { return FromAddress(ToAddress(address, "address")); },
      py::arg("address"),
      "The EIP-55 form of an address given as 0x-hex text or 20 bytes; ValueError on a bad "
      "address or a wrong mixed-case checksum.");
}

}  // namespace theta::python
