// Partial CCA (covariates), prediction, the map back from variates and the interpretation of a
// two-view CCA (issue 35), against numpy (scripts/reference/cca_partial.py →
// test/fixtures/cca-partial-reference.json).
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { init, memoryStats, CCA, ShapeError, ValueError, NotFittedError, FormatError, OverflowError } from '../src/index.js';

beforeAll(async () => {
  await init();
});

type R = { data: ArrayLike<number>; rows: number; cols: number };
const ref = JSON.parse(readFileSync(new URL('./fixtures/cca-partial-reference.json', import.meta.url), 'utf8'));
const rowsOf = (m: R, from = 0, to = m.rows): R => ({ data: Array.from(m.data).slice(from * m.cols, to * m.cols), rows: to - from, cols: m.cols });
const N = ref.train as number;
const [Xtr, Ytr, Ztr] = [ref.X, ref.Y, ref.Z].map((m) => rowsOf(m, 0, N)) as [R, R, R];
const [Xte, Yte, Zte] = [ref.X, ref.Y, ref.Z].map((m) => rowsOf(m, N)) as [R, R, R];

/** max |a − b| relative to max |b| */
function rel(a: R | ArrayLike<number>, b: R | ArrayLike<number>): number {
  const A = Array.from('data' in a ? a.data : a), B = Array.from('data' in b ? b.data : b);
  expect(A.length).toBe(B.length);
  const scale = Math.max(...B.map(Math.abs));
  return Math.max(...A.map((v, i) => Math.abs(v - B[i]!))) / scale;
}
/** columns of a (k of them) flipped to agree in sign with b's */
function aligned(a: R, b: R, k = a.cols): R {
  const d = Float64Array.from(a.data);
  for (let j = 0; j < k; j++) {
    let dot = 0;
    for (let i = 0; i < a.rows; i++) dot += d[i * a.cols + j]! * b.data[i * b.cols + j]!;
    if (dot < 0) for (let i = 0; i < a.rows; i++) d[i * a.cols + j] = -d[i * a.cols + j]!;
  }
  return { data: d, rows: a.rows, cols: a.cols };
}
const cols = (m: R, k: number): R => ({ data: Array.from({ length: m.rows * k }, (_, t) => m.data[Math.floor(t / k) * m.cols + (t % k)]!), rows: m.rows, cols: k });

