// The file half of keystore.hpp: atomic private writes and bounded reads, with POSIX calls because
// std::filesystem can neither fsync nor create a file with a given mode.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "theta/core/keystore.hpp"

namespace theta {
namespace {

absl::Status ErrnoError(int error, std::string_view what, const std::filesystem::path& path) {
  const std::string message = absl::StrCat("keystore: ", std::string(what), " \"", path.string(),
                                           "\": ", std::strerror(error));
  switch (error) {
    case ENOENT:
    case ENOTDIR:
      return absl::NotFoundError(message);
    case EACCES:
    case EPERM:
    case EROFS:
      return absl::PermissionDeniedError(message);
    default:
      return absl::InternalError(message);
  }
}

absl::Status WriteAll(int fd, std::string_view data, const std::filesystem::path& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(errno, "cannot write", path);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

// Makes the rename itself durable; a folder that cannot be opened for syncing (some network file
// systems) is not an error, since the file's own data is already on disk.
void SyncFolder(const std::filesystem::path& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// Writes, syncs and closes the temporary file; closes `fd` on every path.
absl::Status FillTemporary(int fd, std::string_view json, const std::filesystem::path& temp) {
  absl::Status status = absl::OkStatus();
  // mkstemp creates with 0600 & ~umask; fchmod makes it exactly 0600 whatever the umask.
  if (::fchmod(fd, S_IRUSR | S_IWUSR) != 0) status = ErrnoError(errno, "cannot chmod", temp);
  if (status.ok()) status = WriteAll(fd, json, temp);
  if (status.ok() && ::fsync(fd) != 0) status = ErrnoError(errno, "cannot fsync", temp);
  if (::close(fd) != 0 && status.ok()) status = ErrnoError(errno, "cannot close", temp);
  return status;
}

}  // namespace

absl::Status WriteKeystoreFile(const std::filesystem::path& path, std::string_view json) {
  if (!path.has_filename()) {
    return absl::InvalidArgumentError(
        absl::StrCat("keystore: path \"", path.string(), "\" does not name a file"));
  }
  const std::filesystem::path folder = path.has_parent_path() ? path.parent_path() : ".";
  // mkstemp needs a mutable, NUL-terminated template; the dot keeps the file out of listings.
  std::string pattern =
      (folder / absl::StrCat(".", path.filename().string(), ".tmp-XXXXXX")).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) return ErrnoError(errno, "cannot create a temporary file in", folder);
  const std::filesystem::path temp(name.data());

  absl::Status status = FillTemporary(fd, json, temp);
  if (status.ok() && ::rename(temp.c_str(), path.c_str()) != 0) {
    status = ErrnoError(errno, "cannot rename the temporary file onto", path);
  }
  if (!status.ok()) {
    ::unlink(temp.c_str());
    return status;
  }
  SyncFolder(folder);
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadKeystoreFile(const std::filesystem::path& path,
                                             const KeystoreLimits& limits) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError(errno, "cannot open", path);
  struct stat info;
  if (::fstat(fd, &info) != 0) {
    const int error = errno;
    ::close(fd);
    return ErrnoError(error, "cannot stat", path);
  }
  if (!S_ISREG(info.st_mode)) {
    ::close(fd);
    return absl::InvalidArgumentError(
        absl::StrCat("keystore: \"", path.string(), "\" is not a regular file"));
  }
  // Read one byte past the limit, so that a file that grew since fstat is still caught.
  std::string text(limits.max_json_bytes + 1, '\0');
  size_t filled = 0;
  while (filled < text.size()) {
    const ssize_t n = ::read(fd, text.data() + filled, text.size() - filled);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      return ErrnoError(error, "cannot read", path);
    }
    if (n == 0) break;
    filled += static_cast<size_t>(n);
  }
  ::close(fd);
  if (filled > limits.max_json_bytes) {
    return absl::InvalidArgumentError(absl::StrCat("keystore: file \"", path.string(),
                                                   "\" is larger than the limit of ",
                                                   limits.max_json_bytes, " bytes"));
  }
  text.resize(filled);
  return text;
}

}  // namespace theta
