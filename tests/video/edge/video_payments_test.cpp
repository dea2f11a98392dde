// Service payments of the video swarm with real swarm peers on loopback and a real ledger state:
// the viewer's pool comes from an executed ReserveFundTx, and the edge's settlement is executed on
// the same state.
#include "video_payments.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <future>
#include <thread>

#include "absl/strings/str_cat.h"
#include "theta/core/hash.hpp"
#include "theta/ledger/executor.hpp"

namespace theta::edge {
namespace {

using video::Manifest;
using video::SegmentEntry;
using Clock = std::chrono::steady_clock;

constexpr uint64_t kHeight = 20'000'000;  // after every fork
constexpr char kChain[] = "privatenet";
constexpr char kResource[] = "video:paid";
const uint256 kTFuel = uint256(1'000'000'000'000'000'000ULL);
const uint256 kFee = uint256(300'000'000'000'000'000ULL);

PrivateKey Key(uint8_t fill) {
  return *PrivateKey::FromBytes(Bytes(32, fill));
}
Address AddressOf(const PrivateKey& key) {
  return AddressFromPublicKey(key.DerivePublicKey());
}

// The chain: a viewer with a reserve fund of `deposit` for kResource.
struct Chain {
  std::unique_ptr<KvStore> store = NewMemoryStore();
  ledger::LedgerState state{*store};
  ledger::ExecutionContext context{kChain, kHeight, false};
  PrivateKey viewer = Key(1), edge = Key(2);

  explicit Chain(const uint256& deposit) {
    ledger::Account a;
    a.address = AddressOf(viewer);
    a.balance = ledger::Coins{uint256(0), 100 * kTFuel};
    REQUIRE(state.SetAccount(a).ok());
    ledger::Tx tx = ledger::ReserveFundTx{
        ledger::Coins::TFuel(kFee),
        ledger::TxInput{AddressOf(viewer), ledger::Coins::TFuel(deposit), 1, {}},
        ledger::Coins::TFuel(deposit + kTFuel),
        {kResource},
        300};
    REQUIRE(ledger::SignTx(tx, kChain, viewer).ok());
    REQUIRE(ledger::ApplyTx(state, tx, context).ok());
  }
  uint256 Balance(const Address& address) {
    auto account = state.GetAccount(address);
    REQUIRE(account.ok());
    return account->has_value() ? (*account)->balance.tfuel_wei : uint256(0);
  }
};

// Pools read from the ledger state, as a node would answer theta.GetAccount.
class StateFunds : public FundSource {
 public:
  explicit StateFunds(Chain& chain) : chain_(chain) {}
  absl::StatusOr<PoolView> Pool(const Address& payer, uint64_t reserve_sequence) override {
    auto account = chain_.state.GetAccount(payer);
    if (!account.ok()) return account.status();
    if (!account->has_value()) return absl::NotFoundError("no such account");
    auto fund = ledger::FindReservedFund(**account, reserve_sequence);
    if (!fund.ok()) return fund.status();
    return PoolView{*fund, kHeight};
  }

 private:
  Chain& chain_;
};

// A synthetic stream of 8 segments (the swarm never looks inside them).
struct Stream {
  Manifest manifest;
  std::vector<Bytes> segments;
  Stream() {
    manifest.stream_id = "paid";
    manifest.target_duration_ms = 1000;
    video::Rendition r{.name = "source", .bandwidth = 100000};
    for (uint8_t i = 0; i < 8; ++i) {
      segments.emplace_back(5000 + i, static_cast<uint8_t>(i * 13));
      r.segments.push_back({i, 1'000'000, segments.back().size(), Blake2b256(segments.back())});
    }
    manifest.renditions.push_back(r);
    REQUIRE(video::SignManifest(manifest, Key(9)).ok());
  }
  const video::Rendition& r() const { return manifest.renditions[0]; }
};

struct Loop {
  boost::asio::io_context io;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work{
      io.get_executor()};
  std::thread thread{[this] { io.run(); }};
  ~Loop() {
    work.reset();
    io.stop();
    thread.join();
  }
};

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           absl::StrCat("theta_pay_", getpid(), "_", reinterpret_cast<uintptr_t>(this));
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

struct Node {
  TempDir dir;
  std::unique_ptr<net::Host> host;
  std::unique_ptr<video::SwarmNode> swarm;
  Node(boost::asio::io_context& io, std::shared_ptr<video::PaymentHook> pay,
       std::shared_ptr<video::VoucherSource> vouchers) {
    std::shared_ptr<video::SegmentStore> store =
        std::move(*video::SegmentStore::Open({dir.path, 1 << 24}));
    host = std::make_unique<net::Host>(io, net::NodeKey::Generate());
    swarm =
        std::make_unique<video::SwarmNode>(io, *host, store, video::SwarmOptions{}, pay, vouchers);
    REQUIRE(swarm->Attach().ok());
    REQUIRE(host->Start().ok());
  }
  ~Node() {
    host->Stop();
    swarm.reset();
  }
  void Connect(Node& other) {
    std::promise<absl::StatusOr<net::NodeId>> done;
    host->Connect({"127.0.0.1", other.host->listen_port()},
                  [&](absl::StatusOr<net::NodeId> r) { done.set_value(r); });
    REQUIRE(done.get_future().get().ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(150));  // Have and Terms land
  }
};

// One edge charging 1 TFUEL per segment with a grace of 2 segments, and one viewer.
struct Setup {
  Chain chain;
  Stream s;
  Loop loop;
  std::shared_ptr<LedgerPaymentHook> hook;
  std::unique_ptr<Node> edge, viewer;

  Setup(const uint256& deposit, std::shared_ptr<video::VoucherSource> vouchers) : chain(deposit) {
    hook = std::make_shared<LedgerPaymentHook>(EdgePaymentOptions{chain.edge, kChain, kTFuel, 2},
                                               std::make_shared<StateFunds>(chain));
    edge = std::make_unique<Node>(loop.io, hook, nullptr);
    viewer = std::make_unique<Node>(loop.io, nullptr, std::move(vouchers));
    for (size_t i = 0; i < s.segments.size(); ++i)
      REQUIRE(edge->swarm->AddSegment(s.manifest, s.r(), s.r().segments[i], s.segments[i]).ok());
    edge->swarm->AddManifest(s.manifest);
    viewer->swarm->AddManifest(s.manifest);
    viewer->Connect(*edge);
  }
  // Fetches every segment in order; the number delivered.
  size_t FetchAll(std::vector<std::string>* errors = nullptr) {
    size_t delivered = 0;
    for (const SegmentEntry& entry : s.r().segments) {
      auto got = viewer->swarm->FetchFromPeers(s.manifest, s.r(), entry,
                                               Clock::now() + std::chrono::seconds(3));
      if (got.ok()) {
        ++delivered;
      } else if (errors != nullptr) {
        errors->push_back(std::string(got.status().message()));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(30));  // the voucher lands
    }
    return delivered;
  }
  net::NodeId ViewerId() const { return viewer->host->id(); }
};

ViewerPaymentOptions Payer(const PrivateKey& key, const uint256& deposit) {
  return {key, kChain, 1, kResource, deposit, 2 * kTFuel, 1000};
}

TEST_CASE("payments: a paying viewer keeps getting segments and the edge settles on chain",
          "[video][payments]") {
  auto vouchers = std::make_shared<LedgerVoucherSource>(Payer(Key(1), 10 * kTFuel));
  Setup t(10 * kTFuel, vouchers);
  CHECK(t.FetchAll() == 8);
  CHECK(t.edge->swarm->stats().refused_payment == 0);
  CHECK(vouchers->stats().vouchers == 8);
  CHECK(vouchers->stats().committed_wei == 8 * kTFuel);
  CHECK(t.hook->PaidBy(t.ViewerId()) == 8 * kTFuel);
  CHECK(t.hook->stats().vouchers_accepted == 8);
  // Open rounds are not settled until they end (or the edge shuts down).
  CHECK(t.hook->TakeSettlements(kFee, false).empty());
  t.viewer.reset();  // the viewer leaves: its round ends
  std::vector<ledger::ServicePaymentTx> settlements;
  for (int i = 0; i < 100 && settlements.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    settlements = t.hook->TakeSettlements(kFee, false);
  }
  REQUIRE(settlements.size() == 1);
  const uint256 before = t.chain.Balance(AddressOf(t.chain.edge));
  ledger::ExecutionContext next{kChain, kHeight + 1, false};
  REQUIRE(ledger::ApplyTx(t.chain.state, settlements[0], next).ok());
  CHECK(t.chain.Balance(AddressOf(t.chain.edge)) == before + 8 * kTFuel - kFee);
  // A settled round's voucher cannot be paid twice.
  CHECK_FALSE(ledger::ApplyTx(t.chain.state, settlements[0], next).ok());
}

TEST_CASE("payments: a viewer whose vouchers stop gets payment required after the grace window",
          "[video][payments]") {
  SECTION("its deposit runs out after 3 segments") {
    auto vouchers = std::make_shared<LedgerVoucherSource>(Payer(Key(1), 3 * kTFuel));
    Setup t(10 * kTFuel, vouchers);
    std::vector<std::string> errors;
    CHECK(t.FetchAll(&errors) == 5);  // 3 paid + 2 of grace
    CHECK(vouchers->stats().vouchers == 3);
    CHECK(t.edge->swarm->stats().refused_payment == 3);
    REQUIRE(errors.size() == 3);
    CHECK_THAT(errors[0], Catch::Contains("code 3"));
  }
  SECTION("it never pays") {
    Setup t(10 * kTFuel, nullptr);
    CHECK(t.FetchAll() == 2);
    CHECK(t.edge->swarm->stats().refused_payment == 6);
    CHECK(t.hook->stats().refusals == 6);
  }
}

// Signs with one key and claims another's pool: the payer signature does not verify.
class ForgingVouchers : public video::VoucherSource {
 public:
  ForgingVouchers(const PrivateKey& signer, const Address& victim)
      : inner_(Payer(signer, 10 * kTFuel)), victim_(victim) {}
  std::optional<Bytes> VoucherFor(const net::NodeId& server, const SegmentEntry& entry) override {
    std::optional<Bytes> bytes = inner_.VoucherFor(server, entry);
    if (!bytes) return bytes;
    auto tx = ledger::DecodeTx(*bytes);
    REQUIRE(tx.ok());
    std::get<ledger::ServicePaymentTx>(*tx).source.address = victim_;
    return ledger::EncodeTx(*tx);
  }
  absl::Status OnTerms(const net::NodeId& server, ByteView terms) override {
    return inner_.OnTerms(server, terms);
  }

 private:
  LedgerVoucherSource inner_;
  Address victim_;
};

TEST_CASE("payments: forged and over-spent vouchers are refused", "[video][payments]") {
  SECTION("forged: signed by another key than the pool's owner") {
    Setup t(10 * kTFuel, std::make_shared<ForgingVouchers>(Key(7), AddressOf(Key(1))));
    CHECK(t.FetchAll() == 2);
    CHECK(t.hook->stats().vouchers_accepted == 0);
    CHECK(t.hook->stats().vouchers_refused >= 2);
    CHECK(t.hook->PaidBy(t.ViewerId()).IsZero());
  }
  SECTION("over-spent: vouchers past the pool's deposit") {
    // The viewer believes in a deposit of 10 TFUEL; the chain holds 3.
    Setup t(3 * kTFuel, std::make_shared<LedgerVoucherSource>(Payer(Key(1), 10 * kTFuel)));
    CHECK(t.FetchAll() == 5);  // 3 paid + 2 of grace
    CHECK(t.hook->stats().vouchers_accepted == 3);
    CHECK(t.hook->PaidBy(t.ViewerId()) == 3 * kTFuel);
    CHECK(t.edge->swarm->stats().refused_payment == 3);
  }
}

TEST_CASE("payments: the edge refuses vouchers that are wrong on their face", "[video][payments]") {
  Chain chain(10 * kTFuel);
  LedgerPaymentHook hook({chain.edge, kChain, kTFuel, 2}, std::make_shared<StateFunds>(chain));
  const net::NodeId a = net::NodeKey::Generate().id(), b = net::NodeKey::Generate().id();
  auto voucher = [&](const Address& payee, const uint256& amount, uint64_t seq,
                     const std::string& resource = kResource) {
    return ledger::EncodeTx(
        *ledger::CreateVoucher({payee, amount, seq, 1, resource}, chain.viewer, kChain));
  };
  const Address me = AddressOf(chain.edge);
  CHECK(absl::IsInvalidArgument(hook.OnVoucher(a, Bytes{0xc0})));
  CHECK_FALSE(hook.OnVoucher(a, voucher(AddressOf(Key(5)), kTFuel, 1)).ok());  // another payee
  CHECK_FALSE(hook.OnVoucher(a, voucher(me, kTFuel, 1, "video:other")).ok());  // other resource
  CHECK_FALSE(hook.OnVoucher(a, voucher(me, 11 * kTFuel, 1)).ok());            // over the deposit
  REQUIRE(hook.OnVoucher(a, voucher(me, 2 * kTFuel, 5)).ok());
  CHECK(hook.PaidBy(a) == 2 * kTFuel);
  CHECK_FALSE(hook.OnVoucher(a, voucher(me, kTFuel, 5)).ok());      // amount goes back
  CHECK_FALSE(hook.OnVoucher(a, voucher(me, 3 * kTFuel, 4)).ok());  // sequence goes back
  CHECK_FALSE(hook.OnVoucher(a, voucher(me, 3 * kTFuel, 6)).ok());  // a new round mid-connection
  CHECK_FALSE(hook.OnVoucher(b, voucher(me, 3 * kTFuel, 5)).ok());  // a's round, from b
  CHECK(hook.PaidBy(a) == 2 * kTFuel);
  CHECK(hook.PaidBy(b).IsZero());
  // Everything served so far is paid (2 segments) plus a grace of 2: the 5th is refused.
  SegmentEntry entry;
  for (int i = 0; i < 4; ++i) {
    REQUIRE(hook.MayServe(a, entry));
    hook.Served(a, entry);
  }
  CHECK_FALSE(hook.MayServe(a, entry));
  hook.Disconnected(a);
  auto settled = hook.TakeSettlements(kFee, false);
  REQUIRE(settled.size() == 1);
  CHECK(settled[0].source.coins.tfuel_wei == 2 * kTFuel);
  CHECK(settled[0].fee == ledger::Coins::TFuel(kFee));
  CHECK(hook.TakeSettlements(kFee, true).empty());  // handed over once
}

TEST_CASE("payments: terms and reserved-fund JSON decode strictly", "[video][payments]") {
  const PaymentTerms terms{AddressOf(Key(2)), kTFuel, 3};
  auto back = DecodePaymentTerms(EncodePaymentTerms(terms));
  REQUIRE(back.ok());
  CHECK(*back == terms);
  Bytes trailing = EncodePaymentTerms(terms);
  trailing.insert(trailing.begin() + 1, 0x80);  // not canonical any more
  CHECK_FALSE(DecodePaymentTerms(trailing).ok());
  CHECK_FALSE(DecodePaymentTerms(Bytes{0xc0}).ok());
  CHECK_FALSE(DecodePaymentTerms(Bytes{}).ok());

  // Shaped as theta.GetAccount answers (apps/node/src/theta_rpc_json.cpp, Go's ReservedFund JSON).
  const auto account = nlohmann::json::parse(R"({
    "sequence": "1", "coins": {"thetawei": "0", "tfuelwei": "5"},
    "reserved_funds": [{
      "collateral": {"thetawei": "0", "tfuelwei": "11"},
      "initial_fund": {"thetawei": "0", "tfuelwei": "10"},
      "used_fund": {"thetawei": "0", "tfuelwei": "4"},
      "resource_ids": ["video:paid"], "end_block_height": "20000300", "reserve_sequence": "1",
      "transfer_records": [{"service_payment": {
        "target": {"address": "0x2b5ad5c4795c026514f8317c7a215e218dccd6cf"},
        "payment_sequence": "7"}}]}]})");
  auto funds = ParseReservedFundsJson(account);
  REQUIRE(funds.ok());
  REQUIRE(funds->size() == 1);
  const ledger::ReservedFund& f = (*funds)[0];
  CHECK(f.initial_fund.tfuel_wei == uint256(10));
  CHECK(f.used_fund.tfuel_wei == uint256(4));
  CHECK(f.end_block_height == 20000300);
  CHECK(f.resource_ids == std::vector<std::string>{"video:paid"});
  REQUIRE(f.transfer_records.size() == 1);
  CHECK(f.transfer_records[0].payment_sequence == 7);
  auto broken = account;
  broken["reserved_funds"][0]["used_fund"]["tfuelwei"] = "-4";
  CHECK(absl::IsInvalidArgument(ParseReservedFundsJson(broken).status()));
  broken = account;
  broken["reserved_funds"][0].erase("reserve_sequence");
  CHECK(absl::IsInvalidArgument(ParseReservedFundsJson(broken).status()));
  CHECK(ParseReservedFundsJson(nlohmann::json{{"coins", 1}})->empty());  // no pools
}

}  // namespace
}  // namespace theta::edge
