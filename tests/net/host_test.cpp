#include "theta/net/host.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <cstring>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "net_test_util.hpp"

namespace theta::net {
namespace {

using testing::ConnectAndWait;
using testing::TestNode;
using testing::WaitFor;

// Records the messages a node receives on one channel.
struct Inbox {
  std::mutex mu;
  std::vector<std::pair<NodeId, std::string>> messages;

  MessageHandler Handler() {
    return [this](const NodeId& from, ByteView payload) {
      std::lock_guard lock(mu);
      messages.emplace_back(from, ToString(payload));
      return absl::OkStatus();
    };
  }
  size_t size() {
    std::lock_guard lock(mu);
    return messages.size();
  }
};

// Records why peers were disconnected.
struct Disconnects {
  std::mutex mu;
  std::vector<std::pair<NodeId, absl::Status>> events;

  PeerDisconnectedHandler Handler() {
    return [this](const NodeId& peer, const absl::Status& reason) {
      std::lock_guard lock(mu);
      events.emplace_back(peer, reason);
    };
  }
  size_t size() {
    std::lock_guard lock(mu);
    return events.size();
  }
  absl::Status first() {
    std::lock_guard lock(mu);
    return events.empty() ? absl::OkStatus() : events.front().second;
  }
};

constexpr uint32_t kChannel = 7;

TEST_CASE("two hosts authenticate each other and exchange messages both ways", "[net][host]") {
  Inbox inbox_a, inbox_b;
  TestNode a, b;
  REQUIRE(a->RegisterHandler(kChannel, inbox_a.Handler()).ok());
  REQUIRE(b->RegisterHandler(kChannel, inbox_b.Handler()).ok());
  REQUIRE(a->Start().ok());
  REQUIRE(b->Start().ok());
  REQUIRE(b->listen_port() != 0);

  auto connected = ConnectAndWait(a.host(), b.address());
  REQUIRE(connected.ok());
  CHECK(*connected == b->id());
  REQUIRE(WaitFor([&] { return b->PeerCount() == 1; }));
  const std::vector<PeerInfo> a_peers = a->Peers();
  REQUIRE(a_peers.size() == 1);
  CHECK(a_peers[0].id == b->id());
  CHECK(a_peers[0].outbound);
  CHECK(a_peers[0].address == "127.0.0.1");
  const std::vector<PeerInfo> b_peers = b->Peers();
  REQUIRE(b_peers.size() == 1);
  CHECK(b_peers[0].id == a->id());
  CHECK_FALSE(b_peers[0].outbound);
  CHECK(b_peers[0].listen_port == a->listen_port());

  REQUIRE(a->Send(b->id(), kChannel, AsBytes("hello b")).ok());
  REQUIRE(b->Send(a->id(), kChannel, AsBytes("hello a")).ok());
  REQUIRE(WaitFor([&] { return inbox_a.size() == 1 && inbox_b.size() == 1; }));
  CHECK(inbox_b.messages[0] == std::make_pair(a->id(), std::string("hello b")));
  CHECK(inbox_a.messages[0] == std::make_pair(b->id(), std::string("hello a")));
}

TEST_CASE("a host refuses to send to an unknown peer, on channel 0 or over the size limit",
          "[net][host]") {
  TestNode a(HostOptions{.max_message_size = 100}), b;
  REQUIRE(a->Start().ok());
  REQUIRE(b->Start().ok());
  CHECK(a->Send(b->id(), kChannel, AsBytes("x")).code() == absl::StatusCode::kNotFound);
  REQUIRE(ConnectAndWait(a.host(), b.address()).ok());
  CHECK(a->Send(b->id(), kControlChannel, AsBytes("x")).code() ==
        absl::StatusCode::kInvalidArgument);
  const absl::Status too_big = a->Send(b->id(), kChannel, Bytes(101, 0));
  CHECK(too_big.code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(too_big.message()),
             Catch::Contains("101 bytes exceeds the maximum of 100"));
  CHECK(a->RegisterHandler(kControlChannel, nullptr).code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("five hosts form a full mesh and each receives every broadcast once", "[net][host]") {
  constexpr size_t kNodes = 5;
  std::vector<Inbox> inboxes(kNodes);
  std::vector<std::unique_ptr<TestNode>> nodes;
  for (size_t i = 0; i < kNodes; ++i) {
    nodes.push_back(std::make_unique<TestNode>());
    REQUIRE((*nodes[i])->RegisterHandler(kChannel, inboxes[i].Handler()).ok());
    REQUIRE((*nodes[i])->Start().ok());
    for (size_t j = 0; j < i; ++j) {
      REQUIRE(ConnectAndWait(nodes[i]->host(), nodes[j]->address()).ok());
    }
  }
  for (auto& node : nodes) {
    REQUIRE(WaitFor([&] { return (*node)->PeerCount() == kNodes - 1; }));
  }
  for (size_t i = 0; i < kNodes; ++i) {
    CHECK((*nodes[i])->Broadcast(kChannel, AsBytes("from " + std::to_string(i))) == kNodes - 1);
  }
  for (size_t i = 0; i < kNodes; ++i) {
    CAPTURE(i);
    REQUIRE(WaitFor([&] { return inboxes[i].size() == kNodes - 1; }));
    std::set<NodeId> senders;
    for (const auto& [from, text] : inboxes[i].messages)
      senders.insert(from);
    CHECK(senders.size() == kNodes - 1);
    CHECK(senders.count((*nodes[i])->id()) == 0);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  for (auto& inbox : inboxes)
    CHECK(inbox.size() == kNodes - 1);
}

TEST_CASE("a host refuses a peer whose identity differs from the pinned one", "[net][host]") {
  TestNode a, b;
  REQUIRE(a->Start().ok());
  REQUIRE(b->Start().ok());
  PeerAddress wrong = b.address();
  wrong.expected_id = NodeKey::Generate().id();
  auto result = ConnectAndWait(a.host(), wrong);
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == absl::StatusCode::kPermissionDenied);
  CHECK_THAT(std::string(result.status().message()),
             Catch::Contains("does not match the expected " + wrong.expected_id->ToHex()));
  CHECK(a->PeerCount() == 0);
  CHECK(WaitFor([&] { return b->PeerCount() == 0; }));
}

TEST_CASE("a host refuses a peer on another network id", "[net][host]") {
  TestNode a(HostOptions{.network_id = 1}), b(HostOptions{.network_id = 2});
  REQUIRE(a->Start().ok());
  REQUIRE(b->Start().ok());
  auto result = ConnectAndWait(a.host(), b.address());
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == absl::StatusCode::kPermissionDenied);
  CHECK_THAT(std::string(result.status().message()), Catch::Contains("network 2"));
}

TEST_CASE("a connection to a closed port fails with Unavailable", "[net][host]") {
  TestNode a, b;
  REQUIRE(b->Start().ok());
  const PeerAddress gone = b.address();
  b->Stop();
  REQUIRE(a->Start().ok());
  auto result = ConnectAndWait(a.host(), gone);
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == absl::StatusCode::kUnavailable);
}

TEST_CASE("a host closes a connection that never completes the handshake", "[net][host]") {
  TestNode b(HostOptions{.handshake_timeout = std::chrono::milliseconds(100)});
  REQUIRE(b->Start().ok());
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), b->listen_port()});
  std::vector<uint8_t> buffer(4096);
  boost::system::error_code read_error;
  bool finished = false;
  // The hello arrives first; then the silence must end in EOF once the timeout passes.
  std::function<void()> read = [&] {
    socket.async_read_some(boost::asio::buffer(buffer), [&](boost::system::error_code ec, size_t) {
      if (ec) {
        read_error = ec;
        finished = true;
        return;
      }
      read();
    });
  };
  read();
  io.run_for(std::chrono::seconds(5));
  REQUIRE(finished);
  CHECK(read_error == boost::asio::error::eof);
}

