import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats, Classifier, ConditionalGAN, MultimodalAutoencoder, MultimodalVAE, SourceError } from '../src/index.js';
import { digits } from './helpers.js';
import { arrayOrder, chunks, identity, ordered, type Rows } from './source_helpers.js';

beforeAll(async () => {
  await init();
});

/** A source whose epoch `epochBad`, chunk `chunkBad` (of 100 rows) is made by `make` from copies of the chunk's inputs ('end': the pass ends there). */
function bad(inputs: readonly Rows[], rows: number, epochBad: number, chunkBad: number, make: (c: unknown[][]) => unknown) {
  let epoch = 0;
  return () => {
    const e = ++epoch;
    return (function* () {
      for (let i = 0, c = 1; i < rows; i += 100, c++) {
        const chunk = inputs.map((x) => x.slice(i, i + 100).map((r) => (Array.isArray(r) ? r.slice() : r)));
        if (e === epochBad && c === chunkBad) {
          const r = make(chunk);
          if (r === 'end') return;
          yield r;
        } else yield chunk;
      }
    })();
  };
}

/** The error cases every model shares, for inputs named `names` (the first two matrices). */
function errorCases(inputs: readonly Rows[], names: string[], nan = 1): [string, unknown, RegExp, { epoch: number; chunk?: number; row?: number; input?: string }][] {
  const esc = (t: string) => t.replace(/[[\]]/g, '\\$&');
  const [a, b] = names.map(esc), [na, nb] = names, [n, nn] = [esc(names[nan]!), names[nan]!];
  const ok = () => bad(inputs, 600, 0, 0, () => null)();
  return [
    ['throws mid-epoch', bad(inputs, 600, 2, 3, () => { throw new Error('disk gone'); }), /^source: epoch 2, chunk 3: the source threw: disk gone/, { epoch: 2, chunk: 3 }],
    ['ragged', bad(inputs, 600, 2, 4, (c) => ((c[0]![7] = (c[0]![7] as number[]).slice(1)), c)), new RegExp(`^source: epoch 2, chunk 4, row 7 of ${a}: `), { epoch: 2, chunk: 4, row: 7, input: na }],
    ['NaN', bad(inputs, 600, 2, 5, (c) => (((c[nan]![3] as number[])[0] = NaN), c)), new RegExp(`^source: epoch 2, chunk 5, row 3 of ${n}: `), { epoch: 2, chunk: 5, row: 3, input: nn }],
    ['rows differ', bad(inputs, 600, 2, 2, (c) => ((c[1] = c[1]!.slice(1)), c)), new RegExp(`^source: epoch 2, chunk 2, ${b}: expected 100 rows \\(as ${a} of this chunk\\), got 99 rows`), { epoch: 2, chunk: 2, input: nb }],
    ['other columns', bad(inputs, 600, 2, 2, (c) => ((c[0] = c[0]!.map((r) => (r as number[]).slice(1))), c)), new RegExp(`^source: epoch 2, chunk 2, ${a}: expected \\d+ columns`), { epoch: 2, chunk: 2, input: na }],
    ['not a chunk', bad(inputs, 600, 2, 2, (c) => c[0]), new RegExp(`^source: epoch 2, chunk 2: expected a chunk \\[${esc(names.join(', '))}\\]`), { epoch: 2, chunk: 2 }],
    ['fewer rows than a batch', (() => { let e = 0; return () => (++e === 2 ? [inputs.map((x) => x.slice(0, 50))] : ok()); })(), /^source: epoch 2: the source yielded 50 rows, fewer than one batch \(100 rows\)/, { epoch: 2 }],
    ['not iterable', (() => { let e = 0; return () => (++e === 2 ? 42 : ok()); })(), /^source: epoch 2: expected the source function to return an iterable/, { epoch: 2 }],
  ];
}

