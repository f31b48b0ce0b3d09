// The neural-network layer (src/nn): MLP, optimisers, losses, training loop, Classifier.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats, nn, MLP, Tensor, ShapeError, NonFiniteError, ValueError, FormatError, StaleForwardError } from '../src/index.js';
import { digits, uniform } from './helpers.js';
import { gradientError } from './reference/graph_f64.js';

beforeAll(async () => {
  await init();
});

/** Independent f64 forward of an MLP from its parameter layout (for finite differences). */
function forward64(net: MLP, params: Float64Array, x: number[][]): number[][] {
  const act = (name: string, z: number) =>
    name === 'relu' ? Math.max(0, z) : name === 'leaky_relu' ? (z > 0 ? z : net.leakySlope * z) : name === 'sigmoid' ? 1 / (1 + Math.exp(-z)) : name === 'tanh' ? Math.tanh(z) : z;
  let h = x;
  net.layout.forEach((L, l) => {
    const name = l === net.layout.length - 1 ? net.outputActivation : net.activation;
    h = h.map((row) => {
      const out = new Array<number>(L.outputs);
      for (let j = 0; j < L.outputs; j++) {
        let s = params[L.bias + j]!;
        for (let i = 0; i < L.inputs; i++) s += row[i]! * params[L.weights + i * L.outputs + j]!;
        out[j] = act(name, s);
      }
      return out;
    });
  });
  return h;
}

describe('MLP backward against finite differences of an independent f64 forward', () => {
  for (const activation of ['tanh', 'sigmoid', 'leaky_relu'] as const) {
    it(`3-layer ${activation} network, MSE loss: every parameter and input gradient within 1e-3`, () => {
      const net = new MLP({ layers: [5, 7, 6, 3], activation, outputActivation: 'identity', seed: 3 });
      const u = uniform(11);
      const x = Array.from({ length: 4 }, () => Array.from({ length: 5 }, () => u() * 2 - 1));
      const y = Array.from({ length: 4 }, () => Array.from({ length: 3 }, () => u() * 2 - 1));
      const loss64 = (p: Float64Array, xx = x) => {
        const out = forward64(net, p, xx);
        let s = 0;
        out.forEach((r, i) => r.forEach((v, j) => (s += (v - y[i]![j]!) ** 2)));
        return s / 12;
      };
      net.zeroGrad();
      const yhat = net.forward(x);
      const { grad } = nn.mse(yhat, y);
      const dx = net.backward(grad)!.toArray();
      grad.dispose();
      const g = net.gradients.slice();
      const p = Float64Array.from(net.parameters);
      // parameters, then the input (flattened row-major) as one more coordinate vector
      const worstP = gradientError((q) => loss64(q), p, g);
      const unflat = (v: Float64Array) => Array.from({ length: 4 }, (_, r) => Array.from(v.subarray(r * 5, r * 5 + 5)));
      const worstX = gradientError((v) => loss64(p, unflat(v)), Float64Array.from(x.flat()), dx.flat());
      const worst = Math.max(worstP, worstX);
      expect(worst).toBeLessThan(1e-3);
      net.dispose();
    });
  }
});

describe('MLP initialisation', () => {
  it("'he' has std √(2/fan_in) and zero biases; 'uniform' keeps weights and biases within ±1/√fan_in; 'glorot' within ±√(6/(in+out))", () => {
    const he = new MLP({ layers: [200, 300, 5], activation: 'relu', seed: 1 });
    const L = he.layout[0]!;
    const w = he.parameters.subarray(L.weights, L.weights + 200 * 300);
    let ss = 0;
    for (const v of w) ss += v * v;
    expect(Math.sqrt(ss / w.length)).toBeCloseTo(Math.sqrt(2 / 200), 2);
    expect(Array.from(he.parameters.subarray(L.bias, L.bias + 300)).every((v) => v === 0)).toBe(true);
    he.dispose();
    const uni = new MLP({ layers: [64, 32, 3], init: 'uniform', seed: 2 });
    for (const l of uni.layout) {
      const lim = 1 / Math.sqrt(l.inputs);
      const all = uni.parameters.subarray(l.weights, l.bias + l.outputs);
      expect(Math.max(...Array.from(all, Math.abs))).toBeLessThanOrEqual(lim);
      expect(Math.max(...Array.from(all, Math.abs))).toBeGreaterThan(0.9 * lim);
    }
    uni.dispose();
    const gl = new MLP({ layers: [10, 20], activation: 'tanh', seed: 3 });
    const lim = Math.sqrt(6 / 30);
    expect(Math.max(...Array.from(gl.parameters.subarray(0, 200), Math.abs))).toBeLessThanOrEqual(lim);
    gl.dispose();
  });
});

