#include "theta/wallet/keystore_dir.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace theta::wallet {
namespace fs = std::filesystem;

absl::StatusOr<fs::path> KeystoreDir::DefaultPath() {
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') {
    return absl::FailedPreconditionError(
        "HOME is not set: pass --keystore-dir to say where the keys live");
  }
  return fs::path(home) / ".theta-wallet" / "keystore";
}

absl::StatusOr<KeystoreListing> KeystoreDir::List() const {
  KeystoreListing listing;
  std::error_code ec;
  if (!fs::exists(path_, ec)) return listing;
  fs::directory_iterator it(path_, ec);
  if (ec) {
    const std::string text = absl::StrCat("keystore folder ", path_.string(), ": ", ec.message());
    return ec == std::errc::permission_denied ? absl::PermissionDeniedError(text)
                                              : absl::InternalError(text);
  }
  std::vector<fs::path> files;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec)
      return absl::InternalError(
          absl::StrCat("keystore folder ", path_.string(), ": ", ec.message()));
    const std::string name = it->path().filename().string();
    if (name.empty() || name.front() == '.') continue;  // hidden files and our temporaries
    if (it->is_regular_file(ec)) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    auto json = ReadKeystoreFile(file);
    if (!json.ok()) {
      listing.skipped.push_back(
          absl::StrCat(file.filename().string(), ": ", json.status().message()));
      continue;
    }
    auto address = KeystoreAddress(*json);
    if (!address.ok()) {
      listing.skipped.push_back(
          absl::StrCat(file.filename().string(), ": ", address.status().message()));
      continue;
    }
    listing.entries.push_back({*address, file});
  }
  return listing;
}

absl::StatusOr<KeystoreEntry> KeystoreDir::Find(const Address& address) const {
  auto listing = List();
  if (!listing.ok()) return listing.status();
  std::vector<KeystoreEntry> matches;
  for (const KeystoreEntry& entry : listing->entries) {
    if (entry.address == address) matches.push_back(entry);
  }
  if (matches.empty()) {
    return absl::NotFoundError(absl::StrCat("no key for ", ToChecksumHex(address), " in ",
                                            path_.string(), " (see `theta-wallet list`)"));
  }
  if (matches.size() > 1) {
    return absl::FailedPreconditionError(
        absl::StrCat(ToChecksumHex(address), " is in ", matches.size(), " files (",
                     matches[0].path.filename().string(), ", ", matches[1].path.filename().string(),
                     "): remove the copies you do not need"));
  }
  return matches.front();
}

absl::StatusOr<fs::path> KeystoreDir::Add(const PrivateKey& key, std::string_view password,
                                          const KeystoreEncryptOptions& options) const {
  const Address address = AddressFromPublicKey(key.DerivePublicKey());
  auto existing = Find(address);
  if (existing.ok()) {
    return absl::AlreadyExistsError(
        absl::StrCat(ToChecksumHex(address), " is already in ", existing->path.string()));
  }
  if (!absl::IsNotFound(existing.status())) return existing.status();
  std::error_code ec;
  fs::create_directories(path_, ec);
  if (ec) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot create keystore folder ", path_.string(), ": ", ec.message()));
  }
  // Only the owner may list the folder: file names reveal the addresses.
  ::chmod(path_.c_str(), 0700);
  auto json = EncryptKeystore(key, password, options);
  if (!json.ok()) return json.status();
  const fs::path file = path_ / KeystoreFileName(address);
  absl::Status written = WriteKeystoreFile(file, *json);
  if (!written.ok()) return written;
  return file;
}

absl::StatusOr<PrivateKey> KeystoreDir::Unlock(const Address& address,
                                               std::string_view password) const {
  auto entry = Find(address);
  if (!entry.ok()) return entry.status();
  auto json = ReadKeystoreFile(entry->path);
  if (!json.ok()) return json.status();
  return DecryptKeystore(*json, password);
}

std::string KeystoreFileName(const Address& address) {
  const auto now = std::chrono::system_clock::now();
  const auto since_epoch = now.time_since_epoch();
  const std::time_t seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count();
  const long nanos = static_cast<long>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count() % 1'000'000'000);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  return absl::StrFormat("UTC--%04d-%02d-%02dT%02d-%02d-%02d.%09dZ--%s", utc.tm_year + 1900,
                         utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, nanos,
                         ToHex(address.view(), false));
}

}  // namespace theta::wallet
