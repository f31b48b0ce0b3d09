/**
 * The cGAN's projection discriminator (Miyato & Koyama 2018), the `discriminator: 'projection'` option:
 *   D(x, c) = ψ(φ(x)) + ⟨V c̃, φ(x)⟩
 * φ is D's body on x alone, an MLP [p, …discriminatorHidden] whose output is the last hidden
 * layer (activated: the body's output activation is the hidden one), ψ the final linear unit
 * (an MLP [h, 1], identity) and V the embedding of the standardised condition c̃, an MLP [q, h]
 * whose bias is held at 0 (its gradient zeroed before each step: a linear map, no bias; for a
 * one-hot c, V c is row c of V). The gradients by hand, with g = ∂L/∂D per row:
 *   ∂L/∂φ = ψ'ᵀ g + g ⊙ (V c̃),   ∂L/∂(V c̃) = g ⊙ φ(x)
 * each then back through its MLP. With spectralNorm, φ's layers and ψ are normalised (each by
 * its own power iteration), V is not (Miyato & Koyama normalise the embedding neither).
 * discriminatorDropout acts on φ's hidden layers but not on φ(x) itself (the body's output).
 */
import * as W from '../../wasm/index.js';
import { Tensor } from '../../wasm/index.js';
import { MLP, type Activation, type MLPInit } from '../../nn/mlp.js';
import { Disposable } from '../../lifecycle.js';

interface Buffers {
  logits: Tensor;
  dphi: Tensor;
  de: Tensor;
}

export class Projection extends Disposable {
  /** ψ: [h, 1], identity */
  readonly head: MLP;
  /** V: [q, h], identity, bias held at 0 */
  readonly embedding: MLP;
  readonly #body: MLP;
  readonly #buffers = new Map<number, Buffers>();
  #phi: Tensor | null = null;
  #e: Tensor | null = null;
  #n = 0;

  /** For D's body `body` (its output φ, h wide) and conditions q wide; new head and embedding (seeded), or the ones given (owned from then on). */
  constructor(body: MLP, q: number, o: { activation: Activation; init: MLPInit; seed: number } | { head: MLP; embedding: MLP }) {
    super();
    this.#body = body;
    const h = body.layers[body.layers.length - 1]!;
    if ('head' in o) {
      this.head = o.head;
      this.embedding = o.embedding;
      return;
    }
    this.head = new MLP({ layers: [h, 1], activation: o.activation, init: o.init, outputActivation: 'identity', seed: o.seed });
    try {
      this.embedding = new MLP({ layers: [q, h], activation: o.activation, init: o.init, outputActivation: 'identity', seed: (o.seed + 0x27d4eb2f) >>> 0 });
    } catch (e) {
      this.head.dispose();
      throw e;
    }
    this.zeroBias();
    this.embedding.parameters.fill(0, this.embedding.layout[0]!.bias, this.embedding.parameterCount);
  }

  /** The embedding's bias gradient to 0 (and so its bias stays 0 under any optimiser step). */
  zeroBias(): void {
    const L = this.embedding.layout[0]!;
    this.embedding.gradients.fill(0, L.bias, this.embedding.parameterCount);
  }

  #buf(n: number): Buffers {
    let b = this.#buffers.get(n);
    if (!b) {
      const h = this.head.layers[0]!;
      const made: Tensor[] = [];
      try {
        made.push(Tensor.empty(n, 1), Tensor.empty(n, h), Tensor.empty(n, h));
      } catch (e) {
        for (const t of made) t.dispose();
        throw e;
      }
      b = { logits: made[0]!, dphi: made[1]!, de: made[2]! };
      this.#buffers.set(n, b);
    }
    return b;
  }

  /** D(x, c̃) for the rows of x and c̃ (n×1, a buffer of this object's). */
  forward(x: Tensor, c: Tensor): Tensor {
    this.live();
    const phi = this.#body.forward(x), psi = this.head.forward(phi), e = this.embedding.forward(c);
    const n = x.rows, h = phi.cols, b = this.#buf(n);
    const P = phi.data, E = e.data, S = psi.data, out = b.logits.data;
    for (let i = 0; i < n; i++) {
      let s = S[i]!;
      for (let k = i * h; k < (i + 1) * h; k++) s += P[k]! * E[k]!;
      out[i] = s;
    }
    this.#phi = phi;
    this.#e = e;
    this.#n = n;
    return b.logits;
  }

  /**
   * Back from g = ∂L/∂D (n×1): with `parameters`, the gradients of φ, ψ and V (accumulated,
   * V's bias gradient zeroed) and no input gradient; without, D frozen and ∂L/∂x returned.
   */
  backward(g: Tensor, parameters: boolean): Tensor | null {
    this.live();
    const n = this.#n, phi = this.#phi!, e = this.#e!, h = phi.cols, b = this.#buf(n);
    const G = g.data, P = phi.data, E = e.data, DP = b.dphi.data, DE = b.de.data;
    // g ⊙ φ and g ⊙ V c̃ read before any backward (φ and V c̃ live in the MLPs' buffers)
    for (let i = 0; i < n; i++) {
      const gi = G[i]!;
      for (let k = i * h; k < (i + 1) * h; k++) {
        DE[k] = gi * P[k]!;
        DP[k] = gi * E[k]!;
      }
    }
    const dpsi = this.head.backward(g, { parameterGradients: parameters })!;
    W.add(b.dphi, b.dphi, dpsi);
    if (parameters) {
      this.embedding.backward(b.de, { inputGradient: false });
      this.zeroBias();
      this.#body.backward(b.dphi, { inputGradient: false });
      return null;
    }
    return this.#body.backward(b.dphi, { parameterGradients: false });
  }

  // the trainer's probe and nets: the two MLPs are separate pieces (Nets lists them)
  dispose(): void {
    if (!this.markDisposed()) return;
    this.head.dispose();
    this.embedding.dispose();
    for (const b of this.#buffers.values()) for (const t of [b.logits, b.dphi, b.de]) t.dispose();
    this.#buffers.clear();
  }
}