describe('MLP learns', () => {
  it('XOR with a 2-16-1 network to 100 % accuracy', async () => {
    const net = new MLP({ layers: [2, 16, 1], activation: 'tanh', seed: 1 });
    const opt = new nn.Adam(net, { learningRate: 0.05 });
    const x = [[0, 0], [0, 1], [1, 0], [1, 1]], t = [[0], [1], [1], [0]];
    const X = Tensor.from(x), T = Tensor.from(t), G = Tensor.zeros(4, 1);
    for (let i = 0; i < 500; i++) {
      opt.zeroGrad();
      nn.bceWithLogits(net.forward(X), T, { grad: G });
      net.backward(G, { inputGradient: false });
      opt.step();
    }
    const out = net.predict(X).data;
    expect(Array.from(out, (z) => (z > 0 ? 1 : 0))).toEqual([0, 1, 1, 0]);
    for (const o of [X, T, G, opt, net]) o.dispose();
  });

  it('sin(x) on [−π, π] with a 1-32-32-1 network to MSE below 1e-3', () => {
    const net = new MLP({ layers: [1, 32, 32, 1], activation: 'tanh', seed: 2 });
    const opt = new nn.Adam(net, { learningRate: 0.01 });
    const n = 256;
    const xs = Array.from({ length: n }, (_, i) => [-Math.PI + (2 * Math.PI * i) / (n - 1)]);
    const X = Tensor.from(xs), Y = Tensor.from(xs.map(([v]) => [Math.sin(v!)])), G = Tensor.zeros(n, 1);
    let loss = Infinity;
    for (let i = 0; i < 3000 && loss > 2e-4; i++) {
      opt.zeroGrad();
      loss = nn.mse(net.forward(X), Y, { grad: G }).loss;
      net.backward(G, { inputGradient: false });
      opt.step();
      if (i === 1500) opt.learningRate = 0.003;
    }
    const pred = net.predict(X).data;
    let mse = 0;
    for (let i = 0; i < n; i++) mse += (pred[i]! - Math.sin(xs[i]![0]!)) ** 2 / n;
    expect(mse).toBeLessThan(1e-3);
    for (const o of [X, Y, G, opt, net]) o.dispose();
  });

  it('one Adam step on an MLP equals a scalar reference update to 1e-6', () => {
    const net = new MLP({ layers: [3, 4, 2], seed: 5 });
    const opt = new nn.Adam(net, { learningRate: 0.01, beta1: 0.8, beta2: 0.95, eps: 1e-7 });
    const p0 = Float64Array.from(net.parameters);
    const { grad } = nn.mse(net.forward([[0.5, -1, 2], [1, 0.25, -0.5]]), [[1, 0], [0, 1]]);
    net.zeroGrad();
    net.backward(grad);
    grad.dispose();
    const g = Float64Array.from(net.gradients);
    opt.step();
    const p1 = net.parameters;
    for (let i = 0; i < p0.length; i++) {
      const m = 0.2 * g[i]!, v = 0.05 * g[i]! * g[i]!;
      const mhat = m / (1 - 0.8), vhat = v / (1 - 0.95);
      const want = p0[i]! - (0.01 * mhat) / (Math.sqrt(vhat) + 1e-7);
      expect(Math.abs(p1[i]! - want)).toBeLessThan(1e-6);
    }
    opt.dispose();
    net.dispose();
  });
});