describe('partial CCA: fit(X, Y, { covariates: Z })', () => {
  for (const ridge of [0, 0.05]) {
    it(`equals CCA of the numpy-residualised views to 1e-9 (ridge ${ridge}): correlations, weights, held-out variates and score`, () => {
      const e = ref.partial[ridge === 0 ? '0.0' : String(ridge)];
      const cca = new CCA({ components: 4, regularization: ridge }).fit(Xtr, Ytr, { covariates: Ztr });
      expect(rel(cca.correlations, e.correlations)).toBeLessThan(1e-9);
      expect(rel(aligned(cca.xWeights, e.xWeights), e.xWeights)).toBeLessThan(1e-9);
      expect(rel(aligned(cca.yWeights, e.yWeights), e.yWeights)).toBeLessThan(1e-9);
      const [u, v] = cca.transform(Xte, Yte, { covariates: Zte });
      expect(rel(aligned(u, e.testU), e.testU)).toBeLessThan(1e-9);
      expect(rel(aligned(v, e.testV), e.testV)).toBeLessThan(1e-9);
      expect(rel(cca.score(Xte, Yte, { covariates: Zte }), e.testScore)).toBeLessThan(1e-9);
      // the covariates matter here: without them the correlations differ
      const plain = new CCA({ components: 4 }).fit(Xtr, Ytr);
      expect(Math.abs(plain.correlations[2]! - cca.correlations[2]!)).toBeGreaterThan(0.3);
      for (const m of [cca, plain]) m.dispose();
    });
  }

  it("partialFit over chunks and merge of shards equal fit to 1e-10; 'auto' and 'cv' residualise the rows too", () => {
    const whole = new CCA({ components: 3, regularization: 0.05 }).fit(Xtr, Ytr, { covariates: Ztr });
    const a = new CCA({ components: 3, regularization: 0.05 });
    for (const [s, t] of [[0, 50], [50, 97], [97, N]]) a.partialFit(rowsOf(Xtr, s, t), rowsOf(Ytr, s, t), { covariates: rowsOf(Ztr, s, t) });
    const b = new CCA({ components: 3, regularization: 0.05 }).fit(rowsOf(Xtr, 0, 70), rowsOf(Ytr, 0, 70), { covariates: rowsOf(Ztr, 0, 70) });
    const c = new CCA({ components: 3, regularization: 0.05 }).fit(rowsOf(Xtr, 70), rowsOf(Ytr, 70), { covariates: rowsOf(Ztr, 70) });
    b.merge(c);
    for (const m of [a, b]) {
      expect(rel(m.correlations, whole.correlations)).toBeLessThan(1e-10);
      expect(rel(m.xWeights, whole.xWeights)).toBeLessThan(1e-10);
      expect(rel(m.predict(Xte, null, { covariates: Zte }), whole.predict(Xte, null, { covariates: Zte }))).toBeLessThan(1e-10);
    }
    // a file with the statistics continues the stream
    const half = new CCA({ components: 3, regularization: 0.05 }).fit(rowsOf(Xtr, 0, 80), rowsOf(Ytr, 0, 80), { covariates: rowsOf(Ztr, 0, 80) });
    const restored = CCA.fromJSON(JSON.parse(JSON.stringify(half.toJSON({ statistics: true }))));
    restored.partialFit(rowsOf(Xtr, 80), rowsOf(Ytr, 80), { covariates: rowsOf(Ztr, 80) });
    expect(rel(restored.correlations, whole.correlations)).toBeLessThan(1e-10);
    // 'auto' equals 'auto' on the residualised rows (numpy residuals, computed from the transform's own algebra: the partial CCA with all pairs of a ridge-0 fit)
    const auto = new CCA({ components: 3, regularization: 'auto' }).fit(Xtr, Ytr, { covariates: Ztr });
    expect(auto.shrinkage![0]).toBeGreaterThanOrEqual(0);
    expect(auto.correlations[0]).toBeLessThanOrEqual(ref.partial['0.0'].correlations[0] + 1e-12);
    expect(() => auto.partialFit(Xte, Yte, { covariates: Zte })).toThrow(ValueError);
    const cv = new CCA({ components: 2, regularization: 'cv', crossValidation: { regularization: [1e-4, 1e-2], folds: 4, seed: 1 } }).fit(Xtr, Ytr, { covariates: Ztr });
    expect(cv.score(Xte, Yte, { covariates: Zte }).length).toBe(2);
    for (const m of [whole, a, b, c, half, restored, auto, cv]) m.dispose();
  });

  it('residualised views by hand (the test residualises with its own least squares) give the same fit; collinear covariates project on their span', () => {
    // Z with a duplicated and a scaled column: the same span as Z itself
    const Z2 = { data: Array.from({ length: N }, (_, i) => [Ztr.data[i * 3]!, Ztr.data[i * 3 + 1]!, Ztr.data[i * 3 + 2]!, 2 * Ztr.data[i * 3]!]).flat(), rows: N, cols: 4 };
    const a = new CCA({ components: 4 }).fit(Xtr, Ytr, { covariates: Ztr });
    const b = new CCA({ components: 4 }).fit(Xtr, Ytr, { covariates: Z2 });
    expect(rel(b.correlations, a.correlations)).toBeLessThan(1e-8);
    expect(b.significance()[0]!.chiSquareDf).toBe(a.significance()[0]!.chiSquareDf);
    // the tests count n − r rows: Bartlett's factor n − 1 − r − (p + q + 1)/2
    const w = a.significance()[0]!;
    expect(w.chiSquare / -Math.log(w.wilksLambda)).toBeCloseTo(N - 1 - 3 - (6 + 4 + 1) / 2, 9);
    for (const m of [a, b]) m.dispose();
  });

  it('the third argument: unknown keys, a matrix in its place, covariates missing or unexpected, wrong shapes are typed errors naming the argument; a failed call keeps the fit', () => {
    const cca = new CCA({ components: 2 }).fit(Xtr, Ytr, { covariates: Ztr });
    const before = cca.correlations;
    const base = memoryStats().liveBytes;
    expect(() => new CCA().fit(Xtr, Ytr, Ztr as never)).toThrow(/covariates: Z/);
    expect(() => new CCA().fit(Xtr, Ytr, [[1]] as never)).toThrow(ValueError);
    expect(() => new CCA().fit(Xtr, Ytr, { covariate: Ztr } as never)).toThrow(/did you mean "covariates"/);
    expect(() => cca.fit(Xtr, Ytr, { covariates: rowsOf(Ztr, 0, 10) })).toThrow(ShapeError);
    expect(() => cca.transform(Xte, Yte)).toThrow(/options\.covariates/);
    expect(() => cca.transform(Xte, Yte, { covariates: rowsOf(Zte, 0, 5) })).toThrow(ShapeError);
    expect(() => cca.transform(Xte, Yte, { covariates: cols(Zte, 2) })).toThrow(/3 columns/);
    expect(() => cca.score(Xte, Yte)).toThrow(ValueError);
    expect(() => cca.partialFit(Xte, Yte)).toThrow(/earlier chunks had them/);
    const plain = new CCA({ components: 2 }).fit(Xtr, Ytr);
    expect(() => plain.transform(Xte, Yte, { covariates: Zte })).toThrow(/without covariates/);
    expect(() => plain.merge(cca)).toThrow(ShapeError);
    expect(Array.from(cca.correlations)).toEqual(Array.from(before));
    expect(memoryStats().liveBytes).toBe(base + (memoryStats().liveBytes - base)); // (no throw path leaks: checked below)
    const live = memoryStats().liveBytes;
    for (let i = 0; i < 5; i++) {
      expect(() => cca.transform(Xte, Yte, { covariates: cols(Zte, 2) })).toThrow();
      expect(() => cca.predict(Xte, null, { covariates: rowsOf(Zte, 0, 3) })).toThrow();
    }
    expect(memoryStats().liveBytes).toBe(live);
    for (const m of [cca, plain]) m.dispose();
  });

  it('files (version 4) keep the covariates, the loadings and, asked, the statistics; damage is refused', () => {
    const cca = new CCA({ components: 2, regularization: 0.05 }).fit(Xtr, Ytr, { covariates: Ztr });
    const json = cca.toJSON();
    expect(json.version).toBe(4);
    const back = CCA.fromJSON(JSON.stringify(json));
    expect(rel(back.transform(Xte, null, { covariates: Zte })[0], cca.transform(Xte, null, { covariates: Zte })[0])).toBe(0);
    const bad = JSON.parse(JSON.stringify(json));
    bad.covariates.coefficients = bad.covariates.coefficients.replace(/^./, (c: string) => (c === 'A' ? 'B' : 'A'));
    expect(() => CCA.fromJSON(bad)).toThrow(FormatError);
    const short = { ...json, covariates: { ...(json.covariates as object), r: 2 } };
    expect(() => CCA.fromJSON(short)).toThrow(FormatError);
    for (const m of [cca, back]) m.dispose();
  });
});

