// ConditionalGAN's stabilisers (issue 39, first part): the moving average of the generator's
// weights (ema), the hinge loss and the discriminator's own learning rate (TTUR). The four
// options of today's recipe give the recipe from before them, bit for bit; the defaults are the
// stabilised recipe; the hinge loss's hand-written gradients
// against finite differences; the average replayed exactly; files, old files, damage, warm
// start and abort.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats, ConditionalGAN, MLP, Tensor, nn, FormatError, ValueError } from '../src/index.js';
import { discriminatorLoss, generatorLoss } from '../src/models/neural/cgan_loss.js';
import { DEFAULT_RECIPE } from '../src/models/neural/cgan_options.js';
import { c, centralDifference, rows, small, x } from './cgan_helpers.js';

beforeAll(async () => {
  await init();
});

/** FNV-1a over the f32 bit patterns of the values. */
function hash(v: ArrayLike<number>): string {
  const f = Float32Array.from(v as ArrayLike<number>), u = new Uint32Array(f.buffer);
  let h = 0x811c9dc5;
  for (const w of u) for (let k = 0; k < 4; k++) h = Math.imul(h ^ ((w >>> (8 * k)) & 255), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** G's initial weights as buildNets draws them (the average's start). */
const initialG = (seed = 3) => new MLP({ layers: [4 + 2, 8, 5], activation: 'leaky_relu', init: 'uniform', outputActivation: 'sigmoid', seed });
const initialD = (seed = 3) => new MLP({ layers: [5 + 2, 8, 1], activation: 'leaky_relu', init: 'uniform', outputActivation: 'identity', seed: (seed + 0x9e3779b9) >>> 0 });

describe('the defaults', () => {
  it("{ loss: 'bce', ema: false, spectralNorm: false, discriminator: 'concat' } is the recipe from before the stabilisers, bit for bit", async () => {
    const before = memoryStats().liveBytes;
    const plain = small(), explicit = small({ loss: 'bce', ema: false, discriminatorLearningRate: 2e-4, learningRate: 2e-4 });
    expect([plain.loss, plain.ema, plain.learningRate, plain.discriminatorLearningRate, plain.spectralNorm, plain.discriminatorKind]).toEqual(['bce', false, 2e-4, 2e-4, false, 'concat']);
    expect(small({ learningRate: 1e-3 }).discriminatorLearningRate).toBe(1e-3);
    await plain.fit(x, c);
    await explicit.fit(x, c);
    const a = plain.generate(c, { seed: 5 }).data, b = explicit.generate(c, { seed: 5 }).data;
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(explicit.history.map((e) => e.losses)).toEqual(plain.history.map((e) => e.losses));
    expect(Array.from(explicit.discriminator.parameters)).toEqual(Array.from(plain.discriminator.parameters));
    expect(plain.averageGenerator).toBeNull();
    // the committed recipe's numbers (computed with the code before issue 39's options existed)
    expect([hash(a), hash(plain.generator.parameters), hash(plain.discriminator.parameters)]).toEqual(GOLDEN);
    expect(plain.history.at(-1)!.losses.loss).toBe(GOLDEN_LOSS);
    for (const g of [plain, explicit]) g.dispose();
    expect(memoryStats().liveBytes).toBe(before);
  });

  it('the defaults are the stabilised recipe: projection, spectralNorm, ema 0.99, BCE, G at 4e-4 and D at 4× that; without spectralNorm both rates are 2e-4', () => {
    const d = new ConditionalGAN();
    expect([d.loss, d.ema, d.spectralNorm, d.discriminatorKind, d.learningRate, d.discriminatorLearningRate, d.discriminatorSteps, d.beta1]).toEqual(['bce', 0.99, true, 'projection', 4e-4, 1.6e-3, 1, 0.5]);
    expect({ loss: d.loss, ema: d.ema, spectralNorm: d.spectralNorm, discriminator: d.discriminatorKind }).toEqual(DEFAULT_RECIPE);
    const lr = new ConditionalGAN({ learningRate: 1e-4 });
    expect([lr.learningRate, lr.discriminatorLearningRate]).toEqual([1e-4, 4e-4]);
    const plain = new ConditionalGAN({ spectralNorm: false });
    expect([plain.learningRate, plain.discriminatorLearningRate, plain.discriminatorKind, plain.ema]).toEqual([2e-4, 2e-4, 'projection', 0.99]);
    const own = new ConditionalGAN({ discriminatorLearningRate: 1e-3 });
    expect([own.learningRate, own.discriminatorLearningRate]).toEqual([4e-4, 1e-3]);
  });

  it('options are checked: a typed ValueError naming the option', () => {
    const bad: [object, RegExp][] = [
      [{ loss: 'mse' }, /^options\.loss: expected 'bce' \| 'hinge', got "mse"$/],
      [{ loss: 'hinge', labelSmoothing: 0.1 }, /^options\.labelSmoothing: expected 0 with loss 'hinge'/],
      [{ ema: 1 }, /^options\.ema: expected false or a decay in \(0, 1\)/],
      [{ ema: 0 }, /^options\.ema: /],
      [{ ema: true }, /^options\.ema: /],
      [{ ema: NaN }, /^options\.ema: /],
      [{ ema: '0.9' }, /^options\.ema: /],
      [{ discriminatorLearningRate: 0 }, /^options\.discriminatorLearningRate: expected a positive number, got 0$/],
      [{ discriminatorLearningRate: Infinity }, /^options\.discriminatorLearningRate: /],
      [{ discriminatorLearningRate: '1e-3' }, /^options\.discriminatorLearningRate: /],
    ];
    for (const [o, re] of bad) {
      expect(() => new ConditionalGAN(o as never)).toThrow(ValueError);
      expect(() => new ConditionalGAN(o as never)).toThrow(re);
    }
    expect(() => new ConditionalGAN({ lossFn: 'hinge' } as never)).toThrow(/options\.lossFn: expected a known option/);
  });
});

describe('the hinge loss', () => {
  /** worst relative error of analytic against central differences over every parameter of `net` where no hinge kink is crossed */
  function check(net: MLP, loss: () => number, grads: Float32Array, eps = 1e-3): { err: number; compared: number } {
    const p = net.parameters;
    let err = 0, compared = 0;
    const scale = Math.max(...Array.from(grads, Math.abs));
    for (let i = 0; i < p.length; i++) {
      const fd = centralDifference(p, i, eps, loss);
      if (fd === null) continue;
      err = Math.max(err, Math.abs(fd - grads[i]!) / scale);
      compared++;
    }
    return { err, compared };
  }

  it("D's and G's gradients written by hand match finite differences (on both sides of the hinge)", () => {
    const bs = 6, nz = 3, nc = 2, nx = 4;
    const G = new MLP({ layers: [nz + nc, 7, nx], activation: 'tanh', outputActivation: 'sigmoid', seed: 41 });
    const D = new MLP({ layers: [nx + nc, 5, 1], activation: 'tanh', seed: 42 });
    // logits spread over both sides of ±1: every branch of relu(1 ∓ D) is taken
    const last = D.layout.at(-1)!;
    for (let k = last.weights; k < last.bias; k++) D.parameters[k] = D.parameters[k]! * 6;
    const gin = new nn.Concat([nz, nc]), din = new nn.Concat([nx, nc]);
    const z = Tensor.from(rows(bs, nz, 51, -1, 1)), cond = Tensor.from(rows(2 * bs, nc, 52, -1, 1)), real = rows(bs, nx, 53);
    const targets = Tensor.empty(2 * bs, 1), grad2 = Tensor.empty(2 * bs, 1), ones = Tensor.empty(bs, 1), grad1 = Tensor.empty(bs, 1);
    const condHalf = Tensor.from(rows(2 * bs, nc, 52, -1, 1).slice(bs));
    const pairs = Tensor.empty(2 * bs, nx);
    const fakeRows = () => {
      const f = G.forward(gin.forward([z, condHalf])).toFloat32Array();
      return Array.from({ length: bs }, (_, i) => Array.from(f.subarray(i * nx, i * nx + nx)));
    };
    const fill = () => pairs.data.set(Float32Array.from([...real, ...fakeRows()].flat()));
    const logits = () => D.forward(din.forward([pairs, cond]));
    // D's loss against its parameters: the active set must not change under the perturbation
    fill();
    const z0 = logits().toFloat32Array();
    const margin = Math.min(...Array.from(z0, (v) => Math.abs(Math.abs(v) - 1)));
    expect(z0.some((v, i) => (i < bs ? v > 1 : v < -1))).toBe(true); // some rows outside the margin
    expect(z0.some((v, i) => (i < bs ? v < 1 : v > -1))).toBe(true);
    expect(margin).toBeGreaterThan(1e-2);
    D.zeroGrad();
    const l = logits();
    const dLoss = discriminatorLoss('hinge', l, targets, grad2);
    D.backward(grad2, { inputGradient: false });
    const dGrads = D.gradients.slice();
    const dLoss64 = () => {
      const v = logits().toFloat32Array();
      let s = 0;
      for (let i = 0; i < bs; i++) s += Math.max(0, 1 - v[i]!) / bs;
      for (let i = bs; i < 2 * bs; i++) s += Math.max(0, 1 + v[i]!) / bs;
      return s;
    };
    expect(Math.abs(dLoss - dLoss64())).toBeLessThan(1e-6);
    const d = check(D, dLoss64, dGrads);
    // G's loss −mean(D(G(z, c), c)) against G's parameters, through the frozen D
    const condFake = condHalf;
    const gLogits = () => D.forward(din.forward([G.forward(gin.forward([z, condFake])), condFake]));
    G.zeroGrad();
    const gl = gLogits();
    const gLoss = generatorLoss('hinge', gl, ones, grad1);
    const [dFake] = din.backward(D.backward(grad1, { parameterGradients: false }), { inputGradient: [true, false] })!;
    G.backward(dFake!, { inputGradient: false });
    const gGrads = G.gradients.slice();
    const gLoss64 = () => -gLogits().toFloat32Array().reduce((s, v) => s + v, 0) / bs;
    expect(Math.abs(gLoss - gLoss64())).toBeLessThan(1e-6);
    const g = check(G, gLoss64, gGrads);
    console.log(`hinge: worst relative gradient error D ${d.err.toExponential(2)} over ${d.compared}, G ${g.err.toExponential(2)} over ${g.compared}`);
    expect(d.compared).toBe(D.parameterCount);
    expect(d.err).toBeLessThan(2e-3);
    expect(g.err).toBeLessThan(2e-3);
    // D's loss at the margin: real rows beyond +1 and fake rows below −1 send no gradient
    const zl = z0;
    discriminatorLoss('hinge', logits(), targets, grad2);
    const gd = grad2.toFloat32Array();
    for (let i = 0; i < 2 * bs; i++) expect(gd[i]).toBe(Math.fround(i < bs ? (zl[i]! < 1 ? -1 / bs : 0) : zl[i]! > -1 ? 1 / bs : 0));
    for (const o of [G, D, gin, din, z, cond, condHalf, targets, grad2, ones, grad1, pairs]) o.dispose();
  });

  it('trains: finite losses, D starts near 2 (both margins active), and a file that keeps the loss', async () => {
    const gan = small({ loss: 'hinge' });
    await gan.fit(x, c);
    for (const e of gan.history) for (const v of Object.values(e.losses)) expect(Number.isFinite(v)).toBe(true);
    expect(Math.abs(gan.history[0]!.losses.discriminator - 2)).toBeLessThan(0.5);
    const again = ConditionalGAN.fromJSON(JSON.stringify(gan));
    expect(again.loss).toBe('hinge');
    expect(Array.from(again.generate(c, { seed: 2 }).data)).toEqual(Array.from(gan.generate(c, { seed: 2 }).data));
    // it is another training than bce's
    const bce = small();
    await bce.fit(x, c);
    expect(Array.from(bce.generate(c, { seed: 2 }).data)).not.toEqual(Array.from(gan.generate(c, { seed: 2 }).data));
    for (const g of [gan, again, bce]) g.dispose();
  });
});

describe('the moving average of the generator (ema)', () => {
  it('θ_ema ← d·θ_ema + (1 − d)·θ after every generator step, from G\'s initial weights; generate uses it, training does not', async () => {
    const d = 0.75, one = { batchSize: 120 }; // one step per epoch
    const steps = [1, 2, 3].map((epochs) => small({ ...one, epochs }));
    for (const s of steps) await s.fit(x, c);
    const gan = small({ ...one, ema: d });
    await gan.fit(x, c);
    // training is the raw generator's: the same as without ema
    expect(Array.from(gan.generator.parameters)).toEqual(Array.from(steps[2]!.generator.parameters));
    expect(Array.from(gan.discriminator.parameters)).toEqual(Array.from(steps[2]!.discriminator.parameters));
    const g0 = initialG();
    const avg = g0.parameters.slice();
    for (const s of steps) {
      const p = s.generator.parameters;
      for (let i = 0; i < avg.length; i++) avg[i] = d * avg[i]! + (1 - d) * p[i]!;
    }
    expect(Array.from(gan.averageGenerator!.parameters)).toEqual(Array.from(avg));
    // generate samples from the average
    const avgNet = initialG();
    avgNet.parameters.set(avg);
    avgNet.eval();
    const s = gan.generate(c, { seed: 6 }), raw = steps[2]!.generate(c, { seed: 6 });
    expect(Array.from(s.data)).not.toEqual(Array.from(raw.data));
    // the same noise through the average by hand
    const viaAvg = (() => {
      const file = gan.toJSON() as { generator: unknown; averageGenerator: unknown };
      const swapped = ConditionalGAN.fromJSON({ ...file, options: { ...(file as unknown as { options: object }).options, ema: false }, averageGenerator: undefined, generator: file.averageGenerator });
      try {
        return Array.from(swapped.generate(c, { seed: 6 }).data);
      } finally {
        swapped.dispose();
      }
    })();
    expect(Array.from(s.data)).toEqual(viaAvg);
    for (const m of [...steps, gan, g0, avgNet]) m.dispose();
  });

  it('files keep the average; warm start carries it; an abort keeps the last finished epoch\'s; no leak', async () => {
    const before = memoryStats().liveBytes;
    const gan = small({ ema: 0.9 });
    await gan.fit(x, c);
    const text = JSON.stringify(gan), o = JSON.parse(text);
    expect(o.options).toMatchObject({ loss: 'bce', ema: 0.9 });
    expect(o.options.discriminatorLearningRate).toBe(gan.learningRate); // written always (its default depends on spectralNorm)
    expect(o.averageGenerator).toBeDefined();
    const again = ConditionalGAN.fromJSON(text);
    expect(again.ema).toBe(0.9);
    expect(Array.from(again.generate(c, { seed: 4 }).data)).toEqual(Array.from(gan.generate(c, { seed: 4 }).data));
    // warm start: 2 + 1 epochs ≡ 3 epochs, the average included
    const warm = small({ ema: 0.9, epochs: 2 });
    await warm.fit(x, c);
    const warm1 = small({ ema: 0.9, epochs: 1 });
    await warm1.fit(x, c);
    await warm1.fit(x, c, { warmStart: true });
    await warm1.fit(x, c, { warmStart: true });
    expect(Array.from(warm1.averageGenerator!.parameters)).toEqual(Array.from(gan.averageGenerator!.parameters));
    expect(Array.from(warm1.generate(c, { seed: 4 }).data)).toEqual(Array.from(gan.generate(c, { seed: 4 }).data));
    // warm start after fromJSON goes on from the file's average
    const reloaded = ConditionalGAN.fromJSON(JSON.stringify(warm));
    await reloaded.fit(x, c, { warmStart: true });
    expect(Array.from(reloaded.averageGenerator!.parameters)).not.toEqual(Array.from(warm.averageGenerator!.parameters));
    // an abort at epoch 2 keeps epoch 2's average
    const ctl = new AbortController();
    const aborted = small({ ema: 0.9, epochs: 40 });
    await expect(aborted.fit(x, c, { signal: ctl.signal, onEpoch: (e) => void (e.epoch === 2 && ctl.abort()) })).rejects.toMatchObject({ name: 'AbortError' });
    expect(Array.from(aborted.averageGenerator!.parameters)).toEqual(Array.from(warm.averageGenerator!.parameters));
    for (const g of [gan, again, warm, warm1, reloaded, aborted]) g.dispose();
    expect(memoryStats().liveBytes).toBe(before);
  });
});

describe("the discriminator's learning rate (TTUR)", () => {
  it("D's optimiser steps with it, G's with learningRate (Adam's first step moves each weight by about its rate)", async () => {
    const gan = small({ epochs: 1, batchSize: 120, learningRate: 1e-4, discriminatorLearningRate: 4e-4 });
    await gan.fit(x, c);
    const moved = (a: Float32Array, b: Float32Array) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));
    const g0 = initialG(), d0 = initialD();
    expect(moved(gan.generator.parameters, g0.parameters) / 1e-4).toBeCloseTo(1, 2);
    expect(moved(gan.discriminator.parameters, d0.parameters) / 4e-4).toBeCloseTo(1, 2);
    const o = gan.toJSON() as { options: Record<string, unknown> };
    expect(o.options.discriminatorLearningRate).toBe(4e-4);
    const again = ConditionalGAN.fromJSON(o);
    expect(again.discriminatorLearningRate).toBe(4e-4);
    for (const m of [gan, again, g0, d0]) m.dispose();
  });
});

