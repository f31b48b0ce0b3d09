/**
 * DeepCCA's Eckart–Young objective (Chapman, Wells & Lawry Aguila, "Efficient algorithms for
 * the CCA family: unconstrained objectives with unbiased gradients", arXiv 2310.01012), in f64,
 * with its analytic gradient.
 *
 * For tower outputs Zx, Zy (m×o, rows are samples), with covariances of centred columns over
 * m − 1 (Bessel):
 *   A = Cov(Zx, Zy) + Cov(Zy, Zx),   B = Var(Zx) + Var(Zy),
 *   loss = −2·tr(A) + tr(B²)         (minimised)
 * Its minimum over linear maps of the outputs is −Σ ρᵢ² (the squared canonical correlations of
 * the outputs, over all o columns), reached with no constraint, no inverse and no SVD, so it is
 * defined at any batch of ≥ 4 rows, also below the output width.
 *
 * Unbiased: tr(B²) of one batch is a biased estimate of tr(B_pop²) (the square of an estimate);
 * tr(B₁B₂) of two independent halves of the batch is not. The batch (rows already shuffled by
 * the trainer) is split into its first ⌊m/2⌋ rows and the other ⌈m/2⌉ (an odd batch gives the
 * second half the extra row); each half's B is centred on its own mean over (mₕ − 1), so each
 * half needs ≥ 2 rows and the batch ≥ 4. The reward tr(A) uses the whole batch (it is linear
 * in the covariance: unbiased as it is).
 *
 * Gradients (H̄ centred on the whole batch, Qₕ the outputs of half h centred on its own mean):
 *   ∂loss/∂Zx = −4·H̄y/(m−1) + [half 1 rows: 2·Qx₁B₂/(m₁−1); half 2 rows: 2·Qx₂B₁/(m₂−1)]
 * and the same with x and y swapped. Each term has zero column means over the rows it covers,
 * so it is also the gradient w.r.t. the uncentred outputs. evaluate() returns −loss (what is
 * maximised, and what the epoch reports as `correlation`): an unbiased estimate of −loss of the
 * population, which at the optimum is the sum of the squared canonical correlations of the
 * outputs. The ridge option is not used. All workspace is allocated once per (m, o).
 */
import * as W from '../../wasm/index.js';
import { Matrix } from '../../wasm/index.js';
import { ShapeError } from '../../errors.js';
import { Disposable } from '../../lifecycle.js';
import type { DeepCCAObjective } from './deepcca_objective.js';

export class EYObjective extends Disposable implements DeepCCAObjective {
  readonly m: number;
  readonly o: number;
  /** rows of the first half (⌊m/2⌋); the second has m − m1 */
  readonly m1: number;
  readonly H1: Matrix;
  readonly H2: Matrix;
  readonly G1: Matrix;
  readonly G2: Matrix;
  /** the minimised value of the last evaluate() */
  loss = NaN;
  /** its parts: −2·tr(A) (whole batch) and tr(B₁B₂) (the halves) */
  reward = NaN;
  penalty = NaN;
  #ws: Record<'mean' | 'C' | 'B1' | 'B2' | 'I' | 'Qx1' | 'Qy1' | 'Qx2' | 'Qy2', Matrix>;

  constructor(m: number, o: number) {
    super();
    if (!(Number.isInteger(m) && m >= 4)) throw new ShapeError('options.batchSize', "at least 4 rows for the 'ey' objective (two halves of ≥ 2 rows)", `${m} rows`);
    this.m = m;
    this.o = o;
    this.m1 = Math.floor(m / 2);
    const m2 = m - this.m1;
    const m1 = this.m1;
    const a = W.allocating((keep) => {
      const make = (r: number, c: number) => keep(Matrix.empty(r, c));
      return {
        H: [make(m, o), make(m, o), make(m, o), make(m, o)] as const,
        ws: { mean: make(1, o), C: make(o, o), B1: make(o, o), B2: make(o, o), I: keep(Matrix.identity(o)), Qx1: make(m1, o), Qy1: make(m1, o), Qx2: make(m2, o), Qy2: make(m2, o) },
      };
    });
    [this.H1, this.H2, this.G1, this.G2] = a.H;
    this.#ws = a.ws;
  }

  /** Evaluates the objective on the rows in H1, H2 (uncentred); leaves ∂(−loss)/∂H in G1, G2 and returns −loss. */
  evaluate(): number {
    this.live();
    const { m, o, m1, H1, H2, G1, G2 } = this;
    const P = this.#ws, m2 = m - m1;
    // the halves, each centred on its own mean (copies: H̄ on the whole batch is needed below)
    const half = (Q: Matrix, H: Matrix, start: number, rows: number) => {
      const v = H.viewRows(start, rows);
      W.colMeans(P.mean, v);
      W.center(Q, v, P.mean);
    };
    half(P.Qx1, H1, 0, m1);
    half(P.Qy1, H2, 0, m1);
    half(P.Qx2, H1, m1, m2);
    half(P.Qy2, H2, m1, m2);
    W.syrk(P.B1, P.Qx1, 1 / (m1 - 1), 0);
    W.syrk(P.B1, P.Qy1, 1 / (m1 - 1), 1);
    W.syrk(P.B2, P.Qx2, 1 / (m2 - 1), 0);
    W.syrk(P.B2, P.Qy2, 1 / (m2 - 1), 1);
    for (const H of [H1, H2]) {
      W.colMeans(P.mean, H);
      W.center(H, H, P.mean);
    }
    // tr(A) = 2·tr(Cov(Zx, Zy))
    const inv = 1 / (m - 1);
    W.gemm(P.C, H1, H2, true, false, inv, 0);
    const c = P.C.data, b1 = P.B1.data, b2 = P.B2.data;
    let trC = 0;
    for (let i = 0; i < o; i++) trC += c[i * o + i]!;
    let pen = 0;
    for (let i = 0; i < o * o; i++) pen += b1[i]! * b2[i]!; // tr(B₁B₂), both symmetric
    this.reward = -4 * trC;
    this.penalty = pen;
    this.loss = this.reward + pen;
    // G = −∂loss/∂H: the halves' penalty rows first, then the reward on every row
    for (const [G, Q1, Q2] of [[G1, P.Qx1, P.Qx2], [G2, P.Qy1, P.Qy2]] as const) {
      W.gemm(G.viewRows(0, m1), Q1, P.B2, false, false, -2 / (m1 - 1), 0);
      W.gemm(G.viewRows(m1, m2), Q2, P.B1, false, false, -2 / (m2 - 1), 0);
    }
    W.gemm(G1, H2, P.I, false, false, 4 * inv, 1);
    W.gemm(G2, H1, P.I, false, false, 4 * inv, 1);
    return -this.loss;
  }

  dispose(): void {
    if (!this.markDisposed()) return;
    for (const mm of [this.H1, this.H2, this.G1, this.G2, ...Object.values(this.#ws)]) mm.dispose();
  }
}
