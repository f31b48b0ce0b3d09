import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { init, memoryStats, PLSRegression, PLSCanonical, PLSSVD, ShapeError, ValueError, NotFittedError, FormatError } from '../src/index.js';
import { digits, linnerud, randn } from './helpers.js';

beforeAll(async () => {
  await init();
});

type M = number[][];
const T = (a: M): M => a[0]!.map((_, j) => a.map((r) => r[j]!));
const mm = (a: M, b: M): M => a.map((r) => b[0]!.map((_, j) => r.reduce((s, v, l) => s + v * b[l]![j]!, 0)));
const col = (a: M, j: number) => a.map((r) => r[j]!);
const dotv = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
const toRows = (r: { data: ArrayLike<number>; rows: number; cols: number }): M => Array.from({ length: r.rows }, (_, i) => Array.from(r.data).slice(i * r.cols, (i + 1) * r.cols));

/** centred (and with scale standardised, sd n − 1) copy, with the means and sds */
function prep(X: M, scale: boolean) {
  const n = X.length, p = X[0]!.length;
  const mean = Array.from({ length: p }, (_, j) => X.reduce((s, r) => s + r[j]!, 0) / n);
  const sd = mean.map((m, j) => (scale ? Math.sqrt(X.reduce((s, r) => s + (r[j]! - m) ** 2, 0) / (n - 1)) || 1 : 1));
  return { Z: X.map((r) => r.map((v, j) => (v - mean[j]!) / sd[j]!)), mean, sd };
}

/** the first singular pair of A (p×q) by power iteration on AᵀA to 1e-15, sign: largest |u| positive */
function firstPair(A: M): [number[], number[]] {
  const q = A[0]!.length;
  let v = Array.from({ length: q }, (_, j) => 1 + j * 0.1);
  for (let it = 0; it < 100000; it++) {
    const u = col(mm(A, v.map((x) => [x])), 0), w = col(mm(T(A), u.map((x) => [x])), 0);
    const nrm = Math.hypot(...w), next = w.map((x) => x / nrm);
    const diff = Math.hypot(...next.map((x, i) => x - v[i]!));
    v = next;
    if (diff < 1e-15) break;
  }
  let u = col(mm(A, v.map((x) => [x])), 0);
  const nu = Math.hypot(...u);
  u = u.map((x) => x / nu);
  const big = u.reduce((b, x, i) => (Math.abs(x) > Math.abs(u[b]!) ? i : b), 0);
  return u[big]! < 0 ? [u.map((x) => -x), v.map((x) => -x)] : [u, v];
}

