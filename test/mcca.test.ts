// MCCA and GCCA against an independent reference (scipy.linalg.eigh(C, D) on four quadrant views of
// the digits, test/fixtures/mcca-reference.json from scripts/reference/mcca.py) and against
// CCA for two views; streaming and merging; errors; files. The `scale` option (issue 32):
// against a numpy/scipy reference on a table in mixed units (test/fixtures/mcca-scale-reference.json
// from scripts/reference/mcca_scale.py), unit-free answers, every route to the statistics, files
// (and the files of 0.2.0 before the option, test/fixtures/v0.2.0).
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { init, memoryStats, CCA, GCCA, MCCA, FormatError, NotFittedError, ShapeError, SingularMatrixError, ValueError } from '../src/index.js';
import { digits, randn } from './helpers.js';

beforeAll(async () => {
  await init();
});

const ref = JSON.parse(readFileSync(new URL('./fixtures/mcca-reference.json', import.meta.url), 'utf8'));
/** The four 4×4 quadrants of each 8×8 digit (pixels / 16), as the reference script cuts them. */
function quadrants(rows: number[][]): number[][][] {
  // digits.left / right hold columns 0..3 / 4..7 of each image row, 4 values per image row
  return [0, 1].flatMap((half) => [digits.left, digits.right].map((side) => rows.map((_, i) => side[i]!.slice(half * 16, half * 16 + 16))));
}
const views = quadrants(digits.left);
const train = views.map((v) => v.slice(0, 1500)), test = views.map((v) => v.slice(1500));
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) => {
  expect(a.length, what).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!), `${what}[${i}]`).toBeLessThan(tol);
};

describe('MCCA against scipy (four quadrant views of the digits, ridge 1e-3)', () => {
  it('eigenvalues, training and held-out mean pairwise correlations match to 1e-8', () => {
    const before = memoryStats().liveBytes;
    const m = new MCCA({ components: 5, regularization: 1e-3 }).fit(train);
    close(m.eigenvalues, ref.eigenvalues, 1e-8, 'eigenvalues');
    close(m.correlations, ref.train_correlations, 1e-8, 'training correlations');
    close(m.score(test), ref.test_correlations, 1e-8, 'held-out correlations');
    const pw = m.pairwise;
    expect(pw).toHaveLength(5);
    // the mean of each pairwise matrix's upper triangle is the component's correlation
    const R = pw[0]!.data;
    let s = 0;
    for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) s += R[i * 4 + j]!;
    expect(s / 6).toBeCloseTo(m.correlations[0]!, 12);
    expect(m.weights.map((w) => [w.rows, w.cols])).toEqual([[16, 5], [16, 5], [16, 5], [16, 5]]);
    m.dispose();
    expect(memoryStats().liveBytes).toBe(before);
  });
});

describe('MCCA with two views is CCA', () => {
  const X = randn(300, 5, 1), Y = X.map((r, i) => [r[0]! + 0.5 * randn(1, 1, 10 + i)[0]![0]!, r[1]! - r[2]!, ...randn(1, 2, 1000 + i)[0]!]);
  it('no ridge: correlations equal CCA’s to 1e-8, λ − 1 = ρ, the same weights and held-out scores', () => {
    const cca = new CCA({ components: 4 }).fit(X, Y);
    const m = new MCCA({ components: 4 }).fit([X, Y]);
    close(m.correlations, cca.correlations, 1e-8, 'correlations');
    close(Array.from(m.eigenvalues, (l) => l - 1), cca.correlations, 1e-8, 'λ − 1');
    close(m.weights[0]!.data, cca.xWeights.data, 1e-8, 'x weights');
    close(m.weights[1]!.data, cca.yWeights.data, 1e-8, 'y weights');
    const Xt = randn(50, 5, 7), Yt = randn(50, 4, 8);
    close(m.score([Xt, Yt]), cca.score(Xt, Yt), 1e-8, 'score');
    const [u] = m.transform([Xt, null]);
    const [cu] = cca.transform(Xt, null);
    close(u!.data, cu!.data, 1e-8, 'variates');
    cca.dispose();
    m.dispose();
  });
});

