// Composed graphs of pieces (MLP, Concat, Split, Fork) against finite differences of an
// independent f64 forward of the same graph, written from the definitions only
// (test/reference/nn_f64.ts): the multimodal-autoencoder wiring with a masked modality, a
// generator step through a frozen discriminator, a split of one output into two losses, and
// the discriminator's two-forward step.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats, nn, MLP, Tensor } from '../src/index.js';
import { uniform } from './helpers.js';
import * as ref from './reference/nn_f64.js';
import { Params, concat64, flat, gradientError } from './reference/graph_f64.js';

beforeAll(async () => {
  await init();
});

function rows(n: number, d: number, seed: number, lo = -1, hi = 1): number[][] {
  const u = uniform(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => lo + (hi - lo) * u()));
}

describe('encoders → concat with a presence mask → fusion → trunk → two heads, summed losses', () => {
  it('every parameter gradient matches finite differences; the masked rows send no gradient to their encoder', () => {
    const n = 6, p1 = 3, p2 = 4, h = 5, code = 3, t = 4;
    const enc1 = new MLP({ layers: [p1, h], activation: 'tanh', outputActivation: 'tanh', seed: 1 });
    const enc2 = new MLP({ layers: [p2, h], activation: 'tanh', outputActivation: 'tanh', seed: 2 });
    const fusion = new MLP({ layers: [2 * h + 2, code], outputActivation: 'tanh', seed: 3 });
    const trunk = new MLP({ layers: [code, t, t], activation: 'tanh', outputActivation: 'tanh', seed: 4 });
    const head1 = new MLP({ layers: [t, p1], outputActivation: 'sigmoid', seed: 5 });
    const head2 = new MLP({ layers: [t, p2], seed: 6 });
    const cat = new nn.Concat([h, h, 2]);
    const fork = new nn.Fork();
    const x1 = rows(n, p1, 11, 0, 1), x2 = rows(n, p2, 12);
    // modality 2 is missing in rows 1 and 4 (its input there is garbage, gated out)
    const mask = Array.from({ length: n }, (_, i) => [1, i === 1 || i === 4 ? 0 : 1]);
    const x2in = x2.map((r, i) => (mask[i]![1] ? r : r.map(() => 1e4)));
    const nets = new Params([enc1, enc2, fusion, trunk, head1, head2]);

    // crossmodal: forward in order, backward in reverse
    for (const net of nets.nets) net.zeroGrad();
    const e1 = enc1.forward(x1), e2 = enc2.forward(x2in);
    const f = cat.forward([e1, e2, mask], { gates: mask });
    const hh = fork.forward(trunk.forward(fusion.forward(f)));
    const o1 = head1.forward(hh), o2 = head2.forward(hh);
    const l1 = nn.mse(o1, x1), l2 = nn.mse(o2, x2);
    const dh = fork.backward([head1.backward(l1.grad), head2.backward(l2.grad)])!;
    const [de1, de2] = cat.backward(fusion.backward(trunk.backward(dh)!)!, { inputGradient: [true, true, false] })!;
    enc1.backward(de1!, { inputGradient: false });
    const dx2 = enc2.backward(de2!)!.toArray();
    l1.grad.dispose();
    l2.grad.dispose();

    // the same graph in f64, from the definitions
    const loss64 = (p: Float64Array) => {
      const a = nets.forward(0, p, flat(x1), n), b = nets.forward(1, p, flat(x2in), n);
      const ff = concat64([a, b, flat(mask)], [h, h, 2], n, mask);
      const hv = nets.forward(3, p, nets.forward(2, p, ff, n), n);
      return ref.mse(nets.forward(4, p, hv, n), flat(x1)) + ref.mse(nets.forward(5, p, hv, n), flat(x2));
    };
    expect(Math.abs(l1.loss + l2.loss - loss64(nets.values()))).toBeLessThan(1e-5);
    const err = gradientError(loss64, nets.values(), nets.gradients());
    console.log(`autoencoder graph: worst relative gradient error ${err.toExponential(2)} over ${nets.size} parameters`);
    expect(err).toBeLessThan(2e-4);
    // rows 1 and 4 of modality 2 are gated out: exactly zero gradient reaches their inputs
    for (const i of [1, 4]) expect(dx2[i]!.every((v) => v === 0)).toBe(true);
    expect(dx2[0]!.some((v) => v !== 0)).toBe(true);
    for (const o of [...nets.nets, cat, fork]) o.dispose();
  });
});