interface Fittable {
  fit(source: () => unknown, options?: object): Promise<{ loss: number }[]>;
  history: { loss: number }[];
  toJSON(): unknown;
  dispose(): void;
}

/** Each error case: a SourceError with its fields, the previous fit (weights, history) kept, no bytes leaked. */
function errorTests(make: () => Fittable, fitArrays: (m: Fittable) => Promise<unknown>, inputs: readonly Rows[], names: string[], nan = 1, more: ReturnType<typeof errorCases> = []) {
  for (const [what, source, message, fields] of [...errorCases(inputs, names, nan), ...more]) {
    it(what, async () => {
      const m = make();
      await fitArrays(m);
      const before = JSON.stringify(m.toJSON()), hist = m.history.length, live = memoryStats().liveBytes;
      const e = await m.fit(source as () => unknown).catch((e: unknown) => e);
      expect(e).toBeInstanceOf(SourceError);
      expect((e as Error).message).toMatch(message);
      expect(e).toMatchObject(fields);
      expect(JSON.stringify(m.toJSON())).toBe(before);
      expect(m.history.length).toBe(hist);
      expect(memoryStats().liveBytes).toBe(live);
      m.dispose();
    });
  }
}

const json = (m: { toJSON(): unknown }) => JSON.stringify(m.toJSON());
/** The file without its options (epochs differ between a fit and its warm continuation). */
const weights = (m: { toJSON(): unknown }) => JSON.stringify({ ...(m.toJSON() as object), options: null });

// digits: x the left halves (32 columns), c the one-hot digit (10 columns)
const X = digits.left.slice(0, 1000);
const labels = Array.from(digits.labels.slice(0, 1000), Number);
const C = ((o) => Array.from({ length: o.rows }, (_, i) => Array.from(o.data.subarray(i * o.cols, (i + 1) * o.cols))))(ConditionalGAN.oneHot(labels, 10));

