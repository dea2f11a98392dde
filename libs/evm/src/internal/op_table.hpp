// Per-revision instruction table: base gas and stack bounds of every opcode.
//
// The code analysis sums the stack bounds over each basic block, which the interpreter checks on
// entering the block; existence and base gas it checks per instruction. So instruction bodies may
// assume their operands are on the stack, their results fit, and their base gas is paid. Dynamic
// costs (memory expansion, cold access, copy words, SSTORE) are charged by the instruction itself.
// Sources: the Yellow Paper's fee schedule with EIP-1884 (Istanbul), EIP-2929 (Berlin: the warm
// price is the base, the cold surcharge is dynamic), EIP-3198 (BASEFEE), EIP-3855 (PUSH0),
// EIP-1153, EIP-5656 and EIP-4844/7516 (Cancun).
#pragma once

#include <array>
#include <cstdint>

#include "theta/evm/revision.hpp"

namespace theta::evm::internal {

struct OpInfo {
  int16_t gas = -1;         // base gas; -1: undefined in this revision
  uint8_t stack_req = 0;    // words the instruction reads
  int8_t stack_change = 0;  // words pushed minus words popped
};

using OpTable = std::array<OpInfo, 256>;

// EIP-2929 surcharges on top of the warm base price.
inline constexpr int64_t kColdAccountSurcharge = 2600 - 100;
inline constexpr int64_t kColdSloadSurcharge = 2100 - 100;
inline constexpr int64_t kColdSloadCost = 2100;
inline constexpr int64_t kColdAccountCost = 2600;

constexpr OpTable MakeOpTable(Revision rev) {
  OpTable t{};
  auto set = [&t](int op, int gas, int req, int change) {
    t[op] =
        OpInfo{static_cast<int16_t>(gas), static_cast<uint8_t>(req), static_cast<int8_t>(change)};
  };
  const bool berlin = rev >= Revision::kBerlin;
  const int account_access = berlin ? 100 : 700;

  set(0x00, 0, 0, 0);  // STOP
  for (int op : {0x01, 0x03})
    set(op, 3, 2, -1);  // ADD SUB
  for (int op : {0x02, 0x04, 0x05, 0x06, 0x07})
    set(op, 5, 2, -1);   // MUL DIV SDIV MOD SMOD
  set(0x08, 8, 3, -2);   // ADDMOD
  set(0x09, 8, 3, -2);   // MULMOD
  set(0x0a, 10, 2, -1);  // EXP
  set(0x0b, 5, 2, -1);   // SIGNEXTEND
  for (int op = 0x10; op <= 0x1d; ++op)
    set(op, 3, 2, -1);   // comparisons, bits, shifts
  set(0x15, 3, 1, 0);    // ISZERO
  set(0x19, 3, 1, 0);    // NOT
  set(0x20, 30, 2, -1);  // KECCAK256

  for (int op : {0x30, 0x32, 0x33, 0x34, 0x36, 0x38, 0x3a, 0x3d})
    set(op, 2, 0, 1);
  set(0x31, account_access, 1, 0);   // BALANCE
  set(0x35, 3, 1, 0);                // CALLDATALOAD
  set(0x37, 3, 3, -3);               // CALLDATACOPY
  set(0x39, 3, 3, -3);               // CODECOPY
  set(0x3b, account_access, 1, 0);   // EXTCODESIZE
  set(0x3c, account_access, 4, -4);  // EXTCODECOPY
  set(0x3e, 3, 3, -3);               // RETURNDATACOPY
  set(0x3f, account_access, 1, 0);   // EXTCODEHASH

  set(0x40, 20, 1, 0);  // BLOCKHASH
  for (int op : {0x41, 0x42, 0x43, 0x44, 0x45, 0x46})
    set(op, 2, 0, 1);                                // COINBASE..CHAINID
  set(0x47, 5, 0, 1);                                // SELFBALANCE
  if (rev >= Revision::kLondon) set(0x48, 2, 0, 1);  // BASEFEE
  if (rev >= Revision::kCancun) {
    set(0x49, 3, 1, 0);  // BLOBHASH
    set(0x4a, 2, 0, 1);  // BLOBBASEFEE
  }

  set(0x50, 2, 1, -1);                  // POP
  set(0x51, 3, 1, 0);                   // MLOAD
  set(0x52, 3, 2, -2);                  // MSTORE
  set(0x53, 3, 2, -2);                  // MSTORE8
  set(0x54, berlin ? 100 : 800, 1, 0);  // SLOAD
  set(0x55, 0, 2, -2);                  // SSTORE (all dynamic)
  set(0x56, 8, 1, -1);                  // JUMP
  set(0x57, 10, 2, -2);                 // JUMPI
  for (int op : {0x58, 0x59, 0x5a})
    set(op, 2, 0, 1);  // PC MSIZE GAS
  set(0x5b, 1, 0, 0);  // JUMPDEST
  if (rev >= Revision::kCancun) {
    set(0x5c, 100, 1, 0);   // TLOAD
    set(0x5d, 100, 2, -2);  // TSTORE
    set(0x5e, 3, 3, -3);    // MCOPY
  }
  if (rev >= Revision::kShanghai) set(0x5f, 2, 0, 1);  // PUSH0

  for (int op = 0x60; op <= 0x7f; ++op)
    set(op, 3, 0, 1);  // PUSH1..PUSH32
  for (int n = 1; n <= 16; ++n)
    set(0x7f + n, 3, n, 1);  // DUP1..DUP16
  for (int n = 1; n <= 16; ++n)
    set(0x8f + n, 3, n + 1, 0);  // SWAP1..SWAP16
  for (int n = 0; n <= 4; ++n)
    set(0xa0 + n, 375 * (n + 1), n + 2, -(n + 2));  // LOG0..LOG4

  set(0xf0, 32000, 3, -2);           // CREATE
  set(0xf1, account_access, 7, -6);  // CALL
  set(0xf2, account_access, 7, -6);  // CALLCODE
  set(0xf3, 0, 2, -2);               // RETURN
  set(0xf4, account_access, 6, -5);  // DELEGATECALL
  set(0xf5, 32000, 4, -3);           // CREATE2
  set(0xfa, account_access, 6, -5);  // STATICCALL
  set(0xfd, 0, 2, -2);               // REVERT
  set(0xfe, 0, 0, 0);                // INVALID: defined, and always fails
  set(0xff, 5000, 1, -1);            // SELFDESTRUCT
  return t;
}

inline constexpr std::array<OpTable, kNumRevisions> kOpTables = {
    MakeOpTable(Revision::kIstanbul), MakeOpTable(Revision::kBerlin),
    MakeOpTable(Revision::kLondon), MakeOpTable(Revision::kShanghai),
    MakeOpTable(Revision::kCancun)};

}  // namespace theta::evm::internal