/** scikit-learn's NIPALS on the rows (mode A; regression: Y deflated on x scores, canonical: on its own) */
function nipals(X: M, Y: M, k: number, mode: 'regression' | 'canonical', scale = true) {
  const px = prep(X, scale), py = prep(Y, scale);
  let Xk = px.Z, Yk = py.Z;
  const W: number[][] = [], C: number[][] = [], P: number[][] = [], Q: number[][] = [];
  for (let a = 0; a < k; a++) {
    const [w, c0] = firstPair(mm(T(Xk), Yk));
    const t = col(mm(Xk, w.map((x) => [x])), 0), tt = dotv(t, t);
    const p = col(mm(T(Xk), t.map((x) => [x])), 0).map((x) => x / tt);
    Xk = Xk.map((r, i) => r.map((v, j) => v - t[i]! * p[j]!));
    if (mode === 'regression') {
      const c = col(mm(T(Yk), t.map((x) => [x])), 0).map((x) => x / tt);
      Yk = Yk.map((r, i) => r.map((v, j) => v - t[i]! * c[j]!));
      W.push(w), P.push(p), C.push(c), Q.push(c);
    } else {
      const u = col(mm(Yk, c0.map((x) => [x])), 0), uu = dotv(u, u);
      const q = col(mm(T(Yk), u.map((x) => [x])), 0).map((x) => x / uu);
      Yk = Yk.map((r, i) => r.map((v, j) => v - u[i]! * q[j]!));
      W.push(w), P.push(p), C.push(c0), Q.push(q);
    }
  }
  return { W: T(W), C: T(C), P: T(P), Q: T(Q), px, py };
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => {
  const A = Array.from(a), B = Array.from(b);
  expect(A.length).toBe(B.length);
  const scale = Math.max(1, ...B.map(Math.abs));
  A.forEach((v, i) => expect(Math.abs(v - B[i]!)).toBeLessThanOrEqual(tol * scale));
};
const flat = (m: M) => m.flat();

const X = randn(40, 4, 1), Y = mm(X, randn(4, 3, 2)).map((r, i) => r.map((v, j) => v + randn(40, 3, 3)[i]![j]!));

describe('PLS', () => {
  it('kernel PLSRegression equals NIPALS on the rows (weights, loadings, coefficients) to 1e-8', () => {
    for (const scale of [true, false]) {
      const m = new PLSRegression({ components: 3, scale }).fit(X, Y);
      const ref = nipals(X, Y, 3, 'regression', scale);
      close(m.xWeights.data, flat(ref.W), 1e-8);
      close(m.xLoadings.data, flat(ref.P), 1e-8);
      close(m.yLoadings.data, flat(ref.C), 1e-8);
      close(m.yWeights.data, flat(ref.C), 1e-8);
      // R = W (PᵀW)⁻¹ checked through coefficients: standardised B = R Cᵀ; predictions from the rows
      const [t] = m.transform(X);
      const Xs = ref.px.Z;
      const R = toRows(m.xRotations);
      close(t.data, flat(mm(Xs, R)), 1e-8);
      const pred = m.predict(X);
      const Bs = mm(R, T(ref.C));
      const want = mm(Xs, Bs).map((r) => r.map((v, j) => v * ref.py.sd[j]! + ref.py.mean[j]!));
      close(pred.data, flat(want), 1e-8);
      m.dispose();
    }
  });

  it('PLSCanonical equals NIPALS with symmetric deflation; PLSSVD equals the SVD of XᵀY', () => {
    const m = new PLSCanonical({ components: 3 }).fit(X, Y);
    const ref = nipals(X, Y, 3, 'canonical');
    close(m.xWeights.data, flat(ref.W), 1e-8);
    close(m.yWeights.data, flat(ref.C), 1e-8);
    close(m.xLoadings.data, flat(ref.P), 1e-8);
    close(m.yLoadings.data, flat(ref.Q), 1e-8);
    // x scores of the training rows = X's deflation scores t_a = X_a w_a
    const [tx] = m.transform(X);
    let Xk = ref.px.Z;
    for (let a = 0; a < 3; a++) {
      const w = col(ref.W, a), t = col(mm(Xk, w.map((x) => [x])), 0), p = col(ref.P, a);
      close(col(toRows(tx), a), t, 1e-8);
      Xk = Xk.map((r, i) => r.map((v, j) => v - t[i]! * p[j]!));
    }
    m.dispose();
    const s = new PLSSVD({ components: 2 }).fit(X, Y);
    const A = mm(T(prep(X, true).Z), prep(Y, true).Z);
    const [u] = firstPair(A);
    close(col(toRows(s.xWeights), 0), u, 1e-8);
    s.dispose();
  });

  it('partialFit in chunks, merged shards, fromMoments and fromSqlRows equal fit to 1e-10', () => {
    for (const Cls of [PLSRegression, PLSCanonical, PLSSVD] as const) {
      const full = new Cls({ components: 2 }).fit(X, Y);
      const chunks = new Cls({ components: 2 });
      for (let i = 0; i < 40; i += 7) chunks.partialFit(X.slice(i, i + 7), Y.slice(i, i + 7));
      const a = new Cls({ components: 2 }).fit(X.slice(0, 15), Y.slice(0, 15));
      const b = new Cls({ components: 2 }).fit(X.slice(15), Y.slice(15));
      a.merge(b as never);
      const px = prep(X, false), py = prep(Y, false), n = X.length;
      const cov = (A: M, B: M) => mm(T(A), B).map((r) => r.map((v) => v / (n - 1)));
      const fm = Cls.fromMoments({ n, xMeans: px.mean, yMeans: py.mean, xx: cov(px.Z, px.Z), yy: cov(py.Z, py.Z), xy: cov(px.Z, py.Z) }, { components: 2 });
      const row: Record<string, number> = { n };
      const Cxx = cov(px.Z, px.Z), Cyy = cov(py.Z, py.Z), Cxy = cov(px.Z, py.Z);
      px.mean.forEach((v, i) => (row[`mean_x${i}`] = v));
      py.mean.forEach((v, i) => (row[`mean_y${i}`] = v));
      for (let i = 0; i < 4; i++) for (let j = i; j < 4; j++) row[`cov_x${i}_x${j}`] = Cxx[i]![j]!;
      for (let i = 0; i < 3; i++) for (let j = i; j < 3; j++) row[`cov_y${i}_y${j}`] = Cyy[i]![j]!;
      for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) row[`cov_x${i}_y${j}`] = Cxy[i]![j]!;
      const sql = Cls.fromSqlRows([row]);
      for (const m of [chunks, a, fm, sql]) {
        expect(m.nSamples).toBe(40);
        close(m.xWeights.data, full.xWeights.data, 1e-10);
        close(m.yRotations.data, full.yRotations.data, 1e-10);
        close(m.transform(X)[0].data, full.transform(X)[0].data, 1e-10);
      }
      for (const m of [full, chunks, a, b, fm, sql]) m.dispose();
    }
  });

  it('scale: true is invariant to column units; all components equal ordinary least squares', () => {
    const k = [1, 1e3, 1e-2, 10];
    const Xb = X.map((r) => r.map((v, j) => v * k[j]!));
    const m1 = new PLSRegression({ components: 2 }).fit(X, Y), m2 = new PLSRegression({ components: 2 }).fit(Xb, Y);
    close(m2.predict(Xb).data, m1.predict(X).data, 1e-9);
    close(m2.transform(Xb)[0].data, m1.transform(X)[0].data, 1e-9);
    // OLS through the normal equations: B = Sxx⁻¹ Sxy
    const full = new PLSRegression({ components: 4, scale: false }).fit(X, Y);
    const px = prep(X, false), py = prep(Y, false);
    const A = mm(T(px.Z), px.Z), Bm = mm(T(px.Z), py.Z);
    // Gauss–Jordan
    const aug = A.map((r, i) => [...r, ...Bm[i]!]);
    for (let c = 0; c < 4; c++) {
      const piv = aug[c]![c]!;
      aug[c] = aug[c]!.map((v) => v / piv);
      for (let r = 0; r < 4; r++) if (r !== c) { const f = aug[r]![c]!; aug[r] = aug[r]!.map((v, j) => v - f * aug[c]![j]!); }
    }
    const ols = aug.map((r) => r.slice(4));
    close(full.coefficients.data, flat(ols), 1e-8);
    const r2 = full.score(X, Y);
    expect(r2).toBeGreaterThan(0.5);
    for (const m of [m1, m2, full]) m.dispose();
  });

  it('files round trip bit for bit (with statistics, streaming on) and damaged files are refused', () => {
    for (const Cls of [PLSRegression, PLSCanonical, PLSSVD] as const) {
      const m = new Cls({ components: 2 }).fit(X, Y);
      const j = m.toJSON({ statistics: true });
      const r = Cls.fromJSON(JSON.stringify(j));
      expect(JSON.stringify(r.toJSON({ statistics: true }))).toBe(JSON.stringify(j));
      expect(Array.from(r.transform(X, Y)[1].data)).toEqual(Array.from(m.transform(X, Y)[1].data));
      r.partialFit(X, Y);
      expect(r.nSamples).toBe(80);
      for (const key of Object.keys(j)) {
        if (key === 'format') continue;
        const bad = { ...j, [key]: key === 'scale' ? !j.scale : typeof j[key] === 'number' ? (j[key] as number) + 1 : 'AAAA' };
        expect(() => Cls.fromJSON(bad), key).toThrow(FormatError);
      }
      const noStats = Cls.fromJSON(m.toJSON());
      expect(() => noStats.partialFit(X, Y)).toThrow(NotFittedError);
      for (const x of [m, r, noStats]) x.dispose();
    }
  });

  it('typed errors naming the argument; a failed call leaves model and memory intact', () => {
    const before = memoryStats().liveBytes;
    const m = new PLSRegression({ components: 2 }).fit(X, Y);
    const pred = m.predict(X).data;
    expect(() => new PLSRegression({ components: 5 }).fit(X, Y)).toThrow(expect.objectContaining({ argument: 'options.components' }));
    expect(() => new PLSSVD({ components: 4 }).fit(X, Y)).toThrow(ValueError);
    expect(() => new PLSCanonical({ tol: 1 } as never)).toThrow(ValueError);
    expect(() => m.fit(X, Y.slice(1))).toThrow(ShapeError);
    expect(() => m.partialFit(X.map((r) => r.slice(1)), Y)).toThrow(ShapeError);
    expect(() => m.predict([[1, 2]])).toThrow(expect.objectContaining({ argument: 'X' }));
    expect(() => m.merge(new PLSCanonical() as never)).toThrow(ValueError);
    expect(() => PLSRegression.fromMoments({ n: 1 } as never)).toThrow(ValueError);
    expect(Array.from(m.predict(X).data)).toEqual(Array.from(pred));
    m.dispose();
    expect(memoryStats().liveBytes).toBe(before);
  });

  it('X or Y times 1e-150 or 1e100 (issue 35): every result the same, or scaled as its units are (1e-9), with and without scale', () => {
    // the factor of each result in the units of X (fx) and Y (fy): [fx's power, fy's power]; scale: true works on standardised columns
    type Key = 'xWeights' | 'yWeights' | 'xLoadings' | 'yLoadings' | 'xRotations' | 'yRotations' | 'coefficients' | 'xScores' | 'yScores' | 'predict';
    const powers: Record<string, Partial<Record<Key, [number, number]>>> = {
      'PLSRegression false': { xWeights: [0, 0], yWeights: [-1, 1], xLoadings: [0, 0], yLoadings: [-1, 1], xRotations: [0, 0], yRotations: [1, -1], coefficients: [-1, 1], xScores: [1, 0], yScores: [1, 0], predict: [0, 1] },
      // (PLSRegression's y weights are its y loadings, as scikit-learn's; PLSCanonical's coefficients are scikit-learn's, x rotations times the y loadings on the y scores: unit-free without scale)
      'PLSCanonical false': { xWeights: [0, 0], yWeights: [0, 0], xLoadings: [0, 0], yLoadings: [0, 0], xRotations: [0, 0], yRotations: [0, 0], coefficients: [0, 0], xScores: [1, 0], yScores: [0, 1] },
      'PLSSVD false': { xWeights: [0, 0], yWeights: [0, 0], xRotations: [0, 0], yRotations: [0, 0], xScores: [1, 0], yScores: [0, 1] },
    };
    for (const name of ['PLSRegression', 'PLSCanonical']) powers[`${name} true`] = { xWeights: [0, 0], yWeights: [0, 0], xLoadings: [0, 0], yLoadings: [0, 0], xRotations: [0, 0], yRotations: [0, 0], coefficients: [-1, 1], xScores: [0, 0], yScores: [0, 0], predict: [0, 1] };
    powers['PLSSVD true'] = { xWeights: [0, 0], yWeights: [0, 0], xRotations: [0, 0], yRotations: [0, 0], xScores: [0, 0], yScores: [0, 0] };
    const times = (A: M, f: number) => A.map((r) => r.map((v) => v * f));
    const results = (m: PLSRegression | PLSCanonical | PLSSVD, Xs: M, Ys: M): Partial<Record<Key, ArrayLike<number>>> => {
      const [tx, ty] = m.transform(Xs, Ys), out: Partial<Record<Key, ArrayLike<number>>> = { xWeights: m.xWeights.data, yWeights: m.yWeights.data, xRotations: m.xRotations.data, yRotations: m.yRotations.data, xScores: tx.data, yScores: ty.data };
      if (!(m instanceof PLSSVD)) Object.assign(out, { xLoadings: m.xLoadings.data, yLoadings: m.yLoadings.data, coefficients: m.coefficients.data, predict: m.predict(Xs).data });
      return out;
    };
    for (const Cls of [PLSRegression, PLSCanonical, PLSSVD] as const)
      for (const scale of [false, true]) {
        const base = new Cls({ components: 3, scale }).fit(X, Y), want = results(base, X, Y), table = powers[`${Cls.name} ${scale}`]!;
        for (const [fx, fy] of [[1, 1e-150], [1, 1e100], [1e-150, 1], [1e100, 1], [1e100, 1e-150], [1e-150, 1e-150]]) {
          const Xs = times(X, fx!), Ys = times(Y, fy!), m = new Cls({ components: 3, scale }).fit(Xs, Ys), got = results(m, Xs, Ys);
          for (const [key, [a, b]] of Object.entries(table) as [Key, [number, number]][]) {
            const g = Array.from(got[key]!), w = Array.from(want[key]!), f = fx! ** a * fy! ** b;
            expect(g.every(Number.isFinite), `${Cls.name} ${scale} ×${fx}, ×${fy}: ${key} finite`).toBe(true);
            const big = Math.max(...w.map(Math.abs));
            // the factor applied one power at a time (its product may leave the range)
            const worst = Math.max(...g.map((v, i) => Math.abs(v / fx! ** a / fy! ** b - w[i]!)));
            expect(worst / big, `${Cls.name} scale ${scale} ×${fx}, ×${fy}: ${key} (factor ${f})`).toBeLessThan(1e-9);
          }
          if (m instanceof PLSRegression) expect(Math.abs(m.score(Xs, Ys) - (base as PLSRegression).score(X, Y))).toBeLessThan(1e-9);
          const back = Cls.fromJSON(JSON.parse(JSON.stringify(m.toJSON({ statistics: true }))));
          expect(Array.from(back.transform(Xs, Ys)[1].data)).toEqual(Array.from(m.transform(Xs, Ys)[1].data));
          for (const x of [m, back]) x.dispose();
        }
        base.dispose();
      }
  });

  it('Linnerud: PLSRegression predictions match scikit-learn 1.2', () => {
    const { exercise, physiological } = linnerud();
    const m = new PLSRegression({ components: 2 }).fit(exercise, physiological);
    // scikit-learn 1.2: PLSRegression(n_components=2, tol=1e-15, max_iter=100000) (its NIPALS converged) .predict(X[:1]), .score(X, Y)
    close(m.predict([exercise[0]!]).data, [180.332788685289, 35.570349262628, 56.068176649876], 1e-10);
    expect(m.score(exercise, physiological)).toBeCloseTo(0.28540683746827605, 10);
    m.dispose();
  });

});

