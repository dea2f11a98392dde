#include "theta/wallet/secret.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace theta::wallet {
namespace {

// Closes a descriptor on every path out.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// Reads up to a newline (not included) or the end; false when the secret overflows.
absl::Status ReadLine(int fd, Secret& out, bool stop_at_newline, std::string_view what) {
  char c;
  for (;;) {
    const ssize_t n = ::read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      return absl::InternalError(absl::StrCat(std::string(what), ": ", std::strerror(errno)));
    if (n == 0 || (stop_at_newline && c == '\n')) return absl::OkStatus();
    if (!out.Push(c)) {
      return absl::InvalidArgumentError(
          absl::StrCat(std::string(what), ": longer than ", Secret::kMaxSize, " bytes"));
    }
  }
}

}  // namespace

Secret::Secret() {
  value_.reserve(kMaxSize);
}
Secret::Secret(std::string_view text) : Secret() {
  value_.append(text.substr(0, kMaxSize));
}
Secret::Secret(Secret&& other) noexcept : Secret() {
  value_.append(other.value_);
  other.Wipe();
}
Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    Wipe();
    value_.append(other.value_);
    other.Wipe();
  }
  return *this;
}
Secret::~Secret() {
  Wipe();
}
void Secret::Wipe() {
  if (!value_.empty()) sodium_memzero(value_.data(), value_.size());
  value_.clear();
}
bool Secret::Push(char c) {
  if (value_.size() >= kMaxSize) return false;
  value_.push_back(c);
  return true;
}

absl::StatusOr<Secret> ReadSecretFile(const std::filesystem::path& path) {
  const std::string what = path.string();
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    const std::string text = absl::StrCat(what, ": ", std::strerror(errno));
    if (errno == ENOENT) return absl::NotFoundError(text);
    if (errno == EACCES) return absl::PermissionDeniedError(text);
    return absl::InternalError(text);
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": not a regular file"));
  }
  Secret secret;
  absl::Status read = ReadLine(fd.get(), secret, /*stop_at_newline=*/false, what);
  if (!read.ok()) return read;
  // Drop one trailing newline: "echo secret > file" must give "secret".
  std::string_view text = secret.view();
  size_t keep = text.size();
  if (keep > 0 && text[keep - 1] == '\n') --keep;
  if (keep > 0 && text[keep - 1] == '\r') --keep;
  if (keep == text.size()) return secret;
  return Secret(text.substr(0, keep));
}

absl::StatusOr<Secret> PromptSecret(std::string_view prompt) {
  Fd tty(::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY));
  if (tty.get() < 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no terminal to ask for ", std::string(prompt),
        " on: use --password-file FILE or the THETA_WALLET_PASSWORD environment variable"));
  }
  struct termios saved {};
  const bool is_tty = ::tcgetattr(tty.get(), &saved) == 0;
  if (is_tty) {
    struct termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    ::tcsetattr(tty.get(), TCSAFLUSH, &quiet);
  }
  const std::string question = absl::StrCat(std::string(prompt), ": ");
  (void)!::write(tty.get(), question.data(), question.size());
  Secret secret;
  absl::Status read = ReadLine(tty.get(), secret, /*stop_at_newline=*/true, "terminal");
  if (is_tty) ::tcsetattr(tty.get(), TCSAFLUSH, &saved);
  if (!read.ok()) return read;
  return secret;
}

absl::StatusOr<bool> Confirm(std::string_view question) {
  Fd tty(::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY));
  if (tty.get() < 0) {
    return absl::FailedPreconditionError(
        "no terminal to confirm on: review the transaction with --dry-run and pass --yes");
  }
  const std::string text = absl::StrCat(std::string(question), " [y/N] ");
  (void)!::write(tty.get(), text.data(), text.size());
  Secret answer;
  absl::Status read = ReadLine(tty.get(), answer, /*stop_at_newline=*/true, "terminal");
  if (!read.ok()) return read;
  return answer.view() == "y" || answer.view() == "Y" || answer.view() == "yes";
}

}  // namespace theta::wallet
