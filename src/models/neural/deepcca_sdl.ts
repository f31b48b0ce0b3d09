/**
 * DeepCCA's soft decorrelation objective (Chang, Xiang & Hospedales, "Scalable and effective
 * deep CCA via soft decorrelation", CVPR 2018), in f64, with its analytic gradient.
 *
 * Each tower's outputs H (m×o) are batch-normalised inside the objective (per column, the
 * batch's mean and biased variance, ε = 1e-5, no affine part, as BatchNorm1d(affine=False) in
 * training mode): Z = (H − μ)/√(σ² + ε). The towers themselves are unchanged: the final linear
 * CCA on their outputs does not see a per-column affine map, so nothing of it is kept for
 * transform.
 *   loss = ‖Zx − Zy‖²/(m·o) + λ·(SDL(Σx) + SDL(Σy)),   SDL(Σ) = Σ_{i≠j} |Σᵢⱼ|  (the L1 norm off the diagonal)
 * where Σ is the running covariance of a view's normalised outputs, the paper's normalised
 * decaying accumulation over the batches:
 *   acc ← α·acc + ZᵀZ/m,   c ← α·c + 1,   Σ = acc/c     (the new batch enters before the loss)
 * Only this batch's ZᵀZ/m carries a gradient (the accumulated part is a constant, as the
 * paper's and cca_zoo's detached running estimate).
 *
 * Our choices, documented: the paper's normalised accumulation (the first batch's Σ is its own
 * covariance; cca_zoo instead mixes ρ·old + (1 − ρ)·batch with ρ = 0.2), α = SDL_DECAY = 0.9,
 * and λ = SDL_WEIGHT = 0.1 on the L1 sum. cca_zoo's default (λ = 0.5 on the mean of |Σᵢⱼ| over
 * the o² entries, i.e. 0.005 on the sum at o = 10) left the outputs correlated with each other
 * on the digits halves (held-out sum 4.5 at batch 100, below linear CCA's 5.53); λ was picked
 * from 0.005, 0.05, 0.1, 0.25, 0.5 (sum form) on that benchmark (bench/deepcca_objectives_quality.js),
 * so its 'sdl' row is, if anything, optimistic. The ridge option is not used.
 *
 * The running statistics belong to the training state (SDLStatistics, kept by the trainer
 * with the optimisers: a warm start goes on with them, the checkpoint of an aborted fit puts
 * them back). evaluate() returns the sum over the o columns of the batch correlation of
 * column j of Zx with column j of Zy (what the epoch reports as `correlation`); `loss` is the
 * value minimised. A batch needs ≥ 2 rows (a variance to normalise by).
 */
import * as W from '../../wasm/index.js';
import { Matrix } from '../../wasm/index.js';
import { ShapeError } from '../../errors.js';
import { Disposable } from '../../lifecycle.js';
import type { DeepCCAObjective } from './deepcca_objective.js';

/** α, the decay of the running covariance */
export const SDL_DECAY = 0.9;
/** λ, the weight of the decorrelation terms */
export const SDL_WEIGHT = 0.1;
/** ε of the batch normalisation */
export const SDL_EPS = 1e-5;

/**
 * The running covariances of both views' normalised outputs (o×o each) and the accumulated
 * weight c, as state bytes the trainer's checkpoint copies (like a random stream's): the
 * training state of an 'sdl' fit.
 */
export class SDLStatistics {
  readonly o: number;
  /** acc of view x (o²), then of view y (o²), then c */
  readonly values: Float64Array;

  constructor(o: number) {
    this.o = o;
    this.values = new Float64Array(2 * o * o + 1);
  }

  get state(): Uint8Array {
    return new Uint8Array(this.values.buffer.slice(0));
  }

  set state(bytes: Uint8Array) {
    if (bytes.length !== this.values.byteLength) throw new ShapeError('state', `${this.values.byteLength} bytes`, `${bytes.length} bytes`);
    new Uint8Array(this.values.buffer).set(bytes);
  }

  /** nothing in wasm memory */
  dispose(): void {}
}

export class SDLObjective extends Disposable implements DeepCCAObjective {
  readonly m: number;
  readonly o: number;
  readonly H1: Matrix;
  readonly H2: Matrix;
  readonly G1: Matrix;
  readonly G2: Matrix;
  readonly stats: SDLStatistics;
  /** the minimised value of the last evaluate() */
  loss = NaN;
  /** its parts: the mean squared distance, and λ·(SDL(Σx) + SDL(Σy)) */
  distance = NaN;
  decorrelation = NaN;
  #ws: Record<'mean' | 'Z1' | 'Z2' | 'C' | 'S' | 'D', Matrix>;
  #inv: [Float64Array, Float64Array];

