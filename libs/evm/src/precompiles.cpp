#include "theta/evm/precompiles.hpp"

#include <gmp.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

#include "internal/bn254.hpp"
#include "theta/core/hash.hpp"
#include "theta/core/secp256k1.hpp"

namespace theta::evm {

namespace {

// The input read as if followed by infinitely many zero bytes (how every precompile pads).
class PaddedInput {
 public:
  explicit PaddedInput(ByteView input) : input_(input) {}
  // Copies bytes [offset, offset + out.size()) into out.
  void Read(uint64_t offset, std::span<uint8_t> out) const {
    std::fill(out.begin(), out.end(), 0);
    if (offset >= input_.size()) return;
    const size_t n = std::min<uint64_t>(out.size(), input_.size() - offset);
    std::memcpy(out.data(), input_.data() + offset, n);
  }
  uint256 Word(uint64_t offset) const {
    std::array<uint8_t, 32> w;
    Read(offset, w);
    return uint256::LoadBigEndian(w);
  }

 private:
  ByteView input_;
};

int64_t Words(size_t bytes) {
  return static_cast<int64_t>((bytes + 31) / 32);
}

ExecutionResult Fail(StatusCode status) {
  ExecutionResult r;
  r.status = status;
  return r;
}

ExecutionResult Success(int64_t gas_left, Bytes output) {
  ExecutionResult r;
  r.status = StatusCode::kSuccess;
  r.gas_left = gas_left;
  r.output = std::move(output);
  return r;
}

ExecutionResult Ecrecover(ByteView input, int64_t gas) {
  gas -= 3000;
  if (gas < 0) return Fail(StatusCode::kOutOfGas);
  const PaddedInput in(input);
  std::array<uint8_t, 128> buf;
  in.Read(0, buf);
  const uint256 v = in.Word(32);
  if (v != 27 && v != 28) return Success(gas, {});
  Hash32 digest, r, s;
  std::memcpy(digest.data(), buf.data(), 32);
  std::memcpy(r.data(), buf.data() + 64, 32);
  std::memcpy(s.data(), buf.data() + 96, 32);
  const Signature sig = Signature::FromParts(r, s, static_cast<uint8_t>(v.limb(0) - 27));
  absl::StatusOr<Address> address = RecoverAddress(digest, sig, {.require_low_s = false});
  if (!address.ok()) return Success(gas, {});
  Bytes out(32, 0);
  std::memcpy(out.data() + 12, address->data(), 20);
  return Success(gas, std::move(out));
}

ExecutionResult Sha256Precompile(ByteView input, int64_t gas) {
  gas -= 60 + 12 * Words(input.size());
  if (gas < 0) return Fail(StatusCode::kOutOfGas);
  const Hash32 h = Sha256(input);
  return Success(gas, Bytes(h.bytes.begin(), h.bytes.end()));
}

ExecutionResult Ripemd160Precompile(ByteView input, int64_t gas) {
  gas -= 600 + 120 * Words(input.size());
  if (gas < 0) return Fail(StatusCode::kOutOfGas);
  const FixedBytes<20> h = Ripemd160(input);
  Bytes out(32, 0);
  std::memcpy(out.data() + 12, h.data(), 20);
  return Success(gas, std::move(out));
}

ExecutionResult Identity(ByteView input, int64_t gas) {
  gas -= 15 + 3 * Words(input.size());
  if (gas < 0) return Fail(StatusCode::kOutOfGas);
  return Success(gas, Bytes(input.begin(), input.end()));
}

// --- modexp -----------------------------------------------------------------------------------

// The gas of modexp, or nullopt when it exceeds anything an int64 gas budget can pay. Lengths up to
// 2^64 keep every intermediate below 2^200, so uint256 arithmetic is exact.
std::optional<int64_t> ModexpGas(const PaddedInput& in, Revision rev) {
  const uint256 base_len = in.Word(0);
  const uint256 exp_len = in.Word(32);
  const uint256 mod_len = in.Word(64);
  const uint256 max_len = std::max(base_len, mod_len);
  const int64_t min_gas = rev >= Revision::kBerlin ? 200 : 0;
  if (max_len.IsZero()) return min_gas;  // the product below is zero whatever the exponent
  if (!max_len.FitsUint64() || !exp_len.FitsUint64() || max_len.limb(0) > (1ULL << 32)) {
    return std::nullopt;
  }
  // The exponent's leading 32 bytes (fewer when it is shorter) decide the iteration count.
  uint256 head;
  const uint64_t e = exp_len.limb(0);
  if (base_len.limb(0) <= (1ULL << 32)) {
    std::array<uint8_t, 32> w{};
    const size_t head_len = std::min<uint64_t>(e, 32);
    in.Read(96 + base_len.limb(0), std::span<uint8_t>(w.data() + 32 - head_len, head_len));
    head = uint256::LoadBigEndian(w);
  }
  const uint256 head_bits = BitLength(head) > 0 ? BitLength(head) - 1 : 0;
  uint256 iterations = e <= 32 ? head_bits : uint256{8} * (e - 32) + head_bits;
  if (iterations.IsZero()) iterations = 1;

  const uint64_t x = max_len.limb(0);
  uint256 gas;
  if (rev >= Revision::kBerlin) {
    const uint256 words = (x + 7) / 8;
    gas = words * words * iterations / 3;
  } else {
    const uint256 x2 = uint256{x} * x;
    uint256 complexity;
    if (x <= 64) {
      complexity = x2;
    } else if (x <= 1024) {
      complexity = x2 / 4 + uint256{96} * x - 3072;
    } else {
      complexity = x2 / 16 + uint256{480} * x - 199680;
    }
    gas = complexity * iterations / 20;
  }
  gas = std::max(gas, uint256{static_cast<uint64_t>(min_gas)});
  if (gas > uint256{static_cast<uint64_t>(INT64_MAX)}) return std::nullopt;
  return static_cast<int64_t>(gas.limb(0));
}

// GMP integer from `len` big-endian bytes of the input at `offset`. Only the bytes present in the
// input are copied: the zero bytes past its end become a shift, so a huge declared length with a
// short input costs no memory here.
void ImportBytes(mpz_t out, ByteView input, uint64_t offset, uint64_t len) {
  mpz_set_ui(out, 0);
  if (len == 0) return;
  const uint64_t present =
      offset >= input.size() ? 0 : std::min<uint64_t>(len, input.size() - offset);
  if (present > 0) mpz_import(out, present, 1, 1, 1, 0, input.data() + offset);
  if (mpz_sgn(out) != 0 && len > present) mpz_mul_2exp(out, out, 8 * (len - present));
}

ExecutionResult Modexp(ByteView input, Revision rev, int64_t gas) {
  const PaddedInput in(input);
  const std::optional<int64_t> cost = ModexpGas(in, rev);
  if (!cost.has_value() || *cost > gas) return Fail(StatusCode::kOutOfGas);
  gas -= *cost;
  // Paying the gas bounds the lengths that matter: every length below is at most about 2^20 bytes
  // unless base and modulus are empty, and an empty modulus needs no arithmetic at all.
  const size_t base_len = in.Word(0).limb(0);
  const uint256 exp_len_word = in.Word(32);
  const size_t mod_len = in.Word(64).limb(0);
  if (mod_len == 0) return Success(gas, {});
  const size_t exp_len = exp_len_word.limb(0);

  mpz_t base, exp, mod, result;
  mpz_inits(base, exp, mod, result, nullptr);
  ImportBytes(base, input, 96, base_len);
  ImportBytes(exp, input, 96 + base_len, exp_len);
  ImportBytes(mod, input, 96 + base_len + exp_len, mod_len);
  Bytes out(mod_len, 0);
  if (mpz_cmp_ui(base, 1) <= 0) {
    // 0^e and 1^e without touching the exponent, which may be astronomically long.
    if (mpz_sgn(base) == 0 && mpz_sgn(exp) == 0) mpz_set_ui(base, 1);
    if (mpz_sgn(mod) != 0) mpz_mod(result, base, mod);
    if (mpz_sgn(mod) != 0 && mpz_sgn(result) != 0) out[mod_len - 1] = 1;
  } else if (mpz_sgn(mod) != 0) {
    mpz_powm(result, base, exp, mod);
    size_t count = 0;
    const size_t size = (mpz_sizeinbase(result, 2) + 7) / 8;
    if (mpz_sgn(result) != 0) mpz_export(out.data() + mod_len - size, &count, 1, 1, 1, 0, result);
  }
  mpz_clears(base, exp, mod, result, nullptr);
  return Success(gas, std::move(out));
}

// --- blake2f (EIP-152) --------------------------------------------------------------------------

constexpr std::array<uint64_t, 8> kBlakeIv = {
    0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
    0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL};

// RFC 7693, section 2.7.
constexpr uint8_t kSigma[10][16] = {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
                                    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
                                    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
                                    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
                                    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
                                    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
                                    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
                                    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
                                    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
                                    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0}};

inline uint64_t Rotr(uint64_t x, int n) {
  return (x >> n) | (x << (64 - n));
}

inline void Mix(uint64_t* v, int a, int b, int c, int d, uint64_t x, uint64_t y) {
  v[a] = v[a] + v[b] + x;
  v[d] = Rotr(v[d] ^ v[a], 32);
  v[c] = v[c] + v[d];
  v[b] = Rotr(v[b] ^ v[c], 24);
  v[a] = v[a] + v[b] + y;
  v[d] = Rotr(v[d] ^ v[a], 16);
  v[c] = v[c] + v[d];
  v[b] = Rotr(v[b] ^ v[c], 63);
}

uint64_t LoadLe64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i)
    v = (v << 8) | p[i];
  return v;
}

