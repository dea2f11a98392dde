// Key commands: new, import, list, export, address, and the guardian BLS key and summary.
#include <sodium.h>

#include <ostream>

#include "absl/strings/str_cat.h"
#include "context.hpp"
#include "theta/core/hd_wallet.hpp"
#include "theta/core/status.hpp"
#include "theta/crypto/bls.hpp"
#include "theta/wallet/amount.hpp"
#include "theta/wallet/guardian_summary.hpp"

namespace theta::wallet::cli {
namespace {

namespace bls = crypto::bls;
namespace fs = std::filesystem;

// "theta" -> m/44'/500'/0'/0/N, "ethereum" -> m/44'/60'/0'/0/N, else a literal path.
absl::StatusOr<std::string> DerivationPathOption(const Context& ctx) {
  const std::string path = ctx.args().Get("path").value_or("theta");
  uint64_t index = 0;
  if (auto text = ctx.args().Get("index")) {
    THETA_ASSIGN_OR_RETURN(index, ParseUint64(*text, "--index"));
  }
  if (index >= kHardened) return absl::InvalidArgumentError("--index must be below 2^31");
  if (path == "theta") return ThetaDerivationPath(static_cast<uint32_t>(index));
  if (path == "ethereum" || path == "eth")
    return EthereumDerivationPath(static_cast<uint32_t>(index));
  if (ctx.args().Has("index")) {
    return absl::InvalidArgumentError("--index goes with --path theta|ethereum, not a full path");
  }
  THETA_RETURN_IF_ERROR(ParseDerivationPath(path).status());
  return path;
}

// A secret from the file in option `file_option`, else a prompt.
absl::StatusOr<Secret> SecretOption(const Context& ctx, const std::string& file_option,
                                    std::string_view prompt) {
  if (auto file = ctx.args().Get(file_option)) {
    auto secret = ReadSecretFile(*file);
    if (!secret.ok()) {
      return absl::Status(secret.status().code(),
                          absl::StrCat("--", file_option, ": ", secret.status().message()));
    }
    return secret;
  }
  return PromptSecret(prompt);
}

absl::StatusOr<PrivateKey> KeyFromMnemonic(const Context& ctx, std::string_view mnemonic) {
  THETA_ASSIGN_OR_RETURN(std::string path, DerivationPathOption(ctx));
  Secret passphrase;
  if (ctx.args().Has("passphrase-file")) {
    THETA_ASSIGN_OR_RETURN(passphrase, SecretOption(ctx, "passphrase-file", ""));
  }
  THETA_ASSIGN_OR_RETURN(HdSeed seed, MnemonicToSeed(mnemonic, passphrase.view()));
  return DeriveAccount(seed, path);
}

absl::Status Store(Context& ctx, const PrivateKey& key, Json extra, std::string text_extra) {
  THETA_ASSIGN_OR_RETURN(KeystoreDir dir, ctx.Keystore());
  THETA_ASSIGN_OR_RETURN(Secret password, ctx.Password("New password for the key", true));
  THETA_ASSIGN_OR_RETURN(fs::path file, dir.Add(key, password.view(), ctx.EncryptOptions()));
  const Address address = AddressFromPublicKey(key.DerivePublicKey());
  extra["address"] = ToChecksumHex(address);
  extra["file"] = file.string();
  ctx.Emit(extra, absl::StrCat(text_extra, "address  ", ToChecksumHex(address), "\nkeystore ",
                               file.string(), "\n"));
  return absl::OkStatus();
}

absl::Status RunNew(Context& ctx) {
  if (!ctx.args().Has("mnemonic")) {
    THETA_ASSIGN_OR_RETURN(PrivateKey key, PrivateKey::Generate());
    return Store(ctx, key, Json::object(), "");
  }
  uint64_t words = 24;
  if (auto text = ctx.args().Get("words")) {
    THETA_ASSIGN_OR_RETURN(words, ParseUint64(*text, "--words"));
  }
  THETA_ASSIGN_OR_RETURN(std::string phrase, GenerateMnemonic(static_cast<int>(words)));
  Secret mnemonic(phrase);
  sodium_memzero(phrase.data(), phrase.size());
  THETA_ASSIGN_OR_RETURN(PrivateKey key, KeyFromMnemonic(ctx, mnemonic.view()));
  THETA_ASSIGN_OR_RETURN(std::string path, DerivationPathOption(ctx));
  return Store(ctx, key, Json{{"mnemonic", std::string(mnemonic.view())}, {"path", path}},
               absl::StrCat("mnemonic ", std::string(mnemonic.view()),
                            "\n         write these words down and keep them offline: they are the "
                            "key\npath     ",
                            path, "\n"));
}

absl::Status RunImport(Context& ctx) {
  const Args& a = ctx.args();
  const int sources = a.Has("private-key-file") + a.Has("private-key") + a.Has("mnemonic-file") +
                      a.Has("mnemonic") + a.Has("keystore-file");
  if (sources != 1) {
    return absl::InvalidArgumentError(
        "name exactly one source: --private-key-file, --private-key (prompt), --mnemonic-file, "
        "--mnemonic (prompt) or --keystore-file");
  }
  if (a.Has("private-key-file") || a.Has("private-key")) {
    THETA_ASSIGN_OR_RETURN(Secret hex, SecretOption(ctx, "private-key-file", "Private key (hex)"));
    std::string_view text = hex.view();
    while (!text.empty() && (text.back() == ' ' || text.back() == '\n'))
      text.remove_suffix(1);
    const bool prefixed = text.substr(0, 2) == "0x";
    auto key = PrivateKey::FromHex(prefixed ? Secret(text).view()
                                            : Secret(absl::StrCat("0x", std::string(text))).view());
    if (!key.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("private key: ", key.status().message()));
    }
    return Store(ctx, *key, Json::object(), "");
  }
  if (a.Has("mnemonic-file") || a.Has("mnemonic")) {
    THETA_ASSIGN_OR_RETURN(Secret mnemonic, SecretOption(ctx, "mnemonic-file", "Mnemonic"));
    THETA_ASSIGN_OR_RETURN(PrivateKey key, KeyFromMnemonic(ctx, mnemonic.view()));
    THETA_ASSIGN_OR_RETURN(std::string path, DerivationPathOption(ctx));
    return Store(ctx, key, Json{{"path", path}}, absl::StrCat("path     ", path, "\n"));
  }
  const std::string file = *a.Get("keystore-file");
  THETA_ASSIGN_OR_RETURN(std::string json, ReadKeystoreFile(file));
  Secret source_password;
  if (a.Has("keystore-password-file")) {
    THETA_ASSIGN_OR_RETURN(source_password, SecretOption(ctx, "keystore-password-file", ""));
  } else {
    THETA_ASSIGN_OR_RETURN(source_password,
                           ctx.Password(absl::StrCat("Password of ", file), false));
  }
  auto key = DecryptKeystore(json, source_password.view());
  if (!key.ok()) {
    return absl::Status(key.status().code(), absl::StrCat(file, ": ", key.status().message()));
  }
  return Store(ctx, *key, Json::object(), "");
}

absl::Status RunList(Context& ctx) {
  THETA_ASSIGN_OR_RETURN(KeystoreDir dir, ctx.Keystore());
  THETA_ASSIGN_OR_RETURN(KeystoreListing listing, dir.List());
  Json keys = Json::array();
  std::vector<std::vector<std::string>> rows;
  for (const KeystoreEntry& entry : listing.entries) {
    keys.push_back({{"address", ToChecksumHex(entry.address)}, {"file", entry.path.string()}});
    rows.push_back({ToChecksumHex(entry.address), entry.path.filename().string()});
  }
  for (const std::string& skipped : listing.skipped)
    ctx.err() << "skipped " << skipped << "\n";
  ctx.Emit(Json{{"keystore", dir.path().string()}, {"keys", keys}, {"skipped", listing.skipped}},
           rows.empty() ? absl::StrCat("no keys in ", dir.path().string(),
                                       " (create one with `theta-wallet new`)\n")
                        : Table({"ADDRESS", "FILE"}, rows));
  return absl::OkStatus();
}

absl::Status RunExport(Context& ctx) {
  if (ctx.args().positionals().size() != 1) return absl::InvalidArgumentError("name one ADDRESS");
  auto address = ParseAddress(ctx.args().positionals().front());
  if (!address.ok()) return address.status();
  THETA_ASSIGN_OR_RETURN(KeystoreDir dir, ctx.Keystore());
  THETA_ASSIGN_OR_RETURN(KeystoreEntry entry, dir.Find(*address));
  if (!ctx.args().Has("private-key")) {
    THETA_ASSIGN_OR_RETURN(std::string json, ReadKeystoreFile(entry.path));
    ctx.out() << json << (json.empty() || json.back() != '\n' ? "\n" : "");
    return absl::OkStatus();
  }
  THETA_ASSIGN_OR_RETURN(PrivateKey key, ctx.Unlock(*address));
  THETA_RETURN_IF_ERROR(ctx.ConfirmOrYes(
      Json{{"export", "private key in plain text"}, {"address", ToChecksumHex(*address)}},
      "Print the private key? Anyone who sees it owns the account."));
  Secret hex(ToHex(key.bytes()));
  ctx.Emit(Json{{"address", ToChecksumHex(*address)}, {"private_key", std::string(hex.view())}},
           std::string(hex.view()));
  return absl::OkStatus();
}

absl::Status RunAddress(Context& ctx) {
  const Args& a = ctx.args();
  if (a.Has("mnemonic-file") || a.Has("mnemonic")) {
    THETA_ASSIGN_OR_RETURN(Secret mnemonic, SecretOption(ctx, "mnemonic-file", "Mnemonic"));
    uint64_t count = 1;
    if (auto text = a.Get("count")) {
      THETA_ASSIGN_OR_RETURN(count, ParseUint64(*text, "--count"));
    }
    uint64_t first = 0;
    if (auto text = a.Get("index")) {
      THETA_ASSIGN_OR_RETURN(first, ParseUint64(*text, "--index"));
    }
    if (count == 0 || count > 1000 || first + count > kHardened) {
      return absl::InvalidArgumentError("--count must be 1..1000 and --index + --count below 2^31");
    }
    Secret passphrase;
    if (a.Has("passphrase-file")) {
      THETA_ASSIGN_OR_RETURN(passphrase, SecretOption(ctx, "passphrase-file", ""));
    }
    THETA_ASSIGN_OR_RETURN(HdSeed seed, MnemonicToSeed(mnemonic.view(), passphrase.view()));
    const std::string kind = a.Get("path").value_or("theta");
    if (kind != "theta" && kind != "ethereum" && kind != "eth") {
      return absl::InvalidArgumentError("--path for `address` is theta or ethereum");
    }
    Json list = Json::array();
    std::vector<std::vector<std::string>> rows;
    for (uint64_t i = first; i < first + count; ++i) {
      const std::string path = kind == "theta" ? ThetaDerivationPath(static_cast<uint32_t>(i))
                                               : EthereumDerivationPath(static_cast<uint32_t>(i));
      THETA_ASSIGN_OR_RETURN(PrivateKey key, DeriveAccount(seed, path));
      const std::string address = ToChecksumHex(AddressFromPublicKey(key.DerivePublicKey()));
      list.push_back({{"path", path}, {"address", address}});
      rows.push_back({path, address});
    }
    ctx.Emit(list, Table({"PATH", "ADDRESS"}, rows));
    return absl::OkStatus();
  }
  if (auto file = a.Get("keystore-file")) {
    THETA_ASSIGN_OR_RETURN(std::string json, ReadKeystoreFile(*file));
    THETA_ASSIGN_OR_RETURN(Address address, KeystoreAddress(json));
    ctx.Emit(Json{{"address", ToChecksumHex(address)}, {"verified", false}},
             ToChecksumHex(address));
    return absl::OkStatus();
  }
  if (a.positionals().size() != 1) {
    return absl::InvalidArgumentError("name an ADDRESS, --keystore-file or --mnemonic-file");
  }
  auto address = ParseAddress(a.positionals().front());
  if (!address.ok()) return address.status();
  THETA_ASSIGN_OR_RETURN(PrivateKey key, ctx.Unlock(*address));
  const PublicKey public_key = key.DerivePublicKey();
  ctx.Emit(Json{{"address", ToChecksumHex(*address)},
                {"public_key", ToHex(public_key.ToUncompressed().view())},
                {"verified", true}},
           absl::StrCat("address    ", ToChecksumHex(*address), "\npublic key ",
                        ToHex(public_key.ToUncompressed().view()), "\n"));
  return absl::OkStatus();
}

// A BLS secret key is a scalar below the BLS12-381 group order r < secp256k1's n, so the
// keystore format for secp256k1 keys holds it as is; the file is marked and has no address.
absl::Status RunGuardianNewBlsKey(Context& ctx) {
  THETA_ASSIGN_OR_RETURN(std::string out, ctx.Required("out"));
  if (fs::exists(out)) return absl::AlreadyExistsError(absl::StrCat(out, " exists; not replaced"));
  uint8_t random[32];
  randombytes_buf(random, sizeof(random));
  auto sk = bls::KeyGen(ByteView(random, sizeof(random)));
  sodium_memzero(random, sizeof(random));
  if (!sk.ok()) return sk.status();
  auto bytes = sk->ToBytes();
  auto as_key = PrivateKey::FromBytes(bytes);
  sodium_memzero(bytes.data(), bytes.size());
  if (!as_key.ok()) return absl::InternalError("BLS scalar is not storable");
  THETA_ASSIGN_OR_RETURN(Secret password, ctx.Password("New password for the BLS key", true));
  THETA_ASSIGN_OR_RETURN(std::string text,
                         EncryptKeystore(*as_key, password.view(), ctx.EncryptOptions()));
  Json json = Json::parse(text);
  json.erase("address");
  json["theta_key_type"] = "bls12-381";
  THETA_RETURN_IF_ERROR(WriteKeystoreFile(out, json.dump()));
  const std::string pubkey = ToHex(bls::SkToPk(*sk).ToBytes());
  ctx.Emit(Json{{"file", out}, {"bls_pubkey", pubkey}},
           absl::StrCat("bls key    ", out, "\nbls pubkey ", pubkey, "\n"));
  return absl::OkStatus();
}

absl::Status RunGuardianSummary(Context& ctx) {
  THETA_ASSIGN_OR_RETURN(Address holder, ctx.AddressOption("holder"));
  THETA_ASSIGN_OR_RETURN(std::string file, ctx.Required("bls-key"));
  THETA_ASSIGN_OR_RETURN(std::string text, ReadKeystoreFile(file));
  Json marker = Json::parse(text, nullptr, false);
  if (!marker.is_object() || marker.value("theta_key_type", "") != "bls12-381") {
    return absl::InvalidArgumentError(absl::StrCat(
        file, " is not a BLS key file (make one with `theta-wallet guardian new-bls-key`)"));
  }
  THETA_ASSIGN_OR_RETURN(PrivateKey holder_key, ctx.Unlock(holder));
  THETA_ASSIGN_OR_RETURN(Secret password, ctx.Password(absl::StrCat("Password of ", file), false));
  auto scalar = DecryptKeystore(text, password.view());
  if (!scalar.ok()) {
    return absl::PermissionDeniedError(absl::StrCat(file, ": ", scalar.status().message()));
  }
  THETA_ASSIGN_OR_RETURN(bls::SecretKey sk, bls::SecretKey::FromBytes(scalar->bytes()));
  const std::string summary = FormatHolderSummary(MakeHolderSummary(holder_key, sk));
  ctx.Emit(Json{{"holder", ToChecksumHex(holder)}, {"summary", summary}}, summary);
  return absl::OkStatus();
}

const OptionSpec kLightKdf{"light-kdf", "", "geth's light scrypt (N=2^12, fast, weaker) for tests"};
const OptionSpec kPathOption{"path", "PATH",
                             "theta (m/44'/500'/0'/0/N, default), ethereum (m/44'/60'/0'/0/N) or a "
                             "full path m/..."};
const OptionSpec kIndexOption{"index", "N", "account index N of the path (default 0)"};
const OptionSpec kPassphraseFile{"passphrase-file", "FILE", "BIP-39 passphrase (default none)"};

}  // namespace

