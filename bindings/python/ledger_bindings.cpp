// theta.ledger: Theta transactions as Python dicts, encoded, decoded and signed by theta-ledger.
//
// A transaction dict has "type" (the name, e.g. "Send", or the wire id 0..11) and the struct's
// fields under the names of tx.hpp: coins are {"theta_wei": int, "tfuel_wei": int}, an input is
// {"address", "coins", "sequence", "signature"}, an output {"address", "coins"}, a split
// {"address", "percentage"}. Fields left out take their zero value; an unknown field is a
// ValueError (a typo must not silently encode a zero). Each struct type is described once, by a
// Fields() overload, and both directions of the conversion are derived from it.
#include <pybind11/stl.h>

#include <algorithm>
#include <string>
#include <utility>
#include <variant>

#include "bindings.hpp"
#include "theta/ledger/tx.hpp"

namespace py = pybind11;

namespace theta::python {
namespace {

using namespace theta::ledger;  // NOLINT: this file is about nothing else

// --- Field lists: f(name, member) for each member, in wire order. ------------------------------
template <typename F>
void Fields(Coins& t, F&& f) {
  f("theta_wei", t.theta_wei), f("tfuel_wei", t.tfuel_wei);
}
template <typename F>
void Fields(TxInput& t, F&& f) {
  f("address", t.address), f("coins", t.coins), f("sequence", t.sequence);
  f("signature", t.signature);
}
template <typename F>
void Fields(TxOutput& t, F&& f) {
  f("address", t.address), f("coins", t.coins);
}
template <typename F>
void Fields(Split& t, F&& f) {
  f("address", t.address), f("percentage", t.percentage);
}
template <typename F>
void Fields(CoinbaseTx& t, F&& f) {
  f("proposer", t.proposer), f("outputs", t.outputs), f("block_height", t.block_height);
}
template <typename F>
void Fields(SlashTx& t, F&& f) {
  f("proposer", t.proposer), f("slashed_address", t.slashed_address);
  f("reserve_sequence", t.reserve_sequence), f("slash_proof", t.slash_proof);
}
template <typename F>
void Fields(SendTx& t, F&& f) {
  f("fee", t.fee), f("inputs", t.inputs), f("outputs", t.outputs);
}
template <typename F>
void Fields(ReserveFundTx& t, F&& f) {
  f("fee", t.fee), f("source", t.source), f("collateral", t.collateral);
  f("resource_ids", t.resource_ids), f("duration", t.duration);
}
template <typename F>
void Fields(ReleaseFundTx& t, F&& f) {
  f("fee", t.fee), f("source", t.source), f("reserve_sequence", t.reserve_sequence);
}
template <typename F>
void Fields(ServicePaymentTx& t, F&& f) {
  f("fee", t.fee), f("source", t.source), f("target", t.target);
  f("payment_sequence", t.payment_sequence), f("reserve_sequence", t.reserve_sequence);
  f("resource_id", t.resource_id);
}
template <typename F>
void Fields(SplitRuleTx& t, F&& f) {
  f("fee", t.fee), f("resource_id", t.resource_id), f("initiator", t.initiator);
  f("splits", t.splits), f("duration", t.duration);
}
template <typename F>
void Fields(SmartContractTx& t, F&& f) {
  f("from", t.from), f("to", t.to), f("gas_limit", t.gas_limit), f("gas_price", t.gas_price);
  f("data", t.data);
}
template <typename F>
void Fields(DepositStakeTx& t, F&& f) {
  f("fee", t.fee), f("source", t.source), f("holder", t.holder), f("purpose", t.purpose);
}
template <typename F>
void Fields(WithdrawStakeTx& t, F&& f) {
  f("fee", t.fee), f("source", t.source), f("holder", t.holder), f("purpose", t.purpose);
}
template <typename F>
void Fields(DepositStakeV2Tx& t, F&& f) {
  f("fee", t.fee), f("source", t.source), f("holder", t.holder), f("purpose", t.purpose);
  f("bls_pubkey", t.bls_pubkey), f("bls_pop", t.bls_pop), f("holder_sig", t.holder_sig);
}
template <typename F>
void Fields(StakeRewardDistributionTx& t, F&& f) {
  f("fee", t.fee), f("holder", t.holder), f("beneficiary", t.beneficiary);
  f("split_basis_point", t.split_basis_point);
}

template <typename T>
concept Described = requires(T& t) {
  Fields(t, [](const char*, auto&) {});
};

// Declared ahead so that the vector overloads below find them (the structs' namespace is not this
// one, so argument-dependent lookup would not).
template <Described T>
py::object Out(const T& value);
template <Described T>
void In(const py::handle& v, T& out, const std::string& path);

// --- C++ -> Python ----------------------------------------------------------------------------
py::object Out(const uint256& v) {
  return FromUint256(v);
}
py::object Out(uint64_t v) {
  return py::int_(v);
}
py::object Out(uint8_t v) {
  return py::int_(v);
}
py::object Out(const Address& v) {
  return py::str(FromAddress(v));
}
py::object Out(const Bytes& v) {
  return ToPy(v);
}
// Go keeps resource ids as strings of any bytes: str when they are UTF-8 (the usual case), else
// bytes, so that decoding never fails on what the chain accepted.
py::object Out(const std::string& v) {
  PyObject* text = PyUnicode_DecodeUTF8(v.data(), static_cast<Py_ssize_t>(v.size()), "strict");
  if (text != nullptr) return py::reinterpret_steal<py::str>(text);
  PyErr_Clear();
  return py::bytes(v);
}
template <typename T>
py::object Out(const std::vector<T>& items) {
  py::list out;
  for (const T& item : items)
    out.append(Out(item));
  return out;
}
template <Described T>
py::object Out(const T& value) {
  py::dict out;
  // Fields() takes a mutable reference so one list serves both directions; nothing is written.
  Fields(const_cast<T&>(value),
         [&](const char* name, const auto& member) { out[name] = Out(member); });
  return out;
}

// --- Python -> C++ ----------------------------------------------------------------------------
void In(const py::handle& v, uint256& out, const std::string& path) {
  out = ToUint256(v, path.c_str());
}
void In(const py::handle& v, uint64_t& out, const std::string& path) {
  out = ToUint64(v, path.c_str());
}
void In(const py::handle& v, uint8_t& out, const std::string& path) {
  const uint64_t wide = ToUint64(v, path.c_str());
  if (wide > 255) throw py::value_error(path + ": " + std::to_string(wide) + " exceeds 255");
  out = static_cast<uint8_t>(wide);
}
void In(const py::handle& v, Address& out, const std::string& path) {
  out = ToAddress(v, path.c_str());
}
void In(const py::handle& v, Bytes& out, const std::string& path) {
  out = ToBytes(v, path.c_str());
}
void In(const py::handle& v, std::string& out, const std::string& path) {
  if (py::isinstance<py::str>(v)) {
    out = v.cast<std::string>();
  } else if (py::isinstance<py::bytes>(v)) {
    const ByteView view = View(py::reinterpret_borrow<py::bytes>(v));
    out.assign(reinterpret_cast<const char*>(view.data()), view.size());
  } else {
    throw py::type_error(path + ": expected str or bytes");
  }
}
template <typename T>
void In(const py::handle& v, std::vector<T>& out, const std::string& path) {
  if (!py::isinstance<py::list>(v) && !py::isinstance<py::tuple>(v)) {
    throw py::type_error(path + ": expected a list");
  }
  out.clear();
  size_t i = 0;
  for (const py::handle item : v) {
    In(item, out.emplace_back(), path + "[" + std::to_string(i++) + "]");
  }
}
template <Described T>
void In(const py::handle& v, T& out, const std::string& path) {
  if (!py::isinstance<py::dict>(v)) throw py::type_error(path + ": expected a dict");
  const py::dict d = py::reinterpret_borrow<py::dict>(v);
  std::vector<std::string> known;
  Fields(out, [&](const char* name, auto& member) {
    known.emplace_back(name);
    if (d.contains(name)) In(d[name], member, path.empty() ? name : path + "." + name);
  });
  for (const auto& [key, value] : d) {
    const std::string name = py::str(key);
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    if (path.empty() && name == "type") continue;  // the tag of a top-level tx dict
    std::string list;
    for (const std::string& k : known)
      list += (list.empty() ? "" : ", ") + k;
    throw py::value_error((path.empty() ? std::string("tx") : path) + ": unknown field '" + name +
                          "' (fields: " + list + ")");
  }
}

// --- Tx <-> dict ------------------------------------------------------------------------------
constexpr size_t kTxTypes = std::variant_size_v<Tx>;

size_t TypeIndex(const py::handle& type) {
  if (py::isinstance<py::int_>(type) && !py::isinstance<py::bool_>(type)) {
    const uint64_t index = ToUint64(type, "type");
    if (index < kTxTypes) return index;
  } else if (py::isinstance<py::str>(type)) {
    const std::string name = type.cast<std::string>();
    for (size_t i = 0; i < kTxTypes; ++i) {
      const std::string_view known = TxTypeName(static_cast<TxType>(i));
      if (name == known || name == std::string(known) + "Tx") return i;
    }
  }
  std::string names;
  for (size_t i = 0; i < kTxTypes; ++i) {
    names += (i ? ", " : "") + std::string(TxTypeName(static_cast<TxType>(i)));
  }
  throw py::value_error("tx: unknown type " + std::string(py::repr(type)) + " (types: " + names +
                        ", or their ids 0.." + std::to_string(kTxTypes - 1) + ")");
}

template <size_t I = 0>
Tx MakeTx(size_t index, const py::dict& d) {
  if constexpr (I + 1 < kTxTypes) {
    if (index != I) return MakeTx<I + 1>(index, d);
  }
  std::variant_alternative_t<I, Tx> tx;
  In(d, tx, "");
  return Tx(std::in_place_index<I>, std::move(tx));
}

Tx TxFromPy(const py::handle& value) {
  if (!py::isinstance<py::dict>(value)) throw py::type_error("tx: expected a dict");
  const py::dict d = py::reinterpret_borrow<py::dict>(value);
  if (!d.contains("type")) throw py::value_error("tx: the dict has no 'type'");
  return MakeTx(TypeIndex(d["type"]), d);
}

py::dict TxToPy(const Tx& tx) {
  py::dict out;
  out["type"] = std::string(TxTypeName(TypeOf(tx)));
  std::visit(
      [&](const auto& body) {
        for (const auto& [key, value] : py::reinterpret_borrow<py::dict>(Out(body)))
          out[key] = value;
      },
      tx);
  return out;
}

// A dict from one positional dict and/or keyword arguments (keywords win).
py::dict Merge(const py::args& args, const py::kwargs& kwargs) {
  if (args.size() > 1) throw py::type_error("expected at most one positional tx dict");
  py::dict out;
  if (args.size() == 1) {
    if (!py::isinstance<py::dict>(args[0])) throw py::type_error("tx: expected a dict");
    for (const auto& [key, value] : py::reinterpret_borrow<py::dict>(args[0]))
      out[key] = value;
  }
  for (const auto& [key, value] : kwargs)
    out[key] = value;
  return out;
}

SignWrapper ToWrapper(const std::string& name) {
  if (name == "v1") return SignWrapper::kV1;
  if (name == "v2") return SignWrapper::kV2;
  throw py::value_error("wrapper: expected 'v1' or 'v2', got '" + name + "'");
}

}  // namespace

void RegisterLedger(py::module_& parent) {
  py::module_ m = parent.def_submodule(
      "ledger",
      "Theta transactions (all twelve types) as dicts: encode, decode, sign, hash. Byte-identical "
      "to theta-js and the Go ledger. Amounts are ints in wei; addresses EIP-55 text.");
  py::list names;
  for (size_t i = 0; i < kTxTypes; ++i)
    names.append(std::string(TxTypeName(static_cast<TxType>(i))));
  m.attr("TX_TYPES") = py::tuple(names);
  m.attr("STAKE_FOR_VALIDATOR") = kStakeForValidator;
  m.attr("STAKE_FOR_GUARDIAN") = kStakeForGuardian;
  m.attr("STAKE_FOR_ELITE_EDGE_NODE") = kStakeForEliteEdgeNode;

  m.def(
      "encode_tx",
      [](const py::args& args, const py::kwargs& kwargs) {
        return ToPy(EncodeTx(TxFromPy(Merge(args, kwargs))));
      },
      "encode_tx(tx: dict = None, /, **fields) -> bytes\n\n"
      "The raw bytes RLP(type) || RLP(struct) of a transaction given as a dict and/or keyword "
      "arguments, e.g. encode_tx(type='Send', fee={'tfuel_wei': 10**12}, inputs=[...], "
      "outputs=[...]). ValueError names the field and the rule for a bad value or an unknown "
      "field; TypeError for a value of the wrong Python type.");
  m.def(
      "decode_tx", [](const py::bytes& raw) { return TxToPy(Unwrap(DecodeTx(View(raw)))); },
      py::arg("raw"),
      "The transaction dict of raw bytes (strict: only the one canonical encoding is accepted, so "
      "encode_tx(decode_tx(raw)) == raw). ValueError with the field and rule otherwise.");
  m.def(
      "tx_hash", [](const py::bytes& raw) { return ToPy(TxHash(View(raw))); }, py::arg("raw"),
      "keccak256 of the raw bytes: the hash wallets, the mempool and RPC show.");
  m.def(
      "sign_bytes",
      [](const py::dict& tx, const std::string& chain_id, const std::string& wrapper) {
        return ToPy(SignBytes(TxFromPy(tx), chain_id, ToWrapper(wrapper)));
      },
      py::arg("tx"), py::arg("chain_id"), py::arg("wrapper") = "v1",
      "The bytes the signer input(s) sign (their keccak256 is the digest): the tx with signer "
      "signatures emptied, after RLP(chain_id), in the Ethereum-shaped wrapper 'v1' (or 'v2').");
  m.def(
      "sign_tx",
      [](const py::dict& tx, const std::string& chain_id, const py::handle& private_key) {
        Tx value = TxFromPy(tx);
        Check(SignTx(value, chain_id, ToPrivateKey(private_key)));
        return TxToPy(value);
      },
      py::arg("tx"), py::arg("chain_id"), py::arg("private_key"),
      "A copy of tx with every signer input whose address is the key's signed (for "
      "ServicePayment, the target; see sign_service_payment_source). ValueError when no signer "
      "input has the key's address.");
  m.def(
      "sign_service_payment_source",
      [](const py::dict& tx, const std::string& chain_id, const py::handle& private_key) {
        Tx value = TxFromPy(tx);
        auto* payment = std::get_if<ServicePaymentTx>(&value);
        if (payment == nullptr) throw py::value_error("tx: expected a ServicePayment tx");
        Check(SignServicePaymentSource(*payment, chain_id, ToPrivateKey(private_key)));
        return TxToPy(value);
      },
      py::arg("tx"), py::arg("chain_id"), py::arg("private_key"),
      "A copy of a ServicePayment tx with the payer's (source's) voucher signature; ValueError if "
      "the key is not the source's.");
  m.def(
      "verify_signature",
      [](const py::bytes& sign_bytes, const py::handle& signature, const py::handle& signer) {
        Check(VerifySignature(View(sign_bytes), ToBytes(signature, "signature"),
                              ToAddress(signer, "signer")));
      },
      py::arg("sign_bytes"), py::arg("signature"), py::arg("signer"),
      "Returns None when signature (65 bytes) recovers over keccak256(sign_bytes) to signer; "
      "raises ValueError saying what is wrong (missing, wrong length, malformed, other signer).");
}

}  // namespace theta::python
