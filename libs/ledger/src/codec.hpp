// Internal RLP helpers shared by the transaction and account codecs: writers for the common
// structures and a reader that walks a struct's fields by name, so that every decoding error names
// the field it is about ("SendTx.Inputs[].Coins.TFuelWei: …").
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "theta/core/rlp.hpp"
#include "theta/ledger/tx.hpp"

namespace theta::ledger {

void WriteUint256(RlpWriter& w, const uint256& value);
void WriteCoins(RlpWriter& w, const Coins& coins);
void WriteTxInput(RlpWriter& w, const TxInput& in);
void WriteTxOutput(RlpWriter& w, const TxOutput& out);
// RLP(type) ‖ RLP(body).
void WriteTx(RlpWriter& w, const Tx& tx);

absl::Status FieldError(std::string_view field, const absl::Status& status);
absl::StatusOr<uint256> ReadUint256(const RlpItem& item, std::string_view what);
absl::StatusOr<Coins> ReadCoins(const RlpItem& item, std::string_view what);
absl::StatusOr<TxInput> ReadTxInput(const RlpItem& item, std::string_view what);
absl::StatusOr<TxOutput> ReadTxOutput(const RlpItem& item, std::string_view what);

// Reads the fields of one RLP list in order. `what` names the struct in messages.
class FieldReader {
 public:
  static absl::StatusOr<FieldReader> Open(const RlpItem& item, std::string_view what);

  bool AtEnd() const noexcept { return reader_.AtEnd(); }
  // InvalidArgument when fields remain.
  absl::Status End() const;

  absl::StatusOr<RlpItem> Next(std::string_view field);
  absl::StatusOr<uint64_t> Uint(std::string_view field,
                                uint64_t max = std::numeric_limits<uint64_t>::max());
  absl::StatusOr<uint256> BigUint(std::string_view field);
  absl::StatusOr<Bytes> ByteString(std::string_view field);
  absl::StatusOr<std::string> String(std::string_view field);
  absl::StatusOr<Address> Addr(std::string_view field);
  absl::StatusOr<Hash32> Hash(std::string_view field);
  absl::StatusOr<Coins> CoinsField(std::string_view field);
  absl::StatusOr<TxInput> Input(std::string_view field);
  absl::StatusOr<TxOutput> Output(std::string_view field);
  absl::StatusOr<FieldReader> List(std::string_view field);
  absl::StatusOr<std::vector<std::string>> Strings(std::string_view field);
  const std::string& what() const noexcept { return what_; }

 private:
  FieldReader(RlpListReader reader, std::string_view what) : reader_(reader), what_(what) {}
  RlpListReader reader_;
  std::string what_;
};

// The body of a ServicePaymentTx (a struct list), used by reserved-fund transfer records too.
absl::StatusOr<ServicePaymentTx> ReadServicePaymentBody(const RlpItem& item);

}  // namespace theta::ledger
