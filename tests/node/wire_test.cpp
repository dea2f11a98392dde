// theta-node's peer wire forms beside consensus messages: envelopes, transaction batches, commit
// records and proofs. Strict decoding, exact round trips.
#include <catch2/catch.hpp>

#include "node_impl.hpp"
#include "record.hpp"
#include "theta/consensus/codec.hpp"

namespace theta::node {
namespace {

TEST_CASE("envelopes and transaction batches round-trip and refuse malformed input",
          "[node][wire]") {
  const Envelope envelope{3, kToAll, 77, Bytes{1, 2, 3}};
  auto back = DecodeEnvelope(EncodeEnvelope(envelope));
  REQUIRE(back.ok());
  CHECK(back->from == 3);
  CHECK(back->to == kToAll);
  CHECK(back->sequence == 77);
  CHECK(back->message == Bytes{1, 2, 3});
  CHECK(!DecodeEnvelope(Bytes{0xc0}).ok());
  CHECK(!DecodeEnvelope(Bytes{}).ok());

  const std::vector<Bytes> txs = {Bytes{0xaa}, Bytes(300, 0xbb)};
  auto batch = DecodeTxBatch(EncodeTxBatch(txs));
  REQUIRE(batch.ok());
  CHECK(*batch == txs);
  CHECK(!DecodeTxBatch(EncodeTxBatch({})).ok());         // empty
  CHECK(!DecodeTxBatch(EncodeTxBatch({Bytes{}})).ok());  // an empty transaction
  CHECK(!DecodeTxBatch(EncodeTxBatch(std::vector<Bytes>(2001, Bytes{1}))).ok());  // too many
}

TEST_CASE("commit records and proofs round-trip", "[node][wire]") {
  consensus::Block block;
  block.header.height = 9;
  block.header.round = 12;
  block.payload = Bytes{5, 6};
  block.hash = consensus::HeaderHash(block.header);
  consensus::QuorumCert qc;
  qc.round = 12;
  qc.height = 9;
  qc.block_hash = block.hash;
  BlockRecord record;
  REQUIRE(internal::DecodeRecord(internal::EncodeRecord(block, &qc), record).ok());
  CHECK(record.block.hash == block.hash);
  REQUIRE(record.qc.has_value());
  CHECK(*record.qc == qc);
  REQUIRE(internal::DecodeRecord(internal::EncodeRecord(block, nullptr), record).ok());
  CHECK(!record.qc.has_value());
  CHECK(!internal::DecodeRecord(Bytes{0xc0}, record).ok());

  CommitProof proof{block.header, qc};
  auto back = internal::DecodeCommitProof(internal::EncodeCommitProof(proof));
  REQUIRE(back.ok());
  CHECK(back->child == proof.child);
  CHECK(back->child_qc == qc);
  CHECK(!internal::DecodeCommitProof(Bytes{0x80}).ok());
  CHECK(back->suffix.empty());
  // An epoch's last block committed through a longer suffix: the extra headers travel too.
  consensus::BlockHeader above = block.header;
  above.round = 13;
  proof.suffix = {above, above};
  back = internal::DecodeCommitProof(internal::EncodeCommitProof(proof));
  REQUIRE(back.ok());
  REQUIRE(back->suffix.size() == 2);
  CHECK(back->suffix[1] == above);
  CHECK(back->top() == above);
}

}  // namespace
}  // namespace theta::node
