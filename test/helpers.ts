// Shared test utilities: seeded random numbers and the bundled data's views.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { parseDigits } from '../src/datasets.js';

/** mulberry32, centred: uniform in [−0.5, 0.5), seeded. */
export function centred(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
}

/** SHA-256 of the arrays' bytes (f32/f64 as they are, other array-likes as f64), hex. */
export function hashOf(...arrays: ArrayLike<number>[]): string {
  const h = createHash('sha256');
  for (const a of arrays) {
    const f = a instanceof Float32Array || a instanceof Float64Array ? a : Float64Array.from(a);
    h.update(new Uint8Array(f.buffer, f.byteOffset, f.byteLength));
  }
  return h.digest('hex');
}

/** xorshift32 uniform in [0, 1), seeded. */
export function uniform(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

/** Standard normal draws (Box–Muller) from a seeded uniform stream. */
export function normal(seed: number): () => number {
  const u = uniform(seed);
  return () => {
    const a = u() || 1e-12;
    return Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * u());
  };
}

/** n rows of p and q columns with canonical correlations `rho` planted in the first columns. */
export function planted(n: number, p: number, q: number, rho: number[], seed: number) {
  const z = normal(seed);
  const X: number[][] = [], Y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const x = Array.from({ length: p }, () => z()), y = Array.from({ length: q }, () => z());
    rho.forEach((r, c) => (y[c] = r * x[c]! + Math.sqrt(1 - r * r) * y[c]!));
    X.push(x);
    Y.push(y);
  }
  return { X, Y };
}

export function randn(rows: number, cols: number, seed: number): number[][] {
  const g = normal(seed);
  return Array.from({ length: rows }, () => Array.from({ length: cols }, g));
}

export const digits = parseDigits(readFileSync(new URL('../data/digits.csv', import.meta.url), 'utf8'));

export function linnerud(): { exercise: number[][]; physiological: number[][] } {
  const read = (f: string) =>
    readFileSync(new URL(`../data/${f}`, import.meta.url), 'utf8')
      .split('\n')
      .slice(1)
      .filter((l) => l.trim())
      .map((l) => l.trim().split(/\s+/).map(Number));
  return { exercise: read('linnerud_exercise.csv'), physiological: read('linnerud_physiological.csv') };
}

export const reference = JSON.parse(readFileSync(new URL('./fixtures/cca-reference.json', import.meta.url), 'utf8'));

/** Plain JS matrix helpers for independent checks. */
export function matmulJS(A: number[][], B: number[][]): number[][] {
  const n = A.length, k = B.length, m = B[0]!.length;
  const C = Array.from({ length: n }, () => new Array<number>(m).fill(0));
  for (let i = 0; i < n; i++) for (let p = 0; p < k; p++) {
    const a = A[i]![p]!;
    for (let j = 0; j < m; j++) C[i]![j]! += a * B[p]![j]!;
  }
  return C;
}

/** Determinant by Gaussian elimination with partial pivoting. */
export function detJS(A: number[][]): number {
  const M = A.map((r) => r.slice());
  const n = M.length;
  let det = 1;
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[piv]![c]!)) piv = r;
    if (M[piv]![c] === 0) return 0;
    if (piv !== c) {
      [M[piv], M[c]] = [M[c]!, M[piv]!];
      det = -det;
    }
    det *= M[c]![c]!;
    for (let r = c + 1; r < n; r++) {
      const f = M[r]![c]! / M[c]![c]!;
      for (let j = c; j < n; j++) M[r]![j]! -= f * M[c]![j]!;
    }
  }
  return det;
}

/** Sample covariance (n − 1) of the columns of [X Y] in plain JS, two-pass. */
export function covJS(X: number[][]): number[][] {
  const n = X.length, p = X[0]!.length;
  const mean = new Array<number>(p).fill(0);
  for (const r of X) for (let j = 0; j < p; j++) mean[j]! += r[j]! / n;
  const C = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (const r of X) for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) C[i]![j]! += ((r[i]! - mean[i]!) * (r[j]! - mean[j]!)) / (n - 1);
  return C;
}
