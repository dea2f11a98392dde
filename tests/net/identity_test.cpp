#include "theta/net/identity.hpp"

#include <catch2/catch.hpp>

namespace theta::net {
namespace {

TEST_CASE("node keys from the same seed are the same identity", "[net][identity]") {
  const Bytes seed(32, 0x42);
  auto a = NodeKey::FromSeed(seed);
  auto b = NodeKey::FromSeed(seed);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->id() == b->id());
  CHECK(a->id() != NodeKey::Generate().id());
  CHECK(ShortId(a->id()).size() == 2 + 8 + 2);
}

TEST_CASE("node key signatures verify only for their key and message", "[net][identity]") {
  const NodeKey key = NodeKey::Generate();
  const NodeKey other = NodeKey::Generate();
  const NodeSignature signature = key.Sign(AsBytes("handshake"));
  CHECK(NodeKey::Verify(key.id(), AsBytes("handshake"), signature));
  CHECK_FALSE(NodeKey::Verify(key.id(), AsBytes("handshakf"), signature));
  CHECK_FALSE(NodeKey::Verify(other.id(), AsBytes("handshake"), signature));
  NodeSignature flipped = signature;
  flipped[10] ^= 1;
  CHECK_FALSE(NodeKey::Verify(key.id(), AsBytes("handshake"), flipped));
}

TEST_CASE("node key rejects a seed of the wrong length", "[net][identity]") {
  auto key = NodeKey::FromSeed(Bytes(31, 1));
  REQUIRE_FALSE(key.ok());
  CHECK(key.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(key.status().message()), Catch::Contains("got 31"));
}

}  // namespace
}  // namespace theta::net
