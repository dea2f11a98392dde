// The wallet's keystore folder: one Web3 Secret Storage v3 file per account, named as geth names
// them ("UTC--2026-12-05T23-48-56.123456789Z--<40 hex digits of the address>"), so a geth
// keystore folder can be used as is and ours can be copied into geth's.
//
// The folder is created with mode 0700 and files are written 0600, atomically (theta-core's
// WriteKeystoreFile: temporary file, fsync, rename, folder fsync). Listing reads only the
// "address" field of each file; nothing is decrypted until a key is needed. Files that are not
// keystores (no readable address) are skipped, and reported by List so a user can see them.
//
// Not thread-safe against concurrent writers of the same folder from other processes beyond what
// the atomic rename gives: two wallets adding the same key at once each write their own file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "theta/core/address.hpp"
#include "theta/core/keystore.hpp"
#include "theta/core/secp256k1.hpp"

namespace theta::wallet {

struct KeystoreEntry {
  Address address;
  std::filesystem::path path;
};

struct KeystoreListing {
  std::vector<KeystoreEntry> entries;  // sorted by file name (creation time for our files)
  std::vector<std::string> skipped;    // "<file>: <why>" for files that are not keystores
};

class KeystoreDir {
 public:
  // The folder at `path`; nothing is touched until a method needs it.
  explicit KeystoreDir(std::filesystem::path path) : path_(std::move(path)) {}

  // ~/.theta-wallet/keystore ($HOME must be set); FailedPrecondition otherwise.
  static absl::StatusOr<std::filesystem::path> DefaultPath();

  const std::filesystem::path& path() const { return path_; }

  // Every keystore in the folder. An absent folder lists as empty; Internal / PermissionDenied
  // when it cannot be read.
  absl::StatusOr<KeystoreListing> List() const;

  // The file holding `address`. NotFound "no key for 0x… in <folder>" when there is none;
  // FailedPrecondition when two files claim the address (the user must remove one).
  absl::StatusOr<KeystoreEntry> Find(const Address& address) const;

  // Encrypts `key` under `password` and writes a new file (creating the folder 0700 when absent).
  // AlreadyExists "0x… is already in <file>" when the folder holds the address; the errors of
  // EncryptKeystore and WriteKeystoreFile otherwise. Returns the new file's path.
  absl::StatusOr<std::filesystem::path> Add(const PrivateKey& key, std::string_view password,
                                            const KeystoreEncryptOptions& options) const;

  // Reads and decrypts the key of `address`. Find's errors, then DecryptKeystore's (InvalidArgument
  // "keystore: wrong password (MAC mismatch)" for a wrong password).
  absl::StatusOr<PrivateKey> Unlock(const Address& address, std::string_view password) const;

 private:
  std::filesystem::path path_;
};

// geth's file name for a key created now: "UTC--<ISO time with '-' for ':'>--<address hex>".
std::string KeystoreFileName(const Address& address);

}  // namespace theta::wallet