TEST_CASE("a peer sending an oversize message is disconnected with the reason", "[net][host]") {
  Disconnects seen_by_a, seen_by_b;
  TestNode a(HostOptions{.max_message_size = 1 << 20}), b(HostOptions{.max_message_size = 1024});
  a->OnPeerDisconnected(seen_by_a.Handler());
  b->OnPeerDisconnected(seen_by_b.Handler());
  REQUIRE(a->Start().ok());
  REQUIRE(b->Start().ok());
  REQUIRE(ConnectAndWait(a.host(), b.address()).ok());
  REQUIRE(a->Send(b->id(), kChannel, Bytes(4096, 1)).ok());
  REQUIRE(WaitFor([&] { return seen_by_b.size() == 1 && seen_by_a.size() == 1; }));
  const absl::Status at_b = seen_by_b.first();
  CHECK(at_b.code() == absl::StatusCode::kResourceExhausted);
  CHECK_THAT(std::string(at_b.message()), Catch::Contains("exceeds the maximum"));
  const absl::Status at_a = seen_by_a.first();
  CHECK(at_a.code() == absl::StatusCode::kUnavailable);
  CHECK_THAT(std::string(at_a.message()), Catch::Contains("disconnected: "));
  CHECK_THAT(std::string(at_a.message()), Catch::Contains("exceeds the maximum"));
}

