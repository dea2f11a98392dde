// What every theta-wallet command shares: its parsed options, the keystore folder, where the
// password comes from, the node, and output in text or JSON.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "args.hpp"
#include "nlohmann/json.hpp"
#include "theta/core/address.hpp"
#include "theta/core/keystore.hpp"
#include "theta/core/secp256k1.hpp"
#include "theta/wallet/keystore_dir.hpp"
#include "theta/wallet/node_client.hpp"
#include "theta/wallet/secret.hpp"

namespace theta::wallet::cli {

using Json = nlohmann::json;

inline constexpr const char* kDefaultNodeUrl = "http://127.0.0.1:16888/rpc";
inline constexpr const char* kPasswordEnv = "THETA_WALLET_PASSWORD";
inline constexpr const char* kNodeEnv = "THETA_WALLET_NODE";

class Context {
 public:
  Context(Args args, std::ostream& out, std::ostream& err, bool offline)
      : args_(std::move(args)), out_(out), err_(err), offline_(offline) {}

  const Args& args() const { return args_; }
  bool json() const { return args_.Has("json"); }
  bool yes() const { return args_.Has("yes"); }
  // True under `theta-wallet sign ...`: build and sign only, never talk to a node.
  bool offline() const { return offline_; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }

  absl::StatusOr<KeystoreDir> Keystore() const;
  // The wallet password: --password-file, else $THETA_WALLET_PASSWORD, else a prompt (asked twice
  // when `is_new`, so a typo does not lock the key away).
  absl::StatusOr<Secret> Password(std::string_view prompt, bool is_new) const;
  // Decrypts the key of `address` with the wallet password.
  absl::StatusOr<PrivateKey> Unlock(const Address& address) const;
  // scrypt parameters for new files: geth's standard, or its light preset with --light-kdf.
  KeystoreEncryptOptions EncryptOptions() const;
  // The node at --node, else $THETA_WALLET_NODE, else kDefaultNodeUrl; FailedPrecondition under
  // `sign`.
  absl::StatusOr<NodeClient> Node() const;

  // The address in option `name` (required), or InvalidArgument "--name: ...".
  absl::StatusOr<Address> AddressOption(const std::string& name) const;
  // --from, or the only key in the keystore when there is exactly one.
  absl::StatusOr<Address> From() const;
  // A required option's value.
  absl::StatusOr<std::string> Required(const std::string& name) const;

  // Prints `json` under --json, else `text`.
  void Emit(const Json& json, const std::string& text);
  // Shows `what` and asks to go on, unless --yes. Cancelled when the user says no.
  absl::Status ConfirmOrYes(const Json& what, std::string_view question);

 private:
  Args args_;
  std::ostream& out_;
  std::ostream& err_;
  bool offline_;
};

struct Command {
  std::string name;     // "stake deposit"
  std::string args;     // positional arguments, for the usage line
  std::string summary;  // one line
  std::vector<OptionSpec> options;
  std::string example;
  std::function<absl::Status(Context&)> run;
  bool signs_tx = false;  // also available as `theta-wallet sign <name>`
};

std::vector<Command> KeyCommands();
std::vector<Command> TxCommands();
std::vector<Command> QueryCommands();

// Options every command takes.
const std::vector<OptionSpec>& GlobalOptions();

// Renders rows as a left-aligned text table with a header row.
std::string Table(const std::vector<std::string>& header,
                  const std::vector<std::vector<std::string>>& rows);

}  // namespace theta::wallet::cli
