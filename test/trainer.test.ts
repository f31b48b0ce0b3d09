// The one trainer under every neural model (issue 31): warm starts that continue bit for bit,
// one fit at a time, one option vocabulary, divergence messages that name real options and
// say truthfully what the model holds. Small networks on small data: the claims are about
// bits and behaviour, not quality (that is in each model's own suite).
import { beforeAll, describe, expect, it } from 'vitest';
import {
  init, memoryStats, Classifier, ConditionalGAN, DeepCCA, MultimodalAutoencoder, DivergenceError, FitRunningError, FormatError, NotFittedError, ShapeError, ValueError,
} from '../src/index.js';
import { uniform } from './helpers.js';
import { TODAY } from './cgan_helpers.js';

beforeAll(async () => {
  await init();
});

const u = uniform(7);
const X = Array.from({ length: 64 }, () => [u(), u(), u(), u()]);
const Y = X.map((x) => [x[0]! * 2 + u() * 0.1, x[1]! - x[2]!, u()]);
const labels = X.map((x) => (x[0]! > 0.5 ? 1 : 0));

type Model = DeepCCA | MultimodalAutoencoder | ConditionalGAN | Classifier;
interface Kind {
  name: string;
  make(o: Record<string, unknown>): Model;
  fit(m: Model, o?: Record<string, unknown>): Promise<{ epoch: number; loss: number }[]>;
  /** everything the fitted weights decide, as numbers */
  out(m: Model): number[];
  /** the networks' parameters */
  params(m: Model): number[];
}

const kinds: Kind[] = [
  {
    name: 'DeepCCA',
    make: (o) => new DeepCCA({ components: 1, hidden: [8], batchSize: 16, seed: 1, ...o }),
    fit: (m, o) => (m as DeepCCA).fit(X, Y, o),
    out: (m) => {
      const [a, b] = (m as DeepCCA).transform(X, Y);
      return [...(m as DeepCCA).correlations, ...a.data, ...b.data];
    },
    params: (m) => JSON.parse(JSON.stringify((m as DeepCCA).toJSON().towers)),
  },
  {
    name: 'MultimodalAutoencoder',
    make: (o) => new MultimodalAutoencoder({ hidden: [6], code: 3, batchSize: 16, outputActivation: 'identity', seed: 1, ...o }),
    fit: (m, o) => (m as MultimodalAutoencoder).fit([X, Y], o),
    out: (m) => (m as MultimodalAutoencoder).reconstruct([X, null]).flatMap((r) => [...r.data]),
    params: (m) => (m as MultimodalAutoencoder)._networks().flatMap((n) => [...n.parameters]),
  },
  {
    name: 'ConditionalGAN',
    make: (o) => new ConditionalGAN({ noise: 3, hidden: [8], batchSize: 16, outputActivation: 'identity', seed: 1, ...o }),
    fit: (m, o) => (m as ConditionalGAN).fit(Y, X, o),
    out: (m) => [...(m as ConditionalGAN).generator.parameters, ...(m as ConditionalGAN).discriminator.parameters, ...(m as ConditionalGAN).generate(X, { seed: 2 }).data],
    params: (m) => [...(m as ConditionalGAN).generator.parameters, ...(m as ConditionalGAN).discriminator.parameters],
  },
  {
    name: 'Classifier',
    make: (o) => new Classifier({ hidden: [8], batchSize: 16, seed: 1, ...o }),
    fit: (m, o) => (m as Classifier).fit(X, labels, o),
    out: (m) => [...(m as Classifier).net.parameters, ...(m as Classifier).predictProba(X).data],
    params: (m) => [...(m as Classifier).net.parameters],
  },
];

/** The camelCase words of a message (option names look like this; plain words do not). */
const camel = (s: string) => [...new Set(s.match(/\b[a-z]+(?:[A-Z][a-z0-9]*)+\b/g) ?? [])];

