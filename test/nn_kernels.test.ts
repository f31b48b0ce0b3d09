// f32 neural-network kernels (activations, dense, losses, optimisers, PRNG) against the
// independent f64 reference in test/reference/nn_f64.ts: forward values on sizes that are
// not multiples of the SIMD width, hand-written backward passes against central finite
// differences of the f64 forward pass (single kernels and a 3-layer MLP chained by hand),
// optimiser steps against scalar JS updates, and statistical checks of the PRNG kernels.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { init } from '../src/index.js';
import { allocF64, free, heapF32, kernels } from '../src/wasm/module.js';
import { uniform } from './helpers.js';
import * as ref from './reference/nn_f64.js';

beforeAll(async () => {
  await init();
});

const SIZES = [1, 2, 3, 5, 7, 17, 63, 257];
const ACTS = [0, 1, 2, 3, 4];
const SLOPE = 0.01;
const fr = Math.fround;

// ---- memory helpers: every buffer is freed after its test ----
let live: number[] = [];
afterEach(() => {
  for (const p of live) free(p);
  live = [];
});
function alloc(len: number): number {
  const p = allocF64(Math.max(1, Math.ceil(len / 2)));
  live.push(p);
  return p;
}
function put(values: ArrayLike<number>): number {
  const p = alloc(values.length);
  heapF32().set(values as ArrayLike<number>, p >>> 2);
  return p;
}
function putI32(values: ArrayLike<number>): number {
  const p = alloc(values.length);
  new Int32Array(heapF32().buffer, p, values.length).set(values as ArrayLike<number>);
  return p;
}
const get = (p: number, len: number) => Float64Array.from(heapF32().subarray(p >>> 2, (p >>> 2) + len));
const getI32 = (p: number, len: number) => Array.from(new Int32Array(heapF32().buffer, p, len));
const getU32 = (p: number, len: number) => Array.from(new Uint32Array(heapF32().buffer, p, len));
const set = (p: number, values: ArrayLike<number>) => heapF32().set(values as ArrayLike<number>, p >>> 2);

/** f32-representable uniform values in [lo, hi), optionally at least `gap` away from 0. */
function rand(len: number, seed: number, lo = -1, hi = 1, gap = 0): Float64Array {
  const u = uniform(seed);
  return Float64Array.from({ length: len }, () => {
    let v = 0;
    do v = fr(lo + (hi - lo) * u()); while (Math.abs(v) < gap);
    return v;
  });
}

/** max |a − b| / max |b| */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0, s = 0;
  for (let i = 0; i < b.length; i++) {
    s = Math.max(s, Math.abs(b[i]!));
    m = Math.max(m, Math.abs(a[i]! - b[i]!));
  }
  return m / (s || 1);
}

/** max over i of |a − b| / (|b| + floor) */
function maxRelElem(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-30): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / (Math.abs(b[i]!) + floor));
  return m;
}

