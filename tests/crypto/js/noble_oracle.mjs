// Oracle for tests/crypto/noble_differential_test.cpp: answers, with @noble/curves (pinned in
// tests/package.json), what BLS12-381 (minimal-pubkey-size, proof-of-possession ciphersuite) and
// BN254 compute for the request file named on the command line. Every answer is computed from
// the request alone; invalid encodings are answered with false/null, never with an exception.
import { readFileSync } from 'node:fs';
import { bls12_381 as bls } from '@noble/curves/bls12-381';
import { bn254 } from '@noble/curves/bn254';
import { bytesToHex, hexToBytes } from '@noble/curves/abstract/utils';

const DST = 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
const POP_DST = 'BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
const sigs = bls.longSignatures;
const hashMessage = (hex) => sigs.hash(hexToBytes(hex), DST);
const hashPop = (pkHex) => sigs.hash(hexToBytes(pkHex), POP_DST);
const attempt = (fn, fallback) => {
  try {
    return fn();
  } catch {
    return fallback;
  }
};

// KeyValidate for public keys (the identity is refused), plain subgroup decoding for signatures.
const decodeG1 = (hex) => {
  const p = bls.G1.ProjectivePoint.fromHex(hex);
  p.assertValidity();
  if (p.equals(bls.G1.ProjectivePoint.ZERO)) throw new Error('identity public key');
  return p;
};
const decodeG2 = (hex) => {
  const p = bls.G2.ProjectivePoint.fromHex(hex);
  p.assertValidity();
  return p;
};
const g2Hex = (p) => bytesToHex(p.toRawBytes(true));

function blsAnswers(req) {
  return {
    sign: (req.sign ?? []).map(({ sk, msg }) => ({
      pk: bytesToHex(bls.G1.ProjectivePoint.fromPrivateKey(hexToBytes(sk)).toRawBytes(true)),
      sig: g2Hex(sigs.sign(hashMessage(msg), sk)),
    })),
    verify: (req.verify ?? []).map(({ pk, msg, sig }) =>
      attempt(() => sigs.verify(decodeG2(sig), hashMessage(msg), decodeG1(pk)), false),
    ),
    aggregate: (req.aggregate ?? []).map(({ sigs: list, pks, msg }) => {
      const sum = sigs.aggregateSignatures(list.map(decodeG2));
      const fast = attempt(() => {
        const key = sigs.aggregatePublicKeys(pks.map(decodeG1));
        return sigs.verify(sum, hashMessage(msg), key);
      }, false);
      return { sig: g2Hex(sum), fast };
    }),
    // AggregateVerify (distinct messages): one pairing per (key, message) against the signature.
    aggregateVerify: (req.aggregateVerify ?? []).map(({ pks, msgs, sig }) =>
      attempt(
        () => sigs.verifyBatch(decodeG2(sig), msgs.map(hashMessage), pks.map(decodeG1)),
        false,
      ),
    ),
    // PopProve: a signature on the compressed public key under the PoP tag; PopVerify checks one.
    popProve: (req.popProve ?? []).map((sk) => {
      const pk = bytesToHex(bls.G1.ProjectivePoint.fromPrivateKey(hexToBytes(sk)).toRawBytes(true));
      return g2Hex(sigs.sign(hashPop(pk), sk));
    }),
    popVerify: (req.popVerify ?? []).map(({ pk, proof }) =>
      attempt(() => sigs.verify(decodeG2(proof), hashPop(pk), decodeG1(pk)), false),
    ),
    g1: (req.g1 ?? []).map((hex) => attempt(() => decodeG1(hex) !== null, false)),
    g2: (req.g2 ?? []).map((hex) => attempt(() => decodeG2(hex) !== null, false)),
  };
}

