// MCCA and GCCA against an independent reference (scipy.linalg.eigh(C, D) on four quadrant views of
// the digits, test/fixtures/mcca-reference.json from scripts/reference/mcca.py) and against
// CCA for two views; streaming and merging; errors; files.
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