describe('MCCA streaming, files and errors', () => {
  it('partialFit in chunks and merged shards give the whole-data fit (1e-10)', () => {
    const whole = new MCCA({ components: 3, regularization: [1e-3, 1e-2, 1e-3, 1e-3] }).fit(train);
    const streamed = new MCCA({ components: 3, regularization: [1e-3, 1e-2, 1e-3, 1e-3] });
    for (let i = 0; i < 1500; i += 400) streamed.partialFit(train.map((v) => v.slice(i, i + 400)));
    const a = new MCCA({ components: 3, regularization: [1e-3, 1e-2, 1e-3, 1e-3] }).partialFit(train.map((v) => v.slice(0, 700)));
    const b = new MCCA({ components: 3, regularization: [1e-3, 1e-2, 1e-3, 1e-3] }).partialFit(train.map((v) => v.slice(700)));
    a.merge(b);
    close(streamed.correlations, whole.correlations, 1e-10, 'streamed');
    close(a.correlations, whole.correlations, 1e-10, 'merged');
    close(streamed.eigenvalues, whole.eigenvalues, 1e-10, 'streamed eigenvalues');
    for (const m of [whole, streamed, a, b]) m.dispose();
  });

  it('toJSON / fromJSON round-trips exactly; a damaged file is a FormatError', () => {
    const m = new MCCA({ components: 2, regularization: 1e-3 }).fit(train);
    const json = JSON.stringify(m);
    const back = MCCA.fromJSON(json);
    expect(Array.from(back.correlations)).toEqual(Array.from(m.correlations));
    expect(back.transform(test)[2]!.data).toEqual(m.transform(test)[2]!.data);
    const o = JSON.parse(json);
    o.eigenvalues = JSON.parse(JSON.stringify(m)).correlations;
    expect(() => MCCA.fromJSON(o)).toThrow(/checksum mismatch/);
    expect(() => MCCA.fromJSON(json.slice(0, 100))).toThrow(FormatError);
    expect(() => MCCA.fromJSON({ ...JSON.parse(json), dims: [16] })).toThrow(FormatError);
    expect(() => back.partialFit(train)).toThrow(NotFittedError);
    m.dispose();
    back.dispose();
  });

  it('bad input is a typed error naming the argument, and leaves an earlier fit usable', () => {
    const before = memoryStats().liveBytes;
    const m = new MCCA({ components: 2, regularization: 1e-3 }).fit(train);
    const rho = Array.from(m.correlations);
    expect(() => m.fit([train[0]!] as never)).toThrow(/^views: expected two or more views, got 1 view$/);
    expect(() => m.fit('x' as never)).toThrow(ShapeError);
    expect(() => m.fit([train[0]!, train[1]!.slice(1)])).toThrow(/^views\[1\]: expected 1500 rows \(as views\[0\]\), got 1499 rows$/);
    expect(() => m.fit([train[0]!, [[NaN]]])).toThrow(/views\[1\]/);
    expect(() => new MCCA({ components: 17 }).fit(train)).toThrow(/^options\.components: expected at most the smallest view's column count, 16, got 17$/);
    expect(() => new MCCA({ regularization: [1, 2] }).fit(train)).toThrow(/^options\.regularization: expected one ridge per view \(4\), got 2 ridges$/);
    expect(() => new MCCA({ regularization: -1 })).toThrow(ValueError);
    expect(() => new MCCA({ component: 2 } as never)).toThrow(/did you mean "components"/);
    expect(() => new MCCA().fit(train)).toThrow(SingularMatrixError); // constant pixels, no ridge
    expect(() => m.transform([test[0]!, null, null])).toThrow(/^views: expected 4 views/);
    expect(() => m.transform([test[0]!.map((r) => r.slice(1)), null, null, null])).toThrow(/^views\[0\]: expected 16 columns \(as in fit\)/);
    expect(() => m.score([test[0]!, null, test[2]!, test[3]!] as never)).toThrow(/views: expected every view/);
    expect(Array.from(m.correlations)).toEqual(rho);
    m.dispose();
    expect(memoryStats().liveBytes).toBe(before);
  });
});

describe('GCCA (MAXVAR) against scipy through the n×n matrix Σᵢ Pᵢ (four quadrant views, ridge 1e-3)', () => {
  it('eigenvalues to 1e-8; the shared representation of the training rows is G (up to sign, 1e-8) with GᵀG = I', () => {
    const before = memoryStats().liveBytes;
    const g = new GCCA({ components: 5, regularization: 1e-3 }).fit(train);
    close(g.eigenvalues, ref.gcca_eigenvalues, 1e-8, 'eigenvalues');
    const G = g.shared(train);
    expect([G.rows, G.cols]).toEqual([1500, 5]);
    for (let c = 0; c < 5; c++) {
      const sign = Math.sign(G.data[c]!) * Math.sign(ref.gcca_G_first_rows[0][c]);
      for (let r = 0; r < 20; r++) expect(Math.abs(G.data[r * 5 + c]! - sign * ref.gcca_G_first_rows[r][c]), `G[${r}][${c}]`).toBeLessThan(1e-8);
      for (let d = 0; d < 5; d++) {
        let t = 0;
        for (let r = 0; r < 1500; r++) t += G.data[r * 5 + c]! * G.data[r * 5 + d]!;
        expect(Math.abs(t - (c === d ? 1 : 0)), `GᵀG[${c}][${d}]`).toBeLessThan(1e-9);
      }
    }
    // one view alone gives its own estimate; the JSON round trip keeps every number
    const [u0, none] = g.transform([test[0]!, null, null, null]);
    expect(none).toBeNull();
    const back = GCCA.fromJSON(JSON.stringify(g));
    expect(back.transform([test[0]!, null, null, null])[0]!.data).toEqual(u0!.data);
    expect(() => GCCA.fromJSON({ ...JSON.parse(JSON.stringify(g)), eigenvalues: JSON.parse(JSON.stringify(g)).weights[0] })).toThrow(FormatError);
    expect(() => g.merge(new MCCA() as never)).toThrow(/^other: expected a GCCA/);
    g.dispose();
    back.dispose();
    expect(memoryStats().liveBytes).toBe(before);
  });

  it('two views, no ridge: the per-view projections correlate as CCA’s variates do', () => {
    const X = randn(300, 5, 3), Y = X.map((r, i) => [r[0]! + randn(1, 1, 50 + i)[0]![0]!, r[1]! * 2 - r[3]!, ...randn(1, 2, 900 + i)[0]!]);
    const cca = new CCA({ components: 3 }).fit(X, Y);
    const g = new GCCA({ components: 3 }).fit([X, Y]);
    const [u, v] = g.transform([X, Y]);
    for (let c = 0; c < 3; c++) {
      let uv = 0, uu = 0, vv = 0;
      for (let r = 0; r < 300; r++) {
        const a = u.data[r * 3 + c]!, b = v.data[r * 3 + c]!;
        uv += a * b;
        uu += a * a;
        vv += b * b;
      }
      expect(Math.abs(uv / Math.sqrt(uu * vv) - cca.correlations[c]!), `component ${c}`).toBeLessThan(1e-8);
    }
    cca.dispose();
    g.dispose();
  });
});

describe('scale: standardised columns, answers that do not depend on column units (issue 32)', () => {
  const sref = JSON.parse(readFileSync(new URL('./fixtures/mcca-scale-reference.json', import.meta.url), 'utf8'));
  const all = sref.views as number[][][], nt = sref.train_rows as number, k = sref.components as number, ridges = sref.ridges as number[];
  const strain = all.map((v) => v.slice(0, nt)), stest = all.map((v) => v.slice(nt));
  // other units: column j of view i times 10^u, u in −3..4 and different across columns
  const units = strain.map((v, i) => v[0]!.map((_, j) => ((3 * i + 5 * j + 2) % 8) - 3));
  const inUnits = (vs: number[][][]) => vs.map((v, i) => v.map((r) => r.map((x, j) => x * 10 ** units[i]![j]!)));
  const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
  const sd = strain.map((v) => v[0]!.map((_, j) => {
    const mu = v.reduce((t, r) => t + r[j]!, 0) / v.length;
    return Math.sqrt(v.reduce((t, r) => t + (r[j]! - mu) ** 2, 0) / (v.length - 1)) || 1;
  }));

  it('MCCA and GCCA match numpy/scipy on standardised columns with per-view ridges (1e-8; weights for the raw columns)', () => {
    const before = memoryStats().liveBytes;
    const m = new MCCA({ components: k, regularization: ridges, scale: true }).fit(strain);
    expect(m.scale).toBe(true);
    close(m.eigenvalues, sref.eigenvalues, 1e-8, 'eigenvalues');
    close(m.correlations, sref.train_correlations, 1e-8, 'training correlations');
    close(m.score(stest), sref.test_correlations, 1e-8, 'held-out correlations');
    // raw weights times the column's sd: the standardised weight, compared absolutely
    m.weights.forEach((w, i) => close(w.data.map((v, e) => v * sd[i]![Math.floor(e / k)]!), sref.weights[i].flat().map((v: number, e: number) => v * sd[i]![Math.floor(e / k)]!), 1e-8, `weights[${i}]`));
    m.transform(stest.map((v) => v.slice(0, 10))).forEach((u, i) => close(u.data, sref.test_variates_first_rows[i].flat(), 1e-8, `variates[${i}]`));
    const g = new GCCA({ components: k, regularization: ridges, scale: true }).fit(strain);
    close(g.eigenvalues, sref.gcca_eigenvalues, 1e-8, 'GCCA eigenvalues');
    const G = g.shared(strain);
    for (let c = 0; c < k; c++) {
      const sign = Math.sign(G.data[c]!) * Math.sign(sref.gcca_G_first_rows[0][c]);
      for (let r = 0; r < 20; r++) expect(Math.abs(G.data[r * k + c]! - sign * sref.gcca_G_first_rows[r][c]), `G[${r}][${c}]`).toBeLessThan(1e-8);
    }
    m.dispose();
    g.dispose();
    expect(memoryStats().liveBytes).toBe(before);
  });

  it('in other column units (×10^k, k ∈ −3..4 per column): the same correlations, eigenvalues and variates (1e-8); without scale the ridge is not unit-free', () => {
    const other = inUnits(strain), otherTest = inUnits(stest);
    for (const [name, Model] of [['MCCA', MCCA], ['GCCA', GCCA]] as const) {
      const a = new Model({ components: k, regularization: ridges, scale: true }).fit(strain);
      const b = new Model({ components: k, regularization: ridges, scale: true }).fit(other);
      expect(maxDiff(a.eigenvalues, b.eigenvalues), `${name} eigenvalues`).toBeLessThan(1e-8);
      if (a instanceof MCCA && b instanceof MCCA) {
        expect(maxDiff(a.correlations, b.correlations), 'MCCA correlations').toBeLessThan(1e-8);
        expect(maxDiff(a.score(stest), b.score(otherTest)), 'MCCA held-out correlations').toBeLessThan(1e-8);
      }
      const ua = a.transform(stest), ub = b.transform(otherTest);
      ua.forEach((u, i) => expect(maxDiff(u.data, ub[i]!.data), `${name} variates[${i}]`).toBeLessThan(1e-8));
      const plain = [new Model({ components: k, regularization: ridges }).fit(strain), new Model({ components: k, regularization: ridges }).fit(other)];
      expect(maxDiff(plain[0]!.eigenvalues, plain[1]!.eigenvalues), `${name} without scale`).toBeGreaterThan(1e-3);
      for (const x of [a, b, ...plain]) x.dispose();
    }
  });

  it('partialFit in chunks, merged shards and fromMoments give the fit on all rows (1e-10): the scales come from the statistics', () => {
    const mean = (X: number[][]) => X[0]!.map((_, j) => X.reduce((t, r) => t + r[j]!, 0) / X.length);
    const cov = (X: number[][], Y: number[][]) => mean(X).map((mx, i) => mean(Y).map((my, j) => X.reduce((t, r, e) => t + (r[i]! - mx) * (Y[e]![j]! - my), 0) / (X.length - 1)));
    const moments = { n: nt, means: strain.map(mean), blocks: strain.map((a, i) => strain.map((b, j) => (j >= i ? cov(a, b) : null))) };
    for (const [name, Model] of [['MCCA', MCCA], ['GCCA', GCCA]] as const) {
      const o = { components: k, regularization: ridges, scale: true };
      const whole = new Model(o).fit(strain);
      const streamed = new Model(o);
      for (let i = 0; i < nt; i += 70) streamed.partialFit(strain.map((v) => v.slice(i, i + 70)));
      const a = new Model(o).partialFit(strain.map((v) => v.slice(0, 90))), b = new Model(o).partialFit(strain.map((v) => v.slice(90)));
      a.merge(b as never);
      const fm = Model.fromMoments(moments, o);
      const want = whole.transform(stest);
      for (const [route, m] of [['streamed', streamed], ['merged', a], ['fromMoments', fm]] as const) {
        expect(maxDiff(m.eigenvalues, whole.eigenvalues), `${name} ${route} eigenvalues`).toBeLessThan(1e-10);
        if (m instanceof MCCA && whole instanceof MCCA) expect(maxDiff(m.correlations, whole.correlations), `${name} ${route} correlations`).toBeLessThan(1e-10);
        m.transform(stest).forEach((u, i) => expect(maxDiff(u.data, want[i]!.data), `${name} ${route} variates[${i}]`).toBeLessThan(1e-10));
      }
      for (const x of [whole, streamed, a, b, fm]) x.dispose();
    }
  });

  it('crossValidate({ scale }): each fold standardised by its training statistics (= fitting with scale on the other folds), unit-free', () => {
    const pick = <T,>(rows: T[], idx: number[]) => idx.map((i) => rows[i]!);
    const grid = [1e-2, ridges];
    const r = MCCA.crossValidate(strain, { regularization: grid, folds: 3, components: 2, seed: 4, scale: true });
    grid.forEach((g, i) => {
      for (let f = 0; f < 3; f++) {
        const tr: number[] = [], he: number[] = [];
        r.foldOfRow.forEach((fr, row) => (fr === f ? he : tr).push(row));
        const m = new MCCA({ components: 2, regularization: g, scale: true }).fit(strain.map((v) => pick(v, tr)));
        const s = m.score(strain.map((v) => pick(v, he)));
        expect(Math.abs(r.table[i]!.foldScores[f]! - (s[0]! + s[1]!)), `grid ${i} fold ${f}`).toBeLessThan(1e-9);
        m.dispose();
      }
    });
    const other = MCCA.crossValidate(inUnits(strain), { regularization: grid, folds: 3, components: 2, seed: 4, scale: true });
    expect(maxDiff(other.table.flatMap((t) => Array.from(t.foldScores)), r.table.flatMap((t) => Array.from(t.foldScores)))).toBeLessThan(1e-8);
    // 'auto' on standardised columns: 10⁻⁶ … 10⁰ as they are, one ridge for every view
    const auto = MCCA.crossValidate(strain, { folds: 3, scale: true });
    expect(auto.table.map((t) => t.regularization)).toEqual(MCCA.crossValidate(inUnits(strain), { folds: 3, scale: true }).table.map((t) => t.regularization));
    expect(auto.table[0]!.regularization).toBe(1e-6);
    expect(() => MCCA.crossValidate(strain, { scale: 'yes' } as never)).toThrow(/^options\.scale: expected true or false, got "yes"$/);
  });

  it('the option is validated, kept in files under the checksum; scale false (the default) changes no bit', () => {
    for (const bad of [1, 'true', 0]) {
      expect(() => new MCCA({ scale: bad } as never), String(bad)).toThrow(ValueError);
      expect(() => new GCCA({ scale: bad } as never), String(bad)).toThrow(/^options\.scale: expected true or false, got /);
    }
    const o = { components: 2, regularization: [1e-3, 1e-2, 1e-3, 1e-3] };
    for (const Model of [MCCA, GCCA]) {
      const d = new Model(o).fit(train), f = new Model({ ...o, scale: false }).fit(train);
      expect(d.scale).toBe(false);
      expect(JSON.stringify(f)).toBe(JSON.stringify(d));
      expect(d.toJSON().scale).toBe(false);
      d.dispose();
      f.dispose();
    }
    const m = new MCCA({ components: k, regularization: ridges, scale: true }).fit(strain), g = new GCCA({ components: k, regularization: 0.1, scale: true }).fit(strain);
    for (const [model, load] of [[m, MCCA.fromJSON], [g, GCCA.fromJSON]] as const) {
      const json = model.toJSON();
      expect(json.scale).toBe(true);
      const back = load(JSON.stringify(json));
      expect(back.scale).toBe(true);
      expect(back.transform(stest)[1]!.data).toEqual(model.transform(stest)[1]!.data);
      back.dispose();
      expect(() => load({ ...json, scale: 'yes' }), 'not a boolean').toThrow(/^scale: expected true or false, found "yes"$/);
      expect(() => load({ ...json, scale: null }), 'null').toThrow(FormatError);
      expect(() => load({ ...json, scale: false }), 'flipped').toThrow(/checksum mismatch/);
      expect(() => load({ ...json, scale: undefined }), 'dropped').toThrow(/checksum mismatch/);
    }
    // a fit without scale read back as scaled is caught too
    const plain = new GCCA({ components: 2, regularization: 0.1 }).fit(strain);
    expect(() => GCCA.fromJSON({ ...plain.toJSON(), scale: true })).toThrow(/checksum mismatch/);
    for (const x of [m, g, plain]) x.dispose();
  });

  it('files written by 0.2.0 before the option (no scale field) load as scale: false with the results 0.2.0 computed; a fit today writes the same file plus scale: false', () => {
    const fix = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/v0.2.0/${name}.json`, import.meta.url), 'utf8'));
    const quadrant = (side: number[][], half: number) => side.map((r) => r.slice(half * 16, half * 16 + 16));
    const v3 = [quadrant(digits.left, 0), quadrant(digits.right, 0), quadrant(digits.left, 1)];
    const tr = v3.map((v) => v.slice(0, 300)), te = v3.map((v) => v.slice(300, 400));
    const fm = fix('mcca'), fg = fix('gcca');
    expect('scale' in fm.model || 'scale' in fg.model).toBe(false);
    const m = MCCA.fromJSON(fm.model), g = GCCA.fromJSON(fg.model);
    expect([m.scale, g.scale]).toEqual([false, false]);
    expect(Array.from(m.correlations)).toEqual(fm.expected.correlations);
    expect(Array.from(m.eigenvalues)).toEqual(fm.expected.eigenvalues);
    expect(Array.from(m.score(te))).toEqual(fm.expected.score);
    expect(Array.from(m.transform([te[0]!.slice(0, 3), null, null])[0]!.data)).toEqual(fm.expected.firstVariates);
    expect(Array.from(g.eigenvalues)).toEqual(fg.expected.eigenvalues);
    expect(Array.from(g.shared(te.map((v) => v.slice(0, 3))).data)).toEqual(fg.expected.firstShared);
    // refitted today: every number as 0.2.0 wrote them, plus version 3's statistics (issue 35);
    // without those, under version 1, the checksum 0.2.0 wrote
    const m2 = new MCCA({ components: 2, regularization: [1e-2, 1e-3, 1e-2] }).fit(tr), g2 = new GCCA({ components: 2, regularization: 1e-2 }).fit(tr);
    for (const [now, then, Model] of [[m2, fm.model, MCCA], [g2, fg.model, GCCA]] as const) {
      const { scale, version, crc32, structure, scales, ...rest } = now.toJSON();
      expect([scale, version, (structure as string[]).length, (scales as string[]).length]).toEqual([false, 3, 3, 3]);
      const { version: v1, crc32: c1, ...thenRest } = then;
      expect(JSON.parse(JSON.stringify(rest))).toEqual(thenRest);
      expect(crc32).not.toBe(c1);
      Model.fromJSON({ ...rest, version: v1, crc32: c1 }).dispose();
    }
    for (const x of [m, g, m2, g2]) x.dispose();
  });
});