// BN254 with the EIP-196/197 encodings: 32-byte big-endian words, (0, 0) is infinity, G2 words
// are (x_im, x_re, y_im, y_re).
const { Fp, Fp2, Fp12 } = bn254.fields;
const word = (bytes, i) => BigInt('0x' + (bytesToHex(bytes.subarray(32 * i, 32 * i + 32)) || '0'));
const checkedFp = (v) => {
  if (v >= Fp.ORDER) throw new Error('coordinate >= p');
  return v;
};
function bnG1(bytes, at) {
  const x = checkedFp(word(bytes, at));
  const y = checkedFp(word(bytes, at + 1));
  if (x === 0n && y === 0n) return bn254.G1.ProjectivePoint.ZERO;
  const p = bn254.G1.ProjectivePoint.fromAffine({ x, y });
  p.assertValidity();
  return p;
}
function bnG2(bytes, at) {
  const w = [0, 1, 2, 3].map((k) => checkedFp(word(bytes, at + k)));
  if (w.every((v) => v === 0n)) return bn254.G2.ProjectivePoint.ZERO;
  const x = Fp2.fromBigTuple([w[1], w[0]]);
  const y = Fp2.fromBigTuple([w[3], w[2]]);
  const p = bn254.G2.ProjectivePoint.fromAffine({ x, y });
  p.assertValidity();
  return p;
}
const bnOut = (p) => {
  if (p.equals(bn254.G1.ProjectivePoint.ZERO)) return '00'.repeat(64);
  const a = p.toAffine();
  return a.x.toString(16).padStart(64, '0') + a.y.toString(16).padStart(64, '0');
};
const padded = (hex, size) => {
  const out = new Uint8Array(size);
  out.set(hexToBytes(hex).subarray(0, size));
  return out;
};

const g2Out = (q) => {
  const a = q.toAffine();
  const w = [a.x.c1, a.x.c0, a.y.c1, a.y.c0];
  return w.map((v) => v.toString(16).padStart(64, '0')).join('');
};
const g1Pos = (s) => bn254.G1.ProjectivePoint.BASE.multiply(s);
const g2Pos = (s) => bn254.G2.ProjectivePoint.BASE.multiply(s);

// Inputs the C++ side cannot build through the public API: e(aP, bQ)·e(-abP, Q) for the scalars
// it chose (a product equal to one), and points on the twist outside the order-r subgroup.
function bnGenerated(req) {
  const n = bn254.G1.CURVE.n;
  const pairs = (req.pairs ?? []).map(({ a, b }) => {
    const [x, y] = [BigInt('0x' + a) % n || 1n, BigInt('0x' + b) % n || 1n];
    const ab = (x * y) % n;
    return bnOut(g1Pos(x)) + g2Out(g2Pos(y)) + bnOut(g1Pos(n - ab)) + g2Out(g2Pos(1n));
  });
  const twist = [];
  for (let c = 1n; twist.length < (req.twist ?? 0); c++) {
    const x = Fp2.fromBigTuple([c, 1n]);
    const rhs = Fp2.add(Fp2.mul(Fp2.sqr(x), x), bn254.G2.CURVE.b);
    const y = attempt(() => Fp2.sqrt(rhs), null);
    if (y === null || !Fp2.eql(Fp2.sqr(y), rhs)) continue;
    const w = [x.c1, x.c0, y.c1, y.c0];
    twist.push(w.map((v) => v.toString(16).padStart(64, '0')).join(''));
  }
  return { pairs, twist };
}

function bnAnswers(req) {
  return {
    generated: bnGenerated(req.generate ?? {}),
    add: (req.add ?? []).map((hex) =>
      attempt(() => {
        const b = padded(hex, 128);
        return bnOut(bnG1(b, 0).add(bnG1(b, 2)));
      }, null),
    ),
    mul: (req.mul ?? []).map((hex) =>
      attempt(() => {
        const b = padded(hex, 96);
        const s = word(b, 2) % bn254.G1.CURVE.n;
        const p = bnG1(b, 0);
        return bnOut(s === 0n ? bn254.G1.ProjectivePoint.ZERO : p.multiplyUnsafe(s));
      }, null),
    ),
    pairing: (req.pairing ?? []).map((hex) =>
      attempt(() => {
        const b = hexToBytes(hex);
        if (b.length % 192 !== 0) return null;
        const pairs = [];
        for (let at = 0; at < b.length / 32; at += 6) {
          const g1 = bnG1(b, at);
          const g2 = bnG2(b, at + 2);
          if (!g1.equals(bn254.G1.ProjectivePoint.ZERO) && !g2.equals(bn254.G2.ProjectivePoint.ZERO))
            pairs.push({ g1, g2 });
        }
        if (pairs.length === 0) return true;
        return Fp12.eql(bn254.pairingBatch(pairs), Fp12.ONE);
      }, null),
    ),
  };
}

const request = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const version = JSON.parse(
  readFileSync(new URL('../../node_modules/@noble/curves/package.json', import.meta.url), 'utf8'),
).version;
process.stdout.write(
  JSON.stringify({ version, bls: blsAnswers(request.bls ?? {}), bn254: bnAnswers(request.bn254 ?? {}) }),
);
