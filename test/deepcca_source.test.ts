import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats, CCA, DeepCCA, MLP, SourceError, DivergenceError, NotFittedError } from '../src/index.js';
import { defaultShuffleBuffer } from '../src/models/neural/source.js';
import { digits, randn } from './helpers.js';
import { arrayOrder, chunks as chunkRows, ordered as orderedRows } from './source_helpers.js';

beforeAll(async () => {
  await init();
});

const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);
const Xtr = digits.left.slice(0, 1500), Ytr = digits.right.slice(0, 1500);
const Xte = digits.left.slice(1500), Yte = digits.right.slice(1500);

/** The generic sources (test/source_helpers.ts) on the two views X, Y. */
const ordered = (X: number[][], Y: number[][], orders: Uint32Array[], size: number) => orderedRows([X, Y], orders, size);
const chunks = (X: number[][], Y: number[][], size: number, async = false) => chunkRows([X, Y], size, async);

const towers = (m: DeepCCA) => JSON.stringify((m.toJSON() as { towers: unknown }).towers);

describe('DeepCCA.fit(source)', () => {
  const opts = { components: 4, hidden: [32], outputs: 8, epochs: 3, batchSize: 100, seed: 3 };

  const kinds: ['ey' | 'trace' | 'sdl', { reconstruction?: { hidden: number[]; weight: number } }][] = [
    ['ey', {}],
    ['trace', {}],
    ['sdl', {}],
    ['ey', { reconstruction: { hidden: [16], weight: 0.1 } }],
  ];
  for (const [objective, extra] of kinds) {
    it(`'${objective}'${'reconstruction' in extra ? ' (DCCAE)' : ''}: a source yielding the in-memory fit's batches (shuffleBuffer 0) trains bit-identical towers; the streamed final CCA equals the in-memory one to 1e-10`, async () => {
      const a = new DeepCCA({ ...opts, ...extra, objective });
      await a.fit(Xtr, Ytr);
      const b = new DeepCCA({ ...opts, ...extra, objective });
      // 1500 rows, batch 100: 15 full batches, as the array path's (dropLast) batches
      const h = await b.fit(ordered(Xtr, Ytr, arrayOrder(1500, opts.epochs, opts.seed), 128), { shuffleBuffer: 0 });
      expect(h.map((e) => e.loss)).toEqual(a.history.map((e) => e.loss));
      expect(towers(b)).toBe(towers(a));
      const ca = a.correlations, cb = b.correlations;
      for (let i = 0; i < ca.length; i++) expect(Math.abs(cb[i]! - ca[i]!)).toBeLessThan(1e-10);
      const sa = a.score(Xte, Yte), sb = b.score(Xte, Yte);
      for (let i = 0; i < sa.length; i++) expect(Math.abs(sb[i]! - sa[i]!)).toBeLessThan(1e-10);
      if ('reconstruction' in extra) expect(JSON.stringify((b.toJSON() as { decoders: unknown }).decoders)).toBe(JSON.stringify((a.toJSON() as { decoders: unknown }).decoders));
      a.dispose();
      b.dispose();
    });
  }

  it('the streamed final CCA equals CCA.fit on the in-memory tower outputs to 1e-10 (chunks of 97 rows, async, shuffled)', async () => {
    const m = new DeepCCA({ ...opts, objective: 'ey', epochs: 1 });
    await m.fit(chunks(Xtr, Ytr, 97, true), { shuffleBuffer: 300 });
    // the towers, read back, give the outputs on all training rows at once
    const [n1, n2] = (m.toJSON() as { towers: unknown[] }).towers.map((t) => MLP.fromJSON(t));
    const f64 = (r: { data: Float32Array; rows: number; cols: number }) => ({ data: Float64Array.from(r.data), rows: r.rows, cols: r.cols });
    const ref = new CCA({ components: 4, regularization: m.finalRegularization }).fit(f64(n1!.predict(Xtr)), f64(n2!.predict(Ytr)));
    const close = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).every((v, i) => Math.abs(v - b[i]!) < 1e-10);
    expect(close(m.correlations, ref.correlations)).toBe(true);
    const [u, v] = m.transform(Xte, Yte), [ru, rv] = ref.transform(f64(n1!.predict(Xte)), f64(n2!.predict(Yte)));
    expect(close(u!.data, ru!.data) && close(v!.data, rv!.data)).toBe(true);
    for (const x of [ref, n1!, n2!, m]) x.dispose();
  });

  it("a shuffled source (buffer 500, chunks of 64) reaches a held-out sum close to the array fit's ('ey', batch 100, 10 epochs)", async () => {
    const o = { components: 10, hidden: [128], epochs: 10, batchSize: 100, objective: 'ey' as const, seed: 1 };
    const a = new DeepCCA(o);
    await a.fit(Xtr, Ytr);
    const b = new DeepCCA(o);
    let epochs = 0;
    await b.fit(chunks(Xtr, Ytr, 64), { shuffleBuffer: 500, onEpoch: () => void epochs++ });
    const ha = sum(a.score(Xte, Yte)), hb = sum(b.score(Xte, Yte));
    console.log(`DeepCCA 'ey' held-out sum: arrays ${ha.toFixed(3)}, source (buffer 500) ${hb.toFixed(3)}`);
    expect(epochs).toBe(10);
    expect(Math.abs(hb - ha)).toBeLessThan(0.25);
    expect(hb).toBeGreaterThan(5);
    a.dispose();
    b.dispose();
  });

  it('shuffleBuffer: the same seed gives the same fit; another seed another; warm start goes on; abort keeps the last epoch', async () => {
    const src = chunks(Xtr, Ytr, 250);
    const fit = async (seed: number) => {
      const m = new DeepCCA({ ...opts, seed, epochs: 2 });
      await m.fit(src, { shuffleBuffer: 400 });
      return m;
    };
    const [a, b, c] = [await fit(1), await fit(1), await fit(2)];
    expect(towers(a)).toBe(towers(b));
    expect(towers(a)).not.toBe(towers(c));
    // two warm fits of 1 epoch equal one of 2
    const w = new DeepCCA({ ...opts, seed: 1, epochs: 1 });
    await w.fit(src, { shuffleBuffer: 400 });
    await w.fit(src, { shuffleBuffer: 400, warmStart: true });
    expect(w.history.map((e) => e.epoch)).toEqual([1, 2]);
    expect(towers(w)).toBe(towers(a));
    // abort after epoch 1: the model keeps it
    const ac = new AbortController();
    const m = new DeepCCA({ ...opts, seed: 1, epochs: 5 });
    await expect(m.fit(src, { signal: ac.signal, onEpoch: (e) => void (e.epoch === 1 && ac.abort()) })).rejects.toThrow();
    expect(m.history.length).toBe(1);
    expect(m.score(Xte, Yte).length).toBe(4);
    // validation as arrays
    const v = new DeepCCA({ ...opts, seed: 1, epochs: 2 });
    const h = await v.fit(src, { validation: { X: Xte, Y: Yte } });
    expect(h.every((e) => Number.isFinite(e.losses.validation!))).toBe(true);
    for (const x of [a, b, c, w, m, v]) x.dispose();
  });

  for (const scale of [false, true]) {
    it(`validation from a source (chunks [X, Y] of the held-out rows): the same held-out sums as validation with arrays to 1e-12, with arrays or a source for training; patience stops the same${scale ? ' (scale: true)' : ''}`, async () => {
      const o = { ...opts, epochs: 4, objective: 'ey' as const, scale };
      const a = new DeepCCA(o), b = new DeepCCA(o), c = new DeepCCA(o), d = new DeepCCA(o);
      await a.fit(Xtr, Ytr, { validation: { X: Xte, Y: Yte } });
      await b.fit(Xtr, Ytr, { validation: { source: chunks(Xte, Yte, 41) } });
      const va = a.history.map((e) => e.losses.validation!), vb = b.history.map((e) => e.losses.validation!);
      expect(va.every(Number.isFinite)).toBe(true);
      vb.forEach((v, i) => expect(Math.abs(v - va[i]!)).toBeLessThan(1e-12 * 4));
      expect(towers(b)).toBe(towers(a));
      // from a source, with arrays or a source for validation
      await c.fit(chunks(Xtr, Ytr, 250), { validation: { X: Xte, Y: Yte }, shuffleBuffer: 300 });
      await d.fit(chunks(Xtr, Ytr, 250), { validation: { source: chunks(Xte, Yte, 64, true), patience: 1 }, shuffleBuffer: 300 });
      const vc = c.history.map((e) => e.losses.validation!), vd = d.history.map((e) => e.losses.validation!);
      vd.forEach((v, i) => expect(Math.abs(v - vc[i]!)).toBeLessThan(1e-12 * 4));
      // patience 1: stops at the first epoch that does not improve on the best
      const stop = vc.findIndex((v, i) => i > 0 && v <= Math.max(...vc.slice(0, i)));
      expect(d.history.length).toBe(stop < 0 ? vc.length : stop + 1);
      for (const m of [a, b, c, d]) m.dispose();
    });
  }

  it('a validation source that fails is a SourceError naming the held-out pass, chunk and row; the previous fit is kept; a bad validation option is a ValueError', async () => {
    const m = new DeepCCA({ ...opts, epochs: 1 });
    await m.fit(Xtr.slice(0, 300), Ytr.slice(0, 300));
    const before = towers(m), live = memoryStats().liveBytes;
    const Yb = Yte.map((r) => r.slice());
    Yb[70]![2] = NaN;
    for (const train of [() => m.fit(Xtr, Ytr, { validation: { source: chunks(Xte, Yb, 50) } }), () => m.fit(chunks(Xtr, Ytr, 500), { validation: { source: chunks(Xte, Yb, 50) } })]) {
      const e = await train().catch((e: unknown) => e);
      expect(e).toBeInstanceOf(SourceError);
      expect((e as Error).message).toMatch(/^source: options\.validation\.source after epoch 1, chunk 2, row 20 of Y: /);
      expect(e).toMatchObject({ chunk: 2, row: 20, input: 'Y' });
      expect(towers(m)).toBe(before);
      expect(memoryStats().liveBytes).toBe(live);
    }
    await expect(m.fit(Xtr, Ytr, { validation: { source: 42 as never } })).rejects.toThrow(/^options\.validation\.source: expected a function returning the chunks \[X, Y\]/);
    await expect(m.fit(Xtr, Ytr, { validation: { source: chunks(Xte, Yte, 50), X: Xte } as never })).rejects.toThrow(/options\.validation/);
    m.dispose();
  });

  it("towers whose outputs overflow on a training row no batch held (finite weights, f32 outputs ±Infinity): a DivergenceError from the final CCA's pass, the previous fit kept", async () => {
    const m = new DeepCCA({ ...opts, epochs: 1, objective: 'ey' });
    await m.fit(Xtr.slice(0, 300), Ytr.slice(0, 300));
    const before = towers(m), live = memoryStats().liveBytes;
    // 101 rows, batches of 100 in source order: the last row is only met by the final CCA's pass
    const X = [...Xtr.slice(0, 100), Xtr[0]!.map(() => 3e38)], Y = Ytr.slice(0, 101);
    const e = await m.fit(chunks(X, Y, 50), { shuffleBuffer: 0 }).catch((e: unknown) => e);
    expect(e).toBeInstanceOf(DivergenceError);
    expect((e as Error).message).toMatch(/^DeepCCA: training diverged at the end of epoch 1: the towers' outputs on the training rows are not finite \(Infinity at \[\d+\]\[\d+\]\): the weights grew until the outputs overflowed; the model keeps its previous fit/);
    expect(towers(m)).toBe(before);
    expect(memoryStats().liveBytes).toBe(live);
    m.dispose();
  });

  describe('errors in a source are SourceErrors naming epoch, chunk and row; the previous fit is kept', () => {
    const bad = (epochBad: number, chunkBad: number, make: (X: number[][], Y: number[][]) => unknown) => {
      let epoch = 0;
      return () => {
        const e = ++epoch;
        return (function* () {
          for (let i = 0, c = 1; i < 600; i += 100, c++) {
            const X = Xtr.slice(i, i + 100), Y = Ytr.slice(i, i + 100);
            if (e === epochBad && c === chunkBad) {
              const r = make(X.map((r) => r.slice()), Y.map((r) => r.slice()));
              if (r === 'end') return;
              yield r as [number[][], number[][]];
            } else yield [X, Y] as const;
          }
        })();
      };
    };
    const cases: [string, () => unknown, RegExp, { epoch: number; chunk?: number; row?: number; input?: string }][] = [
      ['throws mid-epoch', bad(2, 3, () => { throw new Error('disk gone'); }), /^source: epoch 2, chunk 3: the source threw: disk gone/, { epoch: 2, chunk: 3 }],
      ['ragged', bad(2, 4, (X, Y) => ((X[7] = X[7]!.slice(1)), [X, Y])), /^source: epoch 2, chunk 4, row 7 of X: /, { epoch: 2, chunk: 4, row: 7, input: 'X' }],
      ['NaN', bad(2, 5, (X, Y) => ((Y[3]![2] = NaN), [X, Y])), /^source: epoch 2, chunk 5, row 3 of Y: /, { epoch: 2, chunk: 5, row: 3, input: 'Y' }],
      ['rows differ between X and Y', bad(2, 2, (X, Y) => [X, Y.slice(1)]), /^source: epoch 2, chunk 2, Y: expected 100 rows \(as X of this chunk\), got 99 rows/, { epoch: 2, chunk: 2, input: 'Y' }],
      ['other columns', bad(2, 2, (X, Y) => [X.map((r) => r.slice(1)), Y]), /^source: epoch 2, chunk 2, X: expected 32 columns/, { epoch: 2, chunk: 2, input: 'X' }],
      ['not a chunk', bad(2, 2, (X) => X), /^source: epoch 2, chunk 2: expected a chunk \[X, Y\]/, { epoch: 2, chunk: 2 }],
      ['ends with fewer rows than a batch', (() => { let e = 0; return () => (++e === 2 ? [[Xtr.slice(0, 50), Ytr.slice(0, 50)]] : bad(0, 0, () => null)()); })(), /^source: epoch 2: the source yielded 50 rows, fewer than one batch \(100 rows\)/, { epoch: 2 }],
      ['yields nothing', (() => { let e = 0; return () => (++e === 2 ? [] : bad(0, 0, () => null)()); })(), /^source: epoch 2: the source yielded no rows/, { epoch: 2 }],
      ['not iterable', (() => { let e = 0; return () => (++e === 2 ? 42 : bad(0, 0, () => null)()); })(), /^source: epoch 2: expected the source function to return an iterable/, { epoch: 2 }],
    ];
    for (const [what, source, message, fields] of cases) {
      it(what, async () => {
        const m = new DeepCCA({ ...opts, epochs: 3 });
        await m.fit(Xtr.slice(0, 400), Ytr.slice(0, 400));
        const before = towers(m), hist = m.history.length, live = memoryStats().liveBytes;
        const e = await m.fit(source as () => Iterable<[number[][], number[][]]>).catch((e: unknown) => e);
        expect(e).toBeInstanceOf(SourceError);
        expect((e as Error).message).toMatch(message);
        expect(e).toMatchObject(fields);
        // the previous fit stays, nothing leaks
        expect(towers(m)).toBe(before);
        expect(m.history.length).toBe(hist);
        expect(memoryStats().liveBytes).toBe(live);
        m.dispose();
      });
    }

    it('empty chunks are skipped', async () => {
    const m = new DeepCCA({ ...opts, epochs: 2 });
    const src = () => [[[], []], [Xtr.slice(0, 500), Ytr.slice(0, 500)], [{ data: new Float64Array(0), rows: 0, cols: 32 }, []], [Xtr.slice(500, 1000), Ytr.slice(500, 1000)]];
    await m.fit(src as never, { shuffleBuffer: 0 });
    const a = new DeepCCA({ ...opts, epochs: 2 });
    await a.fit(() => [[Xtr.slice(0, 1000), Ytr.slice(0, 1000)]], { shuffleBuffer: 0 });
    expect(towers(m)).toBe(towers(a));
    m.dispose();
    a.dispose();
  });

  it('fewer rows than a batch, and a failure in the final pass', async () => {
      const m = new DeepCCA({ ...opts, epochs: 1 });
      const e = await m.fit(chunks(Xtr.slice(0, 60), Ytr.slice(0, 60), 25)).catch((e: unknown) => e);
      expect(e).toBeInstanceOf(SourceError);
      expect((e as Error).message).toMatch(/^source: epoch 1: the source yielded 60 rows, fewer than one batch \(100 rows\)/);
      expect(() => m.score(Xte, Yte)).toThrow(NotFittedError);
      let calls = 0;
      const f = await m.fit(() => (++calls === 2 ? [[Xtr.slice(0, 10), Ytr.slice(0, 10).map((r) => r.slice(1))]] : chunks(Xtr, Ytr, 500)())).catch((e: unknown) => e);
      expect(f).toBeInstanceOf(SourceError);
      expect((f as Error).message).toMatch(/^source: the pass after training \(the final CCA\), chunk 1, Y: expected 32 columns/);
      expect(() => m.score(Xte, Yte)).toThrow(NotFittedError);
      m.dispose();
    });
  });

  it('the default shuffle buffer: 10,000 rows, fewer when they are wide (16 MiB of f32 rows); it grows with the rows it holds', async () => {
    expect(defaultShuffleBuffer([32, 32])).toBe(10_000);
    expect(defaultShuffleBuffer([392, 392])).toBe(5349);
    // 300 rows: the buffer takes 300 rows' worth (rounded up to 256 · 2), not 10,000
    const before = memoryStats().liveBytes;
    memoryStats({ resetPeak: true });
    const m = new DeepCCA({ ...opts, epochs: 1 });
    await m.fit(chunks(Xtr.slice(0, 300), Ytr.slice(0, 300), 100));
    expect(memoryStats().peakLiveBytes - before).toBeLessThan(1.5 * 2 ** 20);
    m.dispose();
  });

  it('options: shuffleBuffer is checked, refused with arrays; a source fit and a refit leak nothing', async () => {
    const m = new DeepCCA({ ...opts, epochs: 1 });
    await expect(m.fit(chunks(Xtr, Ytr, 100), { shuffleBuffer: -1 })).rejects.toThrow(/options.shuffleBuffer/);
    await expect(m.fit(Xtr, Ytr, { shuffleBuffer: 10 } as never)).rejects.toThrow(/shuffleBuffer/);
    const live = memoryStats().liveBytes;
    for (let i = 0; i < 3; i++) {
      const k = new DeepCCA({ ...opts, epochs: 1, reconstruction: { hidden: [16], weight: 0.1 } });
      await k.fit(chunks(Xtr, Ytr, 300, true));
      await k.fit(chunks(Xtr, Ytr, 300), { warmStart: true });
      k.dispose();
    }
    expect(memoryStats().liveBytes).toBe(live);
    m.dispose();
  });

  it("scale: true: the columns' statistics by two passes before training equal the array fit's bit for bit (any chunking), so a source replaying its batches trains bit-identical towers; a warm start keeps them", async () => {
    const o = { ...opts, scale: true, objective: 'ey' as const };
    const a = new DeepCCA(o);
    await a.fit(Xtr, Ytr);
    const b = new DeepCCA(o);
    // the source is called twice before training (the statistics' passes: the rows in their order), then once per epoch
    const order = arrayOrder(1500, opts.epochs, opts.seed), rows = Uint32Array.from({ length: 1500 }, (_, i) => i);
    await b.fit(ordered(Xtr, Ytr, [rows, rows, ...order], 128), { shuffleBuffer: 0 });
    const dec = (m: DeepCCA) => {
      const f = (m.toJSON() as { scaler: { mean: string[]; scale: string[] } }).scaler;
      return [...f.mean, ...f.scale].flatMap((s) => Array.from(new Float64Array(Uint8Array.from(Buffer.from(s, 'base64')).buffer)));
    };
    const da = dec(a), db = dec(b);
    expect(db).toEqual(da);
    expect(towers(b)).toBe(towers(a));
    // other chunk sizes: the same statistics
    const c = new DeepCCA({ ...o, epochs: 1 });
    await c.fit(chunks(Xtr, Ytr, 97));
    expect(dec(c)).toEqual(da);
    c.dispose();
    await b.fit(chunks(Xtr, Ytr, 500), { warmStart: true });
    expect(dec(b)).toEqual(db);
    a.dispose();
    b.dispose();
  });

  it("missing 'drop' drops a source's rows with a NaN (droppedRows from the final pass)", async () => {
    const m = new DeepCCA({ ...opts, epochs: 1, missing: 'drop' });
    const X = Xtr.map((r) => r.slice());
    X[5]![0] = NaN;
    X[700]![3] = NaN;
    await m.fit(chunks(X, Ytr, 250));
    expect(m.droppedRows).toBe(2);
    m.dispose();
  });

  it("a divergence is reported from a source as from arrays", async () => {
    const X = randn(400, 5, 1), Y = randn(400, 5, 2);
    const m = new DeepCCA({ components: 2, hidden: [8], outputs: 4, epochs: 2, batchSize: 100, learningRate: 1e30, objective: 'ey' });
    const e = await m.fit(chunks(X, Y, 100)).catch((e: unknown) => e);
    if (e !== undefined) expect(e).toBeInstanceOf(DivergenceError);
    m.dispose();
  });
});
