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

// Reads the fields of one RLP list in order. Names for messages are built only when an error
// needs one, so decoding that succeeds builds no strings: a reader opened on its own is named by
// `what` (which must outlive it: a literal, usually), a nested one (CoinsField, Input, Output,
// List) by its parent and field ("SendTx.Inputs[].Coins"), and its parent must outlive it.
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
  // The next field as a nested struct named what().field ("[…]" fields join without a dot).
  absl::StatusOr<FieldReader> List(std::string_view field);
  absl::StatusOr<std::vector<std::string>> Strings(std::string_view field);
  // This struct's name in messages.
  std::string what() const;

 private:
  FieldReader(RlpListReader reader, const FieldReader* parent, std::string_view name)
      : reader_(reader), parent_(parent), name_(name) {}
  static absl::StatusOr<FieldReader> Open(const RlpItem& item, const FieldReader* parent,
                                          std::string_view name);
  std::string FieldName(std::string_view field) const;
  // The next field's bytes, as RlpBytes; errors name the field.
  absl::StatusOr<ByteView> BytesView(std::string_view field);

  RlpListReader reader_;
  const FieldReader* parent_ = nullptr;
  std::string_view name_;
};

// The body of a ServicePaymentTx (a struct list), used by reserved-fund transfer records too.
absl::StatusOr<ServicePaymentTx> ReadServicePaymentBody(const RlpItem& item);

}  // namespace theta::ledger
