/**
 * KernelCCA's kernel functions on wasm matrices: the Gram matrix between two sets of rows (one
 * GEMM, then the kernel applied elementwise in wasm), its exact symmetrisation and a row
 * gather. (The default γ and the standardisation are in kcca_scale.ts.)
 */
import * as W from '../../wasm/index.js';
import { Indices, Matrix, finiteResult, withScratch } from '../../wasm/index.js';
import type { Kernel } from './kcca_options.js';

/** One view's kernel as evaluated: its function and parameters (γ as fitted). */
export interface Spec {
  kernel: Kernel;
  gamma: number;
  degree: number;
  coef0: number;
}

/** Gram entries per block when a kernel is evaluated against a basis (16 MiB of f64). */
export const BLOCK = 1 << 21;

/**
 * The kernel between the rows of A (na×p) and B (nb×p): one GEMM for the inner products, the
 * kernel applied elementwise in wasm (the same bits on every engine). A non-finite entry (a polynomial of large values) is a typed
 * error naming `name`.
 */
export function gram(A: Matrix, B: Matrix, s: Spec, name: string): Matrix {
  const out = Matrix.empty(A.rows, B.rows);
  try {
    W.gemm(out, A, B, false, true);
    if (s.kernel === 'polynomial') W.polyFromGram(out, s.gamma, s.coef0, s.degree);
    else if (s.kernel === 'rbf')
      withScratch((sc) => {
        const na = sc.matrix(1, A.rows), nb = sc.matrix(1, B.rows);
        W.rowSqNorms(na, A);
        W.rowSqNorms(nb, B);
        W.rbfFromGram(out, na, nb, s.gamma);
      });
  } catch (e) {
    out.dispose();
    throw e;
  }
  return finiteResult(out, [name], 'kernel');
}

/** Makes a (square) matrix exactly symmetric: the GEMM's two triangles may differ in the last bit. */
export function symmetrise(K: Matrix): void {
  const d = K.data, n = K.rows;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (d[i * n + j]! + d[j * n + i]!);
      d[i * n + j] = d[j * n + i] = v;
    }
}

/** Rows `idx` of X as a new wasm matrix (the gather kernel). */
export function gatherRows(X: Matrix, idx: Uint32Array): Matrix {
  const out = Matrix.empty(idx.length, X.cols), ix = Indices.from(idx);
  try {
    W.gatherRowsF64(out, X, ix);
  } catch (e) {
    out.dispose();
    throw e;
  } finally {
    ix.dispose();
  }
  return out;
}
