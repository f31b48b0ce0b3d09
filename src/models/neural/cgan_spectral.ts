/**
 * Spectral normalisation of the cGAN's discriminator (Miyato, Kataoka, Koyama & Yoshida 2018):
 * every layer's weight W (nin×nout, row-major as the MLP stores it) enters D's forward as W/σ,
 * σ ≈ W's largest singular value by one power iteration per D step with a persistent vector u
 * per layer (length nin, drawn from the in-wasm PRNG and normalised when the networks are built):
 *   v ← Wᵀu / ‖Wᵀu‖,   u ← W v / ‖W v‖,   σ = uᵀ W v   (= ‖W v‖)
 * The products (and the gradient's rank-one update) are wasm GEMMs on views of D's parameter buffer.
 *
 * D's MLP holds the RAW weights at rest (so its optimiser, the checkpoint, warm starts and the
 * file all see W); around each use, `normalise` (D steps: with the power iteration) or `apply`
 * (G's step: σ = uᵀ W v from the last D step's u and v, no iteration) saves the raw parameters
 * and divides each W by its σ in place, and `restore` copies the raw ones back. Between D's
 * backward and `restore`, `gradient` turns the MLP's gradient G = ∂L/∂(W/σ) into the gradient
 * w.r.t. the raw W, u and v held constant:
 *   ∂L/∂W = (G − (Σ_ij G_ij·W_ij/σ)·u vᵀ) / σ
 * so that the optimiser steps on the raw weights. Biases are not normalised.
 */
import * as W from '../../wasm/index.js';
import { Rng, Tensor } from '../../wasm/index.js';
import type { MLP } from '../../nn/mlp.js';
import { Disposable } from '../../lifecycle.js';

export class SpectralNorm extends Disposable {
  /** the persistent u vectors of every layer, one after the other (Σ nin values) */
  readonly u: Tensor;
  readonly #net: MLP;
  readonly #v: Tensor;
  readonly #wv: Tensor;
  readonly #raw: Tensor;
  /** 1×1: Σ G⊙(W/σ) */
  readonly #dot: Tensor;
  readonly #layers: { nin: number; nout: number; w: number; u: number; v: number }[];
  /** each layer's σ as last computed */
  readonly sigma: Float64Array;

