// The @thetalabs/theta-js side of tests/ledger/thetajs_roundtrip_test.cpp (theta-js pinned in
// tests/package-lock.json). Builds and signs every transaction type theta-js supports, with keys,
// amounts and sequences drawn from a seeded generator (argv[2], default 1), and prints a JSON list:
//   {type, chainId, signer, privateKey, signBytes, raw, fields}
// `fields` repeats the inputs in decimal strings and lower-case hex so that the C++ side can check
// what its decoder reads. Amounts are decimal strings; addresses lower-case hex.
import thetajs from "@thetalabs/theta-js";
import { ethers } from "ethers";
import BigNumber from "bignumber.js";
import { seededRandom } from "./seeded_random.mjs";

const { transactions, constants } = thetajs;
BigNumber.config({ EXPONENTIAL_AT: 1e9 });

const { hex, below } = seededRandom(process.argv[2] ?? 1);
const key = () => hex(32);
const address = () => hex(20);
// An amount of wei with up to `digits` decimal digits (at least 1 wei).
const amount = (digits = 24) => {
  let s = String(1 + below(9));
  const len = below(digits);
  for (let i = 0; i < len; i++) s += String(below(10));
  return s;
};
const sequence = () => 1 + below(1000000);
const chainIds = ["mainnet", "testnet", "privatenet", "tsub360777"];
const chainId = () => chainIds[below(chainIds.length)];

function emit(out, tx, type, privateKey, chain, fields) {
  const signature = transactions.sign(chain, tx, privateKey);
  out.push({
    type,
    chainId: chain,
    signer: new ethers.Wallet(privateKey).address.toLowerCase(),
    privateKey,
    signBytes: tx.signBytes(chain),
    raw: "0x" + transactions.serialize(tx, signature),
    fields,
  });
}

const out = [];
for (let round = 0; round < 4; round++) {
  {  // Send: one input, one to three outputs
    const pk = key();
    const from = new ethers.Wallet(pk).address;
    const outputs = [];
    for (let i = 0, n = 1 + below(3); i < n; i++)
      outputs.push({ address: address(), thetaWei: new BigNumber(amount()), tfuelWei: new BigNumber(amount()) });
    const fee = amount(20);
    const seq = sequence();
    const tx = new transactions.SendTransaction({ from, outputs, gasPrice: new BigNumber(fee), sequence: seq });
    emit(out, tx, 2, pk, chainId(), {
      fee, sequence: seq,
      outputs: outputs.map((o) => ({ address: o.address, thetaWei: o.thetaWei.toFixed(), tfuelWei: o.tfuelWei.toFixed() })),
    });
  }
  {  // SmartContract: a call, or a creation when `to` is absent
    const pk = key();
    const create = round % 2 === 1;
    const to = create ? undefined : address();
    const value = round === 0 ? "0" : amount();
    const gasLimit = 21000 + below(20000000);
    const gasPrice = amount(16);
    const data = hex(below(64)).slice(2);
    const seq = sequence();
    const tx = new transactions.SmartContractTransaction({
      from: new ethers.Wallet(pk).address, to, gasLimit, gasPrice, data, value, sequence: seq });
    emit(out, tx, 7, pk, chainId(), {
      to: to ?? "0x0000000000000000000000000000000000000000", value, gasLimit, gasPrice,
      data: "0x" + data, sequence: seq });
  }
  {  // DepositStake: THETA to a validator or guardian
    const pk = key();
    const holder = address();
    const purpose = round % 2;
    const stake = amount(26);
    const fee = amount(20);
    const seq = sequence();
    const tx = new transactions.DepositStakeTransaction({
      source: new ethers.Wallet(pk).address, holder, purpose, amount: stake, gasPrice: fee, sequence: seq });
    emit(out, tx, 8, pk, chainId(), { holder, purpose, amount: stake, fee, sequence: seq });
  }
  {  // DepositStakeV2: THETA to a guardian, or TFUEL to an elite edge node, with the BLS summary
    const pk = key();
    const purpose = 1 + (round % 2);
    const summary = hex(229);
    const stake = amount(26);
    const fee = amount(20);
    const seq = sequence();
    const padded = purpose === constants.StakePurpose.StakeForEliteEdge ? summary + "00".repeat(32) : summary;
    const tx = new transactions.DepositStakeV2Transaction({
      source: new ethers.Wallet(pk).address, holderSummary: padded, purpose, amount: stake, gasPrice: fee, sequence: seq });
    emit(out, tx, 10, pk, chainId(), { summary, purpose, amount: stake, fee, sequence: seq });
  }
  {  // WithdrawStake
    const pk = key();
    const holder = address();
    const purpose = round % 3;
    const fee = amount(20);
    const seq = sequence();
    const tx = new transactions.WithdrawStakeTransaction({
      source: new ethers.Wallet(pk).address, holder, purpose, gasPrice: fee, sequence: seq });
    emit(out, tx, 9, pk, chainId(), { holder, purpose, fee, sequence: seq });
  }
  {  // StakeRewardDistribution, as theta-js builds it (type byte 10, a defect) and with type 11
    for (const fixed of [false, true]) {
      const pk = key();
      const beneficiary = address();
      const splitBasisPoint = round === 0 ? 0 : below(1001);
      const fee = amount(20);
      const seq = sequence();
      const tx = new transactions.StakeRewardDistributionTransaction({
        holder: new ethers.Wallet(pk).address, beneficiary, splitBasisPoint, gasPrice: fee, sequence: seq });
      if (fixed) tx.getType = () => constants.TxType.StakeRewardDistribution;
      emit(out, tx, fixed ? 11 : 10, pk, chainId(), { beneficiary, splitBasisPoint, fee, sequence: seq, stockType: !fixed });
    }
  }
}
process.stdout.write(JSON.stringify({ version: "0.0.86", txs: out }));
