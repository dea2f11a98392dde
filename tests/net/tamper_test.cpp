// A man in the middle that flips one byte of the encrypted stream: the receiver must notice, close
// the connection and ban the (apparent) sender.
#include <catch2/catch.hpp>
#include <mutex>

#include "net_test_util.hpp"

namespace theta::net {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using testing::ConnectAndWait;
using testing::IoThread;
using testing::TestNode;
using testing::WaitFor;

// Forwards one TCP connection to `target_port`, flipping the byte at `flip_offset` of the
// client-to-server direction.
class TamperProxy {
 public:
  TamperProxy(uint16_t target_port, size_t flip_offset)
      : acceptor_(io_.io(), tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        client_(io_.io()),
        server_(io_.io()),
        flip_offset_(flip_offset) {
    acceptor_.async_accept(client_, [this, target_port](boost::system::error_code ec) {
      if (ec) return;
      server_.async_connect({asio::ip::make_address("127.0.0.1"), target_port},
                            [this](boost::system::error_code ec2) {
                              if (ec2) return Shutdown();
                              Pump(client_, server_, up_, true);
                              Pump(server_, client_, down_, false);
                            });
    });
  }
  ~TamperProxy() {
    asio::post(io_.io(), [this] { Shutdown(); });
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  struct Direction {
    std::array<uint8_t, 4096> buffer{};
    size_t offset = 0;
  };

  void Pump(tcp::socket& from, tcp::socket& to, Direction& dir, bool tamper) {
    from.async_read_some(asio::buffer(dir.buffer), [this, &from, &to, &dir, tamper](
                                                       boost::system::error_code ec, size_t n) {
      if (ec) return Shutdown();
      if (tamper && flip_offset_ >= dir.offset && flip_offset_ < dir.offset + n) {
        dir.buffer[flip_offset_ - dir.offset] ^= 0x01;
      }
      dir.offset += n;
      asio::async_write(to, asio::buffer(dir.buffer.data(), n),
                        [this, &from, &to, &dir, tamper](boost::system::error_code ec2, size_t) {
                          if (ec2) return Shutdown();
                          Pump(from, to, dir, tamper);
                        });
    });
  }

  void Shutdown() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    client_.close(ignored);
    server_.close(ignored);
  }

  // Declared first, destroyed last: the thread has drained before the sockets go.
  IoThread io_;
  tcp::acceptor acceptor_;
  tcp::socket client_;
  tcp::socket server_;
  Direction up_, down_;
  size_t flip_offset_;
};

// Bytes the dialer sends before its first message: hello (74), stream header (24), the auth frame
// (4 + 64-byte signature + 17-byte tag).
constexpr size_t kHandshakeBytes = 74 + 24 + 4 + 64 + 17;

TEST_CASE("a flipped ciphertext byte closes the connection and bans the sender", "[net][host]") {
  std::mutex mu;
  std::vector<absl::Status> reasons;
  int delivered = 0;
  TestNode b;
  REQUIRE(b->RegisterHandler(7, [&](const NodeId&, ByteView) {
             std::lock_guard lock(mu);
             ++delivered;
             return absl::OkStatus();
           }).ok());
  b->OnPeerDisconnected([&](const NodeId&, const absl::Status& reason) {
    std::lock_guard lock(mu);
    reasons.push_back(reason);
  });
  REQUIRE(b->Start().ok());
  // Flip a byte inside the first message's ciphertext, past its 4-byte length.
  TamperProxy proxy(b->listen_port(), kHandshakeBytes + 4 + 3);
  TestNode a;
  REQUIRE(a->Start().ok());
  PeerAddress via_proxy = b.address();
  via_proxy.port = proxy.port();
  REQUIRE(ConnectAndWait(a.host(), via_proxy).ok());
  REQUIRE(a->Send(b->id(), 7, AsBytes("transfer 10 THETA")).ok());
  REQUIRE(WaitFor([&] {
    std::lock_guard lock(mu);
    return !reasons.empty();
  }));
  // The connection closes first (so its reason is the forgery, not the ban); the ban follows.
  CHECK(WaitFor([&] { return b->IsBanned(a->id()); }));
  std::lock_guard lock(mu);
  CHECK(delivered == 0);
  CHECK(reasons[0].code() == absl::StatusCode::kDataLoss);
  CHECK_THAT(std::string(reasons[0].message()), Catch::Contains("failed authentication"));
}

TEST_CASE("a flipped byte in the handshake makes the connection fail", "[net][host]") {
  TestNode b;
  REQUIRE(b->Start().ok());
  // Byte 60 is inside the dialer's ephemeral key: the keys no longer match the signed hello.
  TamperProxy proxy(b->listen_port(), 60);
  TestNode a;
  REQUIRE(a->Start().ok());
  PeerAddress via_proxy = b.address();
  via_proxy.port = proxy.port();
  CHECK_FALSE(ConnectAndWait(a.host(), via_proxy).ok());
  CHECK(WaitFor([&] { return b->PeerCount() == 0; }));
  CHECK(a->PeerCount() == 0);
}

}  // namespace
}  // namespace theta::net
