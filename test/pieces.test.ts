// The piece protocol's contract: views that die when their network moves on, backward that
// refuses a gradient it cannot differentiate, DisposedError on every use of a disposed
// object, optimisers over groups of pieces, and the pieces' JSON and bad-input errors.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  init, memoryStats, nn, linalg, MLP, Tensor, Matrix, CCA, DeepCCA, Classifier,
  DisposedError, StaleForwardError, ShapeError, ValueError, NonFiniteError, FormatError,
} from '../src/index.js';
import { uniform } from './helpers.js';

beforeAll(async () => {
  await init();
});

function rows(n: number, d: number, seed: number): number[][] {
  const u = uniform(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => 2 * u() - 1));
}

describe('views handed out by a piece', () => {
  it('a forward output survives its backward and dies at the next forward, predict, hidden, dispose or reallocation', () => {
    const net = new MLP({ layers: [3, 4, 2], seed: 1 });
    const x = rows(5, 3, 1);
    const y = net.forward(x);
    const values = y.toArray();
    net.backward(Tensor.zeros(5, 2));
    expect(y.toArray()).toEqual(values); // backward does not invalidate it
    net.forward(x);
    for (const read of [() => y.data, () => y.toArray(), () => y.get(0, 0), () => net.forward(y), () => nn.mse(y, y)]) expect(read).toThrow(DisposedError);
    expect(() => y.toArray()).toThrow(/MLP's output\) is no longer valid: the MLP ran forward again/);
    expect(y.disposed).toBe(true);
    const y2 = net.forward(x);
    net.predict(x);
    expect(() => y2.data).toThrow(/predict\(\) or hidden\(\) reused the forward buffers/);
    const y3 = net.forward(x);
    net.hidden(x);
    expect(() => y3.data).toThrow(DisposedError);
    const y4 = net.forward(x);
    net.forward(rows(9, 3, 2)); // a larger batch reallocates the buffers
    expect(() => y4.data).toThrow(/reallocated its buffers/);
    const y5 = net.forward(x);
    net.dispose();
    expect(() => y5.data).toThrow(/the MLP was disposed/);
  });

  it("a backward's dX stays valid until the next forward; Concat, Split and Fork views die the same way", () => {
    const net = new MLP({ layers: [3, 2], seed: 2 });
    const x = rows(4, 3, 3);
    net.forward(x);
    const dx = net.backward(Tensor.zeros(4, 2).viewRows(0, 4))!;
    expect(dx.toArray()).toHaveLength(4);
    net.forward(x);
    expect(() => dx.data).toThrow(DisposedError);
    const cat = new nn.Concat([1, 2]), split = new nn.Split([1, 2]), fork = new nn.Fork();
    const parts: number[][][] = [rows(4, 1, 4), rows(4, 2, 5)];
    const c = cat.forward(parts);
    expect(c.toArray()[0]).toEqual([parts[0]![0]![0]!, parts[1]![0]![0]!, parts[1]![0]![1]!].map((v) => Math.fround(v)));
    const [a] = split.forward(c);
    const f = fork.forward(parts[1]!);
    cat.forward(parts);
    split.forward(rows(4, 3, 6));
    fork.forward(parts[1]!);
    for (const v of [c, a!, f]) expect(() => v.data).toThrow(DisposedError);
    for (const o of [net, cat, split, fork]) o.dispose();
  });

  it('a view of a disposed Tensor or Matrix throws DisposedError, and so do the Tensor and Matrix', () => {
    const t = Tensor.from([[1, 2], [3, 4]]);
    const v = t.viewRows(1, 1);
    expect(v.toArray()).toEqual([[3, 4]]);
    t.dispose();
    for (const read of [() => t.data, () => t.toArray(), () => t.get(0, 0), () => t.set(0, 0, 1), () => t.toShaped(), () => v.data, () => v.toArray()]) expect(read).toThrow(DisposedError);
    expect(() => v.data).toThrow(/view of a Tensor that has been disposed/);
    const m = Matrix.from([[1, 2], [3, 4]]);
    m.dispose();
    for (const use of [() => m.data, () => m.toArray(), () => m.transpose(), () => m.toFloat64Array(), () => linalg.matmul(m, m), () => new CCA({ components: 1 }).fit(m, m)]) expect(use).toThrow(DisposedError);
    t.dispose(); // twice is fine
  });
});

describe('backward refuses what it cannot differentiate', () => {
  it('no forward, a second backward, and a backward after predict throw StaleForwardError', () => {
    const net = new MLP({ layers: [2, 3, 1], seed: 3 });
    const x = rows(4, 2, 6), g = Tensor.zeros(4, 1);
    expect(() => net.backward(g)).toThrow(StaleForwardError);
    net.forward(x);
    net.backward(g);
    expect(() => net.backward(g)).toThrow(/backward already ran for its last forward/);
    net.forward(x);
    net.predict(x);
    expect(() => net.backward(g)).toThrow(/no forward to differentiate \(predict\(\) or hidden\(\) reused the forward buffers\)/);
    for (const o of [net, g]) o.dispose();
  });

  it('the gradient of an overwritten forward is refused and the gradients stay as they were', () => {
    const D = new MLP({ layers: [3, 4, 1], seed: 4 });
    const real = rows(5, 3, 7), fake = rows(5, 3, 8);
    const ones = Tensor.from(rows(5, 1, 9).map(() => [1])), zeros = Tensor.zeros(5, 1);
    D.zeroGrad();
    const gR = nn.bceWithLogits(D.forward(real), ones).grad;
    const gF = nn.bceWithLogits(D.forward(fake), zeros).grad;
    const before = D.gradients.slice();
    expect(() => D.backward(gR)).toThrow(StaleForwardError);
    expect(() => D.backward(gR)).toThrow(/gradient of the MLP's output from a forward that was overwritten since \(the MLP ran forward again\)/);
    expect(Array.from(D.gradients)).toEqual(Array.from(before));
    D.backward(gF); // the last forward's own gradient is fine
    // another network's gradient is refused too
    const other = new MLP({ layers: [3, 1], seed: 5 });
    const gO = nn.bceWithLogits(other.forward(real), ones).grad;
    D.forward(real);
    expect(() => D.backward(gO)).toThrow(/not of this MLP's last forward/);
    // values written by hand into a tensor a loss once filled are a new gradient: accepted
    gO.data.fill(0.5);
    expect(() => D.backward(gO)).not.toThrow();
    for (const o of [D, other, ones, zeros, gR, gF, gO]) o.dispose();
  });

  it('Concat, Split and Fork check their gradients the same way', () => {
    const net = new MLP({ layers: [2, 3], seed: 6 });
    const cat = new nn.Concat([3, 1]), fork = new nn.Fork(), split = new nn.Split([2, 1]);
    const x = rows(3, 2, 10), c = rows(3, 1, 11);
    const y1 = cat.forward([net.forward(x), c]);
    const g1 = nn.mse(y1, rows(3, 4, 12)).grad;
    cat.forward([net.forward(x), c]);
    expect(() => cat.backward(g1)).toThrow(StaleForwardError);
    const h = fork.forward(net.forward(x));
    const a = new MLP({ layers: [3, 1], seed: 7 });
    const da = a.backward(nn.mse(a.forward(h), [[0], [0], [0]]).grad)!;
    const other = new MLP({ layers: [2, 3], seed: 9 }), stray = new MLP({ layers: [3, 3], seed: 8 });
    stray.forward(other.forward(x));
    const ds = stray.backward(Tensor.zeros(3, 3))!; // the gradient of the other net's output, not of h
    expect(() => fork.backward([da, ds])).toThrow(/dY is the gradient of the MLP's output, not of this Fork's last forward/);
    expect(fork.backward([da, null])!.rows).toBe(3);
    const parts = split.forward(rows(3, 3, 13));
    const gp = nn.mse(parts[0]!, rows(3, 2, 14)).grad;
    split.forward(rows(3, 3, 15));
    expect(() => split.backward([gp, null])).toThrow(StaleForwardError);
    for (const o of [net, cat, fork, split, a, other, stray, g1, gp]) o.dispose();
  });
});

describe('every use of a disposed object throws DisposedError and allocates nothing', () => {
  const X = rows(40, 3, 20), Y = rows(40, 2, 21), labels = X.map((r) => (r[0]! > 0 ? 1 : 0));

  async function expectDisposed(make: () => { dispose(): void } | Promise<{ dispose(): void }>, uses: ((o: never) => unknown)[]) {
    const o = await make();
    o.dispose();
    o.dispose();
    expect((o as unknown as { disposed: boolean }).disposed).toBe(true);
    const live = memoryStats().liveBytes;
    for (const use of uses) {
      let error: unknown = null;
      try {
        await use(o as never);
      } catch (e) {
        error = e;
      }
      expect(error, String(use)).toBeInstanceOf(DisposedError);
    }
    expect(memoryStats().liveBytes).toBe(live);
  }

  it('MLP, Concat, Split, Fork', async () => {
    await expectDisposed(() => new MLP({ layers: [3, 4, 2], seed: 1 }), [
      (n: MLP) => n.forward(X), (n: MLP) => n.backward([[1, 2]]), (n: MLP) => n.predict(X), (n: MLP) => n.hidden(X), (n: MLP) => n.parameters,
      (n: MLP) => n.gradients, (n: MLP) => n.zeroGrad(), (n: MLP) => n.train(), (n: MLP) => n.eval(), (n: MLP) => n.toJSON(), (n: MLP) => new nn.Adam(n).step(),
    ]);
    await expectDisposed(() => new nn.Concat([3, 2]), [(c: nn.Concat) => c.forward([X, Y]), (c: nn.Concat) => c.backward([[1, 2, 3, 4, 5]]), (c: nn.Concat) => c.toJSON(), (c: nn.Concat) => c.parameters]);
    await expectDisposed(() => new nn.Split([1, 2]), [(s: nn.Split) => s.forward(X), (s: nn.Split) => s.backward([null, null]), (s: nn.Split) => s.toJSON(), (s: nn.Split) => s.train()]);
    await expectDisposed(() => new nn.Fork(), [(f: nn.Fork) => f.forward(X), (f: nn.Fork) => f.backward([X]), (f: nn.Fork) => f.toJSON(), (f: nn.Fork) => f.zeroGrad()]);
  });

  it('optimisers, including one whose network was disposed', async () => {
    for (const Opt of [nn.SGD, nn.Adam, nn.AdamW]) {
      const net = new MLP({ layers: [3, 2], seed: 2 });
      await expectDisposed(() => new Opt(net), [(o: nn.Optimizer) => o.step(), (o: nn.Optimizer) => o.zeroGrad(), (o: nn.Optimizer) => o.gradNorm(), (o: nn.Optimizer) => o.toJSON()]);
      const opt = new Opt(net);
      net.dispose();
      expect(() => opt.step()).toThrow(DisposedError);
      opt.dispose();
    }
  });

  it('CCA, DeepCCA and Classifier (fitted first)', async () => {
    await expectDisposed(() => new CCA({ components: 2 }).fit(X, Y), [
      (c: CCA) => c.fit(X, Y), (c: CCA) => c.partialFit(X, Y), (c: CCA) => c.correlations, (c: CCA) => c.transform(X, Y), (c: CCA) => c.score(X, Y),
      (c: CCA) => c.significance(), (c: CCA) => c.toJSON(), (c: CCA) => c.fitted, (c: CCA) => c.xWeights, (c: CCA) => new CCA({ components: 2 }).merge(c), (c: CCA) => c.merge(new CCA({ components: 2 })),
    ]);
    const dcca = async () => {
      const m = new DeepCCA({ components: 1, hidden: [4], epochs: 1, batchSize: 20, seed: 1 });
      await m.fit(X, Y);
      return m;
    };
    await expectDisposed(dcca, [(m: DeepCCA) => m.fit(X, Y), (m: DeepCCA) => m.transform(X, Y), (m: DeepCCA) => m.score(X, Y), (m: DeepCCA) => m.correlations, (m: DeepCCA) => m.toJSON(), (m: DeepCCA) => m.history]);
    const clf = async () => {
      const c = new Classifier({ layers: [3, 4, 2], epochs: 1, batchSize: 10, seed: 1 });
      await c.fit(X, labels);
      return c;
    };
    await expectDisposed(clf, [
      (c: Classifier) => c.fit(X, labels), (c: Classifier) => c.predict(X), (c: Classifier) => c.predictProba(X), (c: Classifier) => c.accuracy(X, labels), (c: Classifier) => c.features(X), (c: Classifier) => c.toJSON(),
    ]);
  });
});

describe('optimisers over a group of pieces', () => {
  const x = rows(6, 3, 30), t = rows(6, 2, 31);
  /** a → b chained; one step's gradients accumulated into both */
  function backprop(a: MLP, b: MLP) {
    a.zeroGrad();
    b.zeroGrad();
    const { grad } = nn.mse(b.forward(a.forward(x)), t);
    a.backward(b.backward(grad)!, { inputGradient: false });
    grad.dispose();
  }
  const pair = () => [new MLP({ layers: [3, 4], activation: 'tanh', seed: 1 }), new MLP({ layers: [4, 2], seed: 2 })] as const;

  it('one Adam over [a, b] steps exactly as an Adam per network (no clipping)', () => {
    const [a1, b1] = pair(), [a2, b2] = pair();
    const group = new nn.Adam([a1, b1, new nn.Concat([1])], { learningRate: 0.01 });
    const oa = new nn.Adam(a2, { learningRate: 0.01 }), ob = new nn.Adam(b2, { learningRate: 0.01 });
    for (let s = 0; s < 3; s++) {
      backprop(a1, b1);
      group.step();
      backprop(a2, b2);
      oa.step();
      ob.step();
    }
    expect(Array.from(a1.parameters)).toEqual(Array.from(a2.parameters));
    expect(Array.from(b1.parameters)).toEqual(Array.from(b2.parameters));
    expect(group.parameterCount).toBe(a1.parameterCount + b1.parameterCount);
    for (const o of [a1, b1, a2, b2, group, oa, ob]) o.dispose();
  });

  it('clips by the global norm of the whole group', () => {
    const [a1, b1] = pair(), [a2, b2] = pair();
    const clipped = new nn.SGD([a1, b1], { learningRate: 0.1, maxGradNorm: 0.05 });
    const plain = new nn.SGD([a2, b2], { learningRate: 0.1 });
    backprop(a1, b1);
    backprop(a2, b2);
    const sq = (g: Float32Array) => Array.from(g).reduce((s, v) => s + v * v, 0);
    const norm = Math.sqrt(sq(a2.gradients) + sq(b2.gradients));
    expect(norm).toBeGreaterThan(0.05);
    expect(clipped.gradNorm()).toBeCloseTo(norm, 5);
    expect(clipped.step()).toBeCloseTo(norm, 5);
    const f = Math.fround(0.05 / (norm + 1e-6));
    for (const n of [a2, b2]) {
      const g = n.gradients;
      for (let i = 0; i < g.length; i++) g[i] = Math.fround(g[i]! * f);
    }
    plain.step();
    for (const [u, v] of [[a1, a2], [b1, b2]] as const) for (let i = 0; i < u.parameterCount; i++) expect(Math.abs(u.parameters[i]! - v.parameters[i]!)).toBeLessThan(1e-7);
    for (const o of [a1, b1, a2, b2, clipped, plain]) o.dispose();
  });

  it("a group's state round-trips through JSON and resumes exactly", () => {
    const [a, b] = pair();
    const opt = new nn.AdamW([a, b], { learningRate: 0.02 });
    for (let s = 0; s < 2; s++) (backprop(a, b), opt.step());
    const saved = JSON.stringify({ a: a.toJSON(), b: b.toJSON(), opt: opt.toJSON() });
    for (let s = 0; s < 3; s++) (backprop(a, b), opt.step());
    const j = JSON.parse(saved);
    const a2 = MLP.fromJSON(j.a), b2 = MLP.fromJSON(j.b);
    const opt2 = nn.optimizerFromJSON(j.opt, [a2, b2])!;
    for (let s = 0; s < 3; s++) (backprop(a2, b2), opt2.step());
    expect(Array.from(a2.parameters)).toEqual(Array.from(a.parameters));
    expect(Array.from(b2.parameters)).toEqual(Array.from(b.parameters));
    expect(() => nn.optimizerFromJSON(j.opt, [a2])).toThrow(FormatError);
    for (const o of [a, b, opt, a2, b2, opt2]) o.dispose();
  });

  it('refuses an empty group, a piece twice, a group without parameters and what is not a piece', () => {
    const net = new MLP({ layers: [2, 2], seed: 1 });
    const before = memoryStats().liveBytes;
    expect(() => new nn.Adam([])).toThrow(ValueError);
    expect(() => new nn.Adam([net, net])).toThrow(/pieces\[1\]: expected each piece once, got the same piece as pieces\[0\]$/);
    expect(() => new nn.SGD([new nn.Concat([2])])).toThrow(/at least one piece with parameters/);
    expect(() => new nn.AdamW([net, {} as never])).toThrow(/pieces\[1\]: expected a network piece/);
    expect(memoryStats().liveBytes).toBe(before);
    net.dispose();
  });
});

describe('pieces: JSON and bad input', () => {
  it('Concat, Split and Fork round-trip through JSON; a damaged file is a FormatError', () => {
    const c = nn.Concat.fromJSON(JSON.stringify(new nn.Concat([2, 3])));
    expect(c.widths).toEqual([2, 3]);
    expect(nn.Split.fromJSON(new nn.Split([1, 4]).toJSON()).widths).toEqual([1, 4]);
    expect(nn.Fork.fromJSON(new nn.Fork().toJSON())).toBeInstanceOf(nn.Fork);
    const good = new nn.Concat([2, 3]).toJSON();
    expect(() => nn.Concat.fromJSON({ ...good, widths: [2, 0] })).toThrow(FormatError);
    expect(() => nn.Concat.fromJSON({ ...good, widths: 'x' })).toThrow(FormatError);
    expect(() => nn.Concat.fromJSON({ ...good, version: 2 })).toThrow(FormatError);
    expect(() => nn.Split.fromJSON(good)).toThrow(/expected format "crossmodal.Split"/);
    expect(() => nn.Fork.fromJSON('{"format":')).toThrow(FormatError);
  });

  it('typed errors name the argument; a failed call leaks nothing and the piece stays usable', () => {
    const cat = new nn.Concat([2, 1]), split = new nn.Split([2, 1]), fork = new nn.Fork();
    const a = rows(3, 2, 40), b = rows(3, 1, 41);
    // buffers grow to the batch on first use; then a failed call must leave live bytes as they are
    cat.forward([a, b]);
    split.forward(rows(3, 3, 46));
    split.backward([null, null]);
    fork.forward(a);
    fork.backward([a]);
    const before = memoryStats().liveBytes;
    expect(() => new nn.Concat([])).toThrow(ValueError);
    expect(() => cat.forward([a])).toThrow(/parts: expected 2 tensors/);
    expect(() => cat.forward([a, a])).toThrow(/parts\[1\]: expected 1 columns, got 2 columns/);
    expect(() => cat.forward([a, rows(4, 1, 42)])).toThrow(/parts\[1\]: expected 3 rows \(as parts\[0\]\), got 4 rows/);
    expect(() => cat.forward([a, [[1], [NaN], [2]]])).toThrow(NonFiniteError);
    expect(() => cat.forward([a, b], { gates: rows(3, 3, 43) })).toThrow(/options.gates: expected 3 rows and at most 2 columns, got 3×3/);
    cat.forward([a, b]);
    expect(() => cat.backward(rows(3, 2, 44))).toThrow(/dY: expected 3×3/);
    expect(() => cat.backward(rows(3, 3, 44), { inputGradient: [true] })).toThrow(/options.inputGradient: expected a boolean or 2 booleans/);
    expect(() => split.forward(rows(3, 4, 45))).toThrow(/x: expected 3 columns \(the sum of the widths\)/);
    split.forward(rows(3, 3, 46));
    expect(() => split.backward([rows(3, 2, 47)])).toThrow(ShapeError);
    expect(() => split.backward([rows(3, 1, 47), null])).toThrow(/dY\[0\]: expected 3×2/);
    fork.forward(a);
    expect(() => fork.backward([])).toThrow(ShapeError);
    expect(() => fork.backward([rows(2, 2, 48)])).toThrow(/dY\[0\]: expected 3×2/);
    expect(memoryStats().liveBytes).toBe(before);
    // still usable
    expect(cat.backward(rows(3, 3, 49))!.map((g) => g!.cols)).toEqual([2, 1]);
    expect(split.backward([rows(3, 2, 50), null])!.toArray()[0]![2]).toBe(0);
    expect(fork.backward([a, a])!.toArray()[0]![0]).toBeCloseTo(2 * a[0]![0]!, 6);
    for (const o of [cat, split, fork]) o.dispose();
  });
});
