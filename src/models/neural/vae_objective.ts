/**
 * MultimodalVAE's training objective and its gradient (forward on the encoders, the fusion in
 * f64, forward on the decoders, backward in reverse):
 *
 *   loss = mean over rows of −Σ_k w_k ELBO_k,
 *   ELBO_s = Σ_{u present} log p(x_u | z_s) − β KL(q_s ‖ N(0, I)),  z_s = μ_s + exp(λ_s/2) ε,
 *
 * with the terms and weights of vae_fusion.ts's `terms`. Every term of every row of a batch
 * is one row of one decoder batch (rows × terms): each decoder runs once forward and once
 * backward per step, its gradient zero where its view is missing.
 */
import * as W from '../../wasm/index.js';
import { Tensor } from '../../wasm/index.js';
import { Disposable } from '../../lifecycle.js';
import { backwardTogether, forwardTogether } from '../../nn/lockstep.js';
import { LOG_2PI, klNormal, softplus, subsetGaussian, subsetGaussianBackward, terms, withPrior, type Experts } from './vae_fusion.js';
import { exp, log1p } from './vae_math.js';
import { logScales, type VaeNet } from './vae_nets.js';
import type { Fusion } from './vae_options.js';

/** The mask of the views present in row i of an n×m 0/1 mask. */
export function rowMask(mask: ArrayLike<number>, i: number, m: number): number {
  let p = 0;
  for (let v = 0; v < m; v++) if (mask[i * m + v]) p |= 1 << v;
  return p;
}

/** The experts of these rows: each encoder run forward (its forward kept for backward), outputs copied to f64. */
export function experts(g: VaeNet, x: readonly Tensor[]): Experts {
  const L = g.latent, n = x[0]!.rows;
  const mu: Float64Array[] = [], lv: Float64Array[] = [];
  forwardTogether(g.encoders, x.slice(0, g.encoders.length)).forEach((out, v) => {
    const o = out.data;
    const a = new Float64Array(n * L), b = new Float64Array(n * L);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < L; j++) (a[i * L + j] = o[i * 2 * L + j]!), (b[i * L + j] = o[i * 2 * L + L + j]!);
    mu.push(a);
    lv.push(b);
  });
  return { mu, lv, L };
}