/** True when the model's constructor takes `name` as an option (unknown keys are refused). */
function accepts(kind: Kind, name: string): boolean {
  try {
    kind.make({ [name]: undefined }).dispose();
    return true;
  } catch (e) {
    if (e instanceof ValueError && e.argument === `options.${name}`) return false;
    throw e;
  }
}

/** A configuration that diverges in epoch 1 and one that diverges in epoch 3 (found on the baseline build, where every engine computes the same bits). */
const diverging: Record<string, { first: Record<string, unknown>; third: Record<string, unknown> }> = {
  DeepCCA: { first: { learningRate: 1e20 }, third: { learningRate: 1.6e18 } },
  MultimodalAutoencoder: { first: { optimizer: 'sgd', learningRate: 100 }, third: { optimizer: 'sgd', learningRate: 3.2 } },
  // (on the recipe from before the stabilisers, for which the rates were found)
  ConditionalGAN: { first: { ...TODAY, optimizer: 'sgd', learningRate: 100 }, third: { ...TODAY, optimizer: 'sgd', learningRate: 2.15 } },
  Classifier: { first: { optimizer: 'sgd', activation: 'identity', learningRate: 1e9 }, third: { optimizer: 'sgd', activation: 'identity', learningRate: 250 } },
};

describe.each(kinds)('$name on the one trainer', (kind) => {
  it('warm start: a fit of 4 epochs and a warm-started fit of 4 more equal one fit of 8, bit for bit (and 4 + 2 + 2 too)', async () => {
    const eight = kind.make({ epochs: 8 }), four = kind.make({ epochs: 4 }), two = kind.make({ epochs: 2 });
    const h8 = await kind.fit(eight);
    await kind.fit(four);
    const h = await kind.fit(four, { warmStart: true });
    expect(kind.out(four)).toEqual(kind.out(eight));
    await kind.fit(two);
    for (let i = 0; i < 3; i++) await kind.fit(two, { warmStart: true });
    expect(kind.out(two)).toEqual(kind.out(eight));
    expect(two.history).toHaveLength(8);
    two.dispose();
    expect(h.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(h.map((e) => e.loss)).toEqual(h8.map((e) => e.loss));
    // without warmStart a fit starts over: the same bits as the first 4-epoch fit
    const again = kind.make({ epochs: 4 });
    await kind.fit(again);
    await kind.fit(four);
    expect(kind.out(four)).toEqual(kind.out(again));
    for (const m of [eight, four, again]) m.dispose();
  });

  it('warmStart on an unfitted model, or with other widths, is a typed error that changes nothing', async () => {
    const m = kind.make({ epochs: 1 });
    await expect(kind.fit(m, { warmStart: true })).rejects.toThrow(NotFittedError);
    await expect(kind.fit(m, { warmStart: 'yes' })).rejects.toThrow(ValueError);
    await kind.fit(m);
    const before = kind.out(m), live = memoryStats().liveBytes;
    const narrow = X.map((r) => r.slice(0, 3));
    const wrong =
      m instanceof DeepCCA ? m.fit(narrow, Y, { warmStart: true })
      : m instanceof MultimodalAutoencoder ? m.fit([narrow, Y], { warmStart: true })
      : m instanceof ConditionalGAN ? m.fit(Y, narrow, { warmStart: true })
      : (m as Classifier).fit(narrow, labels, { warmStart: true });
    await expect(wrong).rejects.toThrow(ShapeError);
    await expect(wrong).rejects.toThrow(/for warmStart|input width/);
    expect(kind.out(m)).toEqual(before);
    expect(memoryStats().liveBytes).toBe(live);
    m.dispose();
  });

  it('one fit at a time: a second fit and every use of the weights are refused while one runs, which completes unharmed', async () => {
    const m = kind.make({ epochs: 3 }), ref = kind.make({ epochs: 3 });
    await kind.fit(ref);
    const first = kind.fit(m); // not awaited
    expect(() => kind.out(m)).toThrow(FitRunningError);
    expect(() => kind.out(m)).toThrow(/still running.*await it/);
    expect(() => m.toJSON()).toThrow(FitRunningError);
    // both refused at once (a small fit may finish within the microtasks an await lets run)
    const second = kind.fit(m), warm = kind.fit(m, { warmStart: true });
    await expect(second).rejects.toThrow(FitRunningError);
    await expect(warm).rejects.toThrow(/a fit of this model is still running; a second one would train the same model at once/);
    await first;
    expect(kind.out(m)).toEqual(kind.out(ref));
    // and after it, fits are accepted again
    await kind.fit(m, { warmStart: true });
    for (const x of [m, ref]) x.dispose();
  });

  it('a divergence in epoch 1 and one in epoch 3: messages name only the options this model takes, and say "kept" only when weights were kept', async () => {
    const { first, third } = diverging[kind.name]!;
    // epoch 1 of a first fit: no fit at all
    const m1 = kind.make({ epochs: 4, ...first });
    const e1 = await kind.fit(m1).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(DivergenceError);
    const msg1 = (e1 as Error).message;
    expect(msg1).toMatch(new RegExp(`^${kind.name}: training diverged at epoch 1, batch \\d+: .*; the model is not fitted\\. `));
    expect(msg1).not.toMatch(/\bkept\b/);
    expect(() => kind.out(m1)).toThrow(NotFittedError);
    // epoch 1 of a refit: the previous fit stays (a model fitted with a small learning rate, its file given the diverging one)
    const good = kind.make({ epochs: 1, ...first, learningRate: 1e-3 });
    await kind.fit(good);
    const file = good.toJSON() as { options?: Record<string, unknown>; net?: Record<string, unknown>; shuffle?: unknown };
    // the Classifier's stored optimiser state (and its shuffling) must match the options, and these are edited
    if (file.net) delete file.net.optimizer;
    delete file.shuffle;
    // the cGAN's file has D's own rate: without it, D trains at the (edited) learningRate, as in a file from before it
    if (file.options) delete file.options.discriminatorLearningRate;
    const Model = good.constructor as unknown as { fromJSON(j: unknown): Model };
    const prev = Model.fromJSON({ ...file, options: { ...file.options, learningRate: first.learningRate } });
    const was = kind.out(prev), live = memoryStats().liveBytes;
    const e2 = await kind.fit(prev).catch((e: unknown) => e);
    expect((e2 as Error).message).toMatch(/training diverged at epoch 1, .*; the model keeps its previous fit\. /);
    expect((e2 as Error).message).not.toMatch(/\bkept\b/);
    expect(kind.out(prev)).toEqual(was);
    expect(memoryStats().liveBytes).toBe(live);
    // a warm start from the file's weights (fresh optimiser state) diverging too: its checkpoint puts them back
    // (the networks keep the training buffers their first training forward allocated: measured from the second on)
    for (let i = 0; i < 2; i++) {
      const w = memoryStats().liveBytes;
      const e2w = await kind.fit(prev, { warmStart: true }).catch((e: unknown) => e);
      expect((e2w as Error).message).toMatch(/training diverged at epoch 1, .*; the model keeps its previous fit\. /);
      expect(kind.out(prev)).toEqual(was);
      if (i === 1) expect(memoryStats().liveBytes).toBe(w);
    }
    // epoch 3: the weights of epoch 2 are kept, equal to a fit of 2 epochs
    const m3 = kind.make({ epochs: 6, ...third }), two = kind.make({ epochs: 2, ...third });
    const e3 = await kind.fit(m3).catch((e: unknown) => e);
    expect(e3).toBeInstanceOf(DivergenceError);
    const msg3 = (e3 as Error).message;
    expect(msg3).toMatch(new RegExp(`^${kind.name}: training diverged at epoch 3, batch \\d+: `));
    if (/\bkept\b/.test(msg3)) {
      expect(msg3).toMatch(/; the weights of the last finished epoch \(2\) are kept\. /);
      await kind.fit(two);
      expect(kind.params(m3)).toEqual(kind.params(two));
      expect(m3.history).toHaveLength(2);
    } else {
      // the networks of epoch 2, this close to overflowing, are not usable (DeepCCA: they give no final linear CCA; the
      // others: their outputs on the last batch overflow), so nothing is kept, the message says so, and a fit of 2 epochs
      // refuses them as well
      expect(msg3).toMatch(/; the model is not fitted\. /);
      expect(() => kind.out(m3)).toThrow(NotFittedError);
      await expect(kind.fit(two)).rejects.toThrow(DivergenceError);
    }
    for (const msg of [msg1, (e2 as Error).message, msg3]) {
      const named = camel(msg);
      expect(named).toEqual(expect.arrayContaining(['learningRate', 'maxGradNorm']));
      for (const option of named) expect(accepts(kind, option), `${kind.name} names ${option}`).toBe(true);
    }
    for (const m of [m1, good, prev, m3, two]) m.dispose();
  });

  it('takes the whole training and network vocabulary, keeps it in its file, and refuses what does not fit', async () => {
    const vocabulary = { epochs: 2, batchSize: 16, learningRate: 1e-2, optimizer: 'adamw', beta1: 0.8, beta2: 0.99, weightDecay: 1e-3, maxGradNorm: 1, seed: 3, hidden: [5], activation: 'tanh', init: 'glorot' };
    const m = kind.make(vocabulary);
    await kind.fit(m);
    for (const [k, v] of Object.entries(vocabulary)) expect((m as unknown as Record<string, unknown>)[k], k).toEqual(v);
    const back = (m.constructor as unknown as { fromJSON(j: unknown): Model }).fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    for (const k of ['optimizer', 'beta1', 'beta2', 'weightDecay', 'maxGradNorm', 'epochs', 'seed']) expect((back as unknown as Record<string, unknown>)[k], k).toEqual((vocabulary as Record<string, unknown>)[k]);
    expect(kind.out(back)).toEqual(kind.out(m));
    // damaged training options in the file are FormatErrors naming them, and nothing is left allocated
    const live = memoryStats().liveBytes;
    const file = JSON.parse(JSON.stringify(m.toJSON())) as { options: Record<string, unknown> };
    for (const [k, v] of [['optimizer', 'rmsprop'], ['maxGradNorm', 0], ['weightDecay', -1], ['beta2', 1]] as const) {
      const bad = { ...file, options: { ...file.options, [k]: v } };
      expect(() => (m.constructor as unknown as { fromJSON(j: unknown): Model }).fromJSON(bad), k).toThrow(FormatError);
      expect(() => (m.constructor as unknown as { fromJSON(j: unknown): Model }).fromJSON(bad), k).toThrow(new RegExp(`options\\.${k}`));
    }
    expect(memoryStats().liveBytes).toBe(live);
    // SGD has no β; a clipping norm must be positive
    expect(() => kind.make({ optimizer: 'sgd', beta1: 0.9 })).toThrow(/^options\.beta1: expected to be left out with optimizer 'sgd'/);
    expect(() => kind.make({ maxGradNorm: 0 })).toThrow(/^options\.maxGradNorm: expected a positive number/);
    expect(() => kind.make({ optimizer: 'rmsprop' })).toThrow(/^options\.optimizer: expected 'adam' \| 'adamw' \| 'sgd'/);
    // the defaults written out change nothing; a clipping norm no gradient reaches changes nothing; a tight one does
    const outs: number[][] = [];
    for (const o of [{}, { optimizer: 'adam', beta2: 0.999, weightDecay: 0 }, { maxGradNorm: 1e30 }, { maxGradNorm: 1e-4 }]) {
      const x = kind.make({ epochs: 2, ...o });
      await kind.fit(x);
      outs.push(kind.out(x));
      x.dispose();
    }
    expect(outs[1]).toEqual(outs[0]);
    expect(outs[2]).toEqual(outs[0]);
    expect(outs[3]).not.toEqual(outs[0]);
    for (const x of [m, back]) x.dispose();
  });
});

describe('inference that overflows inside the networks', () => {
  it('is a ValueError naming the method\'s own argument, for every model (not a NonFiniteError naming an internal buffer); results are finite otherwise', async () => {
    const big = (v: number) => Math.max(-3e38, Math.min(3e38, (Math.abs(v) + 1) * 1.5e38));
    const huge = X.map((r) => r.map(big)), hugeY = Y.map((r) => r.map(big));
    const refused: string[] = [];
    for (const kind of kinds) {
      const m = kind.make({ epochs: 1 });
      await kind.fit(m);
      const call =
        m instanceof DeepCCA ? () => m.transform(huge, hugeY).flatMap((r) => [...r!.data])
        : m instanceof MultimodalAutoencoder ? () => m.reconstruct([huge, null]).flatMap((r) => [...r.data])
        : m instanceof ConditionalGAN ? () => [...m.generate(huge, { seed: 1 }).data]
        : () => [...(m as Classifier).predictProba(huge).data];
      const arg = m instanceof MultimodalAutoencoder ? 'views' : m instanceof ConditionalGAN ? 'c' : m instanceof DeepCCA ? '(X|Y)' : 'X';
      let first: unknown = null;
      try {
        call(); // the first call may allocate the network's inference buffers, which it keeps
      } catch (e) {
        first = e;
      }
      const live = memoryStats().liveBytes;
      if (first) {
        refused.push(kind.name);
        expect(call, kind.name).toThrow(ValueError);
        expect(call, kind.name).toThrow(new RegExp(`^${arg}: expected values small enough for the .*output to stay within the floating-point range`));
        expect(memoryStats().liveBytes).toBe(live);
      } else expect(call().every(Number.isFinite), kind.name).toBe(true);
      m.dispose();
    }
    expect(refused).toEqual(expect.arrayContaining(['DeepCCA', 'Classifier']));
  });
});

describe('Classifier widths', () => {
  it('`hidden` reads the input width and the classes from the data; `layers` gives the same bits', async () => {
    const a = new Classifier({ hidden: [8], epochs: 3, batchSize: 16, seed: 4 });
    const b = new Classifier({ layers: [4, 8, 2], epochs: 3, batchSize: 16, seed: 4 });
    await a.fit(X, labels);
    await b.fit(X, labels);
    expect(a.classes).toBe(2);
    expect(a.net.layers).toEqual([4, 8, 2]);
    expect(Array.from(a.net.parameters)).toEqual(Array.from(b.net.parameters));
    expect(() => new Classifier({ hidden: [8] }).net).toThrow(NotFittedError);
    expect(() => new Classifier({ hidden: [8], layers: [4, 8, 2] })).toThrow(/^options\.hidden: expected to be left out with layers/);
    await expect(new Classifier({ hidden: [8] }).fit(X, X.map(() => 0))).rejects.toThrow(/^labels: expected at least two classes/);
    // its file keeps the optimiser state, which must agree with the options
    const file = JSON.parse(JSON.stringify(a.toJSON())) as { options: Record<string, unknown> };
    const live = memoryStats().liveBytes;
    expect(() => Classifier.fromJSON({ ...file, options: { ...file.options, learningRate: 0.5 } })).toThrow(/net\.optimizer: its settings .* are not the model's options .*: the file was altered/);
    expect(memoryStats().liveBytes).toBe(live);
    const back = Classifier.fromJSON(file);
    await back.fit(X, labels, { warmStart: true });
    await a.fit(X, labels, { warmStart: true });
    expect(Array.from(back.net.parameters)).toEqual(Array.from(a.net.parameters)); // the stored optimiser state and shuffling continue as the model's own
    expect(() => Classifier.fromJSON({ ...file, shuffle: [1, 2, 3] })).toThrow(/shuffle: expected the 16 bytes/);
    back.dispose();
    for (const m of [a, b]) m.dispose();
  });
});

describe('a divergence in the first batch of a fresh fit (no step taken yet)', () => {
  it('blames the size of the inputs, not the step: standardise or scale down', async () => {
    const X = Array.from({ length: 40 }, (_, i) => [1e36 * (1 + (i % 7)), 1e36 * (i % 3), -1e36]);
    const m = new DeepCCA({ hidden: [16], outputs: 2, components: 1, epochs: 2, batchSize: 20, objective: 'ey', seed: 0 });
    const e = await m.fit(X, X.map((r) => [r[1]!, r[0]!])).catch((e: unknown) => e);
    expect(e).toBeInstanceOf(DivergenceError);
    expect((e as Error).message).toMatch(/training diverged at epoch 1, batch 1: .*No step had been taken yet, so the step size is not the cause: the inputs are too large for the new networks/);
    m.dispose();
  });
});

describe('a fit that ends is a model that works: the last step is checked (the probe)', () => {
  it('plain SGD on wide unit-scale rows (found by the API fuzz on the VAE): every fit either throws a DivergenceError or gives a model whose outputs on its own rows are finite', async () => {
    const { MultimodalVAE } = await import('../src/index.js');
    const rows = (seed: number, n: number, p: number) => {
      let s = seed;
      return Array.from({ length: n }, () => Array.from({ length: p }, () => ((s = (s * 1103515245 + 12345) % 2147483648), (4 * s) / 2147483648 - 2)));
    };
    const tally: Record<string, number> = {};
    for (let seed = 0; seed < 48; seed++) {
      const X = rows(seed + 1, 3, 290), Y = rows(seed + 101, 3, 7), labels = [0, 1, 0];
      const models: [string, { dispose(): void }, () => Promise<unknown>, () => unknown][] = [];
      const vae = new MultimodalVAE({ optimizer: 'sgd', likelihood: 'gaussian', latent: 2, hidden: [8], epochs: 3, batchSize: 3, seed });
      models.push(['MultimodalVAE', vae, () => vae.fit([X, Y]), () => [vae.reconstruct([X, null]), vae.sample([X, null]), vae.encode([X, Y])]]);
      const ae = new MultimodalAutoencoder({ optimizer: 'sgd', learningRate: 0.05, outputActivation: 'identity', hidden: [8], code: 2, epochs: 3, batchSize: 3, seed });
      models.push(['MultimodalAutoencoder', ae, () => ae.fit([X, Y]), () => ae.reconstruct([X, null])]);
      const clf = new Classifier({ optimizer: 'sgd', learningRate: 0.05, layers: [290, 8, 2], epochs: 3, batchSize: 3, seed });
      models.push(['Classifier', clf, () => clf.fit(X, labels), () => clf.predictProba(X)]);
      for (const [name, m, fit, use] of models) {
        let what: string;
        const e = await fit().then(() => null, (err: unknown) => err);
        if (e) {
          expect(e, `${name} seed ${seed}`).toBeInstanceOf(DivergenceError);
          what = /after the last step the networks' outputs on the last batch are not finite/.test((e as Error).message) ? 'probe' : 'diverged';
        } else {
          expect(() => use(), `${name} seed ${seed}: the fit ended, its outputs must be finite`).not.toThrow();
          what = 'fitted';
        }
        tally[what] = (tally[what] ?? 0) + 1;
        m.dispose();
      }
    }
    console.log(`48 seeds × 3 models with plain SGD on 3 × 290 rows: ${JSON.stringify(tally)}`);
    // the check can fail: some fits end on a step that overflowed the weights, and are refused by it
    expect(tally.probe ?? 0).toBeGreaterThan(0);
  });
});
