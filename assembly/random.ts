// Pseudo-random numbers: xoshiro128** (Blackman & Vigna), its 16-byte state (four u32)
// owned by the caller and passed to every kernel. Generation is inherently sequential, so
// these loops are scalar. All arithmetic, including the Box–Muller transcendentals, runs in
// wasm: a seed gives the same stream on every engine.

// working copy of the state (loaded at kernel entry, written back at exit)
let s0: u32 = 0, s1: u32 = 0, s2: u32 = 0, s3: u32 = 0;

@inline function loadState(state: usize): void {
  s0 = load<u32>(state); s1 = load<u32>(state, 4); s2 = load<u32>(state, 8); s3 = load<u32>(state, 12);
}
@inline function saveState(state: usize): void {
  store<u32>(state, s0); store<u32>(state, s1, 4); store<u32>(state, s2, 8); store<u32>(state, s3, 12);
}

/** xoshiro128** step. */
@inline function next(): u32 {
  const result = rotl<u32>(s1 * 5, 7) * 9;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u32>(s3, 11);
  return result;
}

/** uniform in [0, 1) from the top 24 bits (exact in f32). */
@inline function next01(): f32 {
  return <f32>(next() >>> 8) * <f32>5.9604644775390625e-8;
}

/** uniform integer in [0, bound), bound ≥ 1: Lemire's multiply-shift with rejection (unbiased). */
function bounded(bound: u32): u32 {
  let m = <u64>next() * <u64>bound;
  let l = <u32>m;
  if (l < bound) {
    const thr: u32 = (<u32>0 - bound) % bound; // 2^32 mod bound
    while (l < thr) {
      m = <u64>next() * <u64>bound;
      l = <u32>m;
    }
  }
  return <u32>(m >> 32);
}

/** Seeds the 16-byte state from a u32 with splitmix32 (never all zero). */
export function rng_seed(state: usize, seed: u32): void {
  let x = seed;
  for (let i: usize = 0; i < 4; i++) {
    x += 0x9e3779b9;
    let z = x;
    z = (z ^ (z >>> 16)) * 0x85ebca6b;
    z = (z ^ (z >>> 13)) * 0xc2b2ae35;
    z ^= z >>> 16;
    store<u32>(state + (i << 2), z);
  }
  if ((load<u32>(state) | load<u32>(state, 4) | load<u32>(state, 8) | load<u32>(state, 12)) == 0) store<u32>(state, 1);
}

/** Largest f32 below v (finite v). */
function nextDown(v: f32): f32 {
  if (v == 0) return reinterpret<f32>(<i32>0x80000001);
  const b = reinterpret<i32>(v);
  return reinterpret<f32>(v > 0 ? b - 1 : b + 1);
}

/** out[i] uniform in [lo, hi) (lo + (hi − lo)·u in f32; a result rounding up to hi is moved just below it). */
export function rng_uniform_f32(out: usize, len: i32, lo: f32, hi: f32, state: usize): void {
  loadState(state);
  const w = hi - lo;
  const below = nextDown(hi);
  for (let i = 0; i < len; i++) {
    let r = lo + w * next01();
    if (r >= hi && hi > lo) r = below;
    store<f32>(out + (<usize>i << 2), r);
  }
  saveState(state);
}

/**
 * out[i] = mean + std·N(0, 1) by Box–Muller in f64: u1 ∈ (0, 1] and u2 ∈ [0, 1) from 32-bit
 * draws, r = sqrt(−2 ln u1), pairs r·cos(2πu2), r·sin(2πu2) (an odd length drops the last sine).
 */
export function rng_normal_f32(out: usize, len: i32, mean: f32, std: f32, state: usize): void {
  loadState(state);
  const TWO_PI = 6.283185307179586;
  const INV32 = 2.3283064365386963e-10;
  const mu = <f64>mean, sd = <f64>std;
  let i = 0;
  while (i < len) {
    const u1 = (<f64>next() + 1.0) * INV32;
    const u2 = <f64>next() * INV32;
    const r = Math.sqrt(-2.0 * Math.log(u1));
    const th = TWO_PI * u2;
    store<f32>(out + (<usize>i << 2), <f32>(mu + sd * (r * Math.cos(th))));
    i++;
    if (i < len) {
      store<f32>(out + (<usize>i << 2), <f32>(mu + sd * (r * Math.sin(th))));
      i++;
    }
  }
  saveState(state);
}

/**
 * Inverted dropout: mask[i] = 0 with probability p else 1/(1 − p); y = x ⊙ mask.
 * y may equal x; mask == 0 skips writing the mask. p ≥ 1 drops everything.
 */
export function dropout_f32(y: usize, mask: usize, x: usize, len: i32, p: f32, state: usize): void {
  loadState(state);
  const keep: f32 = p >= 1 ? 0 : <f32>(1.0 / (1.0 - <f64>p));
  for (let i = 0; i < len; i++) {
    const o = <usize>i << 2;
    const mk: f32 = next01() < p ? 0 : keep;
    if (mask) store<f32>(mask + o, mk);
    store<f32>(y + o, load<f32>(x + o) * mk);
  }
  saveState(state);
}

/** idx (n u32) = a uniformly random permutation of 0..n−1 (Fisher–Yates, unbiased bounds). */
export function shuffle_u32(idx: usize, n: i32, state: usize): void {
  for (let i = 0; i < n; i++) store<u32>(idx + (<usize>i << 2), <u32>i);
  loadState(state);
  for (let i = n - 1; i > 0; i--) {
    const j = bounded(<u32>(i + 1));
    const pi = idx + (<usize>i << 2), pj = idx + (<usize>j << 2);
    const t = load<u32>(pi);
    store<u32>(pi, load<u32>(pj));
    store<u32>(pj, t);
  }
  saveState(state);
}

/**
 * Modality dropout. present and gates are n×m (f32, 0 or 1, row-major). Each row's gates
 * start as its present modalities; when a row has k ≥ 2 of them, with probability p a
 * uniformly random non-empty proper subset of those k is removed (one of the 2^k − 2
 * subsets), so at least one modality stays. k ≤ 30.
 */
export function modality_dropout_f32(gates: usize, present: usize, n: i32, m: i32, p: f32, state: usize): void {
  loadState(state);
  for (let i = 0; i < n; i++) {
    const row = <usize>i * <usize>m << 2;
    let k = 0;
    for (let j = 0; j < m; j++) {
      const v = load<f32>(present + row + (<usize>j << 2));
      store<f32>(gates + row + (<usize>j << 2), v);
      if (v != 0) k++;
    }
    if (k < 2 || next01() >= p) continue;
    // removed: bit b of r set ⇔ the b-th present modality goes
    let r = bounded((<u32>1 << <u32>k) - 2) + 1;
    for (let j = 0; j < m; j++) {
      const o = row + (<usize>j << 2);
      if (load<f32>(o + present) == 0) continue;
      if (r & 1) store<f32>(gates + o, 0);
      r >>>= 1;
    }
  }
  saveState(state);
}