describe('a generator step through a frozen discriminator', () => {
  it("D's parameters and gradients stay bit-identical, its dX equals the unfrozen one, and G's gradient matches finite differences", () => {
    const n = 7, nz = 3, nc = 2, nx = 4;
    const G = new MLP({ layers: [nz + nc, 6, nx], activation: 'tanh', outputActivation: 'sigmoid', seed: 21 });
    const D = new MLP({ layers: [nx + nc, 5, 1], activation: 'tanh', seed: 22 });
    const gin = new nn.Concat([nz, nc]), din = new nn.Concat([nx, nc]);
    const z = rows(n, nz, 31), c = rows(n, nc, 32, 0, 1);
    const ones = Tensor.from(Array.from({ length: n }, () => [1]));
    // D holds gradients from an earlier step of its own: they must survive untouched
    const real = rows(n, nx, 33, 0, 1);
    D.zeroGrad();
    const r = nn.bceWithLogits(D.forward(din.forward([real, c])), ones);
    D.backward(r.grad, { inputGradient: false });
    r.grad.dispose();
    const dParams = D.parameters.slice(), dGrads = D.gradients.slice();
    expect(dGrads.some((v) => v !== 0)).toBe(true);

    // the generator step: non-saturating loss −log D(G(z, c), c)
    const step = (frozen: boolean) => {
      G.zeroGrad();
      const fake = G.forward(gin.forward([z, c]));
      const logits = D.forward(din.forward([fake, c]));
      const { loss, grad } = nn.bceWithLogits(logits, ones);
      const dIn = D.backward(grad, { parameterGradients: !frozen })!;
      const [dFake] = din.backward(dIn, { inputGradient: [true, false] })!;
      const dFakeCopy = dFake!.toFloat32Array();
      G.backward(dFake!, { inputGradient: false });
      grad.dispose();
      return { loss, dFake: dFakeCopy };
    };
    const frozen = step(true);
    expect(Array.from(D.parameters)).toEqual(Array.from(dParams));
    expect(Array.from(D.gradients)).toEqual(Array.from(dGrads));
    const gGrad = G.gradients.slice();

    const nets = new Params([G, D]);
    const loss64 = (p: Float64Array) => {
      const fake = nets.forward(0, p, concat64([flat(z), flat(c)], [nz, nc], n), n);
      const logits = nets.forward(1, p, concat64([fake, flat(c)], [nx, nc], n), n);
      return ref.bceLogits(logits, new Float64Array(n).fill(1));
    };
    expect(Math.abs(frozen.loss - loss64(nets.values()))).toBeLessThan(1e-5);
    const pG = nets.values().subarray(0, G.parameterCount);
    const lossG = (pg: Float64Array) => {
      const all = nets.values();
      all.set(pg);
      return loss64(all);
    };
    const err = gradientError(lossG, Float64Array.from(pG), gGrad);
    console.log(`generator through frozen discriminator: worst relative gradient error ${err.toExponential(2)}`);
    expect(err).toBeLessThan(2e-4);

    // the unfrozen backward gives the same dX, bit for bit, and does touch D's gradients
    const unfrozen = step(false);
    expect(Array.from(unfrozen.dFake)).toEqual(Array.from(frozen.dFake));
    expect(Array.from(G.gradients)).toEqual(Array.from(gGrad));
    expect(Array.from(D.gradients)).not.toEqual(Array.from(dGrads));
    // frozen and no input gradient asked for: nothing is computed or touched
    const dAfter = D.gradients.slice();
    const { grad } = nn.bceWithLogits(D.forward(din.forward([real, c])), ones);
    expect(D.backward(grad, { parameterGradients: false, inputGradient: false })).toBeNull();
    expect(Array.from(D.gradients)).toEqual(Array.from(dAfter));
    for (const o of [G, D, gin, din, ones, grad]) o.dispose();
  });
});

