// Stats kernels (assembly/stats.ts) against plain scalar references, on sizes that are not
// multiples of the SIMD width, and the chunked co-moments against the one-pass covariance.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, linalg, Matrix } from '../src/index.js';
import { allocF64, free, heapF64, kernels } from '../src/wasm/module.js';
import { uniform } from './helpers.js';
import { Indices, Rng, gatherRowsF64, shuffle } from '../src/wasm/index.js';

beforeAll(async () => {
  await init();
});

const SIZES = [1, 2, 3, 5, 7, 17, 63, 257];

function put(values: ArrayLike<number>): number {
  const p = allocF64(values.length);
  heapF64().set(values as Float64Array, p >>> 3);
  return p;
}
const get = (p: number, len: number) => heapF64().slice(p >>> 3, (p >>> 3) + len);

function rand(len: number, seed: number, offset = 0): Float64Array {
  const u = uniform(seed);
  return Float64Array.from({ length: len }, () => (u() * 2 - 1) * 10 + offset);
}

function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0, s = 0;
  for (let i = 0; i < b.length; i++) s = Math.max(s, Math.abs(b[i]!));
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m / (s || 1);
}

describe('stats kernels vs scalar references', () => {
  it('colmeans_f64 and center_f64 (with padded strides)', () => {
    const K = kernels();
    for (const n of [1, 2, 3, 17, 257]) for (const p of SIZES) {
      const ld = p + 3;
      const x = rand(n * ld, n * 1000 + p, 1e6); // large offset: the correction pass matters
      const px = put(x), pm = allocF64(p), po = allocF64(n * p);
      K.colmeans_f64(pm, px, n, p, ld);
      const mean = get(pm, p);
      const ref = new Float64Array(p);
      for (let j = 0; j < p; j++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += x[i * ld + j]!;
        ref[j] = s / n;
      }
      expect(maxRel(mean, ref)).toBeLessThan(1e-14);
      K.center_f64(po, px, pm, n, p, ld, p);
      const c = get(po, n * p);
      for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) expect(c[i * p + j]).toBe(x[i * ld + j]! - mean[j]!);
      [px, pm, po].forEach(free);
    }
  });

  it('ger_f64, fourth_moments_f64 and colcorr_f64', () => {
    const K = kernels();
    for (const m of SIZES) for (const n of [1, 2, 5, 17, 63]) {
      const a = rand(m * n, m * 31 + n), x = rand(m, m + 5), y = rand(n, n + 9);
      const pa = put(a), px = put(x), py = put(y);
      K.ger_f64(pa, px, py, m, n, n, -0.75);
      const got = get(pa, m * n);
      const ref = a.map((v, i) => v + -0.75 * x[Math.floor(i / n)]! * y[i % n]!);
      expect(maxRel(got, ref)).toBeLessThan(1e-15);

      const pt = allocF64(n);
      const s4 = K.fourth_moments_f64(pt, pa, m, n, n);
      let s4ref = 0;
      const tref = new Float64Array(n);
      for (let i = 0; i < m; i++) {
        let s2 = 0;
        for (let j = 0; j < n; j++) s2 += got[i * n + j]! ** 2;
        s4ref += s2 * s2;
        for (let j = 0; j < n; j++) tref[j] = tref[j]! + s2 * got[i * n + j]!;
      }
      expect(Math.abs(s4 - s4ref) / s4ref).toBeLessThan(1e-13);
      expect(maxRel(get(pt, n), tref)).toBeLessThan(1e-13);
      [pa, px, py, pt].forEach(free);
    }
    // colcorr: correlation of columns, one exactly correlated pair and one anti-correlated
    const n = 37, k = 3;
    const u = rand(n * k, 3), v = rand(n * k, 4);
    for (let i = 0; i < n; i++) {
      v[i * k] = 2 * u[i * k]! + 1;
      v[i * k + 1] = -u[i * k + 1]!;
    }
    const pu = put(u), pv = put(v), po = allocF64(k);
    K.colcorr_f64(po, pu, pv, n, k, k, k);
    const r = get(po, k);
    expect(r[0]).toBeCloseTo(1, 14);
    expect(r[1]).toBeCloseTo(-1, 14);
    const col = (w: Float64Array, j: number) => Array.from({ length: n }, (_, i) => w[i * k + j]!);
    const pear = (a: number[], b: number[]) => {
      const ma = a.reduce((s, x) => s + x, 0) / n, mb = b.reduce((s, x) => s + x, 0) / n;
      let sab = 0, saa = 0, sbb = 0;
      for (let i = 0; i < n; i++) (sab += (a[i]! - ma) * (b[i]! - mb)), (saa += (a[i]! - ma) ** 2), (sbb += (b[i]! - mb) ** 2);
      return sab / Math.sqrt(saa * sbb);
    };
    expect(Math.abs(r[2]! - pear(col(u, 2), col(v, 2)))).toBeLessThan(1e-14);
    [pu, pv, po].forEach(free);
  });

  it('first_nonfinite_f64 / _f32 find the first NaN or ±Infinity, in SIMD blocks and in the tail', () => {
    const K = kernels();
    for (const len of [1, 5, 63, 64, 65, 200, 257]) {
      for (const bad of [0, 1, 31, 63, 64, 100, 199, 256]) {
        if (bad >= len) continue;
        for (const v of [NaN, Infinity, -Infinity]) {
          const a = Float64Array.from({ length: len }, (_, i) => (i % 7) - 3.5);
          a[bad] = v;
          if (bad + 3 < len) a[bad + 3] = NaN; // a later bad value must not be reported
          const p = put(a);
          expect(K.first_nonfinite_f64(p, len)).toBe(bad);
          free(p);
          const p32 = allocF64(len);
          const h32 = new Float32Array(heapF64().buffer, p32, len);
          h32.set(a);
          expect(K.first_nonfinite_f32(p32, len)).toBe(bad);
          free(p32);
        }
      }
      const ok = put(Float64Array.from({ length: len }, (_, i) => i * 1e300));
      expect(K.first_nonfinite_f64(ok, len)).toBe(-1);
      free(ok);
    }
  });

  it('add_diag_f64 adds to the diagonal only; scale_cols_f64 scales each column (strided)', () => {
    const K = kernels();
    for (const n of SIZES) {
      const ld = n + 2;
      const a = rand(n * ld, n + 40);
      const pa = put(a);
      K.add_diag_f64(pa, n, ld, 0.125);
      const got = get(pa, n * ld);
      for (let i = 0; i < n; i++) for (let j = 0; j < ld; j++) expect(got[i * ld + j]).toBe(a[i * ld + j]! + (i === j ? 0.125 : 0));
      free(pa);
      const rows = 3, ldx = n + 1, ldo = n + 3;
      const x = rand(rows * ldx, n + 41), sc = rand(n, n + 42);
      const out0 = new Float64Array(rows * ldo).fill(-1);
      const px = put(x), ps = put(sc), po = put(out0);
      K.scale_cols_f64(po, px, ps, rows, n, ldx, ldo);
      const o = get(po, rows * ldo);
      for (let i = 0; i < rows; i++) for (let j = 0; j < ldo; j++) expect(o[i * ldo + j]).toBe(j < n ? x[i * ldx + j]! * sc[j]! : -1);
      [px, ps, po].forEach(free);
    }
  });
});

