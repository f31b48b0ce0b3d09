/**
 * The DeepCCA objective and its analytic gradient, in f64 (Andrew, Arora, Bilmes &
 * Livescu 2013, sec. 2.1, generalised to the top k singular values and to their squares).
 *
 * For centred tower outputs H̄1, H̄2 (m×o, rows are samples) with ridge r:
 *   Σ11 = H̄1ᵀH̄1/(m−1) + rI,  Σ22 likewise,  Σ12 = H̄1ᵀH̄2/(m−1),
 *   A = Σ11^-1/2,  B = Σ22^-1/2,  T = A Σ12 B = U D Vᵀ.
 * 'trace':   corr = Σ_{i<k} d_i,   ∂corr/∂T = U_k V_kᵀ
 * 'squared': corr = Σ_{i<k} d_i²,  ∂corr/∂T = 2 U_k D_k V_kᵀ
 * With w = 1 (trace) or 2d (squared) and c = d (trace) or 2d² (squared):
 *   ∇12 = A U_k diag(w) V_kᵀ B,  ∇11 = −½ A U_k diag(c) U_kᵀ A,  ∇22 = −½ B V_k diag(c) V_kᵀ B,
 *   ∂corr/∂H1 = (2 H̄1 ∇11 + H̄2 ∇12ᵀ)/(m−1),  ∂corr/∂H2 = (2 H̄2 ∇22 + H̄1 ∇12)/(m−1).
 * (∇11 = −½ A S A for S = (∂corr/∂T)·Tᵀ symmetric follows from dA·A + A·dA = −A²·dΣ·A².)
 * The gradients have zero column means, so they are also the gradients w.r.t. the
 * uncentred outputs. All workspace is allocated once per (m, o).
 */
import { Matrix } from './matrix.js';
import { allocF64, free, heapF64, kernels } from '../wasm/module.js';
import type { Ptr } from '../wasm/api.js';
import { ConvergenceError, SingularMatrixError, ValueError } from '../errors.js';

export type CCAObjectiveKind = 'trace' | 'squared';

export class CCAObjective {
  readonly m: number;
  readonly o: number;
  readonly k: number;
  readonly ridge: number;
  readonly kind: CCAObjectiveKind;
  /** centred copies of the inputs, then reused */
  readonly H1: Matrix;
  readonly H2: Matrix;
  /** gradients of corr w.r.t. H1 and H2 (m×o), valid after evaluate() */
  readonly G1: Matrix;
  readonly G2: Matrix;
  /** singular values of T after evaluate() (descending) */
  readonly d: Float64Array;
  #ws: Ptr[] = [];
  #p: Record<string, Ptr> = {};

