#include "theta/ledger/tx.hpp"

#include <catch2/catch.hpp>
#include <random>

#include "theta/core/hash.hpp"
#include "theta/core/rlp.hpp"

namespace theta::ledger {
namespace {

std::string Message(const absl::Status& status) {
  return std::string(status.message());
}

Address Addr(uint8_t fill) {
  Address a;
  a.bytes.fill(fill);
  return a;
}

PrivateKey Key(uint8_t fill) {
  Bytes bytes(32, fill);
  return *PrivateKey::FromBytes(bytes);
}

Address AddressOf(const PrivateKey& key) {
  return AddressFromPublicKey(key.DerivePublicKey());
}

TxInput In(uint8_t fill, uint64_t seq = 1) {
  return TxInput{Addr(fill), Coins{uint256(fill), uint256(fill) * 1000}, seq, {}};
}

TxOutput Out(uint8_t fill) {
  return TxOutput{Addr(fill), Coins{uint256(fill), 7}};
}

// One transaction of every type, with every field set to something other than its zero value.
std::vector<Tx> OneOfEach() {
  const Coins fee = Coins::TFuel(uint256(300000000000000000ULL));
  return {
      CoinbaseTx{In(1), {Out(2), Out(3)}, 4164983},
      SlashTx{In(1), Addr(9), 12, Bytes{1, 2, 3}},
      SendTx{fee, {In(1), In(2, 5)}, {Out(3), Out(4)}},
      ReserveFundTx{fee, In(1), Coins::TFuel(1000), {"video-1", "video-2"}, 300},
      ReleaseFundTx{fee, In(1), 9},
      ServicePaymentTx{fee, In(1), In(2), 3, 4, "video-1"},
      SplitRuleTx{fee, "video-1", In(1), {Split{Addr(2), 30}, Split{Addr(3), 70}}, 1000},
      SmartContractTx{In(1), Out(0), 21000, uint256(4000000000000ULL), Bytes{0x60, 0x00}},
      DepositStakeTx{fee, In(1), TxOutput{Addr(2), {}}, kStakeForGuardian},
      WithdrawStakeTx{fee, In(1), TxOutput{Addr(2), {}}, kStakeForValidator},
      DepositStakeV2Tx{fee, In(1), TxOutput{Addr(2), {}}, kStakeForEliteEdgeNode, Bytes(48, 0xaa),
                       Bytes(96, 0xbb), Bytes(65, 0xcc)},
      StakeRewardDistributionTx{fee, In(1), TxOutput{Addr(2), {}}, 500},
  };
}

TEST_CASE("every transaction type survives an encode and decode round trip", "[ledger][tx]") {
  for (const Tx& tx : OneOfEach()) {
    INFO(TxTypeName(TypeOf(tx)));
    const Bytes raw = EncodeTx(tx);
    // The type is a bare RLP integer before the struct's list (0 is the empty string 0x80).
    CHECK(raw[0] == (tx.index() == 0 ? 0x80 : tx.index()));
    auto decoded = DecodeTx(raw);
    REQUIRE(decoded.ok());
    CHECK(*decoded == tx);
    CHECK(TxHash(raw) == Keccak256(raw));
  }
}

TEST_CASE("a send tx has the documented byte layout", "[ledger][tx]") {
  // 02 ‖ [[0x80, 0x01], [[addr, [0x80, 0x02], 0x01, 0x80]], [[addr, [0x80, 0x01]]]]
  SendTx send{Coins::TFuel(1),
              {TxInput{Addr(0x11), Coins::TFuel(2), 1, {}}},
              {TxOutput{Addr(0x22), Coins::TFuel(1)}}};
  const std::string expected =
      "0x02f839c28001dbda941111111111111111111111111111111111111111c280020180d9d8942222222222222222"
      "222222222222222222222222c28001";
  CHECK(ToHex(EncodeTx(send)) == expected);
}

TEST_CASE("the decoder rejects malformed transactions with the field named", "[ledger][tx]") {
  const Bytes good = EncodeTx(OneOfEach()[2]);
  auto reject = [](const Bytes& raw) {
    auto tx = DecodeTx(raw);
    REQUIRE_FALSE(tx.ok());
    CHECK(tx.status().code() == absl::StatusCode::kInvalidArgument);
    return Message(tx.status());
  };
  SECTION("unknown type") {
    Bytes raw = good;
    raw[0] = 0x0c;
    CHECK_THAT(reject(raw), Catch::Contains("unknown transaction type 12"));
  }
  SECTION("a type with a leading zero byte") {
    Bytes raw = good;
    raw.insert(raw.begin(), {0x82, 0x00});
    raw.erase(raw.begin() + 2);
    raw.insert(raw.begin() + 2, 0x02);
    CHECK_THAT(reject(raw), Catch::Contains("tx: type"));
  }
  SECTION("bytes after the struct") {
    Bytes raw = good;
    raw.push_back(0x80);
    CHECK_THAT(reject(raw), Catch::Contains("SendTx"));
  }
  SECTION("a struct that is cut short") {
    Bytes raw(good.begin(), good.end() - 1);
    reject(raw);
  }
  SECTION("no struct at all") {
    CHECK_THAT(reject(Bytes{0x02}), Catch::Contains("SendTx"));
  }
  SECTION("an empty input") {
    reject(Bytes{});
  }
  SECTION("too many fields") {
    RlpWriter w;
    w.AddUint(4).BeginList().BeginList().AddUint(0).AddUint(0).EndList();
    w.BeginList().AddBytes(Addr(1).view()).BeginList().AddUint(0).AddUint(0).EndList();
    w.AddUint(1).AddBytes({}).EndList().AddUint(3).AddUint(4).EndList();
    CHECK_THAT(reject(std::move(w).Finish()), Catch::Contains("ReleaseFundTx has too many fields"));
  }
  SECTION("too few fields") {
    RlpWriter w;
    w.AddUint(4).BeginList().BeginList().AddUint(0).AddUint(0).EndList().EndList();
    CHECK_THAT(reject(std::move(w).Finish()), Catch::Contains("Source is missing"));
  }
  SECTION("a 19-byte address") {
    RlpWriter w;
    w.AddUint(4).BeginList().BeginList().AddUint(0).AddUint(0).EndList();
    w.BeginList().AddBytes(Bytes(19, 1)).BeginList().AddUint(0).AddUint(0).EndList();
    w.AddUint(1).AddBytes({}).EndList().AddUint(3).EndList();
    CHECK_THAT(reject(std::move(w).Finish()),
               Catch::Contains("Source.Address has 19 bytes, an address has 20"));
  }
  SECTION("a sequence written as the byte 0x00, as theta-js writes 0") {
    RlpWriter w;
    w.AddUint(4).BeginList().BeginList().AddUint(0).AddUint(0).EndList();
    w.BeginList().AddBytes(Addr(1).view()).BeginList().AddUint(0).AddUint(0).EndList();
    w.AddRaw(Bytes{0x00}).AddBytes({}).EndList().AddUint(3).EndList();
    CHECK_THAT(reject(std::move(w).Finish()), Catch::Contains("Sequence"));
  }
  SECTION("an amount over 256 bits") {
    RlpWriter w;
    w.AddUint(4).BeginList().BeginList().AddUint(0).AddBytes(Bytes(33, 1)).EndList().EndList();
    CHECK_THAT(reject(std::move(w).Finish()), Catch::Contains("Fee.TFuelWei"));
  }
  SECTION("a purpose over 255") {
    DepositStakeTx d{{}, In(1), Out(2), 0};
    Bytes raw = EncodeTx(d);
    // purpose 0 is the last byte (0x80); make it 256 (0x82 0x01 0x00) and fix the list length.
    raw.pop_back();
    raw.insert(raw.end(), {0x82, 0x01, 0x00});
    raw[2] += 2;
    CHECK_THAT(reject(raw), Catch::Contains("Purpose is 256, above its maximum 255"));
  }
  SECTION("a BLS key of the wrong size") {
    DepositStakeV2Tx d{{}, In(1), Out(2), 1, Bytes(47, 1), {}, {}};
    CHECK_THAT(reject(EncodeTx(d)), Catch::Contains("BlsPubkey has 47 bytes, expected 0 or 48"));
  }
  SECTION("a raw transaction over 8 MiB") {
    SmartContractTx sc{In(1), Out(0), 1, 1, Bytes(kMaxTxBytes, 0)};
    CHECK_THAT(reject(EncodeTx(sc)), Catch::Contains("exceed the maximum of 8388608"));
  }
}

TEST_CASE("sign bytes wrap the chain id and the unsigned tx in an ethereum-shaped list",
          "[ledger][tx]") {
  Tx tx = OneOfEach()[2];
  std::get<SendTx>(tx).inputs[0].signature = Bytes(65, 9);
  const Bytes sign_bytes = SignBytes(tx, "privatenet");
  auto wrapper = DecodeRlp(sign_bytes);
  REQUIRE(wrapper.ok());
  auto fields = RlpListItems(*wrapper);
  REQUIRE(fields.ok());
  REQUIRE(fields->size() == 6);
  for (int i : {0, 1, 2, 4})
    CHECK((*fields)[i].payload.empty());
  CHECK(Bytes((*fields)[3].payload.begin(), (*fields)[3].payload.end()) == Bytes(20, 0));
  Tx unsigned_tx = tx;
  std::get<SendTx>(unsigned_tx).inputs[0].signature.clear();
  Bytes payload = RlpEncodeBytes(AsBytes("privatenet"));
  const Bytes body = EncodeTx(unsigned_tx);
  payload.insert(payload.end(), body.begin(), body.end());
  CHECK(Bytes((*fields)[5].payload.begin(), (*fields)[5].payload.end()) == payload);

  const Bytes v2_bytes = SignBytes(tx, "privatenet", SignWrapper::kV2);
  auto v2 = DecodeRlp(v2_bytes);
  REQUIRE(v2.ok());
  auto v2_fields = RlpListItems(*v2);
  REQUIRE(v2_fields.ok());
  REQUIRE(v2_fields->size() == 9);
  CHECK(*RlpUint64((*v2_fields)[6]) == 1);
  CHECK(Bytes((*v2_fields)[5].payload.begin(), (*v2_fields)[5].payload.end()) == payload);
}

TEST_CASE("a validator deposit v2 signs the bytes of a type 8 deposit", "[ledger][tx]") {
  DepositStakeV2Tx v2{
      Coins::TFuel(1), In(1), TxOutput{Addr(2), {}}, kStakeForValidator, {}, {}, {}};
  DepositStakeTx v1{v2.fee, v2.source, v2.holder, v2.purpose};
  CHECK(SignBytes(v2, "mainnet") == SignBytes(v1, "mainnet"));
  v2.purpose = kStakeForGuardian;
  v1.purpose = kStakeForGuardian;
  CHECK(SignBytes(v2, "mainnet") != SignBytes(v1, "mainnet"));
}

TEST_CASE("each input of a multi-input send signs and verifies on its own", "[ledger][tx]") {
  const PrivateKey a = Key(1), b = Key(2);
  Tx tx = SendTx{Coins::TFuel(1),
                 {TxInput{AddressOf(a), Coins::TFuel(3), 1, {}},
                  TxInput{AddressOf(b), Coins::TFuel(3), 4, {}}},
                 {TxOutput{Addr(7), Coins::TFuel(5)}}};
  REQUIRE(SignTx(tx, "mainnet", a).ok());
  REQUIRE(SignTx(tx, "mainnet", b).ok());
  const auto& send = std::get<SendTx>(tx);
  const Bytes sign_bytes = SignBytes(tx, "mainnet");
  CHECK(VerifySignature(sign_bytes, send.inputs[0].signature, AddressOf(a)).ok());
  CHECK(VerifySignature(sign_bytes, send.inputs[1].signature, AddressOf(b)).ok());
  CHECK_THAT(Message(VerifySignature(sign_bytes, send.inputs[0].signature, AddressOf(b))),
             Catch::Contains("was made by " + ToChecksumHex(AddressOf(a))));
  CHECK_THAT(Message(VerifySignature(sign_bytes, {}, AddressOf(a))), Catch::Contains("missing"));
  CHECK_THAT(Message(VerifySignature(sign_bytes, Bytes(64, 1), AddressOf(a))),
             Catch::Contains("has 64 bytes, not 65"));
  Bytes bad_v = send.inputs[0].signature;
  bad_v[64] = 27;
  CHECK_THAT(Message(VerifySignature(sign_bytes, bad_v, AddressOf(a))),
             Catch::Contains("malformed"));
  CHECK(SignTx(tx, "mainnet", Key(3)).code() == absl::StatusCode::kNotFound);
}

TEST_CASE("a service payment voucher is signed by the payer and settled by the payee",
          "[ledger][tx]") {
  const PrivateKey payer = Key(1), payee = Key(2);
  ServicePaymentTx sp{{},
                      TxInput{AddressOf(payer), Coins::TFuel(50), 0, {}},
                      TxInput{AddressOf(payee), {}, 0, {}},
                      1,
                      3,
                      "video-1"};
  REQUIRE(SignServicePaymentSource(sp, "mainnet", payer).ok());
  const Bytes voucher_bytes = ServicePaymentSourceSignBytes(sp, "mainnet");
  CHECK(VerifySignature(voucher_bytes, sp.source.signature, AddressOf(payer)).ok());
  // The payee sets its fee and sequence afterwards: the voucher stays valid.
  sp.fee = Coins::TFuel(300000000000000000ULL);
  sp.target.sequence = 8;
  CHECK(ServicePaymentSourceSignBytes(sp, "mainnet") == voucher_bytes);
  Tx tx = sp;
  REQUIRE(SignTx(tx, "mainnet", payee).ok());
  const auto& settled = std::get<ServicePaymentTx>(tx);
  CHECK(VerifySignature(SignBytes(tx, "mainnet"), settled.target.signature, AddressOf(payee)).ok());
  // The payee's signature covers the payer's.
  Tx tampered = tx;
  std::get<ServicePaymentTx>(tampered).source.signature[0] ^= 1;
  CHECK_FALSE(
      VerifySignature(SignBytes(tampered, "mainnet"), settled.target.signature, AddressOf(payee))
          .ok());
  // Raising the amount breaks the voucher.
  sp.source.coins = Coins::TFuel(51);
  CHECK_FALSE(VerifySignature(ServicePaymentSourceSignBytes(sp, "mainnet"), sp.source.signature,
                              AddressOf(payer))
                  .ok());
  CHECK(SignServicePaymentSource(sp, "mainnet", payee).code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("random byte flips never decode to a different tx that re-encodes differently",
          "[ledger][tx]") {
  const uint64_t seed = 5;
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  for (const Tx& tx : OneOfEach()) {
    const Bytes raw = EncodeTx(tx);
    for (int i = 0; i < 200; ++i) {
      Bytes mutated = raw;
      mutated[rng() % mutated.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
      auto decoded = DecodeTx(mutated);
      if (decoded.ok()) CHECK(EncodeTx(*decoded) == mutated);
    }
  }
}

}  // namespace
}  // namespace theta::ledger
