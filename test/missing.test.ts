// `missing: 'error' | 'drop'` on every model that takes rows (issue 33): 'drop' leaves out the
// rows with a NaN, null or undefined cell in any view and is the fit of the complete rows bit
// for bit (the files compared whole, less the option, and the histories of the neural models);
// droppedRows counts them (per chunk for partialFit); the default still refuses; ±Infinity
// stays an error; all rows dropped is a ShapeError naming the option; files keep the option.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, CCA, MCCA, GCCA, KernelCCA, DeepCCA, MultimodalAutoencoder, ConditionalGAN, Classifier, FormatError, NonFiniteError, ShapeError, ValueError, memoryStats } from '../src/index.js';
import { randn, uniform } from './helpers.js';

beforeAll(async () => {
  await init();
});

type Row = (number | null | undefined)[];
const N = 40;
/** rows 3, 7, 11 and 20 get a missing cell: NaN in X, null in Y, undefined in Z, NaN in Y */
const POISON: [number, 'X' | 'Y' | 'Z', unknown][] = [[3, 'X', NaN], [7, 'Y', null], [11, 'Z', undefined], [20, 'Y', NaN]];
/** X and Y (two-view models) lose rows 3, 7 and 20; with Z (three views) row 11 too */
const DROPPED = 3, DROPPED3 = POISON.length;

function data(seed: number, unit = false) {
  const u = uniform(seed);
  const X = unit ? Array.from({ length: N }, () => [u(), u(), u()]) : randn(N, 3, seed);
  const Y = X.map((r) => [unit ? (r[0]! + r[1]!) / 2 : r[0]! + r[1]!, unit ? u() : r[2]! * 0.5 + u()]);
  const Z = X.map((r) => [unit ? 1 - r[2]! : r[2]! - r[0]!, unit ? u() : u() - 0.5]);
  const poisoned = { X: X.map((r) => [...r]) as Row[], Y: Y.map((r) => [...r]) as Row[], Z: Z.map((r) => [...r]) as Row[] };
  for (const [i, v, cell] of POISON) poisoned[v][i]![1] = cell as number;
  const bad = new Set(POISON.map(([i]) => i));
  const keep = (m: number[][]) => m.filter((_, i) => !bad.has(i));
  const bad2 = new Set(POISON.filter(([, v]) => v !== 'Z').map(([i]) => i));
  const keep2 = (m: number[][]) => m.filter((_, i) => !bad2.has(i));
  return { X, Y, Z, P: poisoned as unknown as { X: number[][]; Y: number[][]; Z: number[][] }, C: { X: keep2(X), Y: keep2(Y) }, C3: { X: keep(X), Y: keep(Y), Z: keep(Z) }, bad, bad2 };
}

/** A file without the option (where a model stores it: at the top or in `options`). */
function strip(file: Record<string, unknown>): Record<string, unknown> {
  const { missing, ...rest } = file;
  expect(missing === undefined || missing === 'drop').toBe(true);
  if (rest.options && typeof rest.options === 'object') {
    const { missing: m, ...o } = rest.options as Record<string, unknown>;
    expect(m === undefined || m === 'drop').toBe(true);
    rest.options = o;
  }
  return JSON.parse(JSON.stringify(rest));
}

