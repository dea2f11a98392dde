// init-devnet (devnet.hpp).
#include "theta/node/devnet.hpp"

#include <sys/random.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "theta/core/secp256k1.hpp"
#include "theta/core/status.hpp"
#include "theta/core/uint256.hpp"
#include "theta/crypto/bls.hpp"
#include "theta/ledger/executor.hpp"

namespace theta::node {
namespace {

using Json = nlohmann::json;

const char* const kEther = "000000000000000000";  // 18 zeros: whole coins in wei

Bytes RandomBytes(size_t n) {
  Bytes out(n);
  size_t done = 0;
  while (done < n) {
    const ssize_t got = getrandom(out.data() + done, n - done, 0);
    if (got > 0) done += static_cast<size_t>(got);
  }
  return out;
}

PrivateKey RandomKey() {
  while (true) {
    absl::StatusOr<PrivateKey> key = PrivateKey::Generate();
    if (key.ok()) return *key;
  }
}

std::string AddressHex(const PrivateKey& key) {
  return ToHex(AddressFromPublicKey(key.DerivePublicKey()).view());
}

absl::Status WriteText(const std::filesystem::path& path, const std::string& text, bool secret) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", path.string()));
  if (secret)
    std::filesystem::permissions(
        path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  return absl::OkStatus();
}

struct NodeFiles {
  std::string name;
  std::string role;
  uint16_t p2p = 0, rpc = 0, eth_rpc = 0;
};

absl::Status CheckOptions(const DevnetOptions& o) {
  if (o.validators < 1 || o.validators > 31)
    return absl::InvalidArgumentError("init-devnet: --validators must be in [1, 31]");
  if (o.guardians > 1000 || o.edges > 1000 || o.accounts > 100000)
    return absl::InvalidArgumentError(
        "init-devnet: at most 1000 guardians, 1000 edges and 100000 accounts");
  const size_t nodes = o.validators + o.guardians;
  for (uint16_t base : {o.p2p_port, o.rpc_port, o.eth_rpc_port}) {
    if (base == 0 || base + nodes > 65535)
      return absl::InvalidArgumentError("init-devnet: a base port leaves no room for every node");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::filesystem::path> InitDevnet(const DevnetOptions& o) {
  THETA_RETURN_IF_ERROR(CheckOptions(o));
  const std::filesystem::path summary_path = o.dir / "devnet.json";
  if (std::filesystem::exists(summary_path) && !o.overwrite)
    return absl::AlreadyExistsError(absl::StrCat(
        "init-devnet: ", o.dir.string(), " already holds a devnet (use --force to replace)"));
  std::error_code error;
  if (std::filesystem::exists(summary_path)) std::filesystem::remove_all(o.dir, error);
  std::filesystem::create_directories(o.dir, error);
  if (error) return absl::UnavailableError(absl::StrCat("cannot create ", o.dir.string()));

  Json genesis = {{"chain_id", o.chain_id},
                  {"accounts", Json::array()},
                  {"validators", Json::array()},
                  {"guardians", Json::array()}};
  if (o.epoch_length > 0) genesis["epoch_length"] = o.epoch_length;
  Json summary = {
      {"chain_id", o.chain_id},
      {"eth_chain_id", ledger::EvmChainId(o.chain_id, ledger::kAllForksHeight).limbs()[0]},
      {"nodes", Json::array()},
      {"accounts", Json::array()},
      {"edges", Json::array()}};
  auto fund = [&](const std::string& address, const std::string& theta, const std::string& tfuel) {
    auto wei = [](const std::string& coins) { return coins == "0" ? coins : coins + kEther; };
    genesis["accounts"].push_back(
        {{"address", address}, {"theta", wei(theta)}, {"tfuel", wei(tfuel)}});
  };
  for (size_t i = 0; i < o.accounts; ++i) {
    const PrivateKey key = RandomKey();
    fund(AddressHex(key), "1000000000", "1000000000");
    summary["accounts"].push_back(
        {{"address", AddressHex(key)}, {"private_key", ToHex(key.bytes())}});
  }
  std::vector<NodeFiles> nodes;
  const size_t total = o.validators + o.guardians;
  for (size_t i = 0; i < total; ++i) {
    const bool validator = i < o.validators;
    NodeFiles node{
        validator ? absl::StrCat("validator", i) : absl::StrCat("guardian", i - o.validators),
        validator ? "validator" : "guardian", static_cast<uint16_t>(o.p2p_port + i),
        static_cast<uint16_t>(o.rpc_port + i), static_cast<uint16_t>(o.eth_rpc_port + i)};
    const std::filesystem::path folder = o.dir / node.name;
    std::filesystem::create_directories(folder, error);
    if (error) return absl::UnavailableError(absl::StrCat("cannot create ", folder.string()));
    const PrivateKey key = RandomKey();
    const std::string address = AddressHex(key);
    THETA_RETURN_IF_ERROR(WriteText(folder / "account.key", ToHex(key.bytes()) + "\n", true));
    fund(address, "0", "10000");
    Json config = {
        {"role", node.role},
        {"chain_id", o.chain_id},
        {"genesis", "../genesis.json"},
        {"key_file", "account.key"},
        {"p2p", {{"listen", absl::StrCat("127.0.0.1:", node.p2p)}, {"seeds", Json::array()}}},
        {"rpc", {{"listen", absl::StrCat("127.0.0.1:", node.rpc)}}},
        {"eth_rpc", {{"listen", absl::StrCat("127.0.0.1:", node.eth_rpc)}}},
        {"log_level", "info"}};
    // Everyone dials the validators; small devnets are a full mesh through peer exchange.
    for (size_t v = 0; v < o.validators; ++v) {
      if (v != i) config["p2p"]["seeds"].push_back(absl::StrCat("127.0.0.1:", o.p2p_port + v));
    }
    if (validator) {
      genesis["validators"].push_back(
          {{"holder", address}, {"source", address}, {"amount", std::string("10000000") + kEther}});
    } else {
      absl::StatusOr<crypto::bls::SecretKey> bls = crypto::bls::KeyGen(RandomBytes(32));
      if (!bls.ok()) return bls.status();
      const auto bls_bytes = bls->ToBytes();
      THETA_RETURN_IF_ERROR(WriteText(
          folder / "bls.key", ToHex(ByteView(bls_bytes.data(), bls_bytes.size())) + "\n", true));
      const auto pub = crypto::bls::SkToPk(*bls).ToBytes();
      genesis["guardians"].push_back({{"holder", address},
                                      {"source", address},
                                      {"amount", std::string("1000") + kEther},
                                      {"bls_pubkey", ToHex(ByteView(pub.data(), pub.size()))}});
      config["bls_key_file"] = "bls.key";
    }
    THETA_RETURN_IF_ERROR(WriteText(folder / "config.json", config.dump(2) + "\n", false));
    summary["nodes"].push_back({{"name", node.name},
                                {"role", node.role},
                                {"address", address},
                                {"config", (folder / "config.json").string()},
                                {"p2p", node.p2p},
                                {"rpc", node.rpc},
                                {"eth_rpc", node.eth_rpc}});
  }
  for (size_t i = 0; i < o.edges; ++i) {
    const std::filesystem::path folder = o.dir / absl::StrCat("edge", i);
    std::filesystem::create_directories(folder, error);
    const PrivateKey key = RandomKey();
    THETA_RETURN_IF_ERROR(WriteText(folder / "edge.key", ToHex(key.bytes()) + "\n", true));
    fund(AddressHex(key), "0", "1000000");
    summary["edges"].push_back({{"name", absl::StrCat("edge", i)},
                                {"address", AddressHex(key)},
                                {"private_key", ToHex(key.bytes())}});
  }
  THETA_RETURN_IF_ERROR(WriteText(o.dir / "genesis.json", genesis.dump(2) + "\n", false));
  THETA_RETURN_IF_ERROR(WriteText(summary_path, summary.dump(2) + "\n", true));
  return summary_path;
}

}  // namespace theta::node
