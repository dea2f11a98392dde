// theta.core: the parts of theta-core a notebook or script needs most. Errors from the library
// (absl::Status) become ValueError with the library's message.
#include <pybind11/stl.h>

#include <string>

#include "bindings.hpp"
#include "theta/core/address.hpp"
#include "theta/core/hash.hpp"
#include "theta/core/rlp.hpp"

namespace py = pybind11;

namespace theta::python {
namespace {

// bytes -> string item; int >= 0 -> canonical integer; list/tuple -> list.
void Encode(RlpWriter& w, const py::handle& value, int depth) {
  if (depth > RlpLimits{}.max_depth) throw py::value_error("rlp: nesting too deep");
  if (py::isinstance<py::bytes>(value)) {
    w.AddBytes(View(py::reinterpret_borrow<py::bytes>(value)));
  } else if (py::isinstance<py::bool_>(value)) {
    throw py::type_error("rlp: bool is not an RLP value (use 0 or 1)");
  } else if (py::isinstance<py::int_>(value)) {
    const py::int_ number = py::reinterpret_borrow<py::int_>(value);
    if (number < py::int_(0)) throw py::value_error("rlp: negative integers have no RLP form");
    const size_t length = (number.attr("bit_length")().cast<size_t>() + 7) / 8;
    const py::bytes big_endian = number.attr("to_bytes")(length, "big");
    w.AddUintBytes(View(big_endian));
  } else if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
    w.BeginList();
    for (const py::handle item : value)
      Encode(w, item, depth + 1);
    w.EndList();
  } else {
    throw py::type_error("rlp: expected bytes, a non-negative int, or a list of them");
  }
}

py::object Decode(const RlpItem& item) {
  if (!item.is_list) return ToPy(item.payload);
  auto items = RlpListItems(item);
  if (!items.ok()) Raise(items.status());
  py::list out;
  for (const RlpItem& child : *items)
    out.append(Decode(child));
  return out;
}

}  // namespace

void RegisterCore(py::module_& parent) {
  py::module_ m = parent.def_submodule("core", "bytes, hashes, RLP and addresses (theta-core)");
  m.def(
      "keccak256", [](const py::bytes& data) { return ToPy(Keccak256(View(data))); },
      py::arg("data"), "Ethereum's Keccak-256 of data (32 bytes).");
  m.def(
      "sha256", [](const py::bytes& data) { return ToPy(Sha256(View(data))); },
      "SHA-256 of data (32 bytes).");
  m.def(
      "blake2b256", [](const py::bytes& data) { return ToPy(Blake2b256(View(data))); },
      "BLAKE2b with a 32-byte digest (no key), as Theta hashes blocks and votes.");
  m.def(
      "rlp_encode",
      [](const py::handle& value) {
        RlpWriter w;
        Encode(w, value, 0);
        return ToPy(w.bytes());
      },
      py::arg("value"), "RLP of bytes, non-negative ints and (nested) lists of them.");
  m.def(
      "rlp_decode",
      [](const py::bytes& data) {
        auto item = DecodeRlp(View(data));
        if (!item.ok()) Raise(item.status());
        return Decode(*item);
      },
      py::arg("data"),
      "Strictly decodes one RLP item: bytes, or nested lists of bytes. Raises ValueError.");
  m.def(
      "checksum_address",
      [](const std::string& text) {
        auto address = ParseAddress(text);
        if (!address.ok()) Raise(address.status());
        return ToChecksumHex(*address);
      },
      py::arg("address"),
      "The EIP-55 form of a 0x-hex address; raises ValueError on a bad address or checksum.");
}

}  // namespace theta::python
