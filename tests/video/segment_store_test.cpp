#include "theta/video/segment_store.hpp"

#include <catch2/catch.hpp>
#include <fstream>

#include "test_media.hpp"
#include "theta/core/hash.hpp"

namespace theta::video {
namespace {

using testing::TempDir;

Bytes Blob(size_t size, uint8_t seed) {
  Bytes b(size);
  for (size_t i = 0; i < size; ++i)
    b[i] = static_cast<uint8_t>(seed + i * 7);
  return b;
}

TEST_CASE("segment store round-trips bytes by hash and survives reopening", "[video]") {
  TempDir dir;
  const Bytes a = Blob(1000, 1);
  {
    auto store = SegmentStore::Open({dir.path() / "s", 10'000});
    REQUIRE(store.ok());
    REQUIRE((*store)->Put(Blake2b256(a), a).ok());
    CHECK((*store)->Contains(Blake2b256(a)));
    CHECK((*store)->stats().bytes == 1000);
  }
  auto store = SegmentStore::Open({dir.path() / "s", 10'000});
  REQUIRE(store.ok());
  auto got = (*store)->Get(Blake2b256(a));
  REQUIRE(got.ok());
  CHECK(*got == a);
  CHECK((*store)->Get(Blake2b256(Blob(5, 9))).status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("segment store refuses bytes that do not match the hash and stores nothing", "[video]") {
  TempDir dir;
  auto store = SegmentStore::Open({dir.path(), 10'000});
  REQUIRE(store.ok());
  const Bytes a = Blob(100, 1);
  CHECK((*store)->Put(Blake2b256(Blob(100, 2)), a).code() == absl::StatusCode::kInvalidArgument);
  CHECK((*store)->stats().segments == 0);
  CHECK(std::filesystem::is_empty(dir.path()));
}

TEST_CASE("segment store evicts least recently used segments beyond the byte budget", "[video]") {
  TempDir dir;
  auto store = SegmentStore::Open({dir.path(), 2500});
  REQUIRE(store.ok());
  const Bytes a = Blob(1000, 1), b = Blob(1000, 2), c = Blob(1000, 3);
  REQUIRE((*store)->Put(Blake2b256(a), a).ok());
  REQUIRE((*store)->Put(Blake2b256(b), b).ok());
  REQUIRE((*store)->Get(Blake2b256(a)).ok());  // a is now more recent than b
  REQUIRE((*store)->Put(Blake2b256(c), c).ok());
  CHECK((*store)->Contains(Blake2b256(a)));
  CHECK_FALSE((*store)->Contains(Blake2b256(b)));
  CHECK((*store)->Contains(Blake2b256(c)));
  CHECK((*store)->stats().bytes == 2000);
  CHECK((*store)->stats().evictions == 1);
  CHECK((*store)->Put(Blake2b256(Blob(3000, 4)), Blob(3000, 4)).code() ==
        absl::StatusCode::kResourceExhausted);
}

TEST_CASE("a segment corrupted on disk is dropped with DataLoss on read", "[video]") {
  TempDir dir;
  auto store = SegmentStore::Open({dir.path(), 10'000});
  REQUIRE(store.ok());
  const Bytes a = Blob(500, 1);
  REQUIRE((*store)->Put(Blake2b256(a), a).ok());
  const auto file = dir.path() / (ToHex(Blake2b256(a), false) + ".seg");
  REQUIRE(std::filesystem::exists(file));
  {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100);
    f.put('\xff');
  }
  auto got = (*store)->Get(Blake2b256(a));
  CHECK(got.status().code() == absl::StatusCode::kDataLoss);
  CHECK_FALSE((*store)->Contains(Blake2b256(a)));
  CHECK_FALSE(std::filesystem::exists(file));
  CHECK((*store)->stats().corrupt_dropped == 1);
}

TEST_CASE("opening a store removes temporary files left by an interrupted write", "[video]") {
  TempDir dir;
  const Bytes a = Blob(500, 1);
  const std::string name = ToHex(Blake2b256(a), false) + ".seg";
  std::ofstream(dir.path() / (name + ".tmp.1.0")) << "half a segm";
  std::ofstream(dir.path() / "unrelated.txt") << "x";
  auto store = SegmentStore::Open({dir.path(), 10'000});
  REQUIRE(store.ok());
  CHECK((*store)->stats().segments == 0);
  CHECK_FALSE(std::filesystem::exists(dir.path() / (name + ".tmp.1.0")));
  CHECK(SegmentStore::Open({dir.path(), 0}).status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("reopening with a smaller budget evicts down to it", "[video]") {
  TempDir dir;
  {
    auto store = SegmentStore::Open({dir.path(), 10'000});
    REQUIRE(store.ok());
    for (uint8_t i = 0; i < 5; ++i)
      REQUIRE((*store)->Put(Blake2b256(Blob(1000, i)), Blob(1000, i)).ok());
  }
  auto store = SegmentStore::Open({dir.path(), 2000});
  REQUIRE(store.ok());
  CHECK((*store)->stats().segments == 2);
  CHECK((*store)->stats().bytes == 2000);
}

}  // namespace
}  // namespace theta::video
