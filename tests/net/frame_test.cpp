#include "theta/net/frame.hpp"

#include <catch2/catch.hpp>
#include <random>

namespace theta::net {
namespace {

TEST_CASE("frames carry a 4-byte big-endian length before the body", "[net][frame]") {
  const Bytes frame = EncodeFrame(Bytes{0xaa, 0xbb, 0xcc});
  CHECK(frame == Bytes{0x00, 0x00, 0x00, 0x03, 0xaa, 0xbb, 0xcc});
}

TEST_CASE("frame decoder reassembles frames split at every byte boundary", "[net][frame]") {
  Bytes stream;
  AppendFrame(stream, Bytes{1, 2, 3});
  AppendFrame(stream, Bytes{});
  AppendFrame(stream, Bytes(300, 7));
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    CAPTURE(cut);
    FrameDecoder decoder(1000);
    std::vector<Bytes> frames;
    auto drain = [&] {
      for (;;) {
        auto next = decoder.Next();
        REQUIRE(next.ok());
        if (!next->has_value()) break;
        frames.push_back(std::move(**next));
      }
    };
    decoder.Feed(ByteView(stream).first(cut));
    drain();
    decoder.Feed(ByteView(stream).subspan(cut));
    drain();
    REQUIRE(frames.size() == 3);
    CHECK(frames[0] == Bytes{1, 2, 3});
    CHECK(frames[1].empty());
    CHECK(frames[2] == Bytes(300, 7));
    CHECK(decoder.buffered() == 0);
  }
}

TEST_CASE("frame decoder refuses an oversize frame from its header alone", "[net][frame]") {
  FrameDecoder decoder(16);
  decoder.Feed(Bytes{0x00, 0x00, 0x00, 0x11});  // 17 bytes announced, none sent
  auto next = decoder.Next();
  REQUIRE_FALSE(next.ok());
  CHECK(next.status().code() == absl::StatusCode::kResourceExhausted);
  CHECK_THAT(std::string(next.status().message()),
             Catch::Contains("frame of 17 bytes exceeds the maximum of 16"));
  // The decoder stays failed.
  decoder.Feed(EncodeFrame(Bytes{1}));
  CHECK_FALSE(decoder.Next().ok());
}

TEST_CASE("messages round-trip through the RLP envelope", "[net][frame]") {
  const uint32_t seed = 7;
  std::mt19937 rng(seed);
  CAPTURE(seed);
  for (int i = 0; i < 200; ++i) {
    Bytes payload(rng() % 300);
    for (auto& b : payload)
      b = static_cast<uint8_t>(rng());
    const uint32_t channel = (i % 3 == 0) ? 0 : static_cast<uint32_t>(rng());
    const Bytes encoded = EncodeMessage(channel, payload);
    CHECK(encoded.size() <= payload.size() + kMessageOverhead);
    auto decoded = DecodeMessage(encoded);
    REQUIRE(decoded.ok());
    CHECK(decoded->channel == channel);
    CHECK(decoded->payload == payload);
  }
}

TEST_CASE("message decoding rejects non-lists, extra fields and wide channels", "[net][frame]") {
  CHECK_FALSE(DecodeMessage(Bytes{0x80}).ok());                    // a string, not a list
  CHECK_FALSE(DecodeMessage(Bytes{0xc1, 0x01}).ok());              // no payload
  CHECK_FALSE(DecodeMessage(Bytes{0xc3, 0x01, 0x80, 0x80}).ok());  // a third field
  CHECK_FALSE(DecodeMessage(Bytes{0xc2, 0x01, 0xc0}).ok());        // a list as payload
  auto wide = DecodeMessage(Bytes{0xc7, 0x85, 0x01, 0x00, 0x00, 0x00, 0x00, 0x80});
  REQUIRE_FALSE(wide.ok());
  CHECK_THAT(std::string(wide.status().message()), Catch::Contains("32 bits"));
  CHECK_FALSE(DecodeMessage(Bytes{}).ok());
}

}  // namespace
}  // namespace theta::net