TEST_CASE("ten thousand messages arrive complete and in order", "[net][host]") {
  std::mutex mu;
  std::vector<uint32_t> received;
  TestNode a, b;
  REQUIRE(b->RegisterHandler(kChannel, [&](const NodeId&, ByteView payload) {
             uint32_t n = 0;
             std::memcpy(&n, payload.data(), sizeof(n));
             std::lock_guard lock(mu);
             received.push_back(n);
             return absl::OkStatus();
           }).ok());
  REQUIRE(a->Start().ok());
  REQUIRE(b->Start().ok());
  REQUIRE(ConnectAndWait(a.host(), b.address()).ok());
  constexpr uint32_t kCount = 10000;
  Bytes payload(200, 0xab);
  for (uint32_t i = 0; i < kCount; ++i) {
    std::memcpy(payload.data(), &i, sizeof(i));
    REQUIRE(a->Send(b->id(), kChannel, payload).ok());
  }
  REQUIRE(WaitFor([&] {
    std::lock_guard lock(mu);
    return received.size() == kCount;
  }));
  for (uint32_t i = 0; i < kCount; ++i) {
    if (received[i] != i) FAIL("message " << i << " arrived as " << received[i]);
  }
}

TEST_CASE("a peer that stops reading is dropped once its send queue is full", "[net][host]") {
  Disconnects seen_by_a;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  TestNode a(HostOptions{.max_send_queue_bytes = 256 << 10}), b;
  // b's only io thread blocks in the handler, so b stops reading from its socket.
  REQUIRE(b->RegisterHandler(kChannel, [released](const NodeId&, ByteView) {
             released.wait_for(std::chrono::seconds(10));
             return absl::OkStatus();
           }).ok());
  a->OnPeerDisconnected(seen_by_a.Handler());
  REQUIRE(a->Start().ok());
  REQUIRE(b->Start().ok());
  REQUIRE(ConnectAndWait(a.host(), b.address()).ok());
  const Bytes chunk(64 << 10, 0x5a);
  absl::Status last;
  for (int i = 0; i < 4000 && last.ok(); ++i) {
    last = a->Send(b->id(), kChannel, chunk);
    if (i % 16 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  release.set_value();
  CHECK(last.code() == absl::StatusCode::kResourceExhausted);
  CHECK_THAT(std::string(last.message()), Catch::Contains("too slow"));
  REQUIRE(WaitFor([&] { return seen_by_a.size() == 1; }));
  CHECK(seen_by_a.first().code() == absl::StatusCode::kResourceExhausted);
  CHECK(a->PeerCount() == 0);
}

TEST_CASE("a peer sending invalid data is banned and cannot reconnect", "[net][host]") {
  Disconnects seen_by_b;
  auto metrics = std::make_shared<MetricsRegistry>();
  TestNode a, b(HostOptions{.metrics = metrics});
  REQUIRE(b->RegisterHandler(kChannel, [](const NodeId&, ByteView) {
             return absl::InvalidArgumentError("not a valid vote");
           }).ok());
  b->OnPeerDisconnected(seen_by_b.Handler());
  REQUIRE(a->Start().ok());
  REQUIRE(b->Start().ok());
  REQUIRE(ConnectAndWait(a.host(), b.address()).ok());
  for (int i = 0; i < 9; ++i)
    REQUIRE(a->Send(b->id(), kChannel, AsBytes("bad")).ok());
  REQUIRE(WaitFor([&] {
    auto peers = b->Peers();
    return peers.size() == 1 && peers[0].score == -90;
  }));
  CHECK_FALSE(b->IsBanned(a->id()));
  REQUIRE(a->Send(b->id(), kChannel, AsBytes("bad")).ok());
  REQUIRE(WaitFor([&] { return seen_by_b.size() == 1; }));
  CHECK(b->IsBanned(a->id()));
  CHECK(metrics->GetCounter("theta_p2p_bans_total", "").value() == 1);
  CHECK(metrics->GetCounter("theta_p2p_messages_received_total", "").value() == 10);
  CHECK(metrics->GetGauge("theta_p2p_peers", "").value() == 0);
  CHECK(seen_by_b.first().code() == absl::StatusCode::kPermissionDenied);
  CHECK_THAT(std::string(seen_by_b.first().message()), Catch::Contains("not a valid vote"));
  REQUIRE(WaitFor([&] { return a->PeerCount() == 0; }));
  CHECK_FALSE(ConnectAndWait(a.host(), b.address()).ok());
  CHECK(b->PeerCount() == 0);
}

TEST_CASE("messages on an unregistered channel cost the sender score", "[net][host]") {
  TestNode a, b;
  REQUIRE(a->Start().ok());
  REQUIRE(b->Start().ok());
  REQUIRE(ConnectAndWait(a.host(), b.address()).ok());
  REQUIRE(a->Send(b->id(), 42, AsBytes("?")).ok());
  REQUIRE(WaitFor([&] {
    auto peers = b->Peers();
    return peers.size() == 1 && peers[0].score == -1;
  }));
}

TEST_CASE("simultaneous dials leave exactly one connection on both sides", "[net][host]") {
  TestNode a, b;
  REQUIRE(a->Start().ok());
  REQUIRE(b->Start().ok());
  std::atomic<int> done{0};
  a->Connect(b.address(), [&](absl::StatusOr<NodeId>) { ++done; });
  b->Connect(a.address(), [&](absl::StatusOr<NodeId>) { ++done; });
  REQUIRE(WaitFor([&] { return done == 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  REQUIRE(WaitFor([&] { return a->PeerCount() == 1 && b->PeerCount() == 1; }));
  CHECK(a->Send(b->id(), kChannel, AsBytes("x")).ok());
}

TEST_CASE("a host dials its seeds and learns further peers by peer exchange", "[net][host]") {
  TestNode a(HostOptions{.peer_exchange = true}), b(HostOptions{.peer_exchange = true});
  REQUIRE(a->Start().ok());
  REQUIRE(b->Start().ok());
  REQUIRE(ConnectAndWait(a.host(), b.address()).ok());
  TestNode c(HostOptions{.seeds = {b.address()}, .peer_exchange = true});
  REQUIRE(c->Start().ok());
  REQUIRE(WaitFor([&] { return c->PeerCount() == 2 && a->PeerCount() == 2; }));
}

TEST_CASE("destroying a host with open connections closes them cleanly", "[net][host]") {
  Disconnects seen_by_b;
  TestNode b;
  b->OnPeerDisconnected(seen_by_b.Handler());
  REQUIRE(b->Start().ok());
  {
    TestNode a;
    REQUIRE(a->Start().ok());
    REQUIRE(ConnectAndWait(a.host(), b.address()).ok());
    REQUIRE(a->Send(b->id(), kChannel, AsBytes("bye")).ok());
  }
  REQUIRE(WaitFor([&] { return seen_by_b.size() == 1; }));
  CHECK_THAT(std::string(seen_by_b.first().message()), Catch::Contains("host shutting down"));
  CHECK(b->PeerCount() == 0);
  CHECK(b->Start().code() == absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace theta::net
