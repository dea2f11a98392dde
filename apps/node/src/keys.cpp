// Loading a node's keys (node_impl.hpp): the account key (plain hex file or keystore), the
// guardian's BLS key and the peer identity, which is created on first start.
#include <sys/random.h>

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "node_impl.hpp"
#include "spdlog/spdlog.h"
#include "theta/core/keystore.hpp"
#include "theta/core/status.hpp"

namespace theta::node {
namespace {

absl::StatusOr<std::string> ReadTrimmed(const std::filesystem::path& path, std::string_view what) {
  std::ifstream in(path);
  if (!in)
    return absl::NotFoundError(
        absl::StrCat("cannot read the ", std::string(what), " file ", path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return std::string(absl::StripAsciiWhitespace(text.str()));
}

absl::StatusOr<Bytes> ReadHexFile(const std::filesystem::path& path, std::string_view what,
                                  size_t size) {
  THETA_ASSIGN_OR_RETURN(std::string text, ReadTrimmed(path, what));
  absl::StatusOr<Bytes> bytes = text.starts_with("0x") ? ParseHex(text) : ParseHexDigits(text);
  if (!bytes.ok() || bytes->size() != size)
    return absl::InvalidArgumentError(absl::StrCat(path.string(), ": the ", std::string(what),
                                                   " must be ", size, " bytes of hex"));
  return bytes;
}

absl::StatusOr<PrivateKey> LoadAccountKey(const NodeConfig& config, const Logger& log) {
  if (!config.keystore.empty()) {
    THETA_ASSIGN_OR_RETURN(std::string json, ReadKeystoreFile(config.keystore));
    THETA_ASSIGN_OR_RETURN(std::string password, ReadTrimmed(config.password_file, "password"));
    absl::StatusOr<PrivateKey> key = DecryptKeystore(json, password);
    if (!key.ok())
      return absl::InvalidArgumentError(
          absl::StrCat(config.keystore.string(), ": ", std::string(key.status().message())));
    return key;
  }
  THETA_ASSIGN_OR_RETURN(Bytes bytes, ReadHexFile(config.key_file, "account key", 32));
  log->warn(
      "the account key is read from the plain file {}: fine for a devnet, use an encrypted "
      "keystore (\"keystore\" + \"password_file\") for anything else",
      config.key_file.string());
  absl::StatusOr<PrivateKey> key = PrivateKey::FromBytes(bytes);
  if (!key.ok())
    return absl::InvalidArgumentError(
        absl::StrCat(config.key_file.string(), ": not a valid secp256k1 key"));
  return key;
}

absl::StatusOr<net::NodeKey> LoadOrCreateNodeKey(const std::filesystem::path& path,
                                                 const Logger& log) {
  if (!std::filesystem::exists(path)) {
    Bytes seed(net::NodeKey::kSeedSize);
    if (getrandom(seed.data(), seed.size(), 0) != static_cast<ssize_t>(seed.size()))
      return absl::UnavailableError("getrandom failed: cannot create the node key");
    std::ofstream out(path);
    out << ToHex(seed) << "\n";
    out.close();
    if (!out)
      return absl::UnavailableError(absl::StrCat("cannot write the node key ", path.string()));
    std::filesystem::permissions(
        path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    log->info("created the peer identity {}", path.string());
  }
  THETA_ASSIGN_OR_RETURN(Bytes seed, ReadHexFile(path, "node key", net::NodeKey::kSeedSize));
  return net::NodeKey::FromSeed(seed);
}

}  // namespace

absl::StatusOr<NodeKeys> LoadNodeKeys(const NodeConfig& config, const Logger& log) {
  NodeKeys keys;
  if (!config.key_file.empty() || !config.keystore.empty()) {
    THETA_ASSIGN_OR_RETURN(PrivateKey key, LoadAccountKey(config, log));
    keys.account = key;
  }
  if (!config.bls_key_file.empty()) {
    THETA_ASSIGN_OR_RETURN(Bytes bytes, ReadHexFile(config.bls_key_file, "BLS key", 32));
    absl::StatusOr<crypto::bls::SecretKey> bls = crypto::bls::SecretKey::FromBytes(bytes);
    if (!bls.ok())
      return absl::InvalidArgumentError(
          absl::StrCat(config.bls_key_file.string(), ": not a valid BLS12-381 secret key"));
    keys.bls = *bls;
  }
  THETA_ASSIGN_OR_RETURN(net::NodeKey node_key, LoadOrCreateNodeKey(config.node_key_file, log));
  keys.node = node_key;
  return keys;
}

}  // namespace theta::node