describe('a split of one output into two losses', () => {
  it('dX assembled from the parts matches finite differences, with a part that gets no gradient as well', () => {
    const n = 5;
    const net = new MLP({ layers: [3, 6, 5], activation: 'tanh', seed: 41 });
    const split = new nn.Split([2, 3]);
    const x = rows(n, 3, 42), t0 = rows(n, 2, 43), t1 = rows(n, 3, 44, 0, 1);
    const nets = new Params([net]);
    for (const both of [true, false]) {
      net.zeroGrad();
      const [a, b] = split.forward(net.forward(x));
      const la = nn.mse(a!, t0), lb = nn.bceWithLogits(b!, t1);
      const dx = net.backward(split.backward([la.grad, both ? lb.grad : null])!)!.toArray();
      la.grad.dispose();
      lb.grad.dispose();
      const loss64 = (p: Float64Array, xx: Float64Array = flat(x)) => {
        const y = nets.forward(0, p, xx, n);
        const ya = new Float64Array(n * 2), yb = new Float64Array(n * 3);
        for (let i = 0; i < n; i++) {
          ya.set(y.subarray(i * 5, i * 5 + 2), i * 2);
          yb.set(y.subarray(i * 5 + 2, i * 5 + 5), i * 3);
        }
        return ref.mse(ya, flat(t0)) + (both ? ref.bceLogits(yb, flat(t1)) : 0);
      };
      expect(gradientError(loss64, nets.values(), nets.gradients())).toBeLessThan(1e-3);
      expect(gradientError((xx) => loss64(nets.values(), xx), flat(x), dx.flat())).toBeLessThan(1e-3);
    }
    net.dispose();
    split.dispose();
  });
});

describe('the discriminator step: forward(real) → backward → forward(fake) → backward', () => {
  it('gradients accumulate to those of the summed loss', () => {
    const n = 6;
    const D = new MLP({ layers: [4, 5, 1], activation: 'tanh', seed: 51 });
    const real = rows(n, 4, 52), fake = rows(n, 4, 53);
    const ones = Tensor.from(Array.from({ length: n }, () => [1])), zeros = Tensor.zeros(n, 1);
    D.zeroGrad();
    const lr = nn.bceWithLogits(D.forward(real), ones);
    D.backward(lr.grad, { inputGradient: false });
    const lf = nn.bceWithLogits(D.forward(fake), zeros);
    D.backward(lf.grad, { inputGradient: false });
    const nets = new Params([D]);
    const loss64 = (p: Float64Array) => ref.bceLogits(nets.forward(0, p, flat(real), n), new Float64Array(n).fill(1)) + ref.bceLogits(nets.forward(0, p, flat(fake), n), new Float64Array(n));
    expect(gradientError(loss64, nets.values(), nets.gradients())).toBeLessThan(1e-3);
    for (const o of [D, ones, zeros, lr.grad, lf.grad]) o.dispose();
  });
});

describe('a composed training step allocates nothing after the first, and frees everything', () => {
  it('live bytes stay constant over steps and return to the start after dispose', () => {
    const before = memoryStats().liveBytes;
    const enc = new MLP({ layers: [3, 4], seed: 1 }), dec = new MLP({ layers: [6, 3], seed: 2 });
    const cat = new nn.Concat([4, 2]), fork = new nn.Fork(), split = new nn.Split([1, 2]);
    const opt = new nn.Adam([enc, dec, cat], { maxGradNorm: 1 });
    const x = Tensor.from(rows(8, 3, 61)), c = Tensor.from(rows(8, 2, 62)), grad = Tensor.zeros(8, 3);
    const live: number[] = [];
    for (let s = 0; s < 4; s++) {
      opt.zeroGrad();
      const h = fork.forward(enc.forward(x));
      const y = dec.forward(cat.forward([h, c]));
      const [, rest] = split.forward(y);
      nn.mse(y, x, { grad });
      const dy = split.backward([null, rest!]); // only to exercise it; the loss uses y
      expect(dy!.rows).toBe(8);
      const [dh] = cat.backward(dec.backward(grad)!, { inputGradient: [true, false] })!;
      enc.backward(fork.backward([dh!])!, { inputGradient: false });
      opt.step();
      live.push(memoryStats().liveBytes);
    }
    expect(new Set(live.slice(1)).size).toBe(1);
    for (const o of [enc, dec, cat, fork, split, opt, x, c, grad]) o.dispose();
    expect(memoryStats().liveBytes).toBe(before);
  });
});
