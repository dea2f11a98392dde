#include "context.hpp"

#include <cstdlib>
#include <ostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "theta/core/status.hpp"

namespace theta::wallet::cli {

const std::vector<OptionSpec>& GlobalOptions() {
  static const std::vector<OptionSpec> options = {
      {"keystore-dir", "DIR", "keystore folder (default ~/.theta-wallet/keystore)"},
      {"password-file", "FILE",
       "read the wallet password from FILE (else $THETA_WALLET_PASSWORD, "
       "else a prompt without echo)"},
      {"node", "URL",
       absl::StrCat("node RPC endpoint (default $", kNodeEnv, ", else ", kDefaultNodeUrl, ")")},
      {"json", "", "print JSON for scripts instead of tables"},
      {"yes", "", "do not ask for confirmation"},
      {"help", "", "show help"},
  };
  return options;
}

absl::StatusOr<KeystoreDir> Context::Keystore() const {
  if (auto dir = args_.Get("keystore-dir")) return KeystoreDir(*dir);
  THETA_ASSIGN_OR_RETURN(auto path, KeystoreDir::DefaultPath());
  return KeystoreDir(path);
}

absl::StatusOr<Secret> Context::Password(std::string_view prompt, bool is_new) const {
  if (auto file = args_.Get("password-file")) {
    auto secret = ReadSecretFile(*file);
    if (!secret.ok()) {
      return absl::Status(secret.status().code(),
                          absl::StrCat("--password-file: ", secret.status().message()));
    }
    return secret;
  }
  if (const char* env = std::getenv(kPasswordEnv); env != nullptr) return Secret(env);
  THETA_ASSIGN_OR_RETURN(Secret first, PromptSecret(prompt));
  if (!is_new) return first;
  THETA_ASSIGN_OR_RETURN(Secret again, PromptSecret("Repeat the password"));
  if (first.view() != again.view()) {
    return absl::InvalidArgumentError("the two passwords differ; nothing was written");
  }
  return first;
}

absl::StatusOr<PrivateKey> Context::Unlock(const Address& address) const {
  THETA_ASSIGN_OR_RETURN(KeystoreDir dir, Keystore());
  THETA_ASSIGN_OR_RETURN(KeystoreEntry entry, dir.Find(address));
  THETA_ASSIGN_OR_RETURN(Secret password,
                         Password(absl::StrCat("Password for ", ToChecksumHex(address)), false));
  THETA_ASSIGN_OR_RETURN(std::string json, ReadKeystoreFile(entry.path));
  auto key = DecryptKeystore(json, password.view());
  if (!key.ok() && absl::StrContains(key.status().message(), "wrong password")) {
    return absl::PermissionDeniedError(absl::StrCat("wrong password for ", ToChecksumHex(address),
                                                    " (", entry.path.string(), ")"));
  }
  return key;
}

KeystoreEncryptOptions Context::EncryptOptions() const {
  return args_.Has("light-kdf") ? KeystoreEncryptOptions::Light()
                                : KeystoreEncryptOptions::Standard();
}

absl::StatusOr<NodeClient> Context::Node() const {
  if (offline_) {
    return absl::FailedPreconditionError("`sign` works offline and never contacts a node");
  }
  std::string url = kDefaultNodeUrl;
  if (auto flag = args_.Get("node")) {
    url = *flag;
  } else if (const char* env = std::getenv(kNodeEnv); env != nullptr && *env != '\0') {
    url = env;
  }
  net::RpcClientOptions options;
  THETA_ASSIGN_OR_RETURN(net::RpcClient rpc, net::RpcClient::Create(url, options));
  return NodeClient(std::move(rpc));
}

absl::StatusOr<std::string> Context::Required(const std::string& name) const {
  auto value = args_.Get(name);
  if (!value) return absl::InvalidArgumentError(absl::StrCat("--", name, " is required"));
  return *value;
}

absl::StatusOr<Address> Context::AddressOption(const std::string& name) const {
  THETA_ASSIGN_OR_RETURN(std::string text, Required(name));
  auto address = ParseAddress(text);
  if (!address.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, ": ", address.status().message()));
  }
  return *address;
}

absl::StatusOr<Address> Context::From() const {
  if (args_.Has("from")) return AddressOption("from");
  THETA_ASSIGN_OR_RETURN(KeystoreDir dir, Keystore());
  THETA_ASSIGN_OR_RETURN(KeystoreListing listing, dir.List());
  if (listing.entries.size() == 1) return listing.entries.front().address;
  return absl::InvalidArgumentError(
      absl::StrCat("--from is required: the keystore ", dir.path().string(), " holds ",
                   listing.entries.size(), " keys (see `theta-wallet list`)"));
}

void Context::Emit(const Json& json, const std::string& text) {
  if (this->json()) {
    out_ << json.dump(2) << "\n";
  } else {
    out_ << text;
    if (!text.empty() && text.back() != '\n') out_ << "\n";
  }
}

absl::Status Context::ConfirmOrYes(const Json& what, std::string_view question) {
  if (yes()) return absl::OkStatus();
  // The description goes to stderr so that stdout stays clean for a raw tx or JSON.
  err_ << what.dump(2) << "\n";
  THETA_ASSIGN_OR_RETURN(bool go, Confirm(question));
  if (!go) return absl::CancelledError("cancelled; nothing was signed");
  return absl::OkStatus();
}

std::string Table(const std::vector<std::string>& header,
                  const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths(header.size());
  for (size_t i = 0; i < header.size(); ++i)
    widths[i] = header[i].size();
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i)
      widths[i] = std::max(widths[i], row[i].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (size_t i = 0; i < cells.size(); ++i) {
      absl::StrAppend(&text, cells[i]);
      if (i + 1 < cells.size())
        absl::StrAppend(&text, std::string(widths[i] + 2 - cells[i].size(), ' '));
    }
    return text + "\n";
  };
  std::string out = line(header);
  for (const auto& row : rows)
    out += line(row);
  return out;
}

}  // namespace theta::wallet::cli
