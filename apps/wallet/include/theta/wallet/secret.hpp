// Secrets the wallet reads from people and files (passwords, private keys, mnemonics): held in a
// buffer that is wiped (sodium_memzero) when it goes away, read without echo from the terminal or
// from a file, never from the command line (argv is visible to every user through /proc).
//
// A Secret reserves its capacity up front so that appending never reallocates and leaves an
// unwiped copy behind. Not thread-safe; move-only.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace theta::wallet {

class Secret {
 public:
  static constexpr size_t kMaxSize = 4096;

  Secret();
  explicit Secret(std::string_view text);
  Secret(Secret&& other) noexcept;
  Secret& operator=(Secret&& other) noexcept;
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  ~Secret();

  std::string_view view() const { return value_; }
  bool empty() const { return value_.empty(); }
  // Appends one character; false when the secret is full (kMaxSize).
  bool Push(char c);

 private:
  void Wipe();
  std::string value_;
};

// The content of `path` without one trailing "\n" or "\r\n" (as `echo pw > file` leaves it).
// NotFound / PermissionDenied / InvalidArgument (over Secret::kMaxSize, or not a regular file).
absl::StatusOr<Secret> ReadSecretFile(const std::filesystem::path& path);

// Asks on the controlling terminal (/dev/tty) with echo off and reads one line. FailedPrecondition
// "no terminal to ask for <what> on: use --password-file or THETA_WALLET_PASSWORD" when there is
// none (scripts, CI).
absl::StatusOr<Secret> PromptSecret(std::string_view prompt);

// Asks a yes/no question on the terminal; false for anything but "y"/"yes". FailedPrecondition
// when there is no terminal (the caller should suggest --yes).
absl::StatusOr<bool> Confirm(std::string_view question);

}  // namespace theta::wallet