describe("linear models: 'drop' is the fit of the complete rows, bit for bit", () => {
  const { P, C, C3, bad2 } = data(1);

  it('CCA (fit, and per chunk partialFit), with every regularization kind', () => {
    for (const regularization of [0, 1e-2, 'auto', 'cv'] as const) {
      const a = new CCA({ components: 2, regularization, missing: 'drop' }).fit(P.X, P.Y);
      const b = new CCA({ components: 2, regularization }).fit(C.X, C.Y);
      expect(a.droppedRows).toBe(DROPPED);
      expect(b.droppedRows).toBe(0);
      expect(a.correlations).toEqual(b.correlations);
      expect(a.xWeights).toEqual(b.xWeights);
      expect(strip(a.toJSON({ statistics: regularization !== 'cv' }))).toEqual(strip(b.toJSON({ statistics: regularization !== 'cv' })));
      expect(a.toJSON().missing).toBe('drop');
      expect(CCA.fromJSON(JSON.stringify(a)).missing).toBe('drop');
      a.dispose(), b.dispose();
    }
    // partialFit: each chunk drops its own rows, the count adds up; a complete chunk drops none
    const s = new CCA({ components: 2, missing: 'drop' }), t = new CCA({ components: 2 });
    for (let i = 0; i < N; i += 10) {
      s.partialFit(P.X.slice(i, i + 10), P.Y.slice(i, i + 10));
      const bad = new Set([...bad2].filter((r) => r >= i && r < i + 10).map((r) => r - i));
      t.partialFit(P.X.slice(i, i + 10).filter((_, k) => !bad.has(k)), P.Y.slice(i, i + 10).filter((_, k) => !bad.has(k)));
    }
    expect(s.droppedRows).toBe(DROPPED);
    expect(s.correlations).toEqual(t.correlations);
    expect(strip(s.toJSON({ statistics: true }))).toEqual(strip(t.toJSON({ statistics: true })));
    // a new fit counts afresh
    s.fit(C.X, C.Y);
    expect(s.droppedRows).toBe(0);
    s.dispose(), t.dispose();
  });

  it("CCA's crossValidate, bootstrap and permutationTest take the complete rows", () => {
    const cv = CCA.crossValidate(P.X, P.Y, { regularization: [1e-3, 1e-1], folds: 3, missing: 'drop' });
    expect(cv).toEqual(CCA.crossValidate(C.X, C.Y, { regularization: [1e-3, 1e-1], folds: 3 }));
    expect(() => CCA.crossValidate(P.X, P.Y, { folds: 3, missing: 'skip' as never })).toThrow(ValueError);
    const m = new CCA({ components: 1, regularization: 1e-3, missing: 'drop' }), n = new CCA({ components: 1, regularization: 1e-3 });
    expect(m.bootstrap(P.X, P.Y, { resamples: 5 })).toEqual(n.bootstrap(C.X, C.Y, { resamples: 5 }));
    expect(m.permutationTest(P.X, P.Y, { permutations: 9 })).toEqual(n.permutationTest(C.X, C.Y, { permutations: 9 }));
    expect(() => n.bootstrap(P.X, P.Y, { resamples: 5 })).toThrow(NonFiniteError);
    m.dispose(), n.dispose();
  });

  it('MCCA and GCCA (fit, and per chunk partialFit for MCCA)', () => {
    for (const Model of [MCCA, GCCA]) {
      const a = new Model({ components: 2, regularization: 1e-3, missing: 'drop' }).fit([P.X, P.Y, P.Z]);
      const b = new Model({ components: 2, regularization: 1e-3 }).fit([C3.X, C3.Y, C3.Z]);
      expect(a.droppedRows).toBe(DROPPED3);
      expect(a.weights).toEqual(b.weights);
      expect(strip(a.toJSON())).toEqual(strip(b.toJSON()));
      const back = (Model as typeof MCCA).fromJSON(JSON.stringify(a));
      expect(back.missing).toBe('drop');
      a.dispose(), b.dispose(), back.dispose();
    }
    // MCCA.crossValidate leaves out the same rows
    const cv = MCCA.crossValidate([P.X, P.Y, P.Z], { regularization: [1e-3, 1e-1], folds: 3, missing: 'drop' });
    expect(cv).toEqual(MCCA.crossValidate([C3.X, C3.Y, C3.Z], { regularization: [1e-3, 1e-1], folds: 3 }));
    expect(() => MCCA.crossValidate([P.X, P.Y, P.Z], { folds: 3 })).toThrow(NonFiniteError);
    expect(() => MCCA.crossValidate([P.X, P.Y, P.Z], { folds: 3, missing: 'skip' as never })).toThrow(ValueError);
    const s = new MCCA({ components: 2, missing: 'drop' }), t = new MCCA({ components: 2 });
    for (let i = 0; i < N; i += 8) {
      const bad = new Set(POISON.map(([r]) => r).filter((r) => r >= i && r < i + 8).map((r) => r - i));
      s.partialFit([P.X, P.Y, P.Z].map((v) => v.slice(i, i + 8)));
      t.partialFit([P.X, P.Y, P.Z].map((v) => v.slice(i, i + 8).filter((_, k) => !bad.has(k))));
    }
    expect(s.droppedRows).toBe(DROPPED3);
    expect(s.correlations).toEqual(t.correlations);
    expect(s.weights).toEqual(t.weights);
    s.dispose(), t.dispose();
  });

  it('KernelCCA (exact and Nyström), matrices given as { data, rows, cols } too', () => {
    for (const approximation of ['exact', { nystrom: 10, seed: 2 }] as const) {
      const flat = { data: P.X.flat(), rows: N, cols: 3 };
      const a = new KernelCCA({ components: 2, approximation, missing: 'drop' }).fit(flat, P.Y);
      const b = new KernelCCA({ components: 2, approximation }).fit(C.X, C.Y);
      expect(a.droppedRows).toBe(DROPPED);
      expect(a.correlations).toEqual(b.correlations);
      expect(strip(a.toJSON())).toEqual(strip(b.toJSON()));
      expect(KernelCCA.fromJSON(a.toJSON()).missing).toBe('drop');
      a.dispose(), b.dispose();
    }
  });
});