describe('PLS against R pls 2.8 and scikit-learn 1.2 (test/fixtures/pls-reference.json, scripts/reference/pls.py)', () => {
  const ref = JSON.parse(readFileSync(new URL('./fixtures/pls-reference.json', import.meta.url), 'utf8'));
  /** max |a − b| relative to max |b| (b nested or flat) */
  const rel = (a: ArrayLike<number>, b: unknown) => {
    const w = (b as unknown[]).flat(2) as number[];
    expect(a.length).toBe(w.length);
    let m = 0, s = 0;
    for (let i = 0; i < w.length; i++) (m = Math.max(m, Math.abs(a[i]! - w[i]!))), (s = Math.max(s, Math.abs(w[i]!)));
    return m / s;
  };
  const { exercise, physiological } = linnerud();
  const sets = {
    linnerud: { X: exercise, Y: physiological, Xt: exercise, Yt: physiological },
    digits: { X: digits.left.slice(0, 1500), Y: digits.right.slice(0, 1500), Xt: digits.left.slice(1500, 1550), Yt: digits.right.slice(1500, 1550) },
  } as const;
  for (const name of ['linnerud', 'digits'] as const)
    for (const sc of ['scale_false', 'scale_true'] as const)
      it(`${name}, ${sc.replace('_', ': ')}: regression coefficients and predictions (R, scikit-learn), canonical and SVD weights, loadings, rotations and scores (scikit-learn) to 1e-8`, () => {
        const d = sets[name], r = ref[name][sc], k = ref[name].k as number, scale = sc === 'scale_true';
        const reg = new PLSRegression({ components: k, scale }).fit(d.X, d.Y);
        expect(rel(reg.coefficients.data, r.regression_r.coef)).toBeLessThan(1e-8);
        expect(rel(reg.predict(d.Xt).data, r.regression_r.predict_test)).toBeLessThan(1e-8);
        expect(rel(reg.coefficients.data, r.regression_sklearn.coef)).toBeLessThan(1e-8);
        for (const [ours, theirs] of [[reg.xWeights, 'x_weights'], [reg.yWeights, 'y_weights'], [reg.xLoadings, 'x_loadings'], [reg.yLoadings, 'y_loadings'], [reg.xRotations, 'x_rotations']] as const)
          expect(rel(ours.data, r.regression_sklearn[theirs]), `regression ${theirs}`).toBeLessThan(1e-8);
        const can = new PLSCanonical({ components: k, scale }).fit(d.X, d.Y);
        for (const [ours, theirs] of [[can.xWeights, 'x_weights'], [can.yWeights, 'y_weights'], [can.xLoadings, 'x_loadings'], [can.yLoadings, 'y_loadings'], [can.xRotations, 'x_rotations'], [can.yRotations, 'y_rotations']] as const)
          expect(rel(ours.data, r.canonical[theirs]), `canonical ${theirs}`).toBeLessThan(1e-8);
        const [cu, cv] = can.transform(d.Xt, d.Yt);
        expect(rel(cu!.data, r.canonical.x_scores_test)).toBeLessThan(1e-8);
        expect(rel(cv!.data, r.canonical.y_scores_test)).toBeLessThan(1e-8);
        const svd = new PLSSVD({ components: k, scale }).fit(d.X, d.Y);
        expect(rel(svd.xWeights.data, r.svd.x_weights)).toBeLessThan(1e-8);
        expect(rel(svd.yWeights.data, r.svd.y_weights)).toBeLessThan(1e-8);
        const [su, sv] = svd.transform(d.Xt, d.Yt);
        expect(rel(su!.data, r.svd.x_scores_test)).toBeLessThan(1e-8);
        expect(rel(sv!.data, r.svd.y_scores_test)).toBeLessThan(1e-8);
        for (const m of [reg, can, svd]) m.dispose();
      });
});
