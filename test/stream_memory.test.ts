// transform and score stream a bounded block of rows at a time, as fit does (issue 33): under a
// 64 MiB cap, CCA and MCCA fit, transform and score 200,000 × (50 + 50) rows given as JS
// arrays (the rows alone are 160 MB), and the peak wasm memory of transform + score is the same
// for 50,000 and 200,000 rows. Several blocks agree with a plain-JS reference to 1e-12.
// Its own file: the cap is set by this process's first init.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats, CCA, KernelCCA, MCCA, type MatrixResult } from '../src/index.js';

const MiB = 2 ** 20, p = 50, q = 50, k = 2;

beforeAll(async () => {
  await init({ maximumMemory: 64 * MiB });
});

/** n rows of two views sharing two latent signals, from a fast deterministic generator. */
function views(n: number, seed: number) {
  let s = seed >>> 0;
  const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
  const X = new Float64Array(n * p), Y = new Float64Array(n * q);
  for (let i = 0; i < n; i++) {
    const a = r(), b = r();
    for (let j = 0; j < p; j++) X[i * p + j] = (j % 3 === 0 ? a : j % 3 === 1 ? b : 0) + r();
    for (let j = 0; j < q; j++) Y[i * q + j] = (j % 2 === 0 ? a : b) + r();
  }
  return [{ data: X, rows: n, cols: p }, { data: Y, rows: n, cols: q }] as const;
}

/** (X − means)·W in plain JS. */
function jsProject(X: MatrixResult, means: Float64Array, W: MatrixResult): Float64Array {
  const n = X.rows, out = new Float64Array(n * W.cols), c = new Float64Array(X.cols);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < X.cols; j++) c[j] = X.data[i * X.cols + j]! - means[j]!;
    for (let l = 0; l < W.cols; l++) {
      let t = 0;
      for (let j = 0; j < X.cols; j++) t += c[j]! * W.data[j * W.cols + l]!;
      out[i * W.cols + l] = t;
    }
  }
  return out;
}

/** Two-pass Pearson correlation of matching columns (n×k each). */
function jsCorr(u: Float64Array, v: Float64Array, n: number): number[] {
  return Array.from({ length: k }, (_, c) => {
    let mu = 0, mv = 0;
    for (let i = 0; i < n; i++) (mu += u[i * k + c]!), (mv += v[i * k + c]!);
    (mu /= n), (mv /= n);
    let uv = 0, uu = 0, vv = 0;
    for (let i = 0; i < n; i++) {
      const a = u[i * k + c]! - mu, b = v[i * k + c]! - mv;
      (uv += a * b), (uu += a * a), (vv += b * b);
    }
    return uv / Math.sqrt(uu * vv);
  });
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0, m = 0;
  for (let i = 0; i < a.length; i++) (d = Math.max(d, Math.abs(a[i]! - b[i]!))), (m = Math.max(m, Math.abs(b[i]!)));
  return d / m;
};

/** Peak live wasm bytes of fn (from the bytes live before it). */
function peakOf(fn: () => void): number {
  const base = memoryStats({ resetPeak: true }).liveBytes;
  fn();
  return memoryStats().peakLiveBytes - base;
}

const peaks: Record<string, Record<number, number>> = { CCA: {}, MCCA: {}, KernelCCA: {} };

describe('transform and score in bounded blocks under init({ maximumMemory: 64 MiB })', () => {
  for (const n of [50_000, 200_000]) {
    it(`CCA and MCCA fit, transform and score ${n.toLocaleString('en')} × (50 + 50)`, () => {
      const [X, Y] = views(n, n);
      const cca = new CCA({ components: k }).fit(X, Y);
      let u!: MatrixResult, v!: MatrixResult, rho!: Float64Array;
      peaks.CCA![n] = peakOf(() => {
        [u, v] = cca.transform(X, Y);
        rho = cca.score(X, Y);
      });
      expect([u.rows, u.cols, v.rows]).toEqual([n, k, n]);
      // several blocks: equal to the unblocked plain-JS computation to 1e-12
      const ru = jsProject(X, cca.xMeans, cca.xWeights), rv = jsProject(Y, cca.yMeans, cca.yWeights);
      expect(close(u.data, ru)).toBeLessThan(1e-12);
      expect(close(v.data, rv)).toBeLessThan(1e-12);
      expect(close(rho, jsCorr(ru, rv, n))).toBeLessThan(1e-12);
      expect(rho[0]).toBeGreaterThan(0.3);
      cca.dispose();

      const mcca = new MCCA({ components: k }).fit([X, Y]);
      let w!: MatrixResult[], r!: Float64Array;
      peaks.MCCA![n] = peakOf(() => {
        w = mcca.transform([X, Y]);
        r = mcca.score([X, Y]);
      });
      const [Wx, Wy] = mcca.weights, [mx, my] = mcca.means;
      const rx = jsProject(X, mx!, Wx!), ry = jsProject(Y, my!, Wy!);
      expect(close(w[0]!.data, rx)).toBeLessThan(1e-12);
      expect(close(w[1]!.data, ry)).toBeLessThan(1e-12);
      expect(close(r, jsCorr(rx, ry, n))).toBeLessThan(1e-12);
      mcca.dispose();
      expect(memoryStats().memoryBytes).toBeLessThanOrEqual(64 * MiB);
    });
  }

  it('the peak wasm memory of transform + score does not grow with the row count', () => {
    // KernelCCA (Nyström, fitted on 4,000 rows: its fit holds n × landmarks) transforms and scores more
    const [X0, Y0] = views(4_000, 3);
    const kcca = new KernelCCA({ components: k, approximation: { nystrom: 100 } }).fit(X0, Y0);
    for (const n of [30_000, 60_000]) {
      const [X, Y] = views(n, 7 * n);
      peaks.KernelCCA![n] = peakOf(() => {
        kcca.transform(X, Y);
        kcca.score(X, Y);
      });
    }
    kcca.dispose();
    console.log(`peak wasm live bytes of transform + score: ${JSON.stringify(peaks)}; memory ${memoryStats().memoryBytes} bytes`);
    expect(peaks.CCA![200_000]).toBe(peaks.CCA![50_000]);
    expect(peaks.MCCA![200_000]).toBe(peaks.MCCA![50_000]);
    expect(peaks.KernelCCA![60_000]).toBe(peaks.KernelCCA![30_000]);
    expect(peaks.CCA![200_000]).toBeLessThan(24 * MiB);
  });
});
