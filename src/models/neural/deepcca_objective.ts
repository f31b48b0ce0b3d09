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
import * as W from '../../wasm/index.js';
import { Matrix } from '../../wasm/index.js';
import { ConvergenceError, SingularMatrixError, ValueError } from '../../errors.js';
import { Disposable } from '../../lifecycle.js';

/** The full-batch DeepCCA objectives: the sum of the canonical correlations ('trace') or of their squares ('squared'). */
export type CCAObjectiveKind = 'trace' | 'squared';

/** Every DeepCCA objective: 'trace' / 'squared' (this file), 'ey' (deepcca_ey.ts), 'sdl' (deepcca_sdl.ts). */
export type DeepCCAObjectiveKind = CCAObjectiveKind | 'ey' | 'sdl';

/**
 * What DeepCCA's step uses of an objective: write the batch's tower outputs into H1, H2 (m×o,
 * f64, uncentred), call evaluate(): it returns the number an epoch reports as `correlation`,
 * sets `loss` (the value minimised) and leaves in G1, G2 the gradients of −loss (what is
 * maximised) w.r.t. H1, H2.
 */
export interface DeepCCAObjective {
  readonly H1: Matrix;
  readonly H2: Matrix;
  readonly G1: Matrix;
  readonly G2: Matrix;
  readonly loss: number;
  evaluate(): number;
  dispose(): void;
}

export class CCAObjective extends Disposable implements DeepCCAObjective {
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
  /** −corr of the last evaluate() (the value minimised) */
  loss = NaN;
  /** workspace, all allocated once */
  #ws: Record<'mean' | 'S11' | 'S22' | 'S12' | 'A' | 'B' | 'T' | 'tmp' | 'U' | 'V' | 's' | 'D11' | 'D22' | 'D12' | 'X' | 'vals' | 'scale' | 'work', Matrix>;

  constructor(m: number, o: number, k: number, ridge: number, kind: CCAObjectiveKind) {
    super();
    if (!(Number.isInteger(k) && k >= 1 && k <= o)) throw new ValueError('components', `an integer in 1..${o} (the output width)`, k);
    this.m = m;
    this.o = o;
    this.k = k;
    this.ridge = ridge;
    this.kind = kind;
    this.d = new Float64Array(o);
    const a = W.allocating((keep) => {
      const make = (r: number, c: number) => keep(Matrix.empty(r, c));
      const sq = () => make(o, o), vec = () => make(1, o);
      return {
        H: [make(m, o), make(m, o), make(m, o), make(m, o)] as const,
        ws: {
          mean: vec(), S11: sq(), S22: sq(), S12: sq(), A: sq(), B: sq(), T: sq(), tmp: sq(), U: sq(), V: sq(), s: vec(),
          D11: sq(), D22: sq(), D12: sq(), X: sq(), vals: vec(), scale: make(1, k),
          work: make(1, Math.max(W.invSqrtWorkSize(o), W.svdWorkSize(o, o))),
        },
      };
    });
    [this.H1, this.H2, this.G1, this.G2] = a.H;
    this.#ws = a.ws;
  }

  /**
   * Evaluates corr on the rows already written into H1 and H2 (uncentred), and leaves
   * ∂corr/∂H1, ∂corr/∂H2 in G1, G2. Throws SingularMatrixError when the ridge cannot keep an
   * output covariance positive definite.
   */
  evaluate(): number {
    this.live();
    try {
      const corr = this.#evaluate();
      this.loss = -corr;
      return corr;
    } catch (e) {
      // a decomposition that fails on outputs that overflowed: the towers diverged (NonFiniteError,
      // which the training loop reports as a divergence); checked only then, so a step pays nothing
      if (e instanceof ConvergenceError || e instanceof SingularMatrixError) {
        W.checkFinite(this.H1, "the x tower's outputs");
        W.checkFinite(this.H2, "the y tower's outputs");
      }
      throw e;
    }
  }