describe('Classifier on the digits (64-128-10 ReLU, Adam 1e-3, batch 128, 60 epochs)', () => {
  const train = digits.pixels.slice(0, 1500).map((r) => r.map((v) => v / 16));
  const test = digits.pixels.slice(1500).map((r) => r.map((v) => v / 16));
  const ytrain = digits.labels.slice(0, 1500), ytest = digits.labels.slice(1500);
  for (const seed of [0, 1]) {
    it(`reaches at least 0.90 held-out accuracy (seed ${seed})`, async () => {
      const clf = new nn.Classifier({ layers: [64, 128, 10], activation: 'relu', learningRate: 1e-3, batchSize: 128, epochs: 60, seed });
      const epochs: number[] = [];
      await clf.fit(train, ytrain, { onEpoch: (e) => void epochs.push(e.epoch) });
      expect(epochs).toHaveLength(60);
      const acc = clf.accuracy(test, ytest);
      console.log(`digits classifier seed ${seed}: held-out accuracy ${acc.toFixed(4)}`);
      expect(acc).toBeGreaterThanOrEqual(0.9);
      const proba = clf.predictProba(test.slice(0, 3));
      for (let i = 0; i < 3; i++) expect(proba.data.subarray(i * 10, i * 10 + 10).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
      expect(clf.features(test.slice(0, 2)).cols).toBe(128);
      clf.dispose();
    });
  }
});

describe('training loop', () => {
  const x = Array.from({ length: 64 }, (_, i) => [Math.sin(i), Math.cos(i)]);
  const y = x.map(([a, b]) => (a! * b! > 0 ? 1 : 0));

  it('same seed, same result; allocates nothing per step after the first', async () => {
    const run = async () => {
      const clf = new nn.Classifier({ layers: [2, 8, 2], epochs: 3, batchSize: 10, seed: 7 });
      await clf.fit(x, y);
      const p = clf.net.parameters.slice();
      clf.dispose();
      return p;
    };
    expect(Array.from(await run())).toEqual(Array.from(await run()));
    const net = new MLP({ layers: [2, 8, 2], seed: 1, dropout: 0.2 });
    const opt = new nn.AdamW(net);
    const X = Tensor.from(x.slice(0, 16)), G = Tensor.zeros(16, 2);
    const live: number[] = [];
    for (let i = 0; i < 5; i++) {
      opt.zeroGrad();
      nn.mse(net.forward(X), X.viewCols(0, 2), { grad: G });
      net.backward(G);
      opt.step();
      live.push(memoryStats().liveBytes);
    }
    expect(new Set(live).size).toBe(1);
    for (const o of [X, G, opt, net]) o.dispose();
  });

  it('reports progress, stops early when onEpoch returns false, and aborts with the signal', async () => {
    const clf = new nn.Classifier({ layers: [2, 8, 2], epochs: 50, batchSize: 8, seed: 1 });
    const seen: nn.EpochInfo[] = [];
    const h = await clf.fit(x, y, { onEpoch: (e) => (seen.push(e), e.epoch < 3 ? undefined : false) });
    expect(h).toHaveLength(3);
    expect(seen[0]).toMatchObject({ epoch: 1, epochs: 50 });
    expect(typeof seen[0]!.loss).toBe('number');
    expect(seen[0]!.losses).toHaveProperty('loss');
    const ctl = new AbortController();
    const before = memoryStats().liveBytes;
    const p = clf.fit(x, y, {
      signal: ctl.signal,
      onEpoch: (e) => {
        // the weights cannot be read while the fit runs (the model holds the previous fit until it ends)
        expect(() => clf.net).toThrow(/a fit of this model is still running/);
        if (e.epoch === 2) ctl.abort();
      },
    });
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(memoryStats().liveBytes).toBe(before);
    // the parameters after epoch 2: a fit of 2 epochs with the same seed (the same shuffles)
    const two = new nn.Classifier({ layers: [2, 8, 2], epochs: 2, batchSize: 8, seed: 1 });
    await two.fit(x, y);
    const atAbort = two.net.parameters.slice();
    two.dispose();
    // the network keeps the parameters of the last finished epoch and still predicts with them:
    // its classes are the argmax of an independent f64 forward with those parameters
    expect(Array.from(clf.net.parameters)).toEqual(Array.from(atAbort));
    const logits = forward64(clf.net, Float64Array.from(atAbort), x);
    const want = logits.map((r) => (r[1]! > r[0]! ? 1 : 0));
    expect(Array.from(clf.predict(x))).toEqual(want);
    expect(clf.accuracy(x, y)).toBe(want.filter((c, i) => c === y[i]).length / y.length);
    clf.dispose();
  });
});

describe('optimiser details', () => {
  it('maxGradNorm clips the global gradient norm before the update', () => {
    const make = () => new MLP({ layers: [3, 5, 2], seed: 9 });
    const x = [[3, -2, 1], [0.5, 4, -3]], y = [[10, -10], [-10, 10]];
    const a = make(), b = make();
    const oa = new nn.SGD(a, { learningRate: 0.1, maxGradNorm: 0.5 });
    const ob = new nn.SGD(b, { learningRate: 0.1 });
    for (const [net] of [[a], [b]] as const) {
      const { grad } = nn.mse(net.forward(x), y);
      net.zeroGrad();
      net.backward(grad);
      grad.dispose();
    }
    const norm = Math.sqrt(Array.from(b.gradients).reduce((s, g) => s + g * g, 0));
    expect(norm).toBeGreaterThan(0.5);
    expect(oa.step()).toBeCloseTo(norm, 3);
    // b: the same step with gradients scaled by hand to norm 0.5
    const g = b.gradients;
    for (let i = 0; i < g.length; i++) g[i] = g[i]! * (0.5 / (norm + 1e-6));
    ob.step();
    const pa = a.parameters, pb = b.parameters;
    for (let i = 0; i < pa.length; i++) expect(Math.abs(pa[i]! - pb[i]!)).toBeLessThan(1e-6);
    for (const o of [oa, ob, a, b]) o.dispose();
  });

  it('the loop keeps the last incomplete batch on request, yields to the event loop, and holds live bytes constant across epochs', async () => {
    const x = Array.from({ length: 25 }, (_, i) => [i / 25, 1 - i / 25]);
    const y = x.map((_, i) => i % 2);
    const steps = async (keepLastBatch: boolean) => {
      const clf = new nn.Classifier({ layers: [2, 4, 2], epochs: 2, batchSize: 10, keepLastBatch, seed: 1 });
      const live: number[] = [];
      let ticks = 0;
      const timer = setInterval(() => ticks++, 0);
      await clf.fit(x, y, { onEpoch: () => void live.push(memoryStats().liveBytes) });
      clearInterval(timer);
      const opt = (clf as unknown as { toJSON(): { net: { optimizer: { steps: number } } } }).toJSON().net.optimizer.steps;
      clf.dispose();
      return { opt, live, ticks };
    };
    const dropped = await steps(false), kept = await steps(true);
    expect(dropped.opt).toBe(4); // 2 epochs × 2 full batches of 10
    expect(kept.opt).toBe(6); // … plus the batch of 5
    expect(new Set(dropped.live).size).toBe(1);
    const big = new nn.Classifier({ layers: [2, 64, 2], epochs: 30, batchSize: 5, seed: 2 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const xs = Array.from({ length: 2000 }, (_, i) => [Math.sin(i), Math.cos(i)]);
    await big.fit(xs, xs.map((r) => (r[0]! > 0 ? 1 : 0)));
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0); // timers ran while training: the loop yielded
    big.dispose();
  });
});

describe('serialisation', () => {
  it('toJSON with the optimiser resumes training exactly', async () => {
    const X = Tensor.from(Array.from({ length: 20 }, (_, i) => [i / 20, (i % 3) / 3, 1])), Y = Tensor.from(Array.from({ length: 20 }, (_, i) => [Math.sin(i)]));
    const G = Tensor.zeros(20, 1);
    const stepN = (net: MLP, opt: nn.Optimizer, k: number) => {
      for (let i = 0; i < k; i++) {
        opt.zeroGrad();
        nn.mse(net.forward(X), Y, { grad: G });
        net.backward(G, { inputGradient: false });
        opt.step();
      }
    };
    const a = new MLP({ layers: [3, 8, 1], activation: 'tanh', seed: 4 });
    const oa = new nn.Adam(a, { learningRate: 0.01 });
    stepN(a, oa, 5);
    const saved = JSON.stringify(a.toJSON({ optimizer: oa }));
    stepN(a, oa, 5);
    const b = MLP.fromJSON(saved);
    const ob = nn.optimizerFromJSON(JSON.parse(saved), b)!;
    stepN(b, ob, 5);
    expect(Array.from(b.parameters)).toEqual(Array.from(a.parameters));
    for (const o of [X, Y, G, a, oa, b, ob]) o.dispose();
  });

  it('rejects a truncated or altered file with FormatError', () => {
    const net = new MLP({ layers: [3, 4, 2], seed: 1 });
    const good = net.toJSON();
    net.dispose();
    const p = good.parameters as string;
    const altered = p.slice(0, 10) + (p[10] === 'A' ? 'B' : 'A') + p.slice(11);
    expect(() => MLP.fromJSON({ ...good, parameters: p.slice(0, p.length - 8) })).toThrow(FormatError);
    expect(() => MLP.fromJSON({ ...good, parameters: altered })).toThrow(/checksum/);
    expect(() => MLP.fromJSON({ ...good, layers: [3, 5, 2] })).toThrow(FormatError);
    expect(() => MLP.fromJSON({ ...good, version: 2 })).toThrow(FormatError);
    expect(() => MLP.fromJSON(JSON.stringify(good).slice(0, 50))).toThrow(FormatError);
  });
});

describe('bad input', () => {
  it('typed errors for wrong width, NaN, empty batch and mismatched labels; the module stays usable', async () => {
    const before = memoryStats().liveBytes;
    const net = new MLP({ layers: [4, 3, 2], seed: 0 });
    expect(() => net.forward([[1, 2, 3]])).toThrow(ShapeError);
    expect(() => net.forward([[1, 2, 3]])).toThrow(/x: expected 4 columns.*got 3 columns/);
    expect(() => net.forward([[1, 2, NaN, 4]])).toThrow(NonFiniteError);
    expect(() => net.forward([[1, 2, NaN, 4]])).toThrow(/\[0\]\[2\] is NaN/);
    expect(() => net.forward([])).toThrow(/x: expected at least one row, got 0 rows/);
    expect(() => net.backward([[1, 2]])).toThrow(StaleForwardError);
    net.forward([[1, 2, 3, 4], [0, 0, 0, 0]]);
    expect(() => net.backward([[1, 2]])).toThrow(/dY: expected 2×2/);
    expect(() => new MLP({ layers: [4] })).toThrow(ValueError);
    expect(() => new MLP({ layers: [4, 2], activation: 'swish' as never })).toThrow(ValueError);
    const clf = new nn.Classifier({ layers: [2, 4, 3], epochs: 1 });
    await expect(clf.fit([[1, 2], [3, 4]], [0])).rejects.toThrow(/labels: expected 2 labels.*got 1 labels/);
    await expect(clf.fit([[1, 2], [3, 4]], [0, 3])).rejects.toThrow(ValueError);
    expect(() => nn.softmaxCrossEntropy([[1, 2, 3]], [0, 1])).toThrow(ShapeError);
    expect(() => nn.mse([[1, 2]], [[1, 2, 3]])).toThrow(/y: expected 1×2/);
    // still usable, nothing leaked
    const out = net.forward([[1, 2, 3, 4]]).toArray();
    expect(out[0]).toHaveLength(2);
    net.dispose();
    clf.dispose();
    expect(memoryStats().liveBytes).toBe(before);
  });
});