describe('ConditionalGAN.fit(source): chunks [x, c]', () => {
  const opts = { noise: 8, hidden: [32], discriminatorHidden: [32], epochs: 3, batchSize: 100, seed: 3, outputActivation: 'identity' as const };

  for (const extra of [{}, { discriminatorSteps: 2 }, { standardizeCondition: false }]) {
    it(`a source replaying the in-memory fit's batches (shuffleBuffer 0) trains bit-identical networks (noise drawn as with arrays) ${JSON.stringify(extra)}`, async () => {
      const a = new ConditionalGAN({ ...opts, ...extra });
      await a.fit(X, C);
      const b = new ConditionalGAN({ ...opts, ...extra });
      // standardizeCondition (the default): two passes before training for the statistics, the rows in their order
      const pre = 'standardizeCondition' in extra ? [] : [identity(1000), identity(1000)];
      const h = await b.fit(ordered([X, C], [...pre, ...arrayOrder(1000, opts.epochs, opts.seed)], 128), { shuffleBuffer: 0 });
      expect(h.map((e) => e.losses)).toEqual(a.history.map((e) => e.losses));
      expect(json(b)).toBe(json(a));
      a.dispose();
      b.dispose();
    });
  }

  it("the condition statistics from a source in chunks of any size equal the in-memory fit's bit for bit (standardizeCondition)", async () => {
    const a = new ConditionalGAN({ ...opts, epochs: 1 }), b = new ConditionalGAN({ ...opts, epochs: 1 });
    await a.fit(X, C);
    await b.fit(chunks([X, C], 97), { shuffleBuffer: 0 });
    type F = { condition: unknown };
    expect(JSON.stringify((b.toJSON() as F).condition)).toBe(JSON.stringify((a.toJSON() as F).condition));
    a.dispose();
    b.dispose();
  });

  /** The mean squared distance of each digit's generated mean to its real mean, over the digits. */
  const classError = (m: ConditionalGAN) => {
    let err = 0;
    for (let k = 0; k < 10; k++) {
      const real = X.filter((_, i) => labels[i] === k), g = m.generate(Array.from({ length: 100 }, () => C[labels.indexOf(k)]!), { seed: k });
      for (let j = 0; j < 32; j++) {
        let rm = 0, gm = 0;
        for (const r of real) rm += r[j]! / real.length;
        for (let i = 0; i < 100; i++) gm += g.data[i * 32 + j]! / 100;
        err += (rm - gm) ** 2 / 320;
      }
    }
    return err;
  };

  it('a shuffled async source (buffer 300, chunks of 64) trains: the generated class means approach the real ones; same seed, same fit', async () => {
    const fit = async (epochs: number) => {
      const m = new ConditionalGAN({ ...opts, epochs, learningRate: 2e-3 });
      await m.fit(chunks([X, C], 64, true), { shuffleBuffer: 300 });
      return m;
    };
    const [m, m2, m1] = [await fit(10), await fit(10), await fit(1)];
    expect(m.history.length).toBe(10);
    expect(json(m)).toBe(json(m2));
    const e1 = classError(m1), e10 = classError(m);
    console.log(`ConditionalGAN from a source: class-mean error ${e1.toFixed(4)} after 1 epoch, ${e10.toFixed(4)} after 10`);
    expect(e10).toBeLessThan(0.5 * e1);
    for (const x of [m, m2, m1]) x.dispose();
  });

  it('onEpoch, abort keeps the last epoch, warm start goes on (two fits of 1 epoch equal one of 2)', async () => {
    const src = chunks([X, C], 250);
    const a = new ConditionalGAN({ ...opts, epochs: 2 });
    await a.fit(src, { shuffleBuffer: 400 });
    const w = new ConditionalGAN({ ...opts, epochs: 1 });
    await w.fit(src, { shuffleBuffer: 400 });
    await w.fit(src, { shuffleBuffer: 400, warmStart: true });
    expect(w.history.map((e) => e.epoch)).toEqual([1, 2]);
    expect(weights(w)).toBe(weights(a));
    const ac = new AbortController();
    const m = new ConditionalGAN({ ...opts, epochs: 5 });
    await expect(m.fit(src, { signal: ac.signal, onEpoch: (e) => void (e.epoch === 1 && ac.abort()) })).rejects.toThrow();
    expect(m.history.length).toBe(1);
    expect(m.generate(C.slice(0, 3)).rows).toBe(3);
    for (const x of [a, w, m]) x.dispose();
  });

  describe('errors are SourceErrors naming epoch, chunk, row and input; the previous fit is kept', () => {
    errorTests(() => new ConditionalGAN({ ...opts, epochs: 3, standardizeCondition: false }) as unknown as Fittable, (m) => (m as unknown as ConditionalGAN).fit(X.slice(0, 300), C.slice(0, 300)), [X, C], ['x', 'c']);
    it('class labels as the condition: a SourceError naming c with the way to pass them (ConditionalGAN.oneHot)', async () => {
      const m = new ConditionalGAN(opts);
      const e = await m.fit(chunks([X, labels], 100)).catch((e: unknown) => e);
      expect(e).toBeInstanceOf(SourceError);
      expect(e).toMatchObject({ chunk: 1, input: 'c' });
      expect((e as Error).message).toMatch(/^source: the first pass before training .*, chunk 1, c: .*ConditionalGAN\.oneHot\(labels, classes\)/);
      m.dispose();
    });
    it("the statistics' two passes disagree in rows: a SourceError saying so", async () => {
      const m = new ConditionalGAN(opts);
      let pass = 0;
      const e = await m.fit(() => [[X, C], [X, C]].slice(0, ++pass === 2 ? 1 : 2)).catch((e: unknown) => e);
      expect(e).toBeInstanceOf(SourceError);
      expect((e as Error).message).toMatch(/^source: the second pass before training .*: the source yielded 1000 rows in this pass and 2000 in the one before/);
      expect(() => m.generate([C[0]!])).toThrow(/fit/);
      m.dispose();
    });
    it("a sigmoid head and x outside [0, 1]: a SourceError naming the row of x", async () => {
      const m = new ConditionalGAN({ ...opts, outputActivation: 'sigmoid' });
      const e = await m.fit(chunks([X.map((r) => r.map((v) => v * 2)), C], 100)).catch((e: unknown) => e);
      expect(e).toBeInstanceOf(SourceError);
      expect(e).toMatchObject({ epoch: 1, chunk: 1, input: 'x' });
      expect((e as Error).message).toMatch(/^source: epoch 1, chunk 1, row \d+ of x: .*'sigmoid' output head/);
      m.dispose();
    });
  });
});