std::vector<Command> KeyCommands() {
  return {
      {"new",
       "",
       "create a key (random, or from a fresh BIP-39 mnemonic) in the keystore",
       {{"mnemonic", "", "derive the key from a new mnemonic and print the words once"},
        {"words", "N", "mnemonic length: 12, 15, 18, 21 or 24 (default 24)"},
        kPathOption,
        kIndexOption,
        kLightKdf},
       "theta-wallet new --light-kdf",
       RunNew},
      {"import",
       "",
       "add a key from a private key, a mnemonic or an Ethereum keystore file",
       {{"private-key-file", "FILE", "hex private key in FILE"},
        {"private-key", "", "type the hex private key at a prompt"},
        {"mnemonic-file", "FILE", "BIP-39 mnemonic in FILE"},
        {"mnemonic", "", "type the mnemonic at a prompt"},
        kPathOption,
        kIndexOption,
        kPassphraseFile,
        {"keystore-file", "FILE", "a Web3 Secret Storage v3 file (geth, MetaMask, ethers)"},
        {"keystore-password-file", "FILE",
         "password of --keystore-file (default: the wallet password)"},
        kLightKdf},
       "theta-wallet import --mnemonic-file words.txt --index 1 --light-kdf",
       RunImport},
      {"list", "", "list the keys in the keystore", {}, "theta-wallet list", RunList},
      {"export",
       "ADDRESS",
       "print a key's keystore file, or with --private-key its hex key",
       {{"private-key", "", "print the private key in hex (asks for the password and a yes)"}},
       "theta-wallet export $A0 > account0.json",
       RunExport},
      {"address",
       "[ADDRESS]",
       "unlock ADDRESS to prove the password and show its public key, or show the addresses of a "
       "mnemonic or keystore file",
       {{"mnemonic-file", "FILE", "derive addresses from the mnemonic in FILE"},
        {"mnemonic", "", "type the mnemonic at a prompt"},
        {"path", "KIND", "theta (default) or ethereum"},
        {"index", "N", "first account index (default 0)"},
        {"count", "K", "how many addresses (default 1)"},
        kPassphraseFile,
        {"keystore-file", "FILE", "the address a keystore file claims (not decrypted)"}},
       "theta-wallet address --mnemonic-file words.txt --count 3",
       RunAddress},
      {"guardian new-bls-key",
       "",
       "create an encrypted BLS12-381 key file for a guardian or EEN",
       {{"out", "FILE", "where to write the key (must not exist)"}, kLightKdf},
       "theta-wallet guardian new-bls-key --out guardian-bls.json --light-kdf",
       RunGuardianNewBlsKey},
      {"guardian summary",
       "",
       "print the holder summary (address, BLS key, PoP, holder signature) that stake deposit "
       "--holder-summary takes",
       {{"holder", "ADDRESS", "the guardian's account (in the keystore)"},
        {"bls-key", "FILE", "the BLS key file (same password as the wallet)"}},
       "theta-wallet guardian summary --holder $A2 --bls-key guardian-bls.json",
       RunGuardianSummary},
  };
}

}  // namespace theta::wallet::cli
