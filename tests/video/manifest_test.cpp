#include "theta/video/manifest.hpp"

#include <catch2/catch.hpp>

#include "theta/core/hash.hpp"

namespace theta::video {
namespace {

PrivateKey Key(uint8_t last) {
  Bytes raw(32, 0);
  raw[31] = last;
  return *PrivateKey::FromBytes(raw);
}

Manifest Sample() {
  Manifest m;
  m.stream_id = "demo-1";
  m.target_duration_ms = 2000;
  m.sequence = 3;
  Rendition r;
  r.name = "source";
  r.bandwidth = 400000;
  r.width = 160;
  r.height = 96;
  r.codecs = "avc1.64000b,mp4a.40.2";
  for (uint64_t i = 5; i < 8; ++i) {
    const Bytes seg(100 + i, static_cast<uint8_t>(i));
    r.segments.push_back({i, 2'000'000, seg.size(), Blake2b256(seg)});
  }
  m.renditions.push_back(r);
  return m;
}

TEST_CASE("a signed manifest round-trips and verifies against its publisher", "[video]") {
  Manifest m = Sample();
  REQUIRE(SignManifest(m, Key(7)).ok());
  CHECK(m.publisher == AddressFromPublicKey(Key(7).DerivePublicKey()));
  auto decoded = DecodeManifest(EncodeManifest(m));
  REQUIRE(decoded.ok());
  CHECK(*decoded == m);
  CHECK(VerifyManifest(*decoded, m.publisher).ok());
  CHECK(VerifyManifest(*decoded, AddressFromPublicKey(Key(8).DerivePublicKey())).code() ==
        absl::StatusCode::kPermissionDenied);
  REQUIRE(decoded->Find("source") != nullptr);
  CHECK(decoded->Find("source")->Find(6)->size == 106);
  CHECK(decoded->Find("source")->Find(8) == nullptr);
  CHECK(decoded->Find("source")->Find(4) == nullptr);
  CHECK(decoded->Find("720p") == nullptr);
}

TEST_CASE("a manifest altered after signing is refused", "[video]") {
  Manifest m = Sample();
  REQUIRE(SignManifest(m, Key(7)).ok());
  Manifest forged = m;
  forged.renditions[0].segments[1].hash[0] ^= 1;
  auto decoded = DecodeManifest(EncodeManifest(forged));
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.status().code() == absl::StatusCode::kPermissionDenied);

  Bytes wire = EncodeManifest(m);
  wire.back() ^= 0x01;  // the V byte of the signature
  CHECK_FALSE(DecodeManifest(wire).ok());
}

TEST_CASE("manifest structure rules are enforced on sign and decode", "[video]") {
  Manifest m = Sample();
  m.stream_id = "Has Space";
  CHECK(SignManifest(m, Key(1)).code() == absl::StatusCode::kInvalidArgument);
  m = Sample();
  m.renditions[0].segments[2].index = 9;  // a gap
  CHECK(SignManifest(m, Key(1)).code() == absl::StatusCode::kInvalidArgument);
  m = Sample();
  m.renditions.push_back(m.renditions[0]);  // duplicate name
  CHECK(SignManifest(m, Key(1)).code() == absl::StatusCode::kInvalidArgument);
  m = Sample();
  m.renditions[0].segments[0].size = 0;
  CHECK(SignManifest(m, Key(1)).code() == absl::StatusCode::kInvalidArgument);
  m = Sample();
  m.renditions[0].codecs = "avc1\"><script>";
  CHECK(SignManifest(m, Key(1)).code() == absl::StatusCode::kInvalidArgument);
  CHECK(IsValidName("a-b_9"));
  CHECK_FALSE(IsValidName(""));
  CHECK_FALSE(IsValidName("../x"));
  CHECK_FALSE(IsValidName(std::string(65, 'a')));
}

TEST_CASE("manifest decoding rejects non-canonical and truncated bytes", "[video]") {
  Manifest m = Sample();
  REQUIRE(SignManifest(m, Key(7)).ok());
  const Bytes wire = EncodeManifest(m);
  for (size_t cut : {size_t{0}, size_t{1}, wire.size() / 2, wire.size() - 1}) {
    auto d = DecodeManifest(ByteView(wire).first(cut));
    REQUIRE_FALSE(d.ok());
    CHECK(d.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(std::string(d.status().message()).rfind("manifest:", 0) == 0);
  }
  Bytes trailing = wire;
  trailing.push_back(0);
  CHECK_FALSE(DecodeManifest(trailing).ok());
}

}  // namespace
}  // namespace theta::video