describe('MultimodalAutoencoder.fit(source): chunks [view₀, view₁, …]', () => {
  const L = digits.left.slice(0, 1000), R = digits.right.slice(0, 1000);
  const opts = { hidden: [16], code: 4, epochs: 3, batchSize: 100, seed: 3 };

  for (const extra of [{}, { modalityDropout: 0.8 }, { scale: true, outputActivation: 'identity' as const }]) {
    it(`a source replaying the in-memory fit's batches (shuffleBuffer 0) trains bit-identical networks (modality dropout drawn as with arrays) ${JSON.stringify(extra)}`, async () => {
      const a = new MultimodalAutoencoder({ ...opts, ...extra });
      await a.fit([L, R, X]);
      const b = new MultimodalAutoencoder({ ...opts, ...extra });
      // scale: true: two passes before training for the statistics, the rows in their order
      const pre = 'scale' in extra ? [identity(1000), identity(1000)] : [];
      const h = await b.fit(ordered([L, R, X], [...pre, ...arrayOrder(1000, opts.epochs, opts.seed)], 128), { shuffleBuffer: 0 });
      expect(h.map((e) => e.losses)).toEqual(a.history.map((e) => e.losses));
      expect(json(b)).toBe(json(a));
      a.dispose();
      b.dispose();
    });
  }

  // missing modalities: a null row in a view (rows 3, 4, 5, … of view 1; 7, 14, … of view 0; never both)
  const Lm = L.map((r, i) => (i % 7 === 0 && i % 3 !== 0 ? null : r)), Rm = R.map((r, i) => (i % 3 === 0 ? null : r));
  for (const extra of [{}, { scale: true, outputActivation: 'identity' as const }]) {
    it(`missing modalities (null rows): a source replaying the batches trains the networks of the array fit with the same null rows, bit for bit ${JSON.stringify(extra)}`, async () => {
      const a = new MultimodalAutoencoder({ ...opts, ...extra });
      await a.fit([Lm, Rm]);
      const b = new MultimodalAutoencoder({ ...opts, ...extra });
      const pre = 'scale' in extra ? [identity(1000), identity(1000)] : [];
      const h = await b.fit(ordered([Lm, Rm], [...pre, ...arrayOrder(1000, opts.epochs, opts.seed)], 128), { shuffleBuffer: 0 });
      expect(h.map((e) => e.losses)).toEqual(a.history.map((e) => e.losses));
      expect(json(b)).toBe(json(a));
      a.dispose();
      b.dispose();
    });
  }

  it('a null view in a later chunk is that modality missing in all its rows; a row with no view, or a null view before any columns are known, is a SourceError', async () => {
    const m = new MultimodalAutoencoder({ ...opts, epochs: 2 });
    await m.fit(() => [[L.slice(0, 300), R.slice(0, 300)], [null, R.slice(300, 600)], [L.slice(600), null]], { shuffleBuffer: 200 });
    expect(m.history.length).toBe(2);
    const cases: [unknown[][], RegExp, object][] = [
      [[[null, R.slice(0, 300)]], /^source: epoch 1, chunk 1, views\[0\]: a view is null before any chunk gave its columns/, { chunk: 1, input: 'views[0]' }],
      [[[L.slice(0, 300), R.slice(0, 300)], [[L[0], null], [null, null]]], /^source: epoch 1, chunk 2, row 1: no view present in this row/, { chunk: 2, row: 1 }],
      [[[L.slice(0, 300), R.slice(0, 300)], [null, null]], /^source: epoch 1, chunk 2: expected at least one view that is not null/, { chunk: 2 }],
    ];
    for (const [chunks, message, fields] of cases) {
      const before = json(m), e = await m.fit(() => chunks as never).catch((e: unknown) => e);
      expect(e).toBeInstanceOf(SourceError);
      expect((e as Error).message).toMatch(message);
      expect(e).toMatchObject(fields);
      expect(json(m)).toBe(before);
    }
    m.dispose();
  });

  for (const scale of [false, true]) {
    it(`validation from a source (held-out chunks, null rows missing): the same loss as validation with arrays to 1e-12, with arrays or a source for training${scale ? ' (scale: true)' : ''}`, async () => {
      const o = { ...opts, ...(scale ? { scale, outputActivation: 'identity' as const } : {}) };
      const VL = digits.left.slice(1000, 1200).map((r, i) => (i % 5 === 0 ? null : r)), VR = digits.right.slice(1000, 1200);
      const a = new MultimodalAutoencoder(o), b = new MultimodalAutoencoder(o), c = new MultimodalAutoencoder(o);
      await a.fit([Lm, Rm], { validation: { views: [VL, VR] } });
      await b.fit([Lm, Rm], { validation: { source: chunks([VL, VR], 33) } });
      await c.fit(chunks([Lm, Rm], 128), { validation: { source: chunks([VL, VR], 64, true), patience: 2 } });
      const va = a.history.map((e) => e.losses.validation!), vb = b.history.map((e) => e.losses.validation!);
      expect(va.every(Number.isFinite)).toBe(true);
      vb.forEach((v, i) => expect(Math.abs(v - va[i]!)).toBeLessThan(1e-12 * Math.max(1, va[i]!)));
      expect(json(b)).toBe(json(a));
      expect(c.history.every((e) => Number.isFinite(e.losses.validation!))).toBe(true);
      // a failing validation source: a SourceError, the fit before kept
      const before = json(c), bad = VR.map((r) => r.slice());
      bad[150]![1] = Infinity;
      const e = await c.fit([Lm, Rm], { validation: { source: chunks([VL, bad], 100) } }).catch((e: unknown) => e);
      expect(e).toBeInstanceOf(SourceError);
      expect((e as Error).message).toMatch(/^source: options\.validation\.source after epoch 1, chunk 2, row 50 of views\[1\]: /);
      expect(json(c)).toBe(before);
      for (const m of [a, b, c]) m.dispose();
    });
  }

  it('a shuffled async source (buffer 300, chunks of 64) trains: the loss falls; same seed, same fit; validation (arrays) reported', async () => {
    const fit = async () => {
      const m = new MultimodalAutoencoder({ ...opts, epochs: 10, learningRate: 3e-3 });
      await m.fit(chunks([L, R], 64, true), { shuffleBuffer: 300, validation: { views: [digits.left.slice(1000, 1200), digits.right.slice(1000, 1200)] } });
      return m;
    };
    const [m, m2] = [await fit(), await fit()];
    const loss = m.history.map((e) => e.loss);
    console.log(`MultimodalAutoencoder from a source: loss ${loss[0]!.toFixed(4)} → ${loss.at(-1)!.toFixed(4)}`);
    expect(loss.at(-1)!).toBeLessThan(0.7 * loss[0]!);
    expect(m.history.every((e) => Number.isFinite(e.losses.validation!))).toBe(true);
    expect(json(m)).toBe(json(m2));
    for (const x of [m, m2]) x.dispose();
  });

  it('warm start goes on (two fits of 1 epoch equal one of 2); abort keeps the last epoch; scale: true from a pass before training', async () => {
    const src = chunks([L, R], 250);
    const a = new MultimodalAutoencoder({ ...opts, epochs: 2 });
    await a.fit(src, { shuffleBuffer: 400 });
    const w = new MultimodalAutoencoder({ ...opts, epochs: 1 });
    await w.fit(src, { shuffleBuffer: 400 });
    await w.fit(src, { shuffleBuffer: 400, warmStart: true });
    expect(w.history.map((e) => e.epoch)).toEqual([1, 2]);
    expect(weights(w)).toBe(weights(a));
    const ac = new AbortController();
    const m = new MultimodalAutoencoder({ ...opts, epochs: 5 });
    await expect(m.fit(src, { signal: ac.signal, onEpoch: (e) => void (e.epoch === 1 && ac.abort()) })).rejects.toThrow();
    expect(m.history.length).toBe(1);
    expect(m.reconstruct([L.slice(0, 3), null])[1]!.rows).toBe(3);
    const s = new MultimodalAutoencoder({ ...opts, scale: true, outputActivation: 'identity' });
    await s.fit(src);
    expect(s.history.length).toBe(3);
    for (const x of [a, w, m, s]) x.dispose();
  });

  describe('errors are SourceErrors naming epoch, chunk, row and input; the previous fit is kept', () => {
    errorTests(() => new MultimodalAutoencoder({ ...opts, epochs: 3 }) as unknown as Fittable, (m) => (m as unknown as MultimodalAutoencoder).fit([L.slice(0, 300), R.slice(0, 300)]), [L, R], ['views[0]', 'views[1]']);
    it('a sigmoid head and a view outside [0, 1]: a SourceError naming the row of the view', async () => {
      const m = new MultimodalAutoencoder({ ...opts, outputActivation: 'sigmoid' });
      const e = await m.fit(chunks([L, R.map((r) => r.map((v) => v * 2))], 100)).catch((e: unknown) => e);
      expect(e).toBeInstanceOf(SourceError);
      expect(e).toMatchObject({ epoch: 1, chunk: 1, input: 'views[1]' });
      expect((e as Error).message).toMatch(/^source: epoch 1, chunk 1, row \d+ of views\[1\]: .*'sigmoid' output head/);
      m.dispose();
    });
    it('a chunk of one input', async () => {
      const m = new MultimodalAutoencoder(opts);
      const e = await m.fit(() => [[L]]).catch((e: unknown) => e);
      expect((e as Error).message).toMatch(/^source: epoch 1, chunk 1: expected a chunk \[views\[0\], views\[1\], …\] \(an array of at least 2 inputs\)/);
      m.dispose();
    });
  });
});

