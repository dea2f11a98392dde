"""Ready theta-wallet commands for a devnet's funded developer accounts (printed by scripts/devnet,
run as they are by the wallet end-to-end test)."""

import os
import shlex

PASSWORD = "devnet"  # the devnet keystore's password; these keys are public test keys anyway


def _write_secret(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text + "\n")


class WalletCommands:
    """Key files for the developer accounts under <data_dir>/keys and the commands that use them."""

    def __init__(self, devnet, wallet_bin, node_name=None):
        self.devnet = devnet
        self.wallet_bin = wallet_bin
        self.node = devnet.node(node_name) if node_name else devnet.nodes[0]
        self.keys_dir = os.path.join(devnet.data_dir, "keys")
        self.keystore_dir = os.path.join(devnet.data_dir, "wallet")
        self.password_file = os.path.join(self.keys_dir, "wallet-password")

    def key_file(self, index):
        return os.path.join(self.keys_dir, f"account{index}.key")

    def write_key_files(self):
        for i, account in enumerate(self.devnet.accounts):
            key = account["private_key"]
            _write_secret(self.key_file(i), key[2:] if key.startswith("0x") else key)
        _write_secret(self.password_file, PASSWORD)

    def _common(self):
        return [f"--keystore-dir={self.keystore_dir}", f"--password-file={self.password_file}"]

    def import_argv(self, index=0):
        return [self.wallet_bin, "import", f"--private-key-file={self.key_file(index)}",
                "--light-kdf", *self._common()]

    def send_argv(self, to_index=1, from_index=0, tfuel="10", theta=None, extra=()):
        accounts = self.devnet.accounts
        argv = [self.wallet_bin, "send", f"--node={self.node.rpc_url}",
                f"--from={accounts[from_index]['address']}", f"--to={accounts[to_index]['address']}"]
        if tfuel is not None:
            argv.append(f"--tfuel={tfuel}")
        if theta is not None:
            argv.append(f"--theta={theta}")
        return argv + ["--yes", *extra, *self._common()]

    def balance_argv(self, index=1, extra=()):
        return [self.wallet_bin, "balance", f"--node={self.node.rpc_url}", *extra,
                self.devnet.accounts[index]["address"]]

    def shell_env(self):
        """The shell variables docs/wallet.md's walkthrough of every command starts with, filled in
        for this devnet (the walkthrough's test runs it after exactly these lines)."""
        repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__)))))
        accounts = "; ".join(f"A{i}={a['address']}" for i, a in enumerate(self.devnet.accounts))
        validator = self.devnet.info["nodes"][0]["address"] if self.devnet.info else ""
        return "\n".join([
            f"export THETA_WALLET_PASSWORD={PASSWORD} THETA_WALLET_NODE={self.node.rpc_url}",
            f"D={shlex.quote(self.devnet.data_dir)}",
            accounts,
            f"V0={validator}",
            f"T={shlex.quote(os.path.join(repo, 'tests', 'integration', 'contracts'))}",
        ])

    def text(self):
        """The commands as a user would paste them."""
        if len(self.devnet.accounts) < 2:
            return ""
        return "\n".join(shlex.join(argv) for argv in
                         (self.import_argv(), self.send_argv(), self.balance_argv()))