describe("neural models: 'drop' is the fit of the complete rows, bit for bit", () => {
  const { P, C, C3, bad } = data(2, true);
  const history = (h: { losses: object }[]) => h.map((e) => e.losses);

  it('DeepCCA', async () => {
    const o = { components: 1, hidden: [4], epochs: 2, batchSize: 12, seed: 5 };
    const a = new DeepCCA({ ...o, missing: 'drop' }), b = new DeepCCA(o);
    const ha = await a.fit(P.X, P.Y), hb = await b.fit(C.X, C.Y);
    expect(history(ha)).toEqual(history(hb));
    expect(a.droppedRows).toBe(DROPPED); // Z is not DeepCCA's: its row 11 stays
    expect(b.droppedRows).toBe(0);
    expect(strip(a.toJSON())).toEqual(strip(b.toJSON()));
    const back = DeepCCA.fromJSON(JSON.stringify(a));
    expect(back.missing).toBe('drop');
    expect(back.droppedRows).toBe(0);
    a.dispose(), b.dispose(), back.dispose();
  });

  it('MultimodalAutoencoder: missing cells drop rows, null rows stay missing modalities', async () => {
    const o = { hidden: [4], code: 2, epochs: 2, batchSize: 12, seed: 5 };
    // row 5 of Y is a null row (Y missing there), as before: kept, not dropped
    const py = [...P.Y] as (number[] | null)[], cy = C3.Y.map((r) => r) as (number[] | null)[];
    py[5] = null;
    cy[5 - [...bad].filter((i) => i < 5).length] = null;
    const present = { data: new Float32Array(N * 3).fill(1), rows: N, cols: 3 };
    present.data[8 * 3 + 2] = 0; // Z missing in row 8, by the mask
    const keptPresent = { data: present.data.filter((_, k) => !bad.has(Math.floor(k / 3))), rows: N - DROPPED3, cols: 3 };
    const a = new MultimodalAutoencoder({ ...o, missing: 'drop' }), b = new MultimodalAutoencoder(o);
    const ha = await a.fit([P.X, py, P.Z], { present }), hb = await b.fit([C3.X, cy, C3.Z], { present: keptPresent });
    expect(history(ha)).toEqual(history(hb));
    expect(a.droppedRows).toBe(DROPPED3);
    expect(strip(a.toJSON())).toEqual(strip(b.toJSON()));
    expect(MultimodalAutoencoder.fromJSON(a.toJSON()).missing).toBe('drop');
    // the default refuses a NaN cell as before, and a null row is still a missing modality
    await expect(b.fit([P.X, py, P.Z])).rejects.toThrow(NonFiniteError);
    a.dispose(), b.dispose();
  });

  it('ConditionalGAN', async () => {
    const o = { noise: 2, hidden: [4], discriminatorHidden: [4], epochs: 2, batchSize: 12, seed: 5 };
    const a = new ConditionalGAN({ ...o, missing: 'drop' }), b = new ConditionalGAN(o);
    const ha = await a.fit(P.X, P.Y), hb = await b.fit(C.X, C.Y);
    expect(history(ha)).toEqual(history(hb));
    expect(a.droppedRows).toBe(DROPPED);
    expect(strip(a.toJSON())).toEqual(strip(b.toJSON()));
    expect(ConditionalGAN.fromJSON(a.toJSON()).missing).toBe('drop');
    a.dispose(), b.dispose();
  });

  it('Classifier: the labels of dropped rows go with them', async () => {
    const labels = P.X.map((_, i) => i % 3);
    const o = { hidden: [4], epochs: 2, batchSize: 12, seed: 5 };
    const a = new Classifier({ ...o, missing: 'drop' }), b = new Classifier(o);
    const badX = new Set(POISON.filter(([, v]) => v === 'X').map(([i]) => i));
    const ha = await a.fit(P.X, labels), hb = await b.fit(P.X.filter((_, i) => !badX.has(i)), labels.filter((_, i) => !badX.has(i)));
    expect(history(ha)).toEqual(history(hb));
    expect(a.droppedRows).toBe(1);
    expect(strip(a.toJSON())).toEqual(strip(b.toJSON()));
    expect(Classifier.fromJSON(a.toJSON()).missing).toBe('drop');
    await expect(a.fit(P.X, labels.slice(1))).rejects.toThrow(ShapeError); // labels must still match X's rows
    a.dispose(), b.dispose();
  });
});