describe('kernel functions of kernel CCA (assembly/kcca_gram.ts) vs scalar references', () => {
  it('row_sq_norms_f64, rbf_from_gram_f64 and poly_from_gram_f64 on strided blocks', () => {
    const K = kernels();
    for (const m of SIZES.slice(0, 6))
      for (const n of [1, 3, 17]) {
        const p = 3, ld = n + 2;
        const x = rand(m * p + 1, m * 7 + n), px = put(x), pa = allocF64(m);
        K.row_sq_norms_f64(pa, px, m, p, p);
        const norms = Array.from({ length: m }, (_, i) => x[i * p]! ** 2 + x[i * p + 1]! ** 2 + x[i * p + 2]! ** 2);
        expect(maxRel(get(pa, m), norms)).toBeLessThan(1e-15);
        const g = rand(m * ld, m + n * 3), b = rand(n, 5).map(Math.abs);
        const a = get(pa, m), pb = put(b);
        const pg = put(g);
        K.rbf_from_gram_f64(pg, pa, pb, m, n, ld, 0.01);
        const out = get(pg, m * ld);
        for (let i = 0; i < m; i++)
          for (let j = 0; j < ld; j++) {
            const want = j < n ? Math.exp(-0.01 * Math.max(a[i]! + b[j]! - 2 * g[i * ld + j]!, 0)) : g[i * ld + j]!;
            expect(Math.abs(out[i * ld + j]! - want), `rbf ${m}×${n} [${i}, ${j}]`).toBeLessThanOrEqual(4e-16 * Math.max(1, want));
          }
        for (const degree of [1, 2, 3, 5]) {
          const pq = put(g);
          K.poly_from_gram_f64(pq, m, n, ld, 0.3, 1.5, degree);
          const o = get(pq, m * ld);
          for (let i = 0; i < m; i++)
            for (let j = 0; j < ld; j++) {
              const want = j < n ? (0.3 * g[i * ld + j]! + 1.5) ** degree : g[i * ld + j]!;
              expect(Math.abs(o[i * ld + j]! - want) / Math.max(1, Math.abs(want)), `poly^${degree} ${m}×${n} [${i}, ${j}]`).toBeLessThan(1e-14);
            }
          free(pq);
        }
        for (const q of [px, pa, pb, pg]) free(q);
      }
  });
});