  constructor(m: number, o: number, stats: SDLStatistics) {
    super();
    if (!(Number.isInteger(m) && m >= 2)) throw new ShapeError('options.batchSize', "at least 2 rows for the 'sdl' objective (a variance to normalise by)", `${m} rows`);
    if (stats.o !== o) throw new ShapeError('stats', `running covariances of width ${o}`, `width ${stats.o}`);
    this.m = m;
    this.o = o;
    this.stats = stats;
    this.#inv = [new Float64Array(o), new Float64Array(o)];
    const a = W.allocating((keep) => {
      const make = (r: number, c: number) => keep(Matrix.empty(r, c));
      return { H: [make(m, o), make(m, o), make(m, o), make(m, o)] as const, ws: { mean: make(1, o), Z1: make(m, o), Z2: make(m, o), C: make(o, o), S: make(o, o), D: make(m, o) } };
    });
    [this.H1, this.H2, this.G1, this.G2] = a.H;
    this.#ws = a.ws;
  }

  /** Evaluates the objective on the rows in H1, H2 (uncentred) with the running statistics, leaves ∂(−loss)/∂H in G1, G2, then adds the batch to the statistics. */
  evaluate(): number {
    this.live();
    const { m, o } = this;
    const P = this.#ws;
    // batch normalisation: Z = (H − μ)·s, s = 1/√(σ² + ε)
    for (const [H, Z, inv] of [[this.H1, P.Z1, this.#inv[0]], [this.H2, P.Z2, this.#inv[1]]] as const) {
      W.colMeans(P.mean, H);
      W.center(Z, H, P.mean);
      const z = Z.data;
      inv.fill(0);
      for (let i = 0; i < m; i++) for (let j = 0; j < o; j++) inv[j] = inv[j]! + z[i * o + j]! * z[i * o + j]!;
      for (let j = 0; j < o; j++) inv[j] = 1 / Math.sqrt(inv[j]! / m + SDL_EPS);
      for (let i = 0; i < m; i++) for (let j = 0; j < o; j++) z[i * o + j] = z[i * o + j]! * inv[j]!;
    }
    const z1 = P.Z1.data, z2 = P.Z2.data;
    // the distance and the reported per-column correlations
    let dist = 0, corr = 0;
    for (let i = 0; i < m * o; i++) dist += (z1[i]! - z2[i]!) ** 2;
    dist /= m * o;
    for (let j = 0; j < o; j++) {
      let a = 0, b = 0, c = 0;
      for (let i = 0; i < m; i++) {
        const u = z1[i * o + j]!, v = z2[i * o + j]!;
        a += u * v;
        b += u * u;
        c += v * v;
      }
      corr += b > 0 && c > 0 ? a / Math.sqrt(b * c) : 0;
    }
    const acc = this.stats.values, count = acc[2 * o * o]!;
    const denom = SDL_DECAY * count + 1;
    let dec = 0;
    for (let v = 0; v < 2; v++) {
      const Z = v === 0 ? P.Z1 : P.Z2, G = v === 0 ? this.G1 : this.G2;
      const a0 = v * o * o;
      // this batch's covariance, the running Σ, and S = ∂loss/∂(ZᵀZ/m)
      W.syrk(P.C, Z, 1 / m, 0);
      const C = P.C.data, S = P.S.data;
      for (let i = 0; i < o; i++)
        for (let j = 0; j < o; j++) {
          const sigma = (SDL_DECAY * acc[a0 + i * o + j]! + C[i * o + j]!) / denom;
          if (i === j) {
            S[i * o + j] = 0;
            continue;
          }
          dec += Math.abs(sigma);
          S[i * o + j] = (SDL_WEIGHT * Math.sign(sigma)) / denom;
        }
      // D = ∂loss/∂Z = (2/m)·Z·S ± 2(Zx − Zy)/(m·o)
      W.gemm(P.D, Z, P.S, false, false, 2 / m, 0);
      const d = P.D.data, sgn = v === 0 ? 1 : -1, w = (2 * sgn) / (m * o);
      for (let i = 0; i < m * o; i++) d[i] = d[i]! + w * (z1[i]! - z2[i]!);
      // through the normalisation: ∂H = s·(D − mean(D) − Z·mean(D⊙Z)); G = −∂H
      const z = Z.data, g = G.data, inv = this.#inv[v]!;
      for (let j = 0; j < o; j++) {
        let md = 0, mdz = 0;
        for (let i = 0; i < m; i++) {
          md += d[i * o + j]!;
          mdz += d[i * o + j]! * z[i * o + j]!;
        }
        md /= m;
        mdz /= m;
        for (let i = 0; i < m; i++) g[i * o + j] = -inv[j]! * (d[i * o + j]! - md - z[i * o + j]! * mdz);
      }
      // the batch joins the running statistics (after its use above)
      for (let i = 0; i < o * o; i++) acc[a0 + i] = SDL_DECAY * acc[a0 + i]! + C[i]!;
    }
    acc[2 * o * o] = denom;
    this.distance = dist;
    this.decorrelation = SDL_WEIGHT * dec;
    this.loss = dist + this.decorrelation;
    return corr;
  }

  dispose(): void {
    if (!this.markDisposed()) return;
    for (const mm of [this.H1, this.H2, this.G1, this.G2, ...Object.values(this.#ws)]) mm.dispose();
  }
}