describe('the option', () => {
  const { P, C } = data(3);
  const makers: [string, (o: object) => { dispose(): void; missing: string }][] = [
    ['CCA', (o) => new CCA(o)],
    ['MCCA', (o) => new MCCA(o)],
    ['GCCA', (o) => new GCCA(o)],
    ['KernelCCA', (o) => new KernelCCA(o)],
    ['DeepCCA', (o) => new DeepCCA(o)],
    ['MultimodalAutoencoder', (o) => new MultimodalAutoencoder(o)],
    ['ConditionalGAN', (o) => new ConditionalGAN(o)],
    ['Classifier', (o) => new Classifier(o)],
  ];

  it("defaults to 'error'; any other value is a ValueError naming options.missing", () => {
    for (const [name, make] of makers) {
      const m = make({});
      expect(m.missing, name).toBe('error');
      m.dispose();
      for (const bad of ['skip', 'DROP', null, true, 0]) {
        let e: unknown;
        try {
          make({ missing: bad }).dispose();
        } catch (err) {
          e = err;
        }
        expect(e, `${name} ${String(bad)}`).toBeInstanceOf(ValueError);
        expect((e as ValueError).argument).toBe('options.missing');
      }
    }
  });

  it('the default refuses a missing cell as before: a NonFiniteError naming the argument, row and column', async () => {
    const e = (() => {
      try {
        new CCA().fit(P.X, P.Y);
      } catch (err) {
        return err as NonFiniteError;
      }
    })()!;
    expect(e).toBeInstanceOf(NonFiniteError);
    expect([e.argument, e.row, e.col]).toEqual(['X', 3, 1]);
    expect(() => new MCCA().fit([P.X, P.Y])).toThrow(/views\[0\]: every value must be finite, but \[3\]\[1\] is NaN/);
    expect(() => new KernelCCA().fit(C.X.slice(0, 5), P.Y.slice(0, 5).concat([]).map((r, i) => (i === 2 ? [NaN, 1] : r)))).toThrow(NonFiniteError);
    await expect(new DeepCCA({ epochs: 1 }).fit(P.X, C.X)).rejects.toThrow(NonFiniteError);
  });

  it("±Infinity stays an error under 'drop' (naming the row as given), and so does text", () => {
    const X = P.X.map((r) => [...r]);
    X[30]![0] = Infinity;
    const e = (() => {
      try {
        new CCA({ missing: 'drop' }).fit(X, P.Y);
      } catch (err) {
        return err as NonFiniteError;
      }
    })()!;
    expect(e).toBeInstanceOf(NonFiniteError);
    expect([e.argument, e.row, e.col]).toEqual(['X', 30, 0]);
    X[30]![0] = '4' as never;
    expect(() => new MCCA({ missing: 'drop' }).fit([X, P.Y])).toThrow(/views\[0\]\[30\]\[0\]: expected a number/);
    // other shape errors are the model's, as before
    expect(() => new CCA({ missing: 'drop' }).fit(P.X, P.Y.slice(1))).toThrow(ShapeError);
  });

  it('every row dropped is a ShapeError naming the option; no memory is left behind', async () => {
    const before = memoryStats().liveBytes;
    const X = P.X.slice(0, 4).map((r) => [r[0]!, NaN, r[2]!]);
    expect(() => new CCA({ missing: 'drop' }).fit(X, P.Y.slice(0, 4))).toThrow(/options\.missing 'drop'/);
    expect(() => new CCA({ missing: 'drop' }).partialFit(X, P.Y.slice(0, 4))).toThrow(ShapeError);
    expect(() => new MCCA({ missing: 'drop' }).fit([X, P.Y.slice(0, 4)])).toThrow(ShapeError);
    expect(() => new KernelCCA({ missing: 'drop' }).fit(X, P.Y.slice(0, 4))).toThrow(ShapeError);
    await expect(new DeepCCA({ missing: 'drop', epochs: 1 }).fit(X, P.Y.slice(0, 4))).rejects.toThrow(/options\.missing 'drop'/);
    await expect(new Classifier({ missing: 'drop', epochs: 1 }).fit(X, [0, 1, 0, 1])).rejects.toThrow(ShapeError);
    // one complete row left: the model's own minimum
    X[0]![1] = 0;
    expect(() => new CCA({ missing: 'drop' }).fit(X, P.Y.slice(0, 4))).toThrow(/at least 2 rows/);
    expect(memoryStats().liveBytes).toBe(before);
  });

  it("files: old files load as 'error', a damaged value is a FormatError", () => {
    const m = new CCA({ missing: 'drop' }).fit(P.X, P.Y), k = new MCCA({ missing: 'drop' }).fit([P.X, P.Y]);
    for (const [load, file] of [[CCA.fromJSON, m.toJSON()], [MCCA.fromJSON, k.toJSON()]] as const) {
      const { missing, ...old } = file;
      expect(missing).toBe('drop');
      const back = load(old);
      expect(back.missing).toBe('error');
      back.dispose();
      for (const bad of ['skip', 1, null]) expect(() => load({ ...file, missing: bad })).toThrow(FormatError);
    }
    m.dispose(), k.dispose();
  });
});
