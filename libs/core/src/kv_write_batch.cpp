#include "theta/core/kv_store.hpp"

namespace theta {

void WriteBatch::Put(ByteView key, ByteView value) {
  ops_.push_back(
      Op{OpType::kPut, Bytes(key.begin(), key.end()), Bytes(value.begin(), value.end())});
  approximate_size_ += key.size() + value.size();
}

void WriteBatch::Put(Bytes&& key, Bytes&& value) {
  approximate_size_ += key.size() + value.size();
  ops_.push_back(Op{OpType::kPut, std::move(key), std::move(value)});
}

void WriteBatch::Delete(ByteView key) {
  ops_.push_back(Op{OpType::kDelete, Bytes(key.begin(), key.end()), {}});
  approximate_size_ += key.size();
}

void WriteBatch::Clear() noexcept {
  ops_.clear();
  approximate_size_ = 0;
}

}  // namespace theta
