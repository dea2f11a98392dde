// Blocks, transactions, receipts and logs in the JSON form of geth's RPC, with the fields ethers
// v6 requires (eth_internal.hpp). Roots and blooms are computed as Ethereum computes them over
// what the block holds, so that tools which check them agree.
#include "absl/strings/str_cat.h"
#include "eth_internal.hpp"
#include "theta/core/hash.hpp"
#include "theta/core/rlp.hpp"
#include "theta/core/status.hpp"
#include "theta/core/trie.hpp"

namespace theta::node::eth {
namespace {

// keccak256(RLP([])): the uncles hash of a block without uncles.
constexpr std::string_view kEmptyUnclesHash =
    "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347";

uint64_t GasLimit() {
  return ledger::MaximumGasLimit(ledger::kAllForksHeight);  // Theta has no block gas limit
}

Bloom ReceiptBloom(const ledger::TxReceipt& receipt) {
  Bloom bloom{};
  ledger::BloomAddLogs(bloom, receipt.logs);
  return bloom;
}

uint64_t CumulativeGas(const std::vector<ledger::StoredReceipt>& receipts, uint32_t index) {
  uint64_t gas = 0;
  for (uint32_t i = 0; i <= index && i < receipts.size(); ++i)
    gas += receipts[i].receipt.gas_used;
  return gas;
}

// The root of the ordered trie Ethereum builds over a block's items (key RLP(index), unhashed).
Hash32 OrderedRoot(const std::vector<Bytes>& items) {
  Trie trie;
  for (size_t i = 0; i < items.size(); ++i) {
    absl::Status put = trie.Put(RlpEncodeUint(i), items[i]);
    (void)put;  // an in-memory trie with short keys cannot fail
  }
  return trie.RootHash();
}

// Ethereum's consensus encoding of a receipt: [status, cumulative gas, bloom, logs], prefixed by
// the tx type for typed txs.
Bytes EncodeEthReceipt(const ledger::TxReceipt& receipt, uint64_t cumulative, uint8_t type) {
  RlpWriter w;
  const Bloom bloom = ReceiptBloom(receipt);
  w.BeginList().AddUint(receipt.status == evm::StatusCode::kSuccess ? 1 : 0).AddUint(cumulative);
  w.AddBytes(bloom).BeginList();
  for (const evm::Log& log : receipt.logs) {
    w.BeginList().AddBytes(log.address.view()).BeginList();
    for (const Hash32& topic : log.topics)
      w.AddBytes(topic.view());
    w.EndList().AddBytes(log.data).EndList();
  }
  w.EndList().EndList();
  Bytes out = std::move(w).Finish();
  if (type != 0) out.insert(out.begin(), type);
  return out;
}

void AddSignature(const TxView& tx, Json& out) {
  out["r"] = Quantity(tx.r);
  out["s"] = Quantity(tx.s);
  out["v"] = Quantity(tx.v);
  if (tx.type != 0) out["yParity"] = Quantity(tx.v);
}

// The Ethereum type of a raw tx without recovering its sender: a Theta tx (whose first byte may
// well be 0x01 or 0x02, the RLP of its type id) is 0.
uint8_t RawTxType(const Bytes& raw) {
  if (raw.empty() || (raw[0] != 0x01 && raw[0] != 0x02)) return 0;
  return ledger::DecodeTx(raw).ok() ? 0 : raw[0];
}

}  // namespace

absl::StatusOr<std::vector<ledger::StoredReceipt>> BlockReceipts(const ChainService& chain,
                                                                 const BlockRecord& block) {
  std::vector<ledger::StoredReceipt> receipts;
  receipts.reserve(block.tx_hashes.size());
  for (const Hash32& hash : block.tx_hashes) {
    absl::StatusOr<ledger::StoredReceipt> receipt = chain.Receipt(hash);
    if (!receipt.ok())
      return absl::DataLossError(absl::StrCat("block ", block.height, ": no receipt for tx ",
                                              HashHex(hash), ": ",
                                              std::string(receipt.status().message())));
    receipts.push_back(std::move(*receipt));
  }
  return receipts;
}

Json TxJson(const TxView& tx, const BlockRecord& block, uint32_t index) {
  Json out = {{"hash", HashHex(tx.hash)},
              {"type", Quantity(uint64_t{tx.type})},
              {"blockHash", HashHex(block.hash)},
              {"blockNumber", Quantity(block.height)},
              {"transactionIndex", Quantity(uint64_t{index})},
              {"from", AddressHex(tx.from)},
              {"to", tx.to ? Json(AddressHex(*tx.to)) : Json()},
              {"value", Quantity(tx.value)},
              {"nonce", Quantity(tx.nonce)},
              {"gas", Quantity(tx.gas)},
              {"gasPrice", Quantity(tx.gas_price)},
              {"input", Data(tx.input)}};
  if (tx.chain_id) out["chainId"] = Quantity(*tx.chain_id);
  if (tx.type == 2) {
    out["maxFeePerGas"] = Quantity(tx.max_fee);
    out["maxPriorityFeePerGas"] = Quantity(tx.max_priority_fee);
  }
  if (tx.type != 0) {
    Json list = Json::array();
    for (const ledger::EthAccessTuple& t : tx.access_list) {
      Json keys = Json::array();
      for (const Hash32& key : t.storage_keys)
        keys.push_back(HashHex(key));
      list.push_back({{"address", AddressHex(t.address)}, {"storageKeys", std::move(keys)}});
    }
    out["accessList"] = std::move(list);
  }
  AddSignature(tx, out);
  return out;
}

Json LogJson(const evm::Log& log, const BlockRecord& block, uint32_t index, const Hash32& tx_hash,
             uint64_t log_index) {
  Json topics = Json::array();
  for (const Hash32& topic : log.topics)
    topics.push_back(HashHex(topic));
  return {{"address", AddressHex(log.address)},
          {"topics", std::move(topics)},
          {"data", Data(log.data)},
          {"blockNumber", Quantity(block.height)},
          {"blockHash", HashHex(block.hash)},
          {"transactionHash", HashHex(tx_hash)},
          {"transactionIndex", Quantity(uint64_t{index})},
          {"logIndex", Quantity(log_index)},
          {"removed", false}};
}

Json ReceiptJson(const TxView& tx, const BlockRecord& block,
                 const std::vector<ledger::StoredReceipt>& receipts, uint32_t index) {
  const ledger::TxReceipt& receipt = receipts.at(index).receipt;
  uint64_t log_index = 0;
  for (uint32_t i = 0; i < index; ++i)
    log_index += receipts[i].receipt.logs.size();
  Json logs = Json::array();
  for (const evm::Log& log : receipt.logs)
    logs.push_back(LogJson(log, block, index, tx.hash, log_index++));
  const bool create = !tx.to.has_value() && receipt.contract_address != Address{};
  return {{"transactionHash", HashHex(tx.hash)},
          {"transactionIndex", Quantity(uint64_t{index})},
          {"blockHash", HashHex(block.hash)},
          {"blockNumber", Quantity(block.height)},
          {"from", AddressHex(tx.from)},
          {"to", tx.to ? Json(AddressHex(*tx.to)) : Json()},
          {"cumulativeGasUsed", Quantity(CumulativeGas(receipts, index))},
          {"gasUsed", Quantity(receipt.gas_used)},
          {"effectiveGasPrice", Quantity(tx.gas_price)},
          {"contractAddress", create ? Json(AddressHex(receipt.contract_address)) : Json()},
          {"logs", std::move(logs)},
          {"logsBloom", Data(ReceiptBloom(receipt))},
          {"type", Quantity(uint64_t{tx.type})},
          {"status", Quantity(uint64_t{receipt.status == evm::StatusCode::kSuccess})}};
}

namespace {

struct HeaderFacts {
  Bloom bloom{};
  uint64_t gas_used = 0;
  Hash32 tx_root, receipts_root;
  uint64_t size = 0;
};

// Sizes as Ethereum's RLP [header, txs, uncles] would have them.
uint64_t BlockSize(const BlockRecord& block, const HeaderFacts& f) {
  RlpWriter w;
  w.BeginList().BeginList();
  w.AddBytes(block.parent.view()).AddBytes(Hash32().view()).AddBytes(block.proposer.view());
  w.AddBytes(block.state_root.view()).AddBytes(f.tx_root.view());
  w.AddBytes(f.receipts_root.view()).AddBytes(f.bloom).AddUint(0).AddUint(block.height);
  w.AddUint(GasLimit()).AddUint(f.gas_used).AddUint(static_cast<uint64_t>(block.timestamp));
  w.AddBytes({}).AddBytes(Hash32().view()).AddBytes(Bytes(8, 0)).AddUint(0);
  w.EndList().BeginList();
  for (const Bytes& tx : block.txs)
    w.AddBytes(tx);
  w.EndList().BeginList().EndList().EndList();
  return w.bytes().size();
}

HeaderFacts Facts(const BlockRecord& block, const std::vector<ledger::StoredReceipt>& receipts,
                  const std::vector<uint8_t>& types) {
  HeaderFacts f;
  std::vector<Bytes> encoded;
  for (size_t i = 0; i < receipts.size(); ++i) {
    const ledger::TxReceipt& r = receipts[i].receipt;
    ledger::BloomAddLogs(f.bloom, r.logs);
    f.gas_used += r.gas_used;
    encoded.push_back(EncodeEthReceipt(r, f.gas_used, i < types.size() ? types[i] : 0));
  }
  f.tx_root = OrderedRoot(block.txs);
  f.receipts_root = OrderedRoot(encoded);
  f.size = BlockSize(block, f);
  return f;
}

Json Header(const BlockRecord& block, const HeaderFacts& f) {
  const Hash32 zero;
  return {{"number", Quantity(block.height)},
          {"hash", HashHex(block.hash)},
          {"parentHash", HashHex(block.parent)},
          {"nonce", "0x0000000000000000"},
          {"mixHash", HashHex(zero)},
          {"sha3Uncles", kEmptyUnclesHash},
          {"logsBloom", Data(f.bloom)},
          {"transactionsRoot", HashHex(f.tx_root)},
          {"stateRoot", HashHex(block.state_root)},
          {"receiptsRoot", HashHex(f.receipts_root)},
          {"miner", AddressHex(block.proposer)},
          {"difficulty", "0x0"},
          {"totalDifficulty", "0x0"},
          {"extraData", "0x"},
          {"size", Quantity(f.size)},
          {"gasLimit", Quantity(GasLimit())},
          {"gasUsed", Quantity(f.gas_used)},
          {"timestamp", Quantity(static_cast<uint64_t>(block.timestamp))},
          {"baseFeePerGas", "0x0"}};
}

}  // namespace

Json HeaderJson(const BlockRecord& block, const std::vector<ledger::StoredReceipt>& receipts) {
  std::vector<uint8_t> types;
  for (const Bytes& raw : block.txs)
    types.push_back(RawTxType(raw));
  return Header(block, Facts(block, receipts, types));
}

absl::StatusOr<Json> BlockJson(const BlockRecord& block,
                               const std::vector<ledger::StoredReceipt>& receipts, bool full) {
  Json txs = Json::array();
  std::vector<uint8_t> types;
  for (uint32_t i = 0; i < block.txs.size(); ++i) {
    if (!full) {  // hashes only: no signature recovery needed
      types.push_back(RawTxType(block.txs[i]));
      txs.push_back(HashHex(block.tx_hashes.at(i)));
      continue;
    }
    absl::StatusOr<TxView> view = ViewTx(block.txs[i]);
    if (!view.ok())
      return absl::DataLossError(absl::StrCat("block ", block.height, " holds a tx that does not ",
                                              "decode: ", std::string(view.status().message())));
    types.push_back(view->type);
    txs.push_back(TxJson(*view, block, i));
  }
  Json out = Header(block, Facts(block, receipts, types));
  out["transactions"] = std::move(txs);
  out["uncles"] = Json::array();
  return out;
}

}  // namespace theta::node::eth
