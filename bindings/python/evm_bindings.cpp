// theta.evm: theta-evm over an in-memory State, for deploying and calling contracts from Python.
//
// Why the binding runs the transaction frame itself instead of calling ApplyTransaction: a script
// wants the return data and the created address, and TransactionResult carries neither. Execute
// below follows ApplyTransaction step by step (intrinsic gas, nonce, EIP-2929 warm set, refund
// cap, end-of-transaction clean-up) with one simplification: gas is counted but not paid for (gas
// price 0), so accounts need a balance only for the value they send.
//
// An EVM object serializes its calls with a mutex; execution runs with the GIL released, so other
// Python threads go on meanwhile. The mutex is only ever taken by a thread that either holds the
// GIL or will not ask for it before unlocking, so the two locks cannot deadlock.
#include <pybind11/stl.h>

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "theta/evm/state.hpp"
#include "theta/evm/transaction.hpp"

namespace py = pybind11;

namespace theta::python {
namespace {

using namespace theta::evm;  // NOLINT: this file is about nothing else

struct PyLog {
  std::string address;
  std::vector<py::bytes> topics;
  py::bytes data;
};

struct CallResult {
  std::string status;  // StatusCodeName: "success", "revert", "out of gas", ...
  bool success = false;
  int64_t gas_used = 0;
  py::bytes output;
  std::vector<PyLog> logs;
  std::optional<std::string> contract_address;
};

struct Outcome {
  StatusCode status = StatusCode::kInternalError;
  int64_t gas_used = 0;
  Bytes output;
  std::vector<Log> logs;
  std::optional<Address> created;
};

struct Request {
  Address sender;
  std::optional<Address> to;  // nullopt: create
  Bytes data;
  uint256 value;
  int64_t gas = 0;
};

class Evm {
 public:
  Evm(Revision rev, BlockInfo block) : rev_(rev), block_(std::move(block)) {}

  // Runs `request` and commits its effects (unless `commit` is false: then a copy of the state
  // runs it and is dropped, like eth_call). Call without the GIL.
  absl::StatusOr<Outcome> Run(const Request& request, bool commit) {
    std::lock_guard lock(mutex_);
    if (commit) return Execute(state_, request);
    State scratch = state_;
    return Execute(scratch, request);
  }

  std::mutex& mutex() { return mutex_; }
  State& state() { return state_; }
  const BlockInfo& block() const { return block_; }
  Revision revision() const { return rev_; }

 private:
  absl::StatusOr<Outcome> Execute(State& state, const Request& r);

