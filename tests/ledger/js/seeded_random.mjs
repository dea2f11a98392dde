// mulberry32: a tiny seeded generator shared by the oracles here, so that every run with a given
// seed signs the same transactions.
export function seededRandom(seed) {
  let state = Number(seed) >>> 0;
  const next32 = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  // `n` random bytes as 0x-prefixed lower-case hex.
  const hex = (n) => {
    let s = "0x";
    for (let i = 0; i < n; i++) s += (next32() & 0xff).toString(16).padStart(2, "0");
    return s;
  };
  const below = (n) => next32() % n;
  return { next32, hex, below };
}