/** Central differences of f at x (f64), one coordinate at a time. */
function fd(f: (x: Float64Array) => number, x: Float64Array, h = 1e-6): Float64Array {
  const g = new Float64Array(x.length);
  const xp = Float64Array.from(x);
  for (let i = 0; i < x.length; i++) {
    const x0 = xp[i]!;
    xp[i] = x0 + h;
    const fp = f(xp);
    xp[i] = x0 - h;
    const fm = f(xp);
    xp[i] = x0;
    g[i] = (fp - fm) / (2 * h);
  }
  return g;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

// worst gradient-check relative error per kernel, printed at the end
const worst: Record<string, number> = {};
function record(name: string, err: number): number {
  worst[name] = Math.max(worst[name] ?? 0, err);
  return err;
}
afterAll(() => {
  if (Object.keys(worst).length) console.log('worst gradient-check relative errors:', JSON.stringify(worst, (_k, v) => (typeof v === 'number' ? Number(v.toExponential(2)) : v), 1));
});

const GRAD_TOL = 1e-3;

// =====================================================================================
describe('activations', () => {
  it('forward matches the f64 reference at every size (incl. non-multiples of 4)', () => {
    const K = kernels();
    for (const n of SIZES) for (const a of ACTS) {
      const x = rand(n, 100 * n + a, -10, 10);
      const px = put(x), py = alloc(n);
      K.act_forward_f32(py, px, n, a, SLOPE);
      const y = get(py, n);
      const want = ref.actArray(x, a, SLOPE);
      expect(maxRelElem(y, want), `${ref.ACT_NAMES[a]} n=${n}`).toBeLessThan(5e-7);
      // in place
      K.act_forward_f32(px, px, n, a, SLOPE);
      expect(get(px, n)).toEqual(y);
    }
  });

  it('sigmoid and tanh are accurate near 0, at the branch point and across [−20, 20]', () => {
    const K = kernels();
    const xs: number[] = [0, 1e-30, -1e-30, 1e-7, -1e-7, 1e-3, -1e-3, 0.5, 0.6249, 0.625, 0.6251, -0.625, 1, -1, 5, -5, 9, -9, 15, -15, 20, -20];
    for (let i = 0; i < 4001; i++) xs.push(fr(-20 + i * 0.01));
    const x = Float64Array.from(xs, fr);
    const px = put(x), py = alloc(x.length);
    for (const a of [3, 4]) {
      K.act_forward_f32(py, px, x.length, a, SLOPE);
      expect(maxRelElem(get(py, x.length), ref.actArray(x, a)), ref.ACT_NAMES[a]).toBeLessThan(5e-7);
    }
  });

  it('sigmoid / tanh are finite and correct at ±100, ±1e4, ±Infinity', () => {
    const K = kernels();
    const x = [100, -100, 1e4, -1e4, 88, -88, 104, -104, 1e30, -1e30, Infinity, -Infinity];
    const px = put(x), py = alloc(x.length);
    K.act_forward_f32(py, px, x.length, 3, SLOPE);
    const s = get(py, x.length);
    expect(s.every(Number.isFinite)).toBe(true);
    expect(s[0]).toBe(1);
    expect(Math.abs(s[1]! - Math.exp(-100))).toBeLessThan(2e-45); // subnormal, correctly rounded-ish
    expect(s[2]).toBe(1);
    expect(s[3]).toBe(0);
    expect(Math.abs(s[5]! - Math.exp(-88)) / Math.exp(-88)).toBeLessThan(1e-6);
    expect(s[10]).toBe(1);
    expect(s[11]).toBe(0);
    K.act_forward_f32(py, px, x.length, 4, SLOPE);
    const t = get(py, x.length);
    expect(Array.from(t)).toEqual([1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1]);
  });

  it('backward equals finite differences of the f64 forward (every activation)', () => {
    const K = kernels();
    const n = 257;
    for (const a of ACTS) {
      const x = rand(n, 7 + a, -4, 4, 0.05); // away from the relu kink
      const dy = rand(n, 70 + a);
      const px = put(x), py = alloc(n), pdy = put(dy), pdz = alloc(n);
      K.act_forward_f32(py, px, n, a, SLOPE);
      K.act_backward_f32(pdz, pdy, py, n, a, SLOPE);
      const got = get(pdz, n);
      const h = 1e-6;
      const want = Float64Array.from(x, (v, i) => (dy[i]! * (ref.act(v + h, a, SLOPE) - ref.act(v - h, a, SLOPE))) / (2 * h));
      expect(record(`act_backward ${ref.ACT_NAMES[a]}`, relErr(got, want)), ref.ACT_NAMES[a]).toBeLessThan(GRAD_TOL);
      // in place (dz == dy)
      K.act_backward_f32(pdy, pdy, py, n, a, SLOPE);
      expect(get(pdy, n)).toEqual(got);
    }
  });
});

// =====================================================================================
describe('dense layer', () => {
  /** A seed whose pre-activations all stay at least `gap` away from 0. */
  function wellConditioned(n: number, nin: number, nout: number, gap: number, base: number) {
    for (let s = base; s < base + 500; s++) {
      const x = rand(n * nin, s * 3 + 1, -1, 1);
      const w = rand(nin * nout, s * 3 + 2, -1, 1);
      const b = rand(nout, s * 3 + 3, -0.5, 0.5);
      const z = ref.densePre(x, w, b, n, nin, nout);
      if (z.every((v) => Math.abs(v) > gap)) return { x, w, b };
    }
    throw new Error('no well-conditioned seed');
  }

  it('forward equals f(x·W + b) at odd shapes', () => {
    const K = kernels();
    for (const [n, nin, nout] of [[1, 1, 1], [3, 5, 7], [17, 3, 2], [5, 63, 17], [2, 4, 8]] as const) for (const a of ACTS) {
      const x = rand(n * nin, n + nin, -1, 1), w = rand(nin * nout, nin + nout, -1, 1), b = rand(nout, nout, -1, 1);
      const py = alloc(n * nout);
      K.dense_forward_f32(py, put(x), put(w), put(b), n, nin, nout, a, SLOPE);
      // f32 error bound: a few ulp of Σ|x||w| + |b| (f′ ≤ 1 for every activation)
      const mag = ref.densePre(x.map(Math.abs), w.map(Math.abs), b.map(Math.abs), n, nin, nout);
      const got = get(py, n * nout), want = ref.dense(x, w, b, n, nin, nout, a, SLOPE);
      for (let i = 0; i < got.length; i++)
        expect(Math.abs(got[i]! - want[i]!), `${ref.ACT_NAMES[a]} ${n}×${nin}×${nout}`).toBeLessThan(1e-7 * (nin + 4) * mag[i]!);
    }
  });

  it('a pair of layers (dense_forward_pair_f32, dense_backward_pair_f32) gives the bits of the two single calls', () => {
    const K = kernels();
    for (const [A, B, mode] of [[[5, 7, 9, 2], [5, 9, 7, 1], 0], [[17, 3, 63, 3], [40, 3, 63, 0], 1], [[1, 1, 1, 4], [2, 5, 3, 2], 2]] as const) {
      const make = (s: readonly number[], seed: number) => {
        const [n, nin, nout] = s as [number, number, number];
        return { x: rand(n * nin, seed, -1, 1), w: rand(nin * nout, seed + 1, -1, 1), b: rand(nout, seed + 2, -1, 1), dy: rand(n * nout, seed + 3, -1, 1), dw: rand(nin * nout, seed + 4), db: rand(nout, seed + 5) };
      };
      const va = make(A, 11), vb = make(B, 23);
      const run = (paired: boolean) => {
        const bufs = [[A, va, 0.01], [B, vb, 0.2]].map(([s, v, slope]) => {
          const [n, nin, nout, act] = s as readonly number[];
          const d = v as ReturnType<typeof make>;
          return { n: n!, nin: nin!, nout: nout!, act: act!, slope: slope as number, x: put(d.x), w: put(d.w), b: put(d.b), y: alloc(n! * nout!), dy: put(d.dy), dw: put(d.dw), db: put(d.db), dx: alloc(n! * nin!) };
        });
        const fwd = (l: (typeof bufs)[0]) => [l.y, l.x, l.w, l.b, l.n, l.nin, l.nout, l.act, l.slope];
        const bwd = (l: (typeof bufs)[0]) => [mode === 1 ? 0 : l.dx, mode === 2 ? 0 : l.dw, mode === 2 ? 0 : l.db, l.dy, l.x, l.w, l.y, l.n, l.nin, l.nout, l.act, l.slope];
        if (paired) {
          const r = K.dense_pair_record();
          const slots = (v: number[], at: number) => new Float64Array(heapF32().buffer).set(v, (r >>> 3) + at);
          slots(fwd(bufs[0]!), 0);
          slots(fwd(bufs[1]!), 16);
          K.dense_forward_pair_f32();
          slots(bwd(bufs[0]!), 0);
          slots(bwd(bufs[1]!), 16);
          K.dense_backward_pair_f32();
        } else {
          for (const l of bufs) K.dense_forward_f32(...(fwd(l) as [number, number, number, number, number, number, number, number, number]));
          for (const l of bufs) K.dense_backward_f32(...(bwd(l) as [number, number, number, number, number, number, number, number, number, number, number, number]));
        }
        return bufs.flatMap((l) => [getU32(l.y, l.n * l.nout), getU32(l.dy, l.n * l.nout), getU32(l.dw, l.nin * l.nout), getU32(l.db, l.nout), mode === 1 ? [] : getU32(l.dx, l.n * l.nin)]);
      };
      expect(run(true), `${A} | ${B} mode ${mode}`).toEqual(run(false));
    }
  });

  it('backward (dx, dW, db) equals finite differences for every activation; dW/db accumulate', () => {
    const K = kernels();
    const n = 5, nin = 7, nout = 6;
    for (const a of ACTS) {
      const { x, w, b } = wellConditioned(n, nin, nout, 0.05, 10 * a);
      const G = rand(n * nout, 900 + a); // L = Σ G ⊙ y
      const px = put(x), pw = put(w), pb = put(b), py = alloc(n * nout);
      K.dense_forward_f32(py, px, pw, pb, n, nin, nout, a, SLOPE);
      const dw0 = rand(nin * nout, 50 + a), db0 = rand(nout, 60 + a);
      const pdy = put(G), pdx = alloc(n * nin), pdw = put(dw0), pdb = put(db0);
      K.dense_backward_f32(pdx, pdw, pdb, pdy, px, pw, py, n, nin, nout, a, SLOPE);
      const dx = get(pdx, n * nin);
      const dw = get(pdw, nin * nout).map((v, i) => v - dw0[i]!);
      const db = get(pdb, nout).map((v, i) => v - db0[i]!);

      const L = (xx: ArrayLike<number>, ww: ArrayLike<number>, bb: ArrayLike<number>) => dot(G, ref.dense(xx, ww, bb, n, nin, nout, a, SLOPE));
      const name = ref.ACT_NAMES[a];
      expect(record(`dense dx`, relErr(dx, fd((v) => L(v, w, b), x))), `${name} dx`).toBeLessThan(GRAD_TOL);
      expect(record(`dense dW`, relErr(dw, fd((v) => L(x, v, b), w))), `${name} dW`).toBeLessThan(GRAD_TOL);
      expect(record(`dense db`, relErr(db, fd((v) => L(x, w, v), b))), `${name} db`).toBeLessThan(GRAD_TOL);

      // dy now holds dz; a second call with dx == 0 adds the same dW, db again
      const dz = get(pdy, n * nout);
      const dwAfter1 = get(pdw, nin * nout), dbAfter1 = get(pdb, nout);
      set(pdx, new Float32Array(n * nin).fill(7));
      set(pdy, G);
      K.dense_backward_f32(0, pdw, pdb, pdy, px, pw, py, n, nin, nout, a, SLOPE);
      expect(get(pdy, n * nout)).toEqual(dz);
      expect(relErr(get(pdw, nin * nout).map((v, i) => v - dwAfter1[i]!), dw)).toBeLessThan(1e-6);
      expect(relErr(get(pdb, nout).map((v, i) => v - dbAfter1[i]!), db)).toBeLessThan(1e-6);
      expect(Array.from(get(pdx, n * nin)).every((v) => v === 7)).toBe(true);

      // frozen (dw == 0): the same dx, bit for bit, and dW, db untouched
      const dwKept = get(pdw, nin * nout), dbKept = get(pdb, nout);
      set(pdy, G);
      K.dense_backward_f32(pdx, 0, 0, pdy, px, pw, py, n, nin, nout, a, SLOPE);
      expect(get(pdx, n * nin)).toEqual(dx);
      expect(get(pdw, nin * nout)).toEqual(dwKept);
      expect(get(pdb, nout)).toEqual(dbKept);
    }
  });
});

// =====================================================================================
describe('losses', () => {
  it('mse / bce / softmax-xent values match the f64 reference at every size', () => {
    const K = kernels();
    for (const n of SIZES) {
      const yhat = rand(n, n, -3, 3), y = rand(n, n + 1, -3, 3);
      const pg = alloc(n);
      expect(Math.abs(K.mse_f32(pg, put(yhat), put(y), n) / ref.mse(yhat, y) - 1), `mse ${n}`).toBeLessThan(1e-6);
      const z = rand(n, n + 2, -12, 12), t = rand(n, n + 3, 0, 1);
      expect(Math.abs(K.bce_logits_f32(pg, put(z), put(t), n) / ref.bceLogits(z, t) - 1), `bce ${n}`).toBeLessThan(2e-6);
      // hard targets where the loss is tiny (log1p accuracy matters)
      const th = Float64Array.from(z, (v) => (v > 0 ? 1 : 0));
      expect(Math.abs(K.bce_logits_f32(pg, put(z), put(th), n) / ref.bceLogits(z, th) - 1), `bce hard ${n}`).toBeLessThan(2e-6);
    }
    for (const c of SIZES) {
      const rows = 3;
      const z = rand(rows * c, 31 * c, -10, 10);
      const labels = [0, c - 1, Math.floor(c / 2)];
      const pg = alloc(rows * c);
      const loss = K.softmax_xent_f32(pg, put(z), putI32(labels), rows, c);
      const want = ref.softmaxXent(z, labels, rows, c);
      expect(Math.abs(loss - want), `xent c=${c}`).toBeLessThan(2e-6 * Math.max(1, want));
    }
  });

  it('softmax rows and argmax match the reference at every size', () => {
    const K = kernels();
    for (const c of SIZES) {
      const rows = 4;
      const z = rand(rows * c, 17 * c, -30, 30);
      const pz = put(z), po = alloc(rows * c);
      K.softmax_f32(po, pz, rows, c);
      const got = get(po, rows * c), want = ref.softmax(z, rows, c);
      // relative error grows with |z − max| (the f32 rounding of the exponent's argument)
      for (let i = 0; i < got.length; i++)
        expect(Math.abs(got[i]! - want[i]!), `softmax c=${c}`).toBeLessThanOrEqual(2e-7 * (5 + Math.abs(Math.log(want[i]!))) * want[i]! + 1e-38);
      K.softmax_f32(pz, pz, rows, c); // in place
      expect(get(pz, rows * c)).toEqual(got);
      const pa = alloc(rows);
      const x = rand(rows * c, 5 * c, -1, 1);
      if (c > 3) x[c + 3] = x[c + 1] = 5; // row 1: tie, first wins
      K.argmax_rows_f32(pa, put(x), rows, c);
      const wantIdx = Array.from({ length: rows }, (_, i) => {
        let best = 0;
        for (let j = 1; j < c; j++) if (x[i * c + j]! > x[i * c + best]!) best = j;
        return best;
      });
      expect(getI32(pa, rows)).toEqual(wantIdx);
    }
  });

  it('bce on logits is stable at ±100 and ±1e4', () => {
    const K = kernels();
    const z = [100, -100, 100, -100, 1e4, -1e4, 30, -30];
    const t = [0, 1, 1, 0, 0, 1, 1, 0];
    const pg = alloc(z.length);
    const loss = K.bce_logits_f32(pg, put(z), put(t), z.length);
    const want = ref.bceLogits(z, t);
    expect(Number.isFinite(loss)).toBe(true);
    expect(Math.abs(loss - want) / want).toBeLessThan(1e-6);
    const g = get(pg, z.length);
    expect(g.every(Number.isFinite)).toBe(true);
    const n = z.length;
    const wantG = [1, -1, 0, 0, 1, -1, 0, 0].map((v, i) => ref.act(z[i]!, 3) - t[i]!);
    for (let i = 0; i < n; i++) expect(Math.abs(g[i]! * n - wantG[i]!), `grad ${i}`).toBeLessThan(1e-12 + 1e-7 * Math.abs(wantG[i]!));
    // one element: z = 100, t = 0 → loss 100
    expect(K.bce_logits_f32(pg, put([100]), put([0]), 1)).toBeCloseTo(100, 5);
    expect(K.bce_logits_f32(pg, put([-100]), put([0]), 1)).toBeLessThan(1e-40);
  });

  it('gradients equal finite differences of the f64 losses', () => {
    const K = kernels();
    for (const n of [1, 7, 17]) {
      const yhat = rand(n, 3 * n, -2, 2), y = rand(n, 3 * n + 1, -2, 2);
      const pg = alloc(n);
      K.mse_f32(pg, put(yhat), put(y), n);
      expect(record('mse', relErr(get(pg, n), fd((v) => ref.mse(v, y), yhat))), `mse ${n}`).toBeLessThan(GRAD_TOL);

      const z = rand(n, 5 * n, -6, 6), t = rand(n, 5 * n + 1, 0, 1);
      K.bce_logits_f32(pg, put(z), put(t), n);
      expect(record('bce_logits', relErr(get(pg, n), fd((v) => ref.bceLogits(v, t), z))), `bce ${n}`).toBeLessThan(GRAD_TOL);
    }
    for (const [rows, c] of [[1, 1], [3, 5], [4, 10], [2, 17]] as const) {
      const z = rand(rows * c, 7 * c + rows, -4, 4);
      const labels = Array.from({ length: rows }, (_, i) => (i * 7 + 3) % c);
      const pg = alloc(rows * c);
      K.softmax_xent_f32(pg, put(z), putI32(labels), rows, c);
      const want = fd((v) => ref.softmaxXent(v, labels, rows, c), z);
      expect(record('softmax_xent', relErr(get(pg, rows * c), want)), `xent ${rows}×${c}`).toBeLessThan(c === 1 ? 1 : GRAD_TOL);
      if (c === 1) expect(Math.max(...get(pg, rows).map(Math.abs))).toBe(0);
    }
  });
});

// =====================================================================================
describe('3-layer MLP chained from dense_forward / dense_backward', () => {
  interface Net { x: Float64Array; layers: ref.Layer[] }
  function makeNet(n: number, sizes: number[], acts: number[], seedBase: number): Net {
    for (let s = seedBase; s < seedBase + 1000; s++) {
      const x = rand(n * sizes[0]!, s * 11, -1, 1);
      const layers: ref.Layer[] = acts.map((a, l) => ({
        w: rand(sizes[l]! * sizes[l + 1]!, s * 11 + 2 * l + 1, -0.9, 0.9),
        b: rand(sizes[l + 1]!, s * 11 + 2 * l + 2, -0.3, 0.3),
        nin: sizes[l]!,
        nout: sizes[l + 1]!,
        act: a,
        slope: SLOPE,
      }));
      const pres = ref.mlpPre(x, n, layers);
      const ok = pres.every((z, l) => (acts[l] === 1 || acts[l] === 2 ? z.every((v) => Math.abs(v) > 0.02) : true));
      if (ok) return { x, layers };
    }
    throw new Error('no well-conditioned network');
  }

  function check(loss: 'xent' | 'mse', acts: number[], seedBase: number) {
    const K = kernels();
    const n = 6, sizes = [5, 7, 6, 3];
    const { x, layers } = makeNet(n, sizes, acts, seedBase);
    const labels = Array.from({ length: n }, (_, i) => (i * 2 + 1) % 3);
    const target = rand(n * 3, seedBase + 77, -1, 1);
    const lossOf = (out: ArrayLike<number>) => (loss === 'xent' ? ref.softmaxXent(out, labels, n, 3) : ref.mse(out, target));

    // wasm forward
    const px = put(x);
    const pw = layers.map((l) => put(l.w)), pb = layers.map((l) => put(l.b));
    const ph = layers.map((l) => alloc(n * l.nout));
    let pin = px;
    layers.forEach((l, i) => {
      K.dense_forward_f32(ph[i]!, pin, pw[i]!, pb[i]!, n, l.nin, l.nout, l.act, SLOPE);
      pin = ph[i]!;
    });
    const out = get(ph[2]!, n * 3);
    expect(relErr(out, ref.mlp(x, n, layers)[2]!)).toBeLessThan(1e-5);

    // loss gradient, then backward layer by layer (dx of layer l is dy of layer l − 1)
    const pg = alloc(n * 3);
    const lossW = loss === 'xent' ? K.softmax_xent_f32(pg, ph[2]!, putI32(labels), n, 3) : K.mse_f32(pg, ph[2]!, put(target), n * 3);
    expect(Math.abs(lossW - lossOf(ref.mlp(x, n, layers)[2]!))).toBeLessThan(1e-5);
    const pdw = layers.map((l) => put(new Float32Array(l.nin * l.nout)));
    const pdb = layers.map((l) => put(new Float32Array(l.nout)));
    const pdh = layers.map((l) => alloc(n * l.nin)); // gradient w.r.t. each layer's input
    let pdy = pg;
    for (let i = 2; i >= 0; i--) {
      const l = layers[i]!;
      K.dense_backward_f32(pdh[i]!, pdw[i]!, pdb[i]!, pdy, i === 0 ? px : ph[i - 1]!, pw[i]!, ph[i]!, n, l.nin, l.nout, l.act, SLOPE);
      pdy = pdh[i]!;
    }

    // finite differences of the f64 network
    const L = (xx: ArrayLike<number>, ls: ref.Layer[]) => lossOf(ref.mlp(xx, n, ls)[2]!);
    const tag = `mlp ${loss} [${acts.map((a) => ref.ACT_NAMES[a]).join(',')}]`;
    expect(record('mlp dx', relErr(get(pdh[0]!, n * sizes[0]!), fd((v) => L(v, layers), x))), `${tag} dx`).toBeLessThan(GRAD_TOL);
    layers.forEach((l, i) => {
      const withW = (v: Float64Array) => L(x, layers.map((m, j) => (j === i ? { ...m, w: v } : m)));
      const withB = (v: Float64Array) => L(x, layers.map((m, j) => (j === i ? { ...m, b: v } : m)));
      expect(record('mlp dW', relErr(get(pdw[i]!, l.nin * l.nout), fd(withW, Float64Array.from(l.w)))), `${tag} dW${i + 1}`).toBeLessThan(GRAD_TOL);
      expect(record('mlp db', relErr(get(pdb[i]!, l.nout), fd(withB, Float64Array.from(l.b)))), `${tag} db${i + 1}`).toBeLessThan(GRAD_TOL);
    });
  }

  it('tanh → relu → identity + softmax cross-entropy', () => check('xent', [4, 1, 0], 1000));
  it('sigmoid → leaky relu → tanh + mse', () => check('mse', [3, 2, 4], 2000));
  it('relu → sigmoid → identity + mse', () => check('mse', [1, 3, 0], 3000));
});

// =====================================================================================
describe('optimisers', () => {
  function sgdRef(p: Float64Array, g: Float64Array, vel: Float64Array, lr: number, mu: number, wd: number, nesterov: boolean) {
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]! + wd * p[i]!;
      vel[i] = mu * vel[i]! + gi;
      p[i] = p[i]! - lr * (nesterov ? gi + mu * vel[i]! : vel[i]!);
    }
  }
  function adamRef(p: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array, lr: number, b1: number, b2: number, eps: number, wd: number, decoupled: boolean, step: number) {
    const bc1 = 1 - b1 ** step, bc2 = 1 - b2 ** step;
    for (let i = 0; i < p.length; i++) {
      let gi = g[i]!;
      if (decoupled) p[i] = p[i]! - lr * wd * p[i]!;
      else gi += wd * p[i]!;
      m[i] = b1 * m[i]! + (1 - b1) * gi;
      v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
      const mhat = m[i]! / bc1, vhat = v[i]! / bc2;
      p[i] = p[i]! - (lr * mhat) / (Math.sqrt(vhat) + eps);
    }
  }

  it('sgd_f32 (plain, momentum, nesterov, weight decay) equals the scalar update, 1 and 5 steps', () => {
    const K = kernels();
    for (const len of [1, 3, 7, 257]) for (const [mu, wd, nest] of [[0, 0, 0], [0.9, 0, 0], [0.9, 1e-2, 1], [0.5, 1e-3, 0]] as const) {
      const p = rand(len, len + 1), vel = new Float64Array(len);
      const pp = put(p), pv = put(vel);
      for (let step = 1; step <= 5; step++) {
        const g = rand(len, 1000 * step + len);
        K.sgd_f32(pp, put(g), pv, len, 0.05, mu, wd, nest);
        sgdRef(p, g, vel, 0.05, mu, wd, nest === 1);
        expect(relErr(get(pp, len), p), `sgd len=${len} mu=${mu} step=${step}`).toBeLessThan(1e-6);
        expect(relErr(get(pv, len), vel)).toBeLessThan(1e-6);
      }
      // no momentum buffer
      const q = rand(len, 3), g = rand(len, 4);
      const pq = put(q);
      K.sgd_f32(pq, put(g), 0, len, 0.1, 0, wd, 0);
      expect(relErr(get(pq, len), q.map((v, i) => v - 0.1 * (g[i]! + wd * v)))).toBeLessThan(1e-6);
    }
  });

  it('adam_f32 (Adam + L2) and AdamW equal the PyTorch-formula scalar update, 1 and 5 steps', () => {
    const K = kernels();
    for (const len of [1, 3, 7, 257]) for (const [wd, dec] of [[0, 0], [1e-2, 0], [1e-2, 1], [0.1, 1]] as const) {
      const p = rand(len, len + 5), m = new Float64Array(len), v = new Float64Array(len);
      const pp = put(p), pm = put(m), pv = put(v);
      for (let step = 1; step <= 5; step++) {
        const g = rand(len, 77 * step + len, -2, 2);
        K.adam_f32(pp, put(g), pm, pv, len, 1e-2, 0.9, 0.999, 1e-8, wd, dec, step);
        adamRef(p, g, m, v, 1e-2, 0.9, 0.999, 1e-8, wd, dec === 1, step);
        const tag = `adam len=${len} wd=${wd} dec=${dec} step=${step}`;
        expect(relErr(get(pp, len), p), tag).toBeLessThan(1e-6);
        expect(relErr(get(pm, len), m), tag).toBeLessThan(1e-6);
        expect(relErr(get(pv, len), v), tag).toBeLessThan(1e-6);
      }
    }
  });

  it('ema_f32 equals the JS loop in f64 with one rounding to f32, bit for bit, at every size', () => {
    const K = kernels();
    for (const n of [...SIZES, 1000]) for (const d of [0.99, 0.999, 0.5, 0, 1]) {
      const a = new Float32Array(rand(n, 31 * n, -3, 3)), p = new Float32Array(rand(n, 31 * n + 1, -3, 3));
      // a few values beyond the usual range: tiny, huge, negative zero
      if (n > 4) [a[0], p[1], a[2], p[3]] = [1e-40, 3e38, -0, -3e38];
      const pa = put(a), pp = put(p);
      K.ema_f32(pa, pp, n, d);
      const want = new Float32Array(n);
      for (let i = 0; i < n; i++) want[i] = d * a[i]! + (1 - d) * p[i]!;
      expect(getU32(pa, n), `n=${n} decay=${d}`).toEqual(Array.from(new Uint32Array(want.buffer)));
    }
  });

  it('sumsq_f32, scale_f32, mul_f32 at every size', () => {
    const K = kernels();
    for (const n of SIZES) {
      const x = rand(n, 9 * n, -3, 3), y = rand(n, 9 * n + 1, -3, 3);
      const px = put(x), py = put(y), po = alloc(n);
      expect(Math.abs(K.sumsq_f32(px, n) - dot(x, x))).toBeLessThan(1e-12 * dot(x, x));
      K.mul_f32(po, px, py, n);
      expect(get(po, n)).toEqual(x.map((v, i) => fr(v * y[i]!)));
      K.scale_f32(px, n, 0.3);
      expect(get(px, n)).toEqual(x.map((v) => fr(v * fr(0.3))));
    }
  });
});

