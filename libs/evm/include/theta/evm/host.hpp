// The boundary between the interpreter and the world state, in the spirit of EVMC.
//
// The interpreter (interpreter.hpp) executes one call frame. Everything outside that frame
// (accounts, storage, nested calls and creations, logs, block and transaction context, EIP-2929
// access lists) it reaches through a Host. A ledger implements Host over its state; StateHost
// (state.hpp) is the in-memory implementation used by the tests, the state-test runner and the
// benchmarks.
//
// Division of work (the same as EVMC's): the interpreter charges all gas that the Yellow Paper
// assigns to an instruction, including warm/cold surcharges (it asks the host whether an access is
// warm) and SSTORE's EIP-2200/3529 cost and refund (the host reports the original and current
// value); it checks call depth, static mode and the caller's balance before asking the host for a
// nested call. The host performs value transfers, account creation, address derivation, snapshots
// and reverts of nested frames, precompiles and code deposit. A Host is used by one execution at a
// time (not thread-safe unless an implementation says otherwise).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "theta/core/address.hpp"
#include "theta/core/bytes.hpp"
#include "theta/core/fixed_bytes.hpp"
#include "theta/core/uint256.hpp"

namespace theta::evm {

// How a call frame ended. Everything except kSuccess and kRevert consumes all gas given to the
// frame.
enum class StatusCode : int {
  kSuccess = 0,
  kRevert,                     // REVERT: state changes undone, remaining gas returned, output kept
  kOutOfGas,                   // any gas shortfall, including memory too large to pay for
  kInvalidInstruction,         // the designated INVALID (0xfe)
  kUndefinedInstruction,       // an opcode not defined in this revision
  kStackOverflow,              // more than 1024 words
  kStackUnderflow,             // fewer words than the instruction takes
  kBadJumpDestination,         // JUMP/JUMPI to a byte that is not a JUMPDEST instruction
  kInvalidMemoryAccess,        // RETURNDATACOPY past the end of the return data
  kStaticModeViolation,        // a state change inside STATICCALL
  kPrecompileFailure,          // a precompile rejected its input
  kContractValidationFailure,  // created code over EIP-170's limit or starting with 0xEF
  kArgumentOutOfRange,         // a size or offset no memory could hold
  kNotAvailable,               // a precompile this build does not have (BN254, point evaluation)
  kInternalError,
};

// A readable name ("out of gas") for messages.
const char* StatusCodeName(StatusCode code) noexcept;

enum class CallKind : uint8_t { kCall, kDelegateCall, kCallCode, kStaticCall, kCreate, kCreate2 };

// One call frame's inputs. Views borrow memory of the caller, valid for the duration of the call.
struct Message {
  CallKind kind = CallKind::kCall;
  bool is_static = false;
  int32_t depth = 0;  // 0 for the transaction's own frame
  int64_t gas = 0;
  Address recipient;  // the account whose storage and balance the frame uses (new one for create)
  Address sender;     // CALLER
  Address code_address;  // whose code runs (differs from recipient for DELEGATECALL and CALLCODE)
  ByteView input;        // call data, or the init code of a create
  uint256 value;         // CALLVALUE
  Hash32 create2_salt;   // CREATE2 only
};

// How a frame ended. `gas_refund` is meaningful for kSuccess only (refunds of a failed frame
// vanish).
struct ExecutionResult {
  StatusCode status = StatusCode::kInternalError;
  int64_t gas_left = 0;
  int64_t gas_refund = 0;
  Bytes output;            // RETURN or REVERT data (empty for a successful create)
  Address create_address;  // the new account, for creates
};

// The block and transaction an execution belongs to.
struct TxContext {
  uint256 gas_price;  // the effective price per gas the sender pays (GASPRICE)
  Address origin;
  Address coinbase;
  int64_t number = 0;
  int64_t timestamp = 0;
  int64_t gas_limit = 0;
  Hash32 prev_randao;  // DIFFICULTY before the Merge (as a word), PREVRANDAO from Shanghai on
  uint256 chain_id = 1;
  uint256 base_fee;                 // London
  uint256 blob_base_fee;            // Cancun
  std::vector<Hash32> blob_hashes;  // Cancun: the versioned hashes of the transaction's blobs
};

enum class AccessStatus : uint8_t { kCold, kWarm };

// What SSTORE needs for EIP-2200 pricing: the slot's value at the start of the transaction and just
// before this write.
struct StorageChange {
  uint256 original;
  uint256 current;
};

class Host {
 public:
  virtual ~Host() = default;

  // Whether the account exists and is not empty in EIP-161's sense (nonce, balance or code
  // non-zero). CALL with value and SELFDESTRUCT charge for creating an account when this is false.
  virtual bool AccountExists(const Address& address) = 0;
  // Storage word `key` of `address` (0 when unset or the account does not exist).
  virtual uint256 GetStorage(const Address& address, const uint256& key) = 0;
  // Writes the word and reports the values the write replaced.
  virtual StorageChange SetStorage(const Address& address, const uint256& key,
                                   const uint256& value) = 0;
  virtual uint256 GetBalance(const Address& address) = 0;
  virtual size_t GetCodeSize(const Address& address) = 0;
  // keccak256 of the code; zero for an account that does not exist or is empty (EIP-1052/161).
  virtual Hash32 GetCodeHash(const Address& address) = 0;
  // Copies code bytes from `offset` into `out`; returns how many were copied (fewer past the end).
  virtual size_t CopyCode(const Address& address, size_t offset, std::span<uint8_t> out) = 0;
  // Registers SELFDESTRUCT of `address` in favour of `beneficiary` (balance moved by the host).
  // Returns true when this is the first registration of `address` in the transaction.
  virtual bool Selfdestruct(const Address& address, const Address& beneficiary) = 0;
  // Runs a nested call or creation. The interpreter has already checked depth, static mode and the
  // sender's balance, and charged all gas; `msg.gas` is what the callee may spend.
  virtual ExecutionResult Call(const Message& msg) = 0;
  virtual const TxContext& GetTxContext() = 0;
  // Hash of block `number`; the interpreter asks only for the 256 blocks before the current one.
  virtual Hash32 GetBlockHash(int64_t number) = 0;
  virtual void EmitLog(const Address& address, ByteView data, std::span<const Hash32> topics) = 0;
  // EIP-2929: marks the account (or slot) warm and reports whether it already was.
  virtual AccessStatus AccessAccount(const Address& address) = 0;
  virtual AccessStatus AccessStorage(const Address& address, const uint256& key) = 0;
  // EIP-1153 transient storage, cleared at the end of each transaction.
  virtual uint256 GetTransientStorage(const Address& address, const uint256& key) = 0;
  virtual void SetTransientStorage(const Address& address, const uint256& key,
                                   const uint256& value) = 0;
};

}  // namespace theta::evm
