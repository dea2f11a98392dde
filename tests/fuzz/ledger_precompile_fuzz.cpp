// libFuzzer target for theta-ledger's Theta precompiles 0xC9–0xCF (theta_precompiles.cpp), whose
// input is contract calldata: anyone's bytes. The first byte picks the precompile, the rest is its
// input, sent in a SmartContractTx from an account that holds THETA and TFUEL and already stakes to
// a guardian and an elite edge node (so the top-up and unstake paths are reachable). Properties:
// the transaction always applies (a bad input fails the precompile, not the ledger); a success
// costs the intrinsic gas plus the precompile's price and a failure the whole gas limit; total
// THETA (the sender, a transferTheta recipient, the guardian pool) and TFUEL (the sender less gas,
// the EEN pool) are conserved.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "theta/ledger/executor.hpp"
#include "theta/ledger/stake.hpp"

namespace {

using namespace theta;          // NOLINT(google-build-using-namespace): fuzz harness
using namespace theta::ledger;  // NOLINT(google-build-using-namespace)

constexpr uint64_t kGasLimit = 100'000;
const uint256 kGasPrice = uint256(4'000'000'000'000ULL);
const uint256 kWei = uint256(1'000'000'000'000'000'000ULL);

Address Filled(uint8_t byte) {
  Address a;
  a.bytes.fill(byte);
  return a;
}

struct Setup {
  std::unique_ptr<KvStore> store = NewMemoryStore();
  Address sender = Filled(0x51);
  Hash32 root;

  Setup() {
    LedgerState state(*store);
    Account a;
    a.address = sender;
    a.balance = Coins{1'000'000 * kWei, 1'000'000 * kWei};
    if (!state.SetAccount(a).ok()) std::abort();
    BlsCandidatePool guardians;
    guardians.sorted.push_back({{Filled(0x61), {Stake{sender, 1'000 * kWei}}}, Bytes(48, 1)});
    BlsCandidatePool eens;
    eens.sorted.push_back({{Filled(0x71), {Stake{sender, 10'000 * kWei}}}, Bytes(48, 2)});
    if (!SetGuardianPool(state, guardians).ok() || !SetEliteEdgeNodePool(state, eens).ok())
      std::abort();
    WriteBatch batch;
    root = state.Commit(batch);
    if (!store->Write(batch).ok()) std::abort();
  }
};

uint256 PoolTotal(const LedgerState& state, bool guardians) {
  auto pool = guardians ? GetGuardianPool(state) : GetEliteEdgeNodePool(state);
  if (!pool.ok()) std::abort();
  uint256 total;
  for (const BlsStakeHolder& h : pool->sorted)
    for (const Stake& s : h.stake_holder.stakes)
      total += s.amount;
  return total;
}

Coins BalanceOf(const LedgerState& state, const Address& address) {
  auto account = state.GetAccount(address);
  if (!account.ok()) std::abort();
  return account->has_value() ? (*account)->balance : Coins{};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Setup setup;
  if (size == 0 || size > 1'000) return 0;  // longer calldata passes the gas limit's intrinsic gas
  const uint8_t id = static_cast<uint8_t>(0xc9 + data[0] % 7);
  const Bytes input(data + 1, data + size);
  auto opened = LedgerState::Open(*setup.store, setup.root);
  if (!opened.ok()) std::abort();
  LedgerState& state = *opened;

  // A transferTheta recipient other than the sender is the only other account THETA can reach.
  std::optional<Address> recipient;
  if (id == 0xcb && input.size() >= 20) {
    recipient = *Address::FromBytes(ByteView(input.data(), 20));
    if (*recipient == setup.sender) recipient.reset();
  }
  auto theta_total = [&] {
    uint256 total = BalanceOf(state, setup.sender).theta_wei + PoolTotal(state, true);
    if (recipient) total += BalanceOf(state, *recipient).theta_wei;
    return total;
  };
  auto tfuel_total = [&] {
    return BalanceOf(state, setup.sender).tfuel_wei + PoolTotal(state, false);
  };
  const uint256 theta_before = theta_total();
  const uint256 tfuel_before = tfuel_total();

  Address to;
  to.bytes[19] = id;
  const Tx tx = SmartContractTx{TxInput{setup.sender, {}, 1, {}}, TxOutput{to, {}}, kGasLimit,
                                kGasPrice, input};
  ExecutionContext context{"privatenet", 20'000'000, /*signatures_verified=*/true};
  TxReceipt receipt;
  if (!ApplyTx(state, tx, context, &receipt).ok()) std::abort();

  const uint64_t price = id == 0xc9 ? 4 : id == 0xca ? 200 : 21'000;
  const uint64_t expected =
      receipt.status == evm::StatusCode::kSuccess ? IntrinsicGas(input, false) + price : kGasLimit;
  if (receipt.gas_used != expected) std::abort();
  if (theta_total() != theta_before) std::abort();
  if (tfuel_total() + kGasPrice * uint256(receipt.gas_used) != tfuel_before) std::abort();
  return 0;
}