describe('files', () => {
  it('a file from before the stabilisers loads as that recipe; damaged values are FormatErrors', async () => {
    const plain = small({ learningRate: 1e-3 });
    await plain.fit(x, c);
    const o = plain.toJSON() as { options: Record<string, unknown> } & Record<string, unknown>;
    expect(o.options).toMatchObject({ loss: 'bce', ema: false });
    const { loss: _l, ema: _e, discriminatorLearningRate: _d, spectralNorm: _s, discriminator: _k, ...oldOptions } = o.options;
    const old = ConditionalGAN.fromJSON(JSON.stringify({ ...o, options: oldOptions }));
    expect([old.loss, old.ema, old.discriminatorLearningRate]).toEqual(['bce', false, 1e-3]);
    expect(Array.from(old.generate(c, { seed: 3 }).data)).toEqual(Array.from(plain.generate(c, { seed: 3 }).data));
    expect(JSON.stringify(old)).toBe(JSON.stringify(plain));
    // a file without D's learning rate (one from before it) trained D at its learningRate
    const edited = ConditionalGAN.fromJSON({ ...o, options: { ...oldOptions, learningRate: 5e-4 } });
    expect(edited.discriminatorLearningRate).toBe(5e-4);
    // one that has it keeps it
    const own = ConditionalGAN.fromJSON({ ...o, options: { ...o.options, learningRate: 5e-4 } });
    expect(own.discriminatorLearningRate).toBe(1e-3);
    for (const m of [edited, own]) m.dispose();
    const ema = small({ ema: 0.99, loss: 'hinge' });
    await ema.fit(x, c);
    const e = JSON.parse(JSON.stringify(ema));
    const flip = (net: { parameters: string }) => ({ ...net, parameters: net.parameters.slice(0, 10) + (net.parameters[10] === 'A' ? 'B' : 'A') + net.parameters.slice(11) });
    const damaged: unknown[] = [
      { ...o, options: { ...o.options, loss: 'mse' } },
      { ...o, options: { ...o.options, loss: null } },
      { ...o, options: { ...o.options, ema: 1 } },
      { ...o, options: { ...o.options, ema: true } },
      { ...o, options: { ...o.options, discriminatorLearningRate: 0 } },
      { ...o, options: { ...o.options, discriminatorLearningRate: 'fast' } },
      { ...o, averageGenerator: o.generator }, // ema false with an average
      { ...e, averageGenerator: undefined }, // ema set without one
      { ...e, averageGenerator: flip(e.averageGenerator) },
      { ...e, averageGenerator: e.discriminator },
      { ...e, averageGenerator: 7 },
      { ...e, options: { ...e.options, labelSmoothing: 0.1 } }, // hinge with smoothing
    ];
    damaged.forEach((bad, i) => expect(() => ConditionalGAN.fromJSON(bad), `damaged[${i}]`).toThrow(FormatError));
    for (const m of [plain, old, ema]) m.dispose();
  });
});

// computed with the code of commit c3016a6 (before the stabilisers) by the test's first fit: generate(c, seed 5), G's and D's parameters, the last epoch's loss
const GOLDEN = ['9dcf9a9b', 'cc6c6407', '308a7764'];
const GOLDEN_LOSS = 2.3359280926485857;