  #evaluate(): number {
    const { m, o, k } = this;
    const P = this.#ws;
    const inv = 1 / (m - 1);
    const { H1, H2 } = this;
    for (const H of [H1, H2]) {
      W.colMeans(P.mean, H);
      W.center(H, H, P.mean);
    }
    W.syrk(P.S11, H1, inv, 0);
    W.syrk(P.S22, H2, inv, 0);
    W.gemm(P.S12, H1, H2, true, false, inv, 0);
    W.addDiagonal(P.S11, this.ridge);
    W.addDiagonal(P.S22, this.ridge);
    this.#invSqrt(P.A, P.S11, 'first');
    this.#invSqrt(P.B, P.S22, 'second');
    // T = A Σ12 B
    W.gemm(P.tmp, P.A, P.S12);
    W.gemm(P.T, P.tmp, P.B);
    const info = W.svd(P.U, P.s, P.V, P.T, P.work);
    if (info !== 0) throw new ConvergenceError(`DeepCCA objective: the SVD of T did not converge (code ${info})`);
    const s = P.s.data;
    this.d.set(s);
    let corr = 0;
    for (let i = 0; i < k; i++) corr += this.kind === 'trace' ? s[i]! : s[i]! * s[i]!;
    // with w_i = 1 (trace) or 2d_i (squared), c_i = d_i (trace) or 2d_i² (squared)
    const w = (i: number) => (this.kind === 'trace' ? 1 : 2 * s[i]!);
    const c = (i: number) => (this.kind === 'trace' ? s[i]! : 2 * s[i]! * s[i]!);
    // ∇12 = A U_k diag(w) V_kᵀ B
    const Xk = P.X.viewCols(0, k);
    this.#scaleCols(Xk, P.U, w);
    W.gemm(P.tmp, Xk, P.V.viewCols(0, k), false, true); // U_k diag(w) V_kᵀ
    W.gemm(P.X, P.A, P.tmp);
    W.gemm(P.D12, P.X, P.B);
    // ∇11 = −½ A U_k diag(c) U_kᵀ A
    this.#sandwich(P.D11, P.A, P.U, c);
    this.#sandwich(P.D22, P.B, P.V, c);
    // G1 = (2 H̄1 ∇11 + H̄2 ∇12ᵀ)/(m−1);  G2 = (2 H̄2 ∇22 + H̄1 ∇12)/(m−1)
    W.gemm(this.G1, H1, P.D11, false, false, 2 * inv, 0);
    W.gemm(this.G1, H2, P.D12, false, true, inv, 1);
    W.gemm(this.G2, H2, P.D22, false, false, 2 * inv, 0);
    W.gemm(this.G2, H1, P.D12, false, false, inv, 1);
    return corr;
  }

  /** dst (o×k) = the first k columns of src scaled by f(j): Q_k diag(f) */
  #scaleCols(dst: Matrix, src: Matrix, f: (j: number) => number) {
    const scale = this.#ws.scale.data;
    for (let j = 0; j < this.k; j++) scale[j] = f(j);
    W.scaleCols(dst, src.viewCols(0, this.k), this.#ws.scale);
  }

  /** out = −½ M Q_k diag(c) Q_kᵀ M */
  #sandwich(out: Matrix, M: Matrix, Q: Matrix, c: (i: number) => number) {
    const P = this.#ws;
    const Xk = P.X.viewCols(0, this.k);
    this.#scaleCols(Xk, Q, c);
    W.gemm(P.tmp, Xk, Q.viewCols(0, this.k), false, true); // Q_k diag(c) Q_kᵀ
    W.gemm(P.X, M, P.tmp);
    W.gemm(out, P.X, M, false, false, -0.5, 0);
  }

  #invSqrt(out: Matrix, S: Matrix, which: string) {
    const P = this.#ws;
    const info = W.invSqrtSpd(out, P.vals, S, P.work);
    if (info === 1) throw new ConvergenceError(`DeepCCA objective: the eigendecomposition of the ${which} view's output covariance did not converge`);
    if (info === 2) {
      const v = P.vals.data;
      throw new SingularMatrixError(
        `DeepCCA: the ${which} tower's output covariance is not positive definite (eigenvalues ${v[0]!.toExponential(2)} … ${v[this.o - 1]!.toExponential(2)}) even with ridge ${this.ridge}: raise options.regularization, lower the learning rate, or use more rows per batch`,
      );
    }
  }

  dispose(): void {
    if (!this.markDisposed()) return;
    for (const mm of [this.H1, this.H2, this.G1, this.G2, ...Object.values(this.#ws)]) mm.dispose();
  }
}