  std::mutex mutex_;
  const Revision rev_;
  const BlockInfo block_;
  State state_;
  AnalysisCache cache_;
};

absl::StatusOr<Outcome> Evm::Execute(State& state, const Request& r) {
  Transaction tx;  // only for IntrinsicGas
  tx.to = r.to;
  tx.data = r.data;
  tx.gas_limit = r.gas;
  const int64_t intrinsic = IntrinsicGas(tx, rev_);
  if (r.gas < intrinsic) {
    return absl::InvalidArgumentError("evm: gas " + std::to_string(r.gas) +
                                      " is below the intrinsic gas " + std::to_string(intrinsic));
  }
  const Account* found = state.Find(r.sender);
  const uint256 balance = found != nullptr ? found->balance : uint256{};
  if (balance < r.value) {
    return absl::InvalidArgumentError("evm: sender " + ToChecksumHex(r.sender) +
                                      " has less than the value it sends");
  }
  if (found != nullptr && found->nonce == UINT64_MAX) {
    return absl::InvalidArgumentError("evm: sender nonce at its maximum (EIP-2681)");
  }
  Account& sender = state.GetOrCreate(r.sender);
  std::optional<Address> created;
  if (r.to.has_value()) {
    ++sender.nonce;  // a creation increments it inside the create frame
  } else {
    created = CreateAddress(r.sender, sender.nonce);
  }

  TxContext ctx;
  ctx.origin = r.sender;
  ctx.coinbase = block_.coinbase;
  ctx.number = block_.number;
  ctx.timestamp = block_.timestamp;
  ctx.gas_limit = block_.gas_limit;
  ctx.prev_randao = block_.prev_randao;
  ctx.chain_id = block_.chain_id;
  ctx.base_fee = block_.base_fee;
  ctx.blob_base_fee = BlobBaseFee(0);
  StateHost host(state, rev_, std::move(ctx), cache_);
  if (rev_ >= Revision::kBerlin) {
    host.WarmAccount(r.sender);
    if (r.to.has_value()) host.WarmAccount(*r.to);
    for (uint8_t i = 1; i <= (rev_ >= Revision::kCancun ? 0x0a : 0x09); ++i) {
      Address precompile;
      precompile[19] = i;
      host.WarmAccount(precompile);
    }
  }
  if (rev_ >= Revision::kShanghai) host.WarmAccount(block_.coinbase);  // EIP-3651

  Message msg;
  msg.kind = r.to.has_value() ? CallKind::kCall : CallKind::kCreate;
  msg.gas = r.gas - intrinsic;
  msg.sender = r.sender;
  if (r.to.has_value()) msg.recipient = msg.code_address = *r.to;
  msg.input = r.data;
  msg.value = r.value;
  ExecutionResult result = host.Call(msg);

  Outcome out;
  out.status = result.status;
  out.gas_used = r.gas - result.gas_left;
  const int64_t refund_cap = out.gas_used / (rev_ >= Revision::kLondon ? 5 : 2);
  if (result.status == StatusCode::kSuccess) {
    out.gas_used -= std::max<int64_t>(std::min(result.gas_refund, refund_cap), 0);
  }
  out.output = std::move(result.output);
  out.logs = host.logs();
  if (result.status == StatusCode::kSuccess) out.created = created;
  state.GetOrCreate(r.sender).touched = true;
  state.FinishTransaction();
  return out;
}

CallResult ToResult(const Outcome& o) {
  CallResult r;
  r.status = StatusCodeName(o.status);
  r.success = o.status == StatusCode::kSuccess;
  r.gas_used = o.gas_used;
  r.output = ToPy(o.output);
  for (const Log& log : o.logs) {
    PyLog& out = r.logs.emplace_back();
    out.address = FromAddress(log.address);
    for (const Hash32& topic : log.topics)
      out.topics.push_back(ToPy(topic));
    out.data = ToPy(log.data);
  }
  if (o.created.has_value()) r.contract_address = FromAddress(*o.created);
  return r;
}

int64_t ToGas(const py::handle& gas) {
  const uint64_t value = ToUint64(gas, "gas");
  if (value > static_cast<uint64_t>(INT64_MAX)) throw py::value_error("gas: exceeds 2**63 - 1");
  return static_cast<int64_t>(value);
}

CallResult RunRequest(Evm& evm, const Request& request, bool commit) {
  absl::StatusOr<Outcome> outcome;
  {
    py::gil_scoped_release unlocked;
    outcome = evm.Run(request, commit);
  }
  return ToResult(Unwrap(std::move(outcome)));
}

std::unique_ptr<Evm> MakeEvm(const std::string& revision, const py::handle& chain_id,
                             int64_t block_number, int64_t timestamp, int64_t block_gas_limit,
                             const py::handle& coinbase) {
  const std::optional<Revision> rev = ParseRevision(revision);
  if (!rev.has_value()) {
    throw py::value_error("evm: unknown revision '" + revision +
                          "' (Istanbul, Berlin, London, Shanghai or Cancun)");
  }
  BlockInfo block;
  block.chain_id = ToUint256(chain_id, "chain_id");
  block.number = block_number;
  block.timestamp = timestamp;
  block.gas_limit = block_gas_limit;
  block.coinbase = ToAddress(coinbase, "coinbase");
  return std::make_unique<Evm>(*rev, std::move(block));
}

}  // namespace

void RegisterEvm(py::module_& parent) {
  py::module_ m = parent.def_submodule(
      "evm",
      "theta-evm over an in-memory state: deploy and call contracts, read balances and storage. "
      "Gas is counted (gas_used) but not charged: the gas price is 0.");

  py::class_<PyLog>(m, "Log", "One LOG record: the emitting contract, its topics and data.")
      .def_readonly("address", &PyLog::address, "EIP-55 address of the emitting contract.")
      .def_readonly("topics", &PyLog::topics, "The 32-byte topics, in order.")
      .def_readonly("data", &PyLog::data, "The log's data bytes.")
      .def("__repr__", [](const PyLog& log) {
        return "Log(address='" + log.address + "', topics=" + std::to_string(log.topics.size()) +
               ", data=" + std::to_string(py::len(log.data)) + " bytes)";
      });

  py::class_<CallResult>(m, "Result", "What a deploy or call did.")
      .def_readonly("status", &CallResult::status,
                    "How the top frame ended: 'success', 'revert', 'out of gas', ...")
      .def_readonly("success", &CallResult::success, "Whether status is 'success'.")
      .def_readonly("gas_used", &CallResult::gas_used,
                    "Gas used by the transaction, intrinsic gas included, after refunds.")
      .def_readonly("output", &CallResult::output,
                    "Return data (RETURN or REVERT); empty for a successful deployment.")
      .def_readonly("logs", &CallResult::logs, "Logs emitted (none when the call failed).")
      .def_readonly("contract_address", &CallResult::contract_address,
                    "EIP-55 address of the deployed contract, or None.")
      .def("__repr__", [](const CallResult& r) {
        return "Result(status='" + r.status + "', gas_used=" + std::to_string(r.gas_used) +
               ", output=" + std::to_string(py::len(r.output)) +
               " bytes, logs=" + std::to_string(r.logs.size()) + ")";
      });

  py::class_<Evm>(m, "EVM",
                  "An EVM with its own in-memory world state. Calls on one EVM are serialized; "
                  "execution releases the GIL.")
      .def(py::init(&MakeEvm), py::arg("revision") = "Cancun", py::arg("chain_id") = 361,
           py::arg("block_number") = 1, py::arg("timestamp") = 1700000000,
           py::arg("block_gas_limit") = 30000000,
           py::arg("coinbase") = "0x0000000000000000000000000000000000000000",
           "A fresh, empty state. revision is one of Istanbul, Berlin, London, Shanghai, Cancun; "
           "chain_id defaults to 361 (Theta mainnet's EVM chain id).")
      .def_property_readonly(
          "revision", [](const Evm& e) { return std::string(RevisionName(e.revision())); },
          "The revision (hard fork) whose rules apply.")
      .def(
          "set_balance",
          [](Evm& e, const py::handle& address, const py::handle& wei) {
            const Address a = ToAddress(address, "address");
            const uint256 value = ToUint256(wei, "wei");
            std::lock_guard lock(e.mutex());
            e.state().GetOrCreate(a).balance = value;
          },
          py::arg("address"), py::arg("wei"), "Sets an account's balance (creating it).")
      .def(
          "get_balance",
          [](Evm& e, const py::handle& address) {
            const Address a = ToAddress(address, "address");
            std::lock_guard lock(e.mutex());
            const Account* account = e.state().Find(a);
            return FromUint256(account != nullptr ? account->balance : uint256{});
          },
          py::arg("address"), "An account's balance in wei (0 when it does not exist).")
      .def(
          "get_nonce",
          [](Evm& e, const py::handle& address) {
            const Address a = ToAddress(address, "address");
            std::lock_guard lock(e.mutex());
            const Account* account = e.state().Find(a);
            return account != nullptr ? account->nonce : 0;
          },
          py::arg("address"), "An account's nonce (0 when it does not exist).")
      .def(
          "get_code",
          [](Evm& e, const py::handle& address) {
            const Address a = ToAddress(address, "address");
            std::lock_guard lock(e.mutex());
            const Account* account = e.state().Find(a);
            return ToPy(account != nullptr ? ByteView(account->code) : ByteView());
          },
          py::arg("address"), "An account's code (empty when none).")
      .def(
          "set_code",
          [](Evm& e, const py::handle& address, const py::bytes& code) {
            const Address a = ToAddress(address, "address");
            const ByteView view = View(code);
            std::lock_guard lock(e.mutex());
            e.state().GetOrCreate(a).SetCode(Bytes(view.begin(), view.end()));
          },
          py::arg("address"), py::arg("code"),
          "Installs runtime code at an address without running a constructor.")
      .def(
          "get_storage",
          [](Evm& e, const py::handle& address, const py::handle& key) {
            const Address a = ToAddress(address, "address");
            const uint256 k = ToUint256(key, "key");
            std::lock_guard lock(e.mutex());
            const Account* account = e.state().Find(a);
            if (account == nullptr) return FromUint256(uint256{});
            const auto slot = account->storage.find(k);
            return FromUint256(slot != account->storage.end() ? slot->second.current : uint256{});
          },
          py::arg("address"), py::arg("key"), "A storage word (an int) of an account.")
      .def(
          "state_root",
          [](Evm& e) {
            std::lock_guard lock(e.mutex());
            return ToPy(e.state().RootHash());
          },
          "The Ethereum state root (32 bytes) of the whole state.")
      .def(
          "deploy",
          [](Evm& e, const py::handle& sender, const py::bytes& init_code, const py::handle& value,
             const py::handle& gas) {
            Request r;
            r.sender = ToAddress(sender, "sender");
            const ByteView code = View(init_code);
            r.data.assign(code.begin(), code.end());
            r.value = ToUint256(value, "value");
            r.gas = ToGas(gas);
            return RunRequest(e, r, /*commit=*/true);
          },
          py::arg("sender"), py::arg("init_code"), py::arg("value") = 0, py::arg("gas") = 10000000,
          "Runs init code (constructor arguments appended) as a creation from sender. The result's "
          "contract_address is set when it succeeded. ValueError when the transaction is invalid "
          "(gas below the intrinsic gas, value above the balance).")
      .def(
          "call",
          [](Evm& e, const py::handle& sender, const py::handle& to, const py::bytes& data,
             const py::handle& value, const py::handle& gas, bool commit) {
            Request r;
            r.sender = ToAddress(sender, "sender");
            r.to = ToAddress(to, "to");
            const ByteView input = View(data);
            r.data.assign(input.begin(), input.end());
            r.value = ToUint256(value, "value");
            r.gas = ToGas(gas);
            return RunRequest(e, r, commit);
          },
          py::arg("sender"), py::arg("to"), py::arg("data") = py::bytes(), py::arg("value") = 0,
          py::arg("gas") = 10000000, py::arg("commit") = true,
          "Calls `to` with calldata from sender. With commit=False the call runs on a copy of the "
          "state that is then dropped (like eth_call). ValueError when the transaction is "
          "invalid.");
}

}  // namespace theta::python