ExecutionResult Blake2f(ByteView input, int64_t gas) {
  if (input.size() != 213) return Fail(StatusCode::kPrecompileFailure);
  const uint32_t rounds = (uint32_t{input[0]} << 24) | (uint32_t{input[1]} << 16) |
                          (uint32_t{input[2]} << 8) | input[3];
  gas -= rounds;
  if (gas < 0) return Fail(StatusCode::kOutOfGas);
  const uint8_t final_flag = input[212];
  if (final_flag > 1) return Fail(StatusCode::kPrecompileFailure);
  uint64_t h[8], m[16], v[16];
  for (int i = 0; i < 8; ++i)
    h[i] = LoadLe64(&input[4 + 8 * i]);
  for (int i = 0; i < 16; ++i)
    m[i] = LoadLe64(&input[68 + 8 * i]);
  const uint64_t t0 = LoadLe64(&input[196]);
  const uint64_t t1 = LoadLe64(&input[204]);
  for (int i = 0; i < 8; ++i) {
    v[i] = h[i];
    v[i + 8] = kBlakeIv[i];
  }
  v[12] ^= t0;
  v[13] ^= t1;
  if (final_flag) v[14] = ~v[14];
  for (uint32_t r = 0; r < rounds; ++r) {
    const uint8_t* s = kSigma[r % 10];
    Mix(v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
    Mix(v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
    Mix(v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
    Mix(v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
    Mix(v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
    Mix(v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
    Mix(v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
    Mix(v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
  }
  Bytes out(64);
  for (int i = 0; i < 8; ++i) {
    const uint64_t x = h[i] ^ v[i] ^ v[i + 8];
    for (int j = 0; j < 8; ++j)
      out[8 * i + j] = static_cast<uint8_t>(x >> (8 * j));
  }
  return Success(gas, std::move(out));
}

// --- BN254 and point evaluation ---------------------------------------------------------------

ExecutionResult Bn254(absl::StatusOr<Bytes> (*op)(ByteView), ByteView input, int64_t gas,
                      int64_t cost) {
  gas -= cost;
  if (gas < 0) return Fail(StatusCode::kOutOfGas);
  absl::StatusOr<Bytes> out = op(input);
  if (out.ok()) return Success(gas, *std::move(out));
  return Fail(absl::IsUnimplemented(out.status()) ? StatusCode::kNotAvailable
                                                  : StatusCode::kPrecompileFailure);
}

}  // namespace

bool IsPrecompile(const Address& address, Revision rev) noexcept {
  for (size_t i = 0; i < 19; ++i) {
    if (address[i] != 0) return false;
  }
  const uint8_t last = address[19];
  return last >= 1 && last <= (rev >= Revision::kCancun ? 0x0a : 0x09);
}

ExecutionResult RunPrecompile(const Address& address, Revision rev, ByteView input, int64_t gas) {
  switch (address[19]) {
    case 0x01:
      return Ecrecover(input, gas);
    case 0x02:
      return Sha256Precompile(input, gas);
    case 0x03:
      return Ripemd160Precompile(input, gas);
    case 0x04:
      return Identity(input, gas);
    case 0x05:
      return Modexp(input, rev, gas);
    case 0x06:
      return Bn254(internal::Bn254Add, input, gas, 150);
    case 0x07:
      return Bn254(internal::Bn254Mul, input, gas, 6000);
    case 0x08:
      return Bn254(internal::Bn254Pairing, input, gas,
                   45000 + 34000 * static_cast<int64_t>(input.size() / 192));
    case 0x09:
      return Blake2f(input, gas);
    case 0x0a:
      // EIP-4844 point evaluation needs KZG commitments (c-kzg and the trusted setup), which this
      // build does not carry; it charges the price and reports itself unavailable.
      if (gas < 50000) return Fail(StatusCode::kOutOfGas);
      return Fail(StatusCode::kNotAvailable);
    default:
      return Fail(StatusCode::kInternalError);
  }
}

}  // namespace theta::evm