// =====================================================================================
describe('random', () => {
  function state(seed: number): number {
    const s = alloc(4);
    kernels().rng_seed(s, seed);
    return s;
  }

  it('same seed → same stream; different seeds (and 0) give different, non-zero states', () => {
    const K = kernels();
    const n = 100;
    const a = alloc(n), b = alloc(n);
    K.rng_uniform_f32(a, n, 0, 1, state(42));
    K.rng_uniform_f32(b, n, 0, 1, state(42));
    expect(get(a, n)).toEqual(get(b, n));
    K.rng_uniform_f32(b, n, 0, 1, state(43));
    expect(get(a, n)).not.toEqual(get(b, n));
    const s0 = state(0);
    expect(getU32(s0, 4).some((v) => v !== 0)).toBe(true);
    expect(getU32(s0, 4)).not.toEqual(getU32(state(1), 4));
    // continuing a stream differs from restarting it
    const s = state(7);
    K.rng_normal_f32(a, n, 0, 1, s);
    K.rng_normal_f32(b, n, 0, 1, s);
    expect(get(a, n)).not.toEqual(get(b, n));
    K.rng_normal_f32(b, n, 0, 1, state(7));
    expect(get(a, n)).toEqual(get(b, n));
  });

  it('uniform: range, mean and variance on 1e5 draws', () => {
    const K = kernels();
    const n = 100_000;
    const p = alloc(n);
    K.rng_uniform_f32(p, n, -2, 3, state(123));
    const u = get(p, n);
    let mean = 0, min = Infinity, max = -Infinity;
    for (const v of u) { mean += v; min = Math.min(min, v); max = Math.max(max, v); }
    mean /= n;
    let vr = 0;
    for (const v of u) vr += (v - mean) ** 2;
    vr /= n - 1;
    expect(min).toBeGreaterThanOrEqual(-2);
    expect(max).toBeLessThan(3);
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(25 / 12 / n));
    expect(Math.abs(vr - 25 / 12)).toBeLessThan(0.03);
    // rounding up to hi is excluded
    K.rng_uniform_f32(p, 1000, 1, fr(1 + 2 ** -23), state(5));
    expect(get(p, 1000).every((v) => v >= 1 && v < fr(1 + 2 ** -23))).toBe(true);
  });

  it('normal: mean, std and tails on 1e5 draws (odd length too)', () => {
    const K = kernels();
    const n = 100_001;
    const p = alloc(n);
    K.rng_normal_f32(p, n, 1.5, 2, state(99));
    const z = get(p, n);
    let mean = 0;
    for (const v of z) mean += v;
    mean /= n;
    let vr = 0, out3 = 0;
    for (const v of z) { vr += (v - mean) ** 2; if (Math.abs(v - 1.5) > 6) out3++; }
    const sd = Math.sqrt(vr / (n - 1));
    expect(z.every(Number.isFinite)).toBe(true);
    expect(Math.abs(mean - 1.5)).toBeLessThan(5 * 2 / Math.sqrt(n));
    expect(Math.abs(sd - 2)).toBeLessThan(0.02);
    expect(Math.abs(out3 / n - 0.0027)).toBeLessThan(0.001); // P(|Z| > 3)
  });

  it('dropout keeps ≈ (1 − p), scaled by 1/(1 − p); y may equal x', () => {
    const K = kernels();
    const n = 100_000, p = 0.3;
    const x = rand(n, 3, 0.5, 1.5);
    const px = put(x), pm = alloc(n), py = alloc(n);
    K.dropout_f32(py, pm, px, n, p, state(11));
    const m = get(pm, n), y = get(py, n);
    const scale = fr(1 / (1 - p));
    let kept = 0, badMask = 0, badY = 0;
    for (let i = 0; i < n; i++) {
      if (m[i] !== 0 && m[i] !== scale) badMask++;
      if (m[i] !== 0) kept++;
      if (y[i] !== fr(x[i]! * m[i]!)) badY++;
    }
    expect(badMask).toBe(0);
    expect(badY).toBe(0);
    expect(Math.abs(kept / n - (1 - p))).toBeLessThan(5 * Math.sqrt(p * (1 - p) / n));
    // same state → same mask; in place
    K.dropout_f32(px, 0, px, n, p, state(11));
    expect(get(px, n)).toEqual(y);
    // p = 0 keeps everything unchanged
    K.dropout_f32(py, pm, put(x), n, 0, state(1));
    expect(get(py, n)).toEqual(x);
  });

  it('shuffle is a permutation and uniform over positions (n = 5, chi-square)', () => {
    const K = kernels();
    for (const n of [1, 2, 3, 17, 257]) {
      const p = alloc(n);
      K.shuffle_u32(p, n, state(n));
      expect(getU32(p, n).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
    const n = 5, trials = 20_000;
    const p = alloc(n), s = state(2024);
    const counts = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    const perms = new Map<string, number>();
    const view = () => new Uint32Array(heapF32().buffer, p, n);
    for (let t = 0; t < trials; t++) {
      K.shuffle_u32(p, n, s);
      const v = view();
      for (let i = 0; i < n; i++) counts[i]![v[i]!]!++;
      const key = v.join('');
      perms.set(key, (perms.get(key) ?? 0) + 1);
    }
    const e = trials / n;
    let chi = 0;
    for (const row of counts) for (const c of row) chi += (c - e) ** 2 / e;
    expect(chi).toBeLessThan(60); // 16 degrees of freedom: mean 16, P(> 60) ≈ 1e-6
    expect(perms.size).toBe(120); // every permutation appears
    const ep = trials / 120;
    let chiP = 0;
    for (const c of perms.values()) chiP += (c - ep) ** 2 / ep;
    expect(chiP).toBeLessThan(220); // 119 degrees of freedom
  });

  it('gather_rows_f32 copies the indexed rows', () => {
    const K = kernels();
    for (const cols of [1, 3, 4, 7, 17]) {
      const rows = 9;
      const x = rand(rows * cols, cols, -5, 5);
      const idx = [8, 0, 3, 3, 5];
      const po = alloc(idx.length * cols);
      K.gather_rows_f32(po, put(x), putI32(idx), idx.length, cols);
      const want = idx.flatMap((r) => Array.from(x.subarray(r * cols, (r + 1) * cols)));
      expect(Array.from(get(po, idx.length * cols))).toEqual(want);
    }
  });
});

// =====================================================================================
describe('composition kernels (column blocks, sums, gathers, conversions)', () => {
  /** rows×cols values at stride ld, `fill` in the padding. */
  const strided = (v: ArrayLike<number>, rows: number, cols: number, ld: number, fill: number) => {
    const a = new Float64Array(rows * ld).fill(fill);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) a[i * ld + j] = v[i * cols + j]!;
    return a;
  };

  it('copy_block_f32 into and out of a column block, with and without a gate, at every width', () => {
    const K = kernels();
    for (const w of SIZES) {
      const n = 5, off = 3, ldo = w + 7, ldg = 3;
      const x = rand(n * w, w, -4, 4);
      // gate column 1 of an n×3 mask: a zero row, a fraction, a negative, one, a big value
      const gcol = [0, 0.5, -2, 1, 1e3];
      const gates = Float64Array.from({ length: n * ldg }, (_, i) => (i % ldg === 1 ? gcol[Math.floor(i / ldg)]! : NaN));
      const outInit = new Float64Array(n * ldo).fill(-7);
      for (const gated of [false, true]) {
        const po = put(outInit);
        K.copy_block_f32(po + off * 4, put(x), gated ? put(gates) + 4 : 0, n, w, ldo, w, ldg);
        const got = get(po, n * ldo);
        for (let i = 0; i < n; i++)
          for (let j = 0; j < ldo; j++) {
            const inBlock = j >= off && j < off + w;
            const want = !inBlock ? -7 : gated ? (gcol[i] === 0 ? 0 : fr(x[i * w + j - off]! * gcol[i]!)) : x[i * w + j - off]!;
            if (!Object.is(got[i * ldo + j], want)) throw new Error(`w=${w} gated=${gated} [${i}][${j}]: ${got[i * ldo + j]} vs ${want}`);
          }
      }
      // …and back out (a split): a block of a wide source into a narrow destination
      const wide = strided(x, n, w, ldo, NaN);
      const pd = alloc(n * w);
      K.copy_block_f32(pd, put(wide), 0, n, w, w, ldo, 0);
      expect(Array.from(get(pd, n * w))).toEqual(Array.from(x));
    }
  });

  it('a zero gate writes zeros even over NaN and ±Infinity', () => {
    const K = kernels();
    const x = [NaN, Infinity, -Infinity, 1, 2, 3, 4, 5, 6];
    const po = alloc(9);
    K.copy_block_f32(po, put(x), put([0, 1, 0]), 3, 3, 3, 3, 1);
    expect(Array.from(get(po, 9))).toEqual([0, 0, 0, 1, 2, 3, 0, 0, 0]);
  });

  it('fill_block_f32 fills a strided block and nothing else; add_f32 adds at every size', () => {
    const K = kernels();
    for (const w of SIZES) {
      const n = 3, ld = w + 2;
      const po = put(new Float64Array(n * ld).fill(9));
      K.fill_block_f32(po, -0.25, n, w, ld);
      const got = get(po, n * ld);
      for (let i = 0; i < n * ld; i++) expect(got[i]).toBe(i % ld < w ? -0.25 : 9);
      const a = rand(w, w + 1, -3, 3), b = rand(w, w + 2, -3, 3);
      const pa = put(a), pout = alloc(w);
      K.add_f32(pout, pa, put(b), w);
      expect(Array.from(get(pout, w))).toEqual(Array.from(a, (v, i) => fr(v + b[i]!)));
      K.add_f32(pa, pa, pa, w); // in place
      expect(Array.from(get(pa, w))).toEqual(Array.from(a, (v) => fr(2 * v)));
    }
  });

  it('gather_u32 and iota_u32', () => {
    const K = kernels();
    const src = [7, -3, 11, 2 ** 31 - 1, 0];
    const idx = [4, 4, 0, 3, 1, 2];
    const po = alloc(idx.length);
    K.gather_u32(po, putI32(src), putI32(idx), idx.length);
    expect(getI32(po, idx.length)).toEqual(idx.map((i) => src[i]));
    for (const n of SIZES) {
      const pi = alloc(n);
      K.iota_u32(pi, n);
      expect(getU32(pi, n)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });

  it('f32_to_f64 is exact and f64_to_f32 rounds scale·x once, at every size', () => {
    const K = kernels();
    for (const n of SIZES) {
      const x32 = rand(n, n + 5, -1e3, 1e3);
      const p32 = put(x32), p64 = allocF64(n);
      live.push(p64);
      K.f32_to_f64(p64, p32, n);
      const back = Float64Array.from(new Float64Array(heapF32().buffer, p64, n));
      expect(Array.from(back)).toEqual(Array.from(x32));
      const u = uniform(n + 6);
      const x64 = Float64Array.from({ length: n }, () => (u() - 0.5) * 1e3);
      new Float64Array(heapF32().buffer, p64, n).set(x64);
      for (const scale of [1, -1, 0.3]) {
        K.f64_to_f32(p32, p64, n, scale);
        expect(Array.from(get(p32, n))).toEqual(Array.from(x64, (v) => fr(v * scale)));
      }
    }
  });
});
