import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats, DeepCCA, MLP, Tensor, FormatError, NotFittedError, ShapeError, UnsupportedError, ValueError } from '../src/index.js';
import { CCAObjective } from '../src/models/neural/deepcca_objective.js';
import { checkDeepCCAOptions } from '../src/models/neural/deepcca_options.js';
import { decoderSession } from '../src/models/neural/deepcca_dccae.js';
import { normal, uniform } from './helpers.js';

beforeAll(async () => {
  await init();
});

/** Two nonlinear views of a 2-d latent, with noise (as test/deepcca.test.ts). */
function synthetic(n: number, seed: number) {
  const u = uniform(seed), g = normal(seed + 1);
  const X: number[][] = [], Y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const z1 = 2 * u() - 1, z2 = 2 * u() - 1;
    X.push([Math.sin(Math.PI * z1), z1 * z2, Math.cos(Math.PI * z2), g()].map((v) => v + 0.1 * g()));
    Y.push([z1 ** 3, Math.tanh(3 * z2), g()].map((v) => v + 0.1 * g()));
  }
  return { X, Y };
}

const flat = (rows: number[][]) => Float64Array.from(rows.flat());

describe('DCCAE (DeepCCA with reconstruction)', () => {
  it('the towers receive ∂(−corr + weight·(MSE_x + MSE_y))/∂H: finite differences agree', () => {
    const m = 24, o = 3, p = 4, q = 5, w = 0.7;
    const s = checkDeepCCAOptions({ components: 2, outputs: o, hidden: [6], activation: 'tanh', batchSize: m, reconstruction: { weight: w }, seed: 4 });
    const g = normal(11);
    const H1 = Float64Array.from({ length: m * o }, g), H2 = Float64Array.from({ length: m * o }, g);
    const X = Float64Array.from({ length: m * p }, g), Y = Float64Array.from({ length: m * q }, g);
    const made: { dispose(): void }[] = [];
    const keep = <T extends { dispose(): void }>(x: T) => (made.push(x), x);
    const before = memoryStats().liveBytes;
    const ses = decoderSession(s, null, { warm: false, previous: null, own: keep, built: keep }, m, p, q)!;
    const [c1, c2] = ses.nets.map((d) => keep(MLP.fromJSON(d.toJSON())));
    const obj = keep(new CCAObjective(m, o, 2, 1e-3, 'trace'));
    const loss = (a: Float64Array, b: Float64Array) => {
      obj.H1.data.set(a);
      obj.H2.data.set(b);
      const corr = obj.evaluate();
      const mse = (d: MLP, h: Float64Array, t: Float64Array, c: number) => {
        const r = d.predict({ data: Float32Array.from(h), rows: m, cols: o }).data;
        let e = 0;
        for (let i = 0; i < m * c; i++) e += (r[i]! - t[i]!) ** 2;
        return e / (m * c);
      };
      return -corr + w * (mse(c1!, a, X, p) + mse(c2!, b, Y, q));
    };
    // analytic: −G from the objective, then the decoders' step adds weight × their input gradients
    loss(H1, H2);
    const T = (d: Float64Array, c: number) => keep(Tensor.from({ data: Float32Array.from(d), rows: m, cols: c }));
    const g1 = T(obj.G1.data.map((v) => -v), o), g2 = T(obj.G2.data.map((v) => -v), o);
    const parts = ses.step(T(H1, o), T(H2, o), T(X, p), T(Y, q), g1, g2);
    expect(parts.penalty).toBeCloseTo(w * parts.reconstruction, 6);
    const eps = 1e-3;
    for (const [H, G] of [[H1, g1], [H2, g2]] as const) {
      const an = Float64Array.from(G.data), fd = new Float64Array(an.length);
      for (let i = 0; i < H.length; i++) {
        const h0 = H[i]!;
        H[i] = h0 + eps;
        const up = loss(H1, H2);
        H[i] = h0 - eps;
        const down = loss(H1, H2);
        H[i] = h0;
        fd[i] = (up - down) / (2 * eps);
      }
      let num = 0, den = 0;
      for (let i = 0; i < an.length; i++) (num += (an[i]! - fd[i]!) ** 2), (den += an[i]! ** 2);
      expect(Math.sqrt(num / den)).toBeLessThan(1e-3);
    }
    for (const x of made) x.dispose();
    expect(memoryStats().liveBytes).toBe(before);
  });

  it('a short fit lowers both reconstruction errors; reconstruct gives both views, from one or both', async () => {
    const { X, Y } = synthetic(400, 3);
    const m = new DeepCCA({ components: 2, hidden: [16], epochs: 30, batchSize: 100, learningRate: 5e-3, scale: true, reconstruction: { weight: 1 }, seed: 1 });
    const h = await m.fit(X, Y);
    const first = h[0]!.losses, last = h.at(-1)!.losses;
    expect(Object.keys(last).sort()).toEqual(['correlation', 'loss', 'reconstruction', 'reconstructionX', 'reconstructionY']);
    expect(last.reconstructionX!).toBeLessThan(first.reconstructionX!);
    expect(last.reconstructionY!).toBeLessThan(first.reconstructionY!);
    expect(last.loss).toBeCloseTo(-last.correlation + last.reconstruction!, 10);
    expect(m.reconstruction).toEqual({ hidden: [16], weight: 1 });
    const [xa, ya] = m.reconstruct([X, Y]);
    expect([xa.rows, xa.cols, ya.rows, ya.cols]).toEqual([400, 4, 400, 3]);
    // from X alone: X̂ as from both, Ŷ through the final CCA
    const [xb, yb] = m.reconstruct([X, null]);
    expect(Array.from(xb.data)).toEqual(Array.from(xa.data));
    expect(yb.rows).toBe(400);
    const [, yc] = m.reconstruct([null, Y]);
    expect(Array.from(yc.data)).toEqual(Array.from(ya.data));
    // reconstructions in the data's units beat the column means on X
    const err = (r: { data: ArrayLike<number> }, V: number[][]) => V.flat().reduce((s, v, i) => s + (v - r.data[i]!) ** 2, 0);
    const cols = X[0]!.length, means = Array.from({ length: cols }, (_, j) => X.reduce((s, r) => s + r[j]!, 0) / X.length);
    expect(err(xa, X)).toBeLessThan(X.flat().reduce((s, v, i) => s + (v - means[i % cols]!) ** 2, 0));
    expect(() => m.reconstruct([null, null])).toThrow(ValueError);
    expect(() => m.reconstruct([X] as never)).toThrow(ValueError);
    expect(() => m.reconstruct([X.slice(0, 10), Y])).toThrow(ShapeError);
    expect(() => m.reconstruct([Y, null])).toThrow(/views\[0\]: expected 4 columns/);
    expect(() => m.reconstruct([[[NaN, 0, 0, 0]], null])).toThrow(/X/);
    m.dispose();
  });

  it('reconstruct without the option is an UnsupportedError; before fit a NotFittedError; bad options are ValueErrors', async () => {
    const { X, Y } = synthetic(200, 5);
    const plain = new DeepCCA({ components: 2, hidden: [8], epochs: 1, batchSize: 100, seed: 0 });
    expect(() => plain.reconstruct([X, null])).toThrow(UnsupportedError);
    await plain.fit(X, Y);
    expect(() => plain.reconstruct([X, null])).toThrow(/reconstruction/);
    expect(Object.keys(plain.history[0]!.losses).sort()).toEqual(['correlation', 'loss']);
    plain.dispose();
    expect(() => new DeepCCA({ reconstruction: {} }).reconstruct([X, null])).toThrow(NotFittedError);
    expect(new DeepCCA({ hidden: [8, 4], reconstruction: {} }).reconstruction).toEqual({ hidden: [4, 8], weight: 0.1 });
    for (const bad of [{ weight: 0 }, { weight: -1 }, { weight: NaN }, { hidden: [0] }, { hidden: 3 }, { depth: 2 }, null, 1, []])
      expect(() => new DeepCCA({ reconstruction: bad as never })).toThrow(ValueError);
  });

  it('files keep the decoders: transform and reconstruct bit for bit after fromJSON; damaged decoders are refused; warm start continues them', async () => {
    const { X, Y } = synthetic(300, 7);
    const m = new DeepCCA({ components: 2, hidden: [8], epochs: 3, batchSize: 100, reconstruction: { hidden: [5], weight: 0.5 }, seed: 2 });
    await m.fit(X, Y);
    const json = m.toJSON();
    expect(json.version).toBe(2);
    expect((json.options as { reconstruction: unknown }).reconstruction).toEqual({ hidden: [5], weight: 0.5 });
    const r = DeepCCA.fromJSON(JSON.stringify(json));
    expect(r.transform(X, Y)).toEqual(m.transform(X, Y));
    expect(r.reconstruct([X, null])).toEqual(m.reconstruct([X, null]));
    const decoders = json.decoders as Record<string, unknown>[];
    expect(() => DeepCCA.fromJSON({ ...json, decoders: [decoders[0]] })).toThrow(FormatError);
    expect(() => DeepCCA.fromJSON({ ...json, decoders: [decoders[1], decoders[0]] })).toThrow(FormatError);
    expect(() => DeepCCA.fromJSON({ ...json, decoders: undefined })).toThrow(FormatError);
    const { reconstruction: _, ...plainOptions } = json.options as Record<string, unknown>;
    expect(() => DeepCCA.fromJSON({ ...json, options: plainOptions })).toThrow(/decoders: present/);
    // warm start: two warm-started fits of 2 epochs equal one of 4, decoders included
    const a = new DeepCCA({ components: 2, hidden: [8], epochs: 2, batchSize: 100, reconstruction: {}, seed: 5 });
    const b = new DeepCCA({ components: 2, hidden: [8], epochs: 4, batchSize: 100, reconstruction: {}, seed: 5 });
    await a.fit(X, Y);
    await a.fit(X, Y, { warmStart: true });
    await b.fit(X, Y);
    expect(a.reconstruct([X, Y])).toEqual(b.reconstruct([X, Y]));
    expect(a.history.map((e) => e.losses)).toEqual(b.history.map((e) => e.losses));
    for (const x of [m, r, a, b]) x.dispose();
  });

  it('works with every objective; an abort keeps the decoders of the last finished epoch; early stopping keeps the best ones', async () => {
    const { X, Y } = synthetic(240, 13);
    for (const objective of ['trace', 'squared', 'ey', 'sdl'] as const) {
      const m = new DeepCCA({ components: 2, hidden: [8], epochs: 2, batchSize: 40, objective, reconstruction: { weight: 0.3 }, seed: 6 });
      const h = await m.fit(X, Y);
      for (const e of h) expect(Object.values(e.losses).every(Number.isFinite), objective).toBe(true);
      expect(h[1]!.losses.reconstruction!, objective).toBeLessThan(h[0]!.losses.reconstruction!);
      const [xh, yh] = m.reconstruct([null, Y]);
      expect([xh.cols, yh.cols]).toEqual([4, 3]);
      m.dispose();
    }
    // abort after epoch 2 of 5 = a fit of 2 epochs, decoders included
    const opts = { components: 2, hidden: [8], batchSize: 60, reconstruction: { weight: 0.3 }, seed: 8 };
    const two = new DeepCCA({ ...opts, epochs: 2 });
    await two.fit(X, Y);
    const cut = new DeepCCA({ ...opts, epochs: 5 }), ac = new AbortController();
    await expect(cut.fit(X, Y, { signal: ac.signal, onEpoch: ({ epoch }) => void (epoch === 2 && ac.abort()) })).rejects.toThrow();
    expect(cut.history.length).toBe(2);
    expect(cut.reconstruct([X, Y])).toEqual(two.reconstruct([X, Y]));
    // early stopping: the best epoch's towers and decoders (as a fit of that many epochs)
    const val = { X: X.slice(200), Y: Y.slice(200), patience: 1 };
    const es = new DeepCCA({ ...opts, epochs: 30, learningRate: 3e-2 });
    const h = await es.fit(X.slice(0, 200), Y.slice(0, 200), { validation: val });
    const vals = h.map((e) => e.losses.validation!), best = vals.indexOf(Math.max(...vals)) + 1;
    expect(best).toBeLessThan(h.length);
    const again = new DeepCCA({ ...opts, epochs: best, learningRate: 3e-2 });
    await again.fit(X.slice(0, 200), Y.slice(0, 200));
    expect(es.reconstruct([X, null])).toEqual(again.reconstruct([X, null]));
    for (const x of [two, cut, es, again]) x.dispose();
  });

  it('fromTorch reads decoders under xdec. / ydec. (optional), and refuses one without the other', () => {
    const g = normal(3);
    const lin = (nin: number, nout: number) => ({ weight: { shape: [nout, nin], data: Float32Array.from({ length: nin * nout }, () => 0.3 * g()) }, bias: { shape: [nout], data: Float32Array.from({ length: nout }, () => 0.1 * g()) } });
    const seq = (pre: string, widths: number[]) =>
      Object.fromEntries(widths.slice(1).flatMap((w, i) => Object.entries(lin(widths[i]!, w)).map(([k, v]) => [`${pre}${2 * i}.${k}`, v])));
    const towers = { ...seq('x.', [4, 6, 3]), ...seq('y.', [3, 6, 3]) };
    const dec = { ...seq('xdec.', [3, 5, 4]), ...seq('ydec.', [3, 5, 3]) };
    const { X, Y } = synthetic(60, 9);
    const m = DeepCCA.fromTorch({ ...towers, ...dec }, { components: 2, data: [X, Y], reconstruction: { weight: 0.2 } });
    expect(m.reconstruction).toEqual({ hidden: [5], weight: 0.2 });
    const [xh] = m.reconstruct([X, null]);
    expect([xh.rows, xh.cols]).toEqual([60, 4]);
    m.dispose();
    const plain = DeepCCA.fromTorch(towers, { components: 2, data: [X, Y] });
    expect(plain.reconstruction).toBeNull();
    plain.dispose();
    expect(() => DeepCCA.fromTorch({ ...towers, ...seq('xdec.', [3, 5, 4]) }, { data: [X, Y] })).toThrow(FormatError);
    expect(() => DeepCCA.fromTorch(towers, { data: [X, Y], reconstruction: {} })).toThrow(ValueError);
    expect(() => DeepCCA.fromTorch({ ...towers, ...dec }, { data: [X, Y], xDecoderPrefix: 'x.' })).toThrow(ValueError);
  });
});
