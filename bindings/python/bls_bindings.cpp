// theta.bls: BLS12-381 signatures (minimal-pubkey-size, proof-of-possession scheme) from
// theta-crypto. Keys and signatures cross as bytes: secret keys 32, public keys 48, signatures 96.
// Pairing checks run with the GIL released; their inputs are copied or kept referenced first.
#include <pybind11/stl.h>

#include <array>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "theta/crypto/bls.hpp"

namespace py = pybind11;

namespace theta::python {
namespace {

namespace bls = theta::crypto::bls;

bls::SecretKey ToSecretKey(const py::bytes& data) {
  return Unwrap(bls::SecretKey::FromBytes(View(data)));
}

// Byte strings taken out of a Python list while the GIL is held: `owners` keeps each bytes object
// alive (another thread may mutate the list meanwhile), `views` borrows from them.
struct BytesList {
  std::vector<py::bytes> owners;
  std::vector<ByteView> views;
};

BytesList TakeList(const py::sequence& items, const char* what) {
  BytesList out;
  for (const py::handle item : items) {
    if (!py::isinstance<py::bytes>(item)) {
      throw py::type_error(std::string(what) + ": expected a list of bytes");
    }
    out.owners.push_back(py::reinterpret_borrow<py::bytes>(item));
    out.views.push_back(View(out.owners.back()));
  }
  return out;
}

// Decoding checks subgroup membership (a scalar multiplication per key), so it too runs without
// the GIL; a malformed item stops it with its index in the message.
absl::StatusOr<std::vector<bls::PublicKey>> DecodeKeys(const std::vector<ByteView>& views) {
  std::vector<bls::PublicKey> keys;
  keys.reserve(views.size());
  for (size_t i = 0; i < views.size(); ++i) {
    auto key = bls::PublicKey::FromBytes(views[i]);
    if (!key.ok()) {
      return absl::InvalidArgumentError("public_keys[" + std::to_string(i) +
                                        "]: " + std::string(key.status().message()));
    }
    keys.push_back(*key);
  }
  return keys;
}

template <size_t N>
py::bytes ToPyArray(const std::array<uint8_t, N>& bytes) {
  return ToPy(ByteView(bytes.data(), N));
}

}  // namespace

void RegisterBls(py::module_& parent) {
  py::module_ m = parent.def_submodule(
      "bls",
      "BLS12-381 signatures with proof of possession (draft-irtf-cfrg-bls-signature-05, public "
      "keys in G1: 48 bytes, signatures in G2: 96 bytes, secret keys 32 bytes). Verification "
      "releases the GIL.");
  m.def(
      "keygen",
      [](const py::bytes& ikm, const py::bytes& key_info) {
        return ToPyArray(Unwrap(bls::KeyGen(View(ikm), View(key_info))).ToBytes());
      },
      py::arg("ikm"), py::arg("key_info") = py::bytes(),
      "KeyGen: a secret key (32 bytes) from at least 32 bytes of input keying material; "
      "ValueError for shorter ikm.");
  m.def(
      "public_key",
      [](const py::bytes& secret_key) {
        return ToPyArray(bls::SkToPk(ToSecretKey(secret_key)).ToBytes());
      },
      py::arg("secret_key"), "SkToPk: the 48-byte compressed public key of a secret key.");
  m.def(
      "sign",
      [](const py::bytes& secret_key, const py::bytes& message) {
        const bls::SecretKey sk = ToSecretKey(secret_key);
        const ByteView msg = View(message);
        std::array<uint8_t, bls::kSignatureSize> sig;
        {
          py::gil_scoped_release unlocked;
          sig = bls::Sign(sk, msg).ToBytes();
        }
        return ToPyArray(sig);
      },
      py::arg("secret_key"), py::arg("message"), "Sign: the 96-byte signature of message.");
  m.def(
      "verify",
      [](const py::bytes& public_key, const py::bytes& message, const py::bytes& signature) {
        const auto pk = Unwrap(bls::PublicKey::FromBytes(View(public_key)));
        const auto sig = Unwrap(bls::Signature::FromBytes(View(signature)));
        const ByteView msg = View(message);
        py::gil_scoped_release unlocked;
        return bls::Verify(pk, msg, sig);
      },
      py::arg("public_key"), py::arg("message"), py::arg("signature"),
      "Verify: whether signature signs message under public_key. ValueError for a public key or "
      "signature that does not decode to a valid group element.");
  m.def(
      "aggregate",
      [](const py::sequence& signatures) {
        const BytesList list = TakeList(signatures, "signatures");
        std::vector<bls::Signature> sigs;
        for (size_t i = 0; i < list.views.size(); ++i) {
          auto sig = bls::Signature::FromBytes(list.views[i]);
          if (!sig.ok()) {
            throw py::value_error("signatures[" + std::to_string(i) +
                                  "]: " + std::string(sig.status().message()));
          }
          sigs.push_back(*sig);
        }
        return ToPyArray(Unwrap(bls::Aggregate(sigs)).ToBytes());
      },
      py::arg("signatures"),
      "Aggregate: the 96-byte sum of signatures; ValueError for an empty list or a bad item.");
  m.def(
      "aggregate_verify",
      [](const py::sequence& public_keys, const py::sequence& messages,
         const py::bytes& signature) {
        const BytesList keys = TakeList(public_keys, "public_keys");
        const BytesList msgs = TakeList(messages, "messages");
        const auto sig = Unwrap(bls::Signature::FromBytes(View(signature)));
        absl::StatusOr<std::vector<bls::PublicKey>> pks;
        bool ok = false;
        {
          py::gil_scoped_release unlocked;
          pks = DecodeKeys(keys.views);
          if (pks.ok()) ok = bls::AggregateVerify(*pks, msgs.views, sig);
        }
        Check(pks.status());
        return ok;
      },
      py::arg("public_keys"), py::arg("messages"), py::arg("signature"),
      "AggregateVerify: whether signature aggregates each key's signature of its message (one "
      "multi-pairing). False for empty or unequal lists.");
  m.def(
      "fast_aggregate_verify",
      [](const py::sequence& public_keys, const py::bytes& message, const py::bytes& signature) {
        const BytesList keys = TakeList(public_keys, "public_keys");
        const auto sig = Unwrap(bls::Signature::FromBytes(View(signature)));
        const ByteView msg = View(message);
        absl::StatusOr<std::vector<bls::PublicKey>> pks;
        bool ok = false;
        {
          py::gil_scoped_release unlocked;
          pks = DecodeKeys(keys.views);
          if (pks.ok()) ok = bls::FastAggregateVerify(*pks, msg, sig);
        }
        Check(pks.status());
        return ok;
      },
      py::arg("public_keys"), py::arg("message"), py::arg("signature"),
      "FastAggregateVerify: every key signed the same message. Only safe for keys whose proof of "
      "possession was checked with pop_verify.");
  m.def(
      "verify_bitmap",
      [](const py::sequence& public_keys, const py::bytes& bitmap, const py::bytes& message,
         const py::bytes& signature) {
        const BytesList keys = TakeList(public_keys, "public_keys");
        const auto sig = Unwrap(bls::Signature::FromBytes(View(signature)));
        const ByteView msg = View(message);
        const ByteView bits = View(bitmap);
        absl::StatusOr<std::vector<bls::PublicKey>> pks;
        bool ok = false;
        {
          py::gil_scoped_release unlocked;
          pks = DecodeKeys(keys.views);
          if (pks.ok()) ok = bls::VerifyBitmap(*pks, bits, msg, sig);
        }
        Check(pks.status());
        return ok;
      },
      py::arg("public_keys"), py::arg("bitmap"), py::arg("message"), py::arg("signature"),
      "Verifies an aggregate by the keys whose bit is set (bit i = byte i//8, bit i%8, least "
      "significant first), as guardian votes are checked. False if the bitmap names nobody or a "
      "signer past the key list.");
  m.def(
      "pop_prove",
      [](const py::bytes& secret_key) {
        return ToPyArray(bls::PopProve(ToSecretKey(secret_key)).ToBytes());
      },
      py::arg("secret_key"), "PopProve: the 96-byte proof of possession of a secret key.");
  m.def(
      "pop_verify",
      [](const py::bytes& public_key, const py::bytes& proof) {
        const auto pk = Unwrap(bls::PublicKey::FromBytes(View(public_key)));
        const auto pop = Unwrap(bls::Signature::FromBytes(View(proof)));
        py::gil_scoped_release unlocked;
        return bls::PopVerify(pk, pop);
      },
      py::arg("public_key"), py::arg("proof"),
      "PopVerify: whether proof is a valid proof of possession for public_key.");
}

}  // namespace theta::python