  /** For D's layers; u drawn standard normal from a PRNG seeded with `seed`, each layer's normalised. */
  constructor(net: MLP, seed: number) {
    super();
    this.#net = net;
    let uo = 0, vo = 0;
    this.#layers = net.layout.map((L) => {
      const l = { nin: L.inputs, nout: L.outputs, w: L.weights, u: uo, v: vo };
      uo += L.inputs;
      vo += L.outputs;
      return l;
    });
    this.sigma = new Float64Array(this.#layers.length);
    const made: Tensor[] = [];
    try {
      made.push((this.u = Tensor.empty(1, uo)));
      made.push((this.#v = Tensor.empty(1, vo)));
      made.push((this.#wv = Tensor.empty(1, uo)));
      made.push((this.#raw = Tensor.empty(1, net.parameterCount)));
      made.push((this.#dot = Tensor.empty(1, 1)));
      const rng = Rng.create(seed >>> 0);
      try {
        W.randomNormal(this.u, 0, 1, rng);
      } finally {
        rng.dispose();
      }
      for (const L of this.#layers) normalize(this.u.data, L.u, L.nin);
    } catch (e) {
      for (const t of made) t.dispose();
      throw e;
    }
  }

  /** One power iteration per layer (u, v updated; σ = uᵀ W v), then W/σ into D. */
  normalise(): void {
    this.live();
    const params = this.#net._parameterBlocks().params;
    for (let i = 0; i < this.#layers.length; i++) {
      const L = this.#layers[i]!;
      const Wl = params.viewFlat(L.w, L.nin, L.nout), u = this.u.viewFlat(L.u, L.nin, 1), v = this.#v.viewFlat(L.v, L.nout, 1), wv = this.#wv.viewFlat(L.u, L.nin, 1);
      W.gemm(v, Wl, u, true); // Wᵀu
      normalize(this.#v.data, L.v, L.nout);
      W.gemm(wv, Wl, v); // W v
      this.sigma[i] = normalizeInto(this.u.data, this.#wv.data, L.u, L.nin); // u = Wv/‖Wv‖, σ = uᵀWv = ‖Wv‖
    }
    this.#divide(params);
  }

  /** σ = uᵀ W v with the last D step's u and v (no iteration), then W/σ into D: G's step. */
  apply(): void {
    this.live();
    const params = this.#net._parameterBlocks().params;
    for (let i = 0; i < this.#layers.length; i++) {
      const L = this.#layers[i]!;
      W.gemm(this.#wv.viewFlat(L.u, L.nin, 1), params.viewFlat(L.w, L.nin, L.nout), this.#v.viewFlat(L.v, L.nout, 1));
      const u = this.u.data, wv = this.#wv.data;
      let s = 0;
      for (let k = 0; k < L.nin; k++) s += u[L.u + k]! * wv[L.u + k]!;
      this.sigma[i] = s;
    }
    this.#divide(params);
  }

  #divide(params: Tensor): void {
    W.copy(this.#raw, params);
    this.#layers.forEach((L, i) => W.scaleBy(params.viewFlat(L.w, L.nin, L.nout), 1 / this.sigma[i]!));
  }

  /** D's gradient w.r.t. W/σ (D holding W/σ) into the gradient w.r.t. the raw W: (G − (Σ G⊙W/σ)·u vᵀ)/σ. */
  gradient(): void {
    this.live();
    const { params, grads } = this.#net._parameterBlocks();
    this.#layers.forEach((L, i) => {
      const sigma = this.sigma[i]!, n = L.nin * L.nout;
      // s = Σ G⊙(W/σ) as a 1×n by n×1 product, then G ← (−s/σ)·u vᵀ + G/σ, a rank-one GEMM update
      W.gemm(this.#dot, grads.viewFlat(L.w, 1, n), params.viewFlat(L.w, n, 1));
      const s = this.#dot.data[0]!;
      W.gemm(grads.viewFlat(L.w, L.nin, L.nout), this.u.viewFlat(L.u, L.nin, 1), this.#v.viewFlat(L.v, 1, L.nout), false, false, -s / sigma, 1 / sigma);
    });
  }

  /** The raw weights back into D (bit for bit as saved). */
  restore(): void {
    this.live();
    W.copy(this.#net._parameterBlocks().params, this.#raw);
  }

  // as a piece of the trainer's checkpoint (u saved with the epoch, put back on an abort); nothing to train
  get parameterCount(): number {
    return this.u.cols;
  }
  get parameters(): Float32Array {
    this.live();
    return this.u.data;
  }
  _parameterBlocks(): { params: Tensor; grads: Tensor } {
    this.live();
    return { params: this.u, grads: this.u };
  }
  zeroGrad(): void {}
  train(): void {}
  eval(): void {}

  dispose(): void {
    if (!this.markDisposed()) return;
    for (const t of [this.u, this.#v, this.#wv, this.#raw, this.#dot]) t.dispose();
  }
}

/** x[o..o+n) /= ‖x[o..o+n)‖ (left as it is when 0). */
function normalize(x: Float32Array, o: number, n: number): number {
  let s = 0;
  for (let k = o; k < o + n; k++) s += x[k]! * x[k]!;
  const norm = Math.sqrt(s);
  if (norm > 0) for (let k = o; k < o + n; k++) x[k] = x[k]! / norm;
  return norm;
}

/** dst[o..o+n) = src[o..o+n) / ‖src[o..o+n)‖; returns the norm. */
function normalizeInto(dst: Float32Array, src: Float32Array, o: number, n: number): number {
  let s = 0;
  for (let k = o; k < o + n; k++) s += src[k]! * src[k]!;
  const norm = Math.sqrt(s);
  for (let k = o; k < o + n; k++) dst[k] = norm > 0 ? src[k]! / norm : dst[k]!;
  return norm;
}