describe('gather_rows_f64 (permuting rows)', () => {
  it('copies the indexed rows in order, for a shuffle from the in-wasm PRNG, on odd sizes', () => {
    for (const n of SIZES)
      for (const cols of [1, 3, 17]) {
        const x = Matrix.from({ data: rand(n * cols, n + cols), rows: n, cols });
        const idx = Indices.empty(n), rng = Rng.create(n * 31 + cols), out = Matrix.empty(n, cols);
        shuffle(idx, rng);
        gatherRowsF64(out, x, idx);
        const order = idx.toArray(), src = x.toShaped().data, got = out.toShaped().data;
        expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
        for (let i = 0; i < n; i++) expect(Array.from(got.slice(i * cols, (i + 1) * cols))).toEqual(Array.from(src.slice(order[i]! * cols, (order[i]! + 1) * cols)));
        for (const b of [x, idx, rng, out]) b.dispose();
      }
    const x = Matrix.from([[1], [2]]), out = Matrix.empty(2, 1), bad = Indices.from([0, 2]);
    expect(() => gatherRowsF64(out, x, bad)).toThrow(/row indices below 2/);
    for (const b of [x, out, bad]) b.dispose();
  });
});

describe('covariance', () => {
  it('linalg.covariance and crossCovariance match a two-pass scalar reference', () => {
    for (const [n, p, q] of [[2, 1, 1], [9, 3, 5], [130, 17, 7], [300, 63, 2]] as const) {
      const x = rand(n * p, n + p, 3), y = rand(n * q, n + q, -2);
      const X = Matrix.from({ data: x, rows: n, cols: p }), Y = Matrix.from({ data: y, rows: n, cols: q });
      const mean = (d: Float64Array, c: number) => Array.from({ length: c }, (_, j) => { let s = 0; for (let i = 0; i < n; i++) s += d[i * c + j]!; return s / n; });
      const mx = mean(x, p), my = mean(y, q);
      const ref = (a: Float64Array, ma: number[], ca: number, b: Float64Array, mb: number[], cb: number) => {
        const out = new Float64Array(ca * cb);
        for (let i = 0; i < ca; i++) for (let j = 0; j < cb; j++) {
          let s = 0;
          for (let r = 0; r < n; r++) s += (a[r * ca + i]! - ma[i]!) * (b[r * cb + j]! - mb[j]!);
          out[i * cb + j] = s / (n - 1);
        }
        return out;
      };
      const C = linalg.covariance(X), D = linalg.crossCovariance(X, Y);
      expect(maxRel(C.data, ref(x, mx, p, x, mx, p))).toBeLessThan(1e-13);
      expect(maxRel(D.data, ref(x, mx, p, y, my, q))).toBeLessThan(1e-13);
      for (const m of [X, Y, C, D]) m.dispose();
    }
  });
});