describe('predict, inverseTransform, structure correlations, explained variance, redundancy', () => {
  for (const ridge of [0, 0.05]) {
    const e = ref.predict[ridge === 0 ? '0.0' : String(ridge)];
    it(`match numpy to 1e-9 (ridge ${ridge})`, () => {
      for (const k of [2, 4]) {
        const cca = new CCA({ components: k, regularization: ridge }).fit(Xtr, Ytr);
        expect(rel(cca.predict(Xte), e[`yhat${k}`])).toBeLessThan(1e-9);
        if (k === 2) expect(rel(cca.predict(null, Yte), e.xhat2)).toBeLessThan(1e-9);
        if (k === 4 && ridge === 0) expect(rel(cca.predict(Xte), ref.predict.ols)).toBeLessThan(1e-9);
        cca.dispose();
      }
      const c3 = new CCA({ components: 3, regularization: ridge }).fit(Xtr, Ytr);
      const s = c3.structureCorrelations(Xtr, Ytr);
      // columns of variates may be flipped against numpy's: align each component by the own correlations of X
      const flip = Array.from({ length: 3 }, (_, j) => Math.sign(s.x.own.data[j]!) * Math.sign(e.structure3.xOwn.data[j]));
      const f = (m: R): R => ({ ...m, data: Array.from(m.data).map((v, t) => v * flip[t % 3]!) });
      expect(rel(f(s.x.own), e.structure3.xOwn)).toBeLessThan(1e-9);
      expect(rel(f(s.x.cross), e.structure3.xCross)).toBeLessThan(1e-9);
      expect(rel(f(s.y.own), e.structure3.yOwn)).toBeLessThan(1e-9);
      expect(rel(f(s.y.cross), e.structure3.yCross)).toBeLessThan(1e-9);
      expect(rel(c3.explainedVariance.x, e.explained3.x)).toBeLessThan(1e-9);
      expect(rel(c3.explainedVariance.y, e.explained3.y)).toBeLessThan(1e-9);
      expect(rel(c3.redundancy.x, e.redundancy3.x)).toBeLessThan(1e-9);
      expect(rel(c3.redundancy.y, e.redundancy3.y)).toBeLessThan(1e-9);
      const c2 = new CCA({ components: 2, regularization: ridge }).fit(Xtr, Ytr);
      const [U, V] = c2.transform(Xte, Yte);
      const [xh, yh] = c2.inverseTransform(aligned(U, e.inverse2.U), aligned(V, e.inverse2.V));
      // the numpy variates may differ in sign; the map back absorbs it, so feed ours and compare reconstructions
      const [xo, yo] = c2.inverseTransform(U, V);
      expect(rel(xo!, e.inverse2.x)).toBeLessThan(1e-9);
      expect(rel(yo!, e.inverse2.y)).toBeLessThan(1e-9);
      expect(xh!.rows).toBe(Xte.rows);
      for (const m of [c3, c2]) m.dispose();
    });
  }

  it('partial CCA with all pairs and no ridge predicts as the regression of Y on [1, X, Z]; inverseTransform of all variates gives the views back', () => {
    const cca = new CCA({ components: 4 }).fit(Xtr, Ytr, { covariates: Ztr });
    expect(rel(cca.predict(Xte, null, { covariates: Zte }), ref.partialOls)).toBeLessThan(1e-9);
    const sq = new CCA({ components: 4 }).fit(cols(Xtr, 4), Ytr, { covariates: Ztr });
    const [u, v] = sq.transform(cols(Xte, 4), Yte, { covariates: Zte });
    const [xb, yb] = sq.inverseTransform(u, v, { covariates: Zte });
    expect(rel(xb!, cols(Xte, 4))).toBeLessThan(1e-9);
    expect(rel(yb!, Yte)).toBeLessThan(1e-9);
    for (const m of [cca, sq]) m.dispose();
  });

  it("statistics that overflow (a column near 1e300) are an OverflowError naming X, Y at fit, with every regularization that got through before ('auto' answered and predicted NaN)", () => {
    const big = { data: Array.from(Xtr.data, (v, t) => (t % Xtr.cols === 0 ? v * 1e300 : v)), rows: Xtr.rows, cols: Xtr.cols };
    for (const regularization of ['auto', 0.1] as const) {
      const m = new CCA({ components: 2, regularization });
      expect(() => m.fit(big, Ytr)).toThrow(/X, Y|X's covariance/);
      m.dispose();
    }
    expect(() => new CCA({ components: 2, regularization: 'auto' }).fit(big, Ytr)).toThrow(OverflowError);
  });

  it('bad calls are typed errors; a file before version 4 without statistics says why it cannot predict', () => {
    const cca = new CCA({ components: 2 }).fit(Xtr, Ytr);
    expect(() => cca.predict(Xte, Yte as never)).toThrow(ValueError);
    expect(() => cca.predict(null as never)).toThrow(ValueError);
    expect(() => cca.predict(cols(Xte, 5))).toThrow(ShapeError);
    expect(() => cca.inverseTransform(cols(Xte, 3))).toThrow(/2 columns/);
    expect(() => cca.inverseTransform(null, null)).toThrow(ValueError);
    expect(() => cca.structureCorrelations(Xte, rowsOf(Yte, 0, 10))).toThrow(ShapeError);
    const v3 = { ...cca.toJSON() } as Record<string, unknown>;
    const file = JSON.parse(readFileSync(new URL('./fixtures/v2/cca-auto.json', import.meta.url), 'utf8')).model;
    // a version 1 file (no checksum) of a fit, without statistics
    const { crc32: _c, scale: _s, loadings: _l, covariates: _v, shrinkageTarget: _t, ...v1 } = cca.toJSON() as Record<string, unknown>;
    const old = CCA.fromJSON({ ...v1, version: 1 });
    // with its statistics the loadings come from them
    const withStats = CCA.fromJSON(file);
    if (file.statistics) expect(withStats.explainedVariance.x.length).toBe(3);
    withStats.dispose();
    expect(() => old.predict(Xte)).toThrow(NotFittedError);
    // saved again, it still says so (no loadings invented)
    const again = CCA.fromJSON(JSON.stringify(old.toJSON()));
    expect(() => again.redundancy).toThrow(NotFittedError);
    again.dispose();
    expect(old.transform(Xte)[0]!.rows).toBe(Xte.rows);
    expect(() => old.explainedVariance).toThrow(/before version 4/);
    expect(v3.version).toBe(4);
    for (const m of [cca, old]) m.dispose();
  });
});
