#include "theta/core/hash.hpp"

#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "theta/core/bytes.hpp"

namespace theta {
namespace {

TEST_CASE("keccak256 matches Ethereum's known answers", "[hash]") {
  // Ethereum's empty-code hash (the Yellow Paper's KEC("")) and the Keccak team's "abc" answer.
  CHECK(Keccak256(AsBytes("")).ToHex() ==
        "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  CHECK(Keccak256(AsBytes("abc")).ToHex() ==
        "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
}

TEST_CASE("sha256 matches the FIPS 180 examples", "[hash]") {
  // FIPS 180-2, appendix B.1 (one block) and B.2 (the 448-bit message, two blocks).
  CHECK(Sha256(AsBytes("abc")).ToHex() ==
        "0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Sha256(AsBytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).ToHex() ==
        "0x248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_CASE("ripemd160 matches the vectors of the RIPEMD-160 page", "[hash]") {
  // https://homes.esat.kuleuven.be/~bosselae/ripemd160.html
  CHECK(Ripemd160(AsBytes("")).ToHex() == "0x9c1185a5c5e9fc54612808977ee8f548b2258d31");
  CHECK(Ripemd160(AsBytes("abc")).ToHex() == "0x8eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
  CHECK(Ripemd160(AsBytes("message digest")).ToHex() ==
        "0x5d0689ef49d2fae572b881b123a85ffa21595f36");
}

TEST_CASE("blake2b256 matches Python's hashlib", "[hash]") {
  // Expected values from Python 3.11: hashlib.blake2b(message, digest_size=32).hexdigest().
  CHECK(Blake2b256(AsBytes("")).ToHex() ==
        "0x0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  CHECK(Blake2b256(AsBytes("abc")).ToHex() ==
        "0xbddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
  CHECK(Blake2b256(AsBytes("The quick brown fox jumps over the lazy dog")).ToHex() ==
        "0x01718cec35cd3d796dd00020e0bfecb473ad23457d063b75eff29c0ffa2e58a9");
}

TEST_CASE("keccak256 hasher fed in pieces equals the one-shot hash", "[hash]") {
  constexpr uint32_t kSeed = 20240605;
  std::mt19937 rng(kSeed);
  Keccak256Hasher hasher;
  // Lengths straddle the 136-byte Keccak-256 rate so that pieces cross block boundaries.
  for (size_t length : {0, 1, 135, 136, 137, 272, 1000}) {
    Bytes data(length);
    for (uint8_t& b : data)
      b = static_cast<uint8_t>(rng());
    size_t offset = 0;
    while (offset < length) {
      const size_t piece = std::min<size_t>(length - offset, 1 + rng() % 70);
      hasher.Update(ByteView(data).subspan(offset, piece));
      offset += piece;
    }
    INFO("seed " << kSeed << ", length " << length);
    CHECK(hasher.Finish() == Keccak256(data));
  }
}

TEST_CASE("keccak256 hasher resets after finish", "[hash]") {
  Keccak256Hasher hasher;
  hasher.Update(AsBytes("ab")).Update(AsBytes("c"));
  CHECK(hasher.Finish() == Keccak256(AsBytes("abc")));
  CHECK(hasher.Finish() == Keccak256(AsBytes("")));
  hasher.Update(AsBytes("abc"));
  CHECK(hasher.Finish() == Keccak256(AsBytes("abc")));
}

}  // namespace
}  // namespace theta
