// Conversions shared by the submodules of theta._native (see bindings.hpp).
#include <string>

#include "bindings.hpp"

namespace py = pybind11;

namespace theta::python {

ByteView View(const py::bytes& data) {
  char* buffer = nullptr;
  Py_ssize_t length = 0;
  PyBytes_AsStringAndSize(data.ptr(), &buffer, &length);
  return {reinterpret_cast<const uint8_t*>(buffer), static_cast<size_t>(length)};
}

py::bytes ToPy(ByteView bytes) {
  return py::bytes(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

void Raise(const absl::Status& status) {
  const std::string message(status.message());
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kFailedPrecondition:
      throw py::value_error(message);
    default:
      throw std::runtime_error(message);  // pybind11 raises RuntimeError
  }
}

namespace {

std::string Text(const py::handle& value) {
  return py::str(value).cast<std::string>();
}

py::int_ CheckedInt(const py::handle& value, const char* what) {
  // bool is an int in Python; as an amount or a number it is almost surely a mistake.
  if (!py::isinstance<py::int_>(value) || py::isinstance<py::bool_>(value)) {
    throw py::type_error(std::string(what) + ": expected an int, got " +
                         Text(value.get_type().attr("__name__")));
  }
  py::int_ number = py::reinterpret_borrow<py::int_>(value);
  if (number < py::int_(0)) {
    throw py::value_error(std::string(what) + ": " + Text(number) + " is negative");
  }
  return number;
}

}  // namespace

uint256 ToUint256(const py::handle& value, const char* what) {
  const py::int_ number = CheckedInt(value, what);
  if (number.attr("bit_length")().cast<size_t>() > 256) {
    throw py::value_error(std::string(what) + ": " + Text(number) + " does not fit in 256 bits");
  }
  const py::bytes word = number.attr("to_bytes")(32, "big");
  return uint256::LoadBigEndian(View(word));
}

uint64_t ToUint64(const py::handle& value, const char* what) {
  const py::int_ number = CheckedInt(value, what);
  if (number.attr("bit_length")().cast<size_t>() > 64) {
    throw py::value_error(std::string(what) + ": " + Text(number) + " does not fit in 64 bits");
  }
  return number.cast<uint64_t>();
}

py::int_ FromUint256(const uint256& value) {
  if (value.FitsUint64()) return py::int_(value.limb(0));
  const Hash32 word = value.ToBigEndian();
  const py::object int_type =
      py::reinterpret_borrow<py::object>(reinterpret_cast<PyObject*>(&PyLong_Type));
  return int_type.attr("from_bytes")(ToPy(word), "big");
}

Address ToAddress(const py::handle& value, const char* what) {
  if (py::isinstance<py::str>(value)) {
    auto address = ParseAddress(value.cast<std::string>());
    if (!address.ok()) {
      throw py::value_error(std::string(what) + ": " + std::string(address.status().message()));
    }
    return *address;
  }
  if (py::isinstance<py::bytes>(value)) return ToFixed<20>(value, what);
  throw py::type_error(std::string(what) + ": expected an address as 0x-hex str or 20 bytes");
}

Bytes ToBytes(const py::handle& value, const char* what) {
  if (py::isinstance<py::bytes>(value)) {
    const ByteView view = View(py::reinterpret_borrow<py::bytes>(value));
    return Bytes(view.begin(), view.end());
  }
  if (py::isinstance<py::str>(value)) {
    auto bytes = ParseHex(value.cast<std::string>());
    if (!bytes.ok()) {
      throw py::value_error(std::string(what) + ": " + std::string(bytes.status().message()));
    }
    return *std::move(bytes);
  }
  throw py::type_error(std::string(what) + ": expected bytes or a 0x-hex str");
}

PrivateKey ToPrivateKey(const py::handle& value) {
  absl::StatusOr<PrivateKey> key = absl::InvalidArgumentError("");
  if (py::isinstance<py::bytes>(value)) {
    key = PrivateKey::FromBytes(View(py::reinterpret_borrow<py::bytes>(value)));
  } else if (py::isinstance<py::str>(value)) {
    key = PrivateKey::FromHex(value.cast<std::string>());
  } else {
    throw py::type_error("private key: expected 32 bytes or a 0x-hex str");
  }
  return Unwrap(std::move(key));
}

}  // namespace theta::python