  constructor(m: number, o: number, k: number, ridge: number, kind: CCAObjectiveKind) {
    if (!(Number.isInteger(k) && k >= 1 && k <= o)) throw new ValueError('components', `an integer in 1..${o} (the output width)`, k);
    this.m = m;
    this.o = o;
    this.k = k;
    this.ridge = ridge;
    this.kind = kind;
    this.d = new Float64Array(o);
    const K = kernels();
    const mats: Matrix[] = [];
    try {
      for (let i = 0; i < 4; i++) mats.push(Matrix.alloc(m, o));
      const sizes: Record<string, number> = {
        mean: o, S11: o * o, S22: o * o, S12: o * o, A: o * o, B: o * o, T: o * o, tmp: o * o, U: o * o, V: o * o, s: o,
        D11: o * o, D22: o * o, D12: o * o, X: o * o, vals: o,
        work: Math.max(K.invsqrt_spd_f64_work(o), K.svd_f64_work(o, o)),
      };
      for (const [name, count] of Object.entries(sizes)) {
        const p = allocF64(count);
        this.#ws.push(p);
        this.#p[name] = p;
      }
    } catch (e) {
      for (const mm of mats) mm.dispose();
      for (const p of this.#ws) free(p);
      throw e;
    }
    [this.H1, this.H2, this.G1, this.G2] = mats as [Matrix, Matrix, Matrix, Matrix];
  }

  /**
   * Evaluates corr on the rows already written into H1 and H2 (uncentred), and leaves
   * ∂corr/∂H1, ∂corr/∂H2 in G1, G2. Throws SingularMatrixError when the ridge cannot keep an
   * output covariance positive definite.
   */
  evaluate(): number {
    const K = kernels();
    const { m, o, k } = this;
    const P = this.#p as Record<string, Ptr>;
    const inv = 1 / (m - 1);
    const H1 = this.H1.ptr, H2 = this.H2.ptr;
    for (const H of [H1, H2]) {
      K.colmeans_f64(P.mean!, H, m, o, o);
      K.center_f64(H, H, P.mean!, m, o, o, o);
    }
    K.syrk_f64_tn(P.S11!, H1, o, m, o, o, inv, 0);
    K.syrk_f64_tn(P.S22!, H2, o, m, o, o, inv, 0);
    K.gemm_f64_tn(P.S12!, H1, H2, o, o, m, o, o, o, inv, 0);
    const h = heapF64();
    for (let i = 0; i < o; i++) {
      const a = (P.S11! >>> 3) + i * o + i, b = (P.S22! >>> 3) + i * o + i;
      h[a] = h[a]! + this.ridge;
      h[b] = h[b]! + this.ridge;
    }
    this.#invSqrt(P.A!, P.S11!, 'first');
    this.#invSqrt(P.B!, P.S22!, 'second');
    // T = A Σ12 B
    K.gemm_f64_nn(P.tmp!, P.A!, P.S12!, o, o, o, o, o, o, 1, 0);
    K.gemm_f64_nn(P.T!, P.tmp!, P.B!, o, o, o, o, o, o, 1, 0);
    const info = K.svd_f64(P.U!, P.s!, P.V!, P.T!, o, o, o, o, o, P.work!);
    if (info !== 0) throw new ConvergenceError(`DeepCCA objective: the SVD of T did not converge (code ${info})`);
    const hd = heapF64();
    const s = hd.subarray(P.s! >>> 3, (P.s! >>> 3) + o);
    this.d.set(s);
    let corr = 0;
    for (let i = 0; i < k; i++) corr += this.kind === 'trace' ? s[i]! : s[i]! * s[i]!;
    // X = U_k diag(w) (o×k, stored with stride o), then ∇12 = A X V_kᵀ B
    const w = (i: number) => (this.kind === 'trace' ? 1 : 2 * s[i]!);
    const c = (i: number) => (this.kind === 'trace' ? s[i]! : 2 * s[i]! * s[i]!);
    // ∇12
    this.#scaleCols(P.X!, P.U!, w);
    K.gemm_f64_nt(P.tmp!, P.X!, P.V!, o, o, k, o, o, o, 1, 0); // U_k diag(w) V_kᵀ
    K.gemm_f64_nn(P.X!, P.A!, P.tmp!, o, o, o, o, o, o, 1, 0);
    K.gemm_f64_nn(P.D12!, P.X!, P.B!, o, o, o, o, o, o, 1, 0);
    // ∇11 = −½ A U_k diag(c) U_kᵀ A
    this.#sandwich(P.D11!, P.A!, P.U!, c);
    this.#sandwich(P.D22!, P.B!, P.V!, c);
    // G1 = (2 H̄1 ∇11 + H̄2 ∇12ᵀ)/(m−1);  G2 = (2 H̄2 ∇22 + H̄1 ∇12)/(m−1)
    K.gemm_f64_nn(this.G1.ptr, H1, P.D11!, m, o, o, o, o, o, 2 * inv, 0);
    K.gemm_f64_nt(this.G1.ptr, H2, P.D12!, m, o, o, o, o, o, inv, 1);
    K.gemm_f64_nn(this.G2.ptr, H2, P.D22!, m, o, o, o, o, o, 2 * inv, 0);
    K.gemm_f64_nn(this.G2.ptr, H1, P.D12!, m, o, o, o, o, o, inv, 1);
    return corr;
  }

  /** dst (o×o) = the first k columns of src scaled by f(j), the rest zero: Q_k diag(f) */
  #scaleCols(dst: Ptr, src: Ptr, f: (j: number) => number) {
    const { o, k } = this;
    const hh = heapF64(), a = src >>> 3, b = dst >>> 3;
    for (let r = 0; r < o; r++) for (let j = 0; j < o; j++) hh[b + r * o + j] = j < k ? hh[a + r * o + j]! * f(j) : 0;
  }

  /** out = −½ M Q_k diag(c) Q_kᵀ M */
  #sandwich(out: Ptr, M: Ptr, Q: Ptr, c: (i: number) => number) {
    const K = kernels();
    const { o, k } = this;
    const P = this.#p as Record<string, Ptr>;
    this.#scaleCols(P.X!, Q, c);
    K.gemm_f64_nt(P.tmp!, P.X!, Q, o, o, k, o, o, o, 1, 0); // Q_k diag(c) Q_kᵀ
    K.gemm_f64_nn(P.X!, M, P.tmp!, o, o, o, o, o, o, 1, 0);
    K.gemm_f64_nn(out, P.X!, M, o, o, o, o, o, o, -0.5, 0);
  }

  #invSqrt(out: Ptr, S: Ptr, which: string) {
    const K = kernels();
    const P = this.#p as Record<string, Ptr>;
    const info = K.invsqrt_spd_f64(out, P.vals!, S, this.o, this.o, this.o, P.work!);
    if (info === 1) throw new ConvergenceError(`DeepCCA objective: the eigendecomposition of the ${which} view's output covariance did not converge`);
    if (info === 2) {
      const v = heapF64().subarray(P.vals! >>> 3, (P.vals! >>> 3) + this.o);
      throw new SingularMatrixError(
        `DeepCCA: the ${which} tower's output covariance is not positive definite (eigenvalues ${v[0]!.toExponential(2)} … ${v[this.o - 1]!.toExponential(2)}) even with ridge ${this.ridge}: raise options.regularization, lower the learning rate, or use more rows per batch`,
      );
    }
  }

  dispose(): void {
    for (const mm of [this.H1, this.H2, this.G1, this.G2]) mm.dispose();
    for (const p of this.#ws) free(p);
    this.#ws = [];
  }
}
