#include "theta/wallet/keystore_dir.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "wallet_test_util.hpp"

namespace theta::wallet {
namespace {

TEST_CASE("keystore folder adds, lists, finds and unlocks keys", "[wallet][keystore]") {
  testing::TempDir tmp;
  KeystoreDir dir(tmp.path() / "nested" / "keystore");
  CHECK(dir.List()->entries.empty());  // an absent folder is empty
  auto key = PrivateKey::Generate();
  REQUIRE(key.ok());
  const Address address = AddressFromPublicKey(key->DerivePublicKey());
  auto file = dir.Add(*key, "pw", KeystoreEncryptOptions::Light());
  REQUIRE(file.ok());
  CHECK(file->filename().string().rfind("UTC--", 0) == 0);
  CHECK(file->filename().string().find(ToHex(address.view(), false)) != std::string::npos);

  struct stat info {};
  REQUIRE(::stat(file->c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  REQUIRE(::stat(dir.path().c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0700);

  auto listing = dir.List();
  REQUIRE(listing.ok());
  REQUIRE(listing->entries.size() == 1);
  CHECK(listing->entries.front().address == address);
  CHECK(dir.Find(address)->path == *file);
  CHECK(*dir.Unlock(address, "pw") == *key);
  CHECK_THAT(std::string(dir.Unlock(address, "nope").status().message()),
             Catch::Contains("wrong password"));
  CHECK(absl::IsAlreadyExists(dir.Add(*key, "pw", KeystoreEncryptOptions::Light()).status()));
  CHECK(absl::IsNotFound(dir.Find(Address{}).status()));
}

TEST_CASE("keystore folder skips files that are not keystores and flags duplicates",
          "[wallet][keystore]") {
  testing::TempDir tmp;
  KeystoreDir dir(tmp.path());
  auto key = PrivateKey::Generate();
  REQUIRE(dir.Add(*key, "pw", KeystoreEncryptOptions::Light()).ok());
  tmp.Write("notes.txt", "not a keystore");
  tmp.Write(".hidden", "ignored");
  auto listing = dir.List();
  REQUIRE(listing.ok());
  CHECK(listing->entries.size() == 1);
  REQUIRE(listing->skipped.size() == 1);
  CHECK_THAT(listing->skipped.front(), Catch::Contains("notes.txt"));

  // A second copy of the same key under another name is ambiguous.
  std::filesystem::copy_file(listing->entries.front().path, tmp.path() / "copy.json");
  const Address address = AddressFromPublicKey(key->DerivePublicKey());
  CHECK(absl::IsFailedPrecondition(dir.Find(address).status()));
}

}  // namespace
}  // namespace theta::wallet