describe('Classifier.fit(source): chunks [X, labels]', () => {
  const opts = { hidden: [32], epochs: 3, batchSize: 100, seed: 3 };
  // the trainer's shuffling stream of a Classifier
  const shuffleSeed = (opts.seed + 0x9e3779b9) >>> 0;

  it("a source replaying the in-memory fit's batches (shuffleBuffer 0) trains a bit-identical network; the classes from a pass before training", async () => {
    const a = new Classifier(opts);
    await a.fit(X, labels);
    const b = new Classifier(opts);
    // the source is called once more first, for the pass that finds the classes (any order)
    const orders = arrayOrder(1000, opts.epochs, shuffleSeed);
    const h = await b.fit(ordered([X, labels], [orders[0]!, ...orders], 128), { shuffleBuffer: 0 });
    expect(h.map((e) => e.loss)).toEqual(a.history.map((e) => e.loss));
    expect(b.classes).toBe(10);
    // the network with its optimiser state (the file's shuffling stream differs: a source with buffer 0 draws nothing from it)
    const net = (m: Classifier) => JSON.stringify((m.toJSON() as { net: unknown }).net);
    expect(net(b)).toBe(net(a));
    a.dispose();
    b.dispose();
  });

  it('keepLastBatch: the partial last batch of each pass is trained, as with arrays (a replay is bit-identical); a pass shorter than a batch is one partial batch', async () => {
    const o = { ...opts, batchSize: 128, keepLastBatch: true };
    const a = new Classifier(o), b = new Classifier(o);
    await a.fit(X, labels);
    const orders = arrayOrder(1000, opts.epochs, shuffleSeed);
    await b.fit(ordered([X, labels], [orders[0]!, ...orders], 100), { shuffleBuffer: 0 });
    expect(b.history.map((e) => e.loss)).toEqual(a.history.map((e) => e.loss));
    const net = (m: Classifier) => JSON.stringify((m.toJSON() as { net: unknown }).net);
    expect(net(b)).toBe(net(a));
    // through the shuffle buffer too, and 50 rows with batches of 128
    const c = new Classifier(o);
    await c.fit(chunks([X.slice(0, 50), labels.slice(0, 50)], 20), { shuffleBuffer: 30 });
    expect(c.history.length).toBe(3);
    expect(c.history.every((e) => Number.isFinite(e.loss))).toBe(true);
    for (const m of [a, b, c]) m.dispose();
  });

  it('labels of one class from a source: a SourceError of the pass before training', async () => {
    const m = new Classifier(opts);
    const e = await m.fit(chunks([X, labels.map(() => 0)], 100)).catch((e: unknown) => e);
    expect(e).toBeInstanceOf(SourceError);
    expect((e as Error).message).toMatch(/^source: the pass before training \(the labels' classes\): the labels hold only class 0/);
    m.dispose();
  });

  it('a shuffled async source (buffer 300, chunks of 64, labels as Int32Array) trains: the loss falls, held-out accuracy; same seed, same fit', async () => {
    const src = () => chunks([X, labels], 64, true)();
    const typed = () =>
      (async function* () {
        for await (const [x, l] of src() as AsyncIterable<[number[][], number[]]>) yield [x, Int32Array.from(l)] as never;
      })();
    const fit = async () => {
      const m = new Classifier({ ...opts, epochs: 10, learningRate: 1e-2 });
      await m.fit(typed, { shuffleBuffer: 300 });
      return m;
    };
    const [m, m2] = [await fit(), await fit()];
    const loss = m.history.map((e) => e.loss);
    const acc = m.accuracy(digits.left.slice(1000, 1400), Array.from(digits.labels.slice(1000, 1400), Number));
    console.log(`Classifier from a source: loss ${loss[0]!.toFixed(3)} → ${loss.at(-1)!.toFixed(3)}, held-out accuracy ${acc.toFixed(3)}`);
    expect(loss.at(-1)!).toBeLessThan(0.5 * loss[0]!);
    expect(acc).toBeGreaterThan(0.6);
    expect(json(m)).toBe(json(m2));
    for (const x of [m, m2]) x.dispose();
  });

  it('warm start goes on (two fits of 1 epoch equal one of 2); abort keeps the last epoch', async () => {
    const src = chunks([X, labels], 250);
    const a = new Classifier({ ...opts, epochs: 2 });
    await a.fit(src, { shuffleBuffer: 400 });
    const w = new Classifier({ ...opts, epochs: 1 });
    await w.fit(src, { shuffleBuffer: 400 });
    await w.fit(src, { shuffleBuffer: 400, warmStart: true });
    expect(w.history.map((e) => e.epoch)).toEqual([1, 2]);
    expect(weights(w)).toBe(weights(a));
    const ac = new AbortController();
    const m = new Classifier({ ...opts, epochs: 5 });
    await expect(m.fit(src, { signal: ac.signal, onEpoch: (e) => void (e.epoch === 1 && ac.abort()) })).rejects.toThrow();
    expect(m.history.length).toBe(1);
    expect(m.predict(X.slice(0, 3)).length).toBe(3);
    for (const x of [a, w, m]) x.dispose();
  });

  describe('errors are SourceErrors naming epoch, chunk, row and input; the previous fit is kept', () => {
    const labelCase = (what: string, v: number, message: RegExp): ReturnType<typeof errorCases>[number] => [
      what,
      bad([X, labels], 600, 2, 3, (c) => (((c[1] as number[])[4] = v), c)),
      message,
      { epoch: 2, chunk: 3, row: 4, input: 'labels' },
    ];
    errorTests(
      () => new Classifier({ layers: [32, 16, 10], epochs: 3, batchSize: 100, seed: 3 }) as unknown as Fittable,
      (m) => (m as unknown as Classifier).fit(X.slice(0, 300), labels.slice(0, 300)),
      [X, labels],
      ['X', 'labels'],
      0,
      [
        labelCase('a label that is not an integer', 2.5, /^source: epoch 2, chunk 3, row 4 of labels: labels\[4\]: expected an integer class in 0\.\.9, got 2\.5/),
        labelCase('a label past the classes', 10, /^source: epoch 2, chunk 3, row 4 of labels: .*an integer class in 0\.\.9, got 10/),
      ],
    );
  });
});

describe('MultimodalVAE.fit(source): chunks [view₀, view₁, …] (issue 38 joins issue 37)', () => {
  const L = digits.left.slice(0, 1000), R = digits.right.slice(0, 1000);
  const Lm = L.map((r, i) => (i % 7 === 0 && i % 3 !== 0 ? null : r)), Rm = R.map((r, i) => (i % 3 === 0 ? null : r));
  const opts = { hidden: [16], latent: 4, epochs: 3, batchSize: 100, seed: 3 };

  for (const fusion of ['mopoe', 'poe', 'moe'] as const) {
    it(`'${fusion}': a source replaying the array fit's batches (shuffleBuffer 0, null rows missing) trains bit-identical networks, the noise drawn as with arrays`, async () => {
      const a = new MultimodalVAE({ ...opts, fusion }), b = new MultimodalVAE({ ...opts, fusion });
      await a.fit([Lm, Rm]);
      const h = await b.fit(ordered([Lm, Rm], arrayOrder(1000, opts.epochs, opts.seed), 128), { shuffleBuffer: 0 });
      expect(h.map((e) => e.losses)).toEqual(a.history.map((e) => e.losses));
      expect(json(b)).toBe(json(a));
      a.dispose();
      b.dispose();
    });
  }

  it('a shuffled async source trains (the loss falls; same seed, same fit); warm start goes on; a Bernoulli view outside [0, 1] is a SourceError naming its row; the previous fit kept', async () => {
    const fit = async () => {
      const m = new MultimodalVAE({ ...opts, epochs: 8 });
      await m.fit(chunks([L, R], 64, true), { shuffleBuffer: 300, validation: { views: [digits.left.slice(1000, 1100), digits.right.slice(1000, 1100)] } });
      return m;
    };
    const [m, m2] = [await fit(), await fit()];
    const loss = m.history.map((e) => e.loss);
    expect(loss.at(-1)!).toBeLessThan(0.9 * loss[0]!);
    expect(m.history.every((e) => Number.isFinite(e.losses.validation!))).toBe(true);
    expect(json(m)).toBe(json(m2));
    await m.fit(chunks([L, R], 250), { warmStart: true });
    expect(m.history.length).toBe(16);
    const before = json(m), bad = R.map((r) => r.slice());
    bad[130]![2] = 1.5;
    const e = await m.fit(chunks([L, bad], 100)).catch((e: unknown) => e);
    expect(e).toBeInstanceOf(SourceError);
    expect(e).toMatchObject({ epoch: 1, chunk: 2, row: 30, input: 'views[1]' });
    expect((e as Error).message).toMatch(/^source: epoch 1, chunk 2, row 30 of views\[1\]: .*\[0, 1\]/);
    expect(json(m)).toBe(before);
    for (const x of [m, m2]) x.dispose();
  });
});