/** Buffers of a fit's steps, grown to the largest step (the latent batch, each decoder's output gradient, each encoder's). */
export class Workspace extends Disposable {
  #z: Tensor | null = null;
  #eps: Tensor | null = null;
  #dOut: Tensor[] = [];
  #dEnc: Tensor[] = [];
  #cap = 0;
  #rows = 0;
  constructor(readonly g: VaeNet) {
    super();
  }
  /** Room for `terms` latent rows and `rows` data rows; returns views of exactly that many rows. */
  ensure(terms: number, rows: number): { z: Tensor; eps: Tensor; dOut: Tensor[]; dEnc: Tensor[] } {
    this.live();
    const { widths, latent: L } = this.g;
    if (terms > this.#cap) {
      this.#release(true, false);
      this.#cap = terms;
      this.#z = Tensor.empty(terms, L);
      this.#eps = Tensor.empty(terms, L);
      for (const d of widths) this.#dOut.push(Tensor.empty(terms, d));
    }
    if (rows > this.#rows) {
      this.#release(false, true);
      this.#rows = rows;
      for (let v = 0; v < widths.length; v++) this.#dEnc.push(Tensor.empty(rows, 2 * L));
    }
    const view = (t: Tensor, k: number) => (t.rows === k ? t : t.viewRows(0, k));
    return { z: view(this.#z!, terms), eps: view(this.#eps!, terms), dOut: this.#dOut.map((t) => view(t, terms)), dEnc: this.#dEnc.map((t) => view(t, rows)) };
  }
  #release(latent: boolean, data: boolean) {
    if (latent) {
      for (const t of [this.#z, this.#eps, ...this.#dOut]) t?.dispose();
      this.#z = this.#eps = null;
      this.#dOut = [];
      this.#cap = 0;
    }
    if (data) {
      for (const t of this.#dEnc) t.dispose();
      this.#dEnc = [];
      this.#rows = 0;
    }
  }
  dispose(): void {
    if (!this.markDisposed()) return;
    this.#release(true, true);
  }
}

/** A view's negative log-likelihood −log p(x | decoder output) summed over its columns (f64). */
export function viewNll(kind: 'bernoulli' | 'gaussian', logS: number, out: ArrayLike<number>, oo: number, x: ArrayLike<number>, xo: number, d: number): number {
  let s = 0;
  if (kind === 'bernoulli') {
    for (let c = 0; c < d; c++) s += softplus(out[oo + c]!) - x[xo + c]! * out[oo + c]!;
    return s;
  }
  const inv = exp(-2 * logS);
  for (let c = 0; c < d; c++) {
    const r = x[xo + c]! - out[oo + c]!;
    s += 0.5 * r * r * inv;
  }
  return s + d * (0.5 * LOG_2PI + logS);
}

/**
 * One evaluation of the objective on the n rows of x (missing rows zeros) with the presence
 * mask (n×m), drawing the T×L standard normals with `noise` (into the tensor it is given,
 * or as returned; term t is row rows[t], subset subsets[t]). With `backward`, the gradients of every network accumulate (zero them
 * first). Returns the loss, the weighted KL and each view's weighted NLL (nats per row).
 */
export function objective(
  g: VaeNet,
  o: { fusion: Fusion; beta: number },
  x: readonly Tensor[],
  mask: ArrayLike<number>,
  noise: (eps: Tensor, rows: readonly number[], subsets: readonly number[]) => ArrayLike<number> | void,
  ws: Workspace,
  backward: boolean,
): Record<string, number> {
  const m = g.widths.length, L = g.latent, n = x[0]!.rows, prior = withPrior(o.fusion), beta = o.beta;
  // the terms: (row, subset, weight / n), row by row, subsets in increasing order
  const cache = new Map<number, { s: number; w: number }[]>();
  const rowOf: number[] = [], subOf: number[] = [], wOf: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = rowMask(mask, i, m);
    let list = cache.get(p);
    if (!list) cache.set(p, (list = terms(o.fusion, p)));
    for (const t of list) rowOf.push(i), subOf.push(t.s), wOf.push(t.w / n);
  }
  const T = rowOf.length;
  const buf = ws.ensure(T, n);
  const e = experts(g, x);
  const drawn = noise(buf.eps, rowOf, subOf);
  const eps = drawn ? Float64Array.from(drawn) : Float64Array.from(buf.eps.data);
  const sMu = new Float64Array(T * L), sLv = new Float64Array(T * L);
  for (let t = 0; t < T; t++) subsetGaussian(e, rowOf[t]!, subOf[t]!, prior, sMu, sLv, t * L);
  const zd = buf.z.data;
  for (let k = 0; k < T * L; k++) zd[k] = sMu[k]! + exp(0.5 * sLv[k]!) * eps[k]!;
  // decoders: every view's NLL on every term whose row has the view
  const logS = logScales(g), dLogS = new Float64Array(m), nll = new Float64Array(m);
  const gz = new Float64Array(backward ? T * L : 0);
  // the decoders side by side on the same z (their layers as pairs), then each view's loss
  const outs = forwardTogether(g.decoders, g.decoders.map(() => buf.z));
  g.decoders.forEach((_, u) => {
    const d = g.widths[u]!, lik = g.lik[u]!.kind;
    const out = outs[u]!.data, xd = x[u]!.data, gd = backward ? buf.dOut[u]!.data : null;
    const inv = exp(-2 * logS[u]!);
    let sum = 0;
    for (let t = 0; t < T; t++) {
      const i = rowOf[t]!, w = wOf[t]!, oo = t * d, xo = i * d;
      if (!mask[i * m + u]) {
        if (gd) gd.fill(0, oo, oo + d);
        continue;
      }
      if (!gd) {
        sum += w * viewNll(lik, logS[u]!, out, oo, xd, xo, d);
        continue;
      }
      if (lik === 'bernoulli') {
        // softplus(l) − x·l and its derivative σ(l) − x from one e^−|l|
        let row = 0;
        for (let c = 0; c < d; c++) {
          const l = out[oo + c]!, t = exp(-Math.abs(l));
          row += (l > 0 ? l : 0) + log1p(t) - xd[xo + c]! * l;
          gd[oo + c] = w * ((l >= 0 ? 1 / (1 + t) : t / (1 + t)) - xd[xo + c]!);
        }
        sum += w * row;
      } else {
        sum += w * viewNll(lik, logS[u]!, out, oo, xd, xo, d);
        for (let c = 0; c < d; c++) {
          const r = out[oo + c]! - xd[xo + c]!;
          gd[oo + c] = w * r * inv;
          dLogS[u]! += w * (1 - r * r * inv);
        }
      }
    }
    nll[u] = sum;
  });
  if (backward)
    for (const dzu of backwardTogether(g.decoders, g.decoders.map((_, u) => buf.dOut[u]!))) {
      const dz = dzu!.data;
      for (let k = 0; k < T * L; k++) gz[k]! += dz[k]!;
    }
  // KL of each term, and the gradient with respect to each subset's Gaussian
  let kl = 0;
  const gMuS = new Float64Array(backward ? T * L : 0), gLvS = new Float64Array(backward ? T * L : 0);
  for (let t = 0; t < T; t++) {
    const w = wOf[t]!, off = t * L;
    kl += w * klNormal(sMu, sLv, off, L);
    if (!backward) continue;
    for (let j = off; j < off + L; j++) {
      const sd = exp(0.5 * sLv[j]!);
      gMuS[j] = gz[j]! + w * beta * sMu[j]!;
      gLvS[j] = gz[j]! * eps[j]! * 0.5 * sd + w * beta * 0.5 * (sd * sd - 1);
    }
  }
  if (backward) {
    const gMu = g.widths.map(() => new Float64Array(n * L)), gLv = g.widths.map(() => new Float64Array(n * L));
    for (let t = 0; t < T; t++) subsetGaussianBackward(e, rowOf[t]!, subOf[t]!, prior, sMu, sLv, t * L, gMuS, gLvS, gMu, gLv);
    g.encoders.forEach((_, v) => {
      const dd = buf.dEnc[v]!.data;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < L; j++) (dd[i * 2 * L + j] = gMu[v]![i * L + j]!), (dd[i * 2 * L + L + j] = gLv[v]![i * L + j]!);
    });
    backwardTogether(g.encoders, g.encoders.map((_, v) => buf.dEnc[v]!), { inputGradient: false });
    if (g.scales) {
      const gs = g.scales.gradients;
      g.lik.forEach((l, u) => {
        if (l.kind === 'gaussian' && l.scale === null) gs[u]! += dLogS[u]!;
      });
    }
  }
  const losses: Record<string, number> = { loss: beta * kl, kl };
  nll.forEach((v, u) => {
    losses[`nll${u}`] = v;
    losses.loss! += v;
  });
  return losses;
}

/** The objective with the noise drawn from `rng` (the fit's step and the validation measure). */
export const fromRng = (rng: W.Rng) => (eps: Tensor) => W.randomNormal(eps, 0, 1, rng);
