// MCCA and GCCA beyond the variates (issue 35): predict, inverseTransform, structure
// correlations, explained variance and the Stewart–Love redundancy, each against an independent
// computation written here in plain f64 JS (least squares by the normal equations and a
// Cholesky solve, Pearson correlations of columns with the variates transform gives), on three
// views of sizes that are not small multiples; the two-view formula ȳ + U·diag(ρ)·(Σyy·Wy)ᵀ;
// a singular variate covariance (two identical views); scale; streams, moments and files
// (version 3, version-2 files that kept the statistics in the columns' units, and version-1
// files that keep none); a view in any units (near 1e-150 or 1e100, and one whose variates'
// variance lies below the range); typed errors that leave the model and the memory as they were.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { init, memoryStats, GCCA, MCCA, NonFiniteError, NotFittedError, ShapeError, ValueError, type MatrixResult } from '../src/index.js';
import { CrossMoments } from '../src/models/linear/structure.js';
import { digits, normal } from './helpers.js';

beforeAll(async () => {
  await init();
});

type Rows = number[][];

/** n rows of views of these widths sharing two latent signals (each column a mix of them and noise). */
function views(n: number, dims: number[], seed: number): Rows[] {
  const g = normal(seed);
  const mix = dims.map((p) => Array.from({ length: p }, () => [g(), g(), 0.3 + Math.abs(g())]));
  return Array.from({ length: n }, () => [g(), g()]).reduce<Rows[]>(
    (acc, [a, b]) => {
      dims.forEach((p, v) => acc[v]!.push(Array.from({ length: p }, (_, j) => mix[v]![j]![0]! * a! + mix[v]![j]![1]! * b! + mix[v]![j]![2]! * g() + j)));
      return acc;
    },
    dims.map(() => []),
  );
}

const join = (...vs: Rows[]): Rows => vs[0]!.map((_, i) => vs.flatMap((v) => v[i]!));
const colMeans = (A: Rows) => A[0]!.map((_, j) => A.reduce((t, r) => t + r[j]!, 0) / A.length);
const rowsOf = (r: MatrixResult): Rows => Array.from({ length: r.rows }, (_, i) => Array.from(r.data.subarray(i * r.cols, (i + 1) * r.cols)));
const column = (A: Rows, j: number) => A.map((r) => r[j]!);

/** Least squares Y ≈ ȳ + (X − x̄)·β on the training rows (normal equations, Cholesky), applied to Xnew. */
function lstsq(X: Rows, Y: Rows, Xnew: Rows): Rows {
  const mx = colMeans(X), my = colMeans(Y), p = mx.length, q = my.length;
  const A = Array.from({ length: p }, () => new Array<number>(p).fill(0)), B = Array.from({ length: p }, () => new Array<number>(q).fill(0));
  X.forEach((x, i) => {
    for (let a = 0; a < p; a++) {
      const xa = x[a]! - mx[a]!;
      for (let b = 0; b < p; b++) A[a]![b]! += xa * (x[b]! - mx[b]!);
      for (let c = 0; c < q; c++) B[a]![c]! += xa * (Y[i]![c]! - my[c]!);
    }
  });
  // A = L·Lᵀ, then L·Lᵀ·β = B
  const L = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let i = 0; i < p; i++)
    for (let j = 0; j <= i; j++) {
      let s = A[i]![j]!;
      for (let l = 0; l < j; l++) s -= L[i]![l]! * L[j]![l]!;
      L[i]![j] = i === j ? Math.sqrt(s) : s / L[j]![j]!;
    }
  const beta = B.map((r) => [...r]);
  for (let c = 0; c < q; c++) {
    for (let i = 0; i < p; i++) {
      let s = beta[i]![c]!;
      for (let l = 0; l < i; l++) s -= L[i]![l]! * beta[l]![c]!;
      beta[i]![c] = s / L[i]![i]!;
    }
    for (let i = p - 1; i >= 0; i--) {
      let s = beta[i]![c]!;
      for (let l = i + 1; l < p; l++) s -= L[l]![i]! * beta[l]![c]!;
      beta[i]![c] = s / L[i]![i]!;
    }
  }
  return Xnew.map((x) => my.map((m, c) => m + x.reduce((t, v, a) => t + (v - mx[a]!) * beta[a]![c]!, 0)));
}

function pearson(a: number[], b: number[]): number {
  const ma = a.reduce((t, v) => t + v, 0) / a.length, mb = b.reduce((t, v) => t + v, 0) / b.length;
  let sab = 0, saa = 0, sbb = 0;
  a.forEach((v, i) => ((sab += (v - ma) * (b[i]! - mb)), (saa += (v - ma) ** 2), (sbb += (b[i]! - mb) ** 2)));
  return sab / Math.sqrt(saa * sbb);
}

/** The largest |a − b| over two results (or rows), checked for equal shapes. */
function maxDiff(a: MatrixResult | Rows, b: MatrixResult | Rows): number {
  const A = Array.isArray(a) ? a : rowsOf(a), B = Array.isArray(b) ? b : rowsOf(b);
  expect([A.length, A[0]!.length]).toEqual([B.length, B[0]!.length]);
  let m = 0;
  A.forEach((r, i) => r.forEach((v, j) => (m = Math.max(m, Math.abs(v - B[i]![j]!)))));
  return m;
}

// three views of 3, 3 and 5 columns; 307 training rows, 113 held out
const all = views(420, [3, 3, 5], 11);
const train = all.map((v) => v.slice(0, 307)), test = all.map((v) => v.slice(307));

describe('predict: the least-squares map from the given views\' variates', () => {
  it('with every component and no ridge it is the regression of the missing views on the given ones (MCCA and GCCA, 1e-9)', () => {
    for (const Model of [MCCA, GCCA]) {
      const m = new Model({ components: 3 }).fit(train);
      const [a, b, c] = test;
      const [n0, n1, z] = m.predict([a!, b!, null]);
      expect([n0, n1]).toEqual([null, null]);
      expect(maxDiff(z!, lstsq(join(train[0]!, train[1]!), train[2]!, join(a!, b!))), `${Model.name}: view 2 from views 0, 1`).toBeLessThan(1e-9);
      const [, y1, y2] = m.predict([a!, null, null]);
      const want = lstsq(train[0]!, join(train[1]!, train[2]!), a!);
      expect(maxDiff(y1!, want.map((r) => r.slice(0, 3))), `${Model.name}: view 1 from view 0`).toBeLessThan(1e-9);
      expect(maxDiff(y2!, want.map((r) => r.slice(3))), `${Model.name}: view 2 from view 0`).toBeLessThan(1e-9);
      // the training rows of a view predicted from itself through all its variates are the view (a rank-3 map of 3 columns)
      void c;
      m.dispose();
    }
  });

  it('for two views without a ridge it is ȳ + U·diag(ρ)·(Σyy·Wy)ᵀ, and x̄ + V·diag(ρ)·(Σxx·Wx)ᵀ the other way (1e-9)', () => {
    const [X, Y] = views(251, [4, 6], 5), Xn = X!.slice(200), Yn = Y!.slice(200), Xt = X!.slice(0, 200), Yt = Y!.slice(0, 200);
    const m = new MCCA({ components: 2 }).fit([Xt, Yt]);
    const rho = m.correlations, W = m.weights, [u, v] = m.transform([Xn, Yn]);
    const twoView = (Z: Rows, w: MatrixResult, scores: MatrixResult) => {
      // Σ·W from the training rows, then mean + scores·diag(ρ)·(Σ·W)ᵀ
      const mz = colMeans(Z), p = mz.length, n = Z.length;
      const SW = mz.map((_, a) => [0, 1].map((c) => Z.reduce((t, r) => t + (r[a]! - mz[a]!) * mz.reduce((s, _m, b) => s + (r[b]! - mz[b]!) * w.data[b * 2 + c]!, 0), 0) / (n - 1)));
      return rowsOf(scores).map((s) => mz.map((mu, a) => mu + s[0]! * rho[0]! * SW[a]![0]! + s[1]! * rho[1]! * SW[a]![1]!)).slice(0, scores.rows).map((r) => r.slice(0, p));
    };
    expect(maxDiff(m.predict([Xn, null])[1], twoView(Yt, W[1]!, u!))).toBeLessThan(1e-9);
    expect(maxDiff(m.predict([null, Yn])[0], twoView(Xt, W[0]!, v!))).toBeLessThan(1e-9);
    m.dispose();
  });

  it('two identical views (a singular variate covariance): the pseudo-inverse gives the one view\'s regression (1e-9)', () => {
    const [X, Y] = [train[0]!, train[2]!];
    for (const Model of [MCCA, GCCA]) {
      const m = new Model({ components: 3 }).fit([X, X, Y]);
      const both = m.predict([test[0]!, test[0]!, null])[2]!, one = m.predict([test[0]!, null, null])[2]!;
      const want = lstsq(X, Y, test[0]!);
      expect(maxDiff(both, want), `${Model.name}: from both copies`).toBeLessThan(1e-9);
      expect(maxDiff(one, want), `${Model.name}: from one copy`).toBeLessThan(1e-9);
      m.dispose();
    }
  });

  it('with scale (columns in units 10⁻³ … 10⁴) and no ridge, still the regression (1e-9 relative to each column)', () => {
    const units = [1e-3, 10, 1e4, 0.1, 1, 1e3, 1e-2, 100, 1e4, 1e-3, 1];
    let u = 0;
    const scaled = train.map((v) => {
      const f = v[0]!.map(() => units[u++ % units.length]!);
      return { f, rows: (r: Rows) => r.map((x) => x.map((val, j) => val * f[j]!)) };
    });
    const tr = train.map((v, i) => scaled[i]!.rows(v)), te = test.map((v, i) => scaled[i]!.rows(v));
    const m = new MCCA({ components: 3, scale: true }).fit(tr);
    const got = m.predict([te[0]!, te[1]!, null])[2]!, want = lstsq(join(tr[0]!, tr[1]!), tr[2]!, join(te[0]!, te[1]!));
    const f2 = scaled[2]!.f;
    let worst = 0;
    rowsOf(got).forEach((r, i) => r.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - want[i]![j]!) / f2[j]!))));
    expect(worst).toBeLessThan(1e-9);
    m.dispose();
  });

  it('fit, partialFit in chunks and fromMoments predict the same (1e-10)', () => {
    const a = new MCCA({ components: 2, regularization: 0.05 }).fit(train);
    const b = new MCCA({ components: 2, regularization: 0.05 });
    for (const [s, e] of [[0, 100], [100, 171], [171, 307]]) b.partialFit(train.map((v) => v.slice(s, e)));
    const J = join(...train), mu = colMeans(J), n = J.length;
    const cov = mu.map((_, i) => mu.map((_m, j) => J.reduce((t, r) => t + (r[i]! - mu[i]!) * (r[j]! - mu[j]!), 0) / (n - 1)));
    const c = MCCA.fromMoments({ n, means: train.map(colMeans), covariance: cov }, { components: 2, regularization: 0.05 });
    const want = a.predict([null, test[1]!, test[2]!])[0]!;
    for (const m of [b, c]) expect(maxDiff(m.predict([null, test[1]!, test[2]!])[0]!, want)).toBeLessThan(1e-10);
    for (const m of [a, b, c]) m.dispose();
  });
});

describe('inverseTransform: the least-squares map back from a view\'s own variates', () => {
  it('inverts transform for views with every component, and is the regression of the view on its variates otherwise (1e-9)', () => {
    for (const Model of [MCCA, GCCA]) {
      const m = new Model({ components: 3 }).fit(train);
      const u = m.transform(test) as MatrixResult[];
      const [x0, x1, x2] = m.inverseTransform(u);
      expect(maxDiff(x0!, test[0]!), `${Model.name}: view 0`).toBeLessThan(1e-9);
      expect(maxDiff(x1!, test[1]!), `${Model.name}: view 1`).toBeLessThan(1e-9);
      // view 2 has 5 columns and 3 variates: its regression on its training variates
      const u2 = rowsOf(m.transform([null, null, train[2]!])[2]!);
      expect(maxDiff(x2!, lstsq(u2, train[2]!, rowsOf(u[2]!))), `${Model.name}: view 2`).toBeLessThan(1e-9);
      expect(m.inverseTransform([null, u[1]!, null])[1]).toEqual(x1);
      m.dispose();
    }
  });
});

describe('structure correlations, explained variance, redundancy', () => {
  it('structureCorrelations are the Pearson correlations of each view\'s columns with each view\'s variates on the rows given (1e-12)', () => {
    const m = new MCCA({ components: 2, regularization: 0.01 }).fit(train);
    const s = m.structureCorrelations(test), u = (m.transform(test) as MatrixResult[]).map(rowsOf);
    expect(s.length).toBe(3);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        expect([s[i]![j]!.rows, s[i]![j]!.cols]).toEqual([train[i]![0]!.length, 2]);
        const want = train[i]![0]!.map((_, a) => [0, 1].map((c) => pearson(column(test[i]!, a), column(u[j]!, c))));
        expect(maxDiff(s[i]![j]!, want), `[${i}][${j}]`).toBeLessThan(1e-12);
      }
    m.dispose();
  });

  it('explainedVariance is the mean squared correlation of a view\'s columns with its own training variates; redundancy(i, j) that times corr(uᵢ, uⱼ)² (1e-10)', () => {
    for (const Model of [MCCA, GCCA])
      for (const regularization of [0, 0.1]) {
        const m = new Model({ components: 3, regularization }).fit(train);
        const ev = m.explainedVariance, u = (m.transform(train) as MatrixResult[]).map(rowsOf);
        const evJS = train.map((v, i) => [0, 1, 2].map((c) => v[0]!.reduce((t, _, a) => t + pearson(column(v, a), column(u[i]!, c)) ** 2, 0) / v[0]!.length));
        expect(maxDiff([ev.map((e) => Array.from(e))].flat(), evJS), `${Model.name} ${regularization}`).toBeLessThan(1e-10);
        for (const [i, j] of [[0, 1], [2, 0], [1, 2]] as const) {
          const want = [0, 1, 2].map((c) => evJS[i]![c]! * pearson(column(u[i]!, c), column(u[j]!, c)) ** 2);
          expect(maxDiff([Array.from(m.redundancy(i, j))], [want]), `${Model.name} ${regularization} redundancy(${i}, ${j})`).toBeLessThan(1e-10);
        }
        // on the training rows, the structure correlations' own blocks give the same shares
        const s = m.structureCorrelations(train);
        const fromS = s.map((row, i) => [0, 1, 2].map((c) => rowsOf(row[i]!).reduce((t, r) => t + r[c]! ** 2, 0) / row[i]!.rows));
        expect(maxDiff(fromS, evJS)).toBeLessThan(1e-10);
        m.dispose();
      }
  });

  it('MCCA\'s redundancy reads its pairwise correlations; shares are unit-free', () => {
    const m = new MCCA({ components: 2, regularization: 0.1, scale: true }).fit(train);
    const r = m.redundancy(1, 2), ev = m.explainedVariance[1]!, pw = m.pairwise;
    for (let c = 0; c < 2; c++) expect(Math.abs(r[c]! - ev[c]! * pw[c]!.data[1 * 3 + 2]! ** 2)).toBeLessThan(1e-12);
    const m2 = new MCCA({ components: 2, regularization: 0.1, scale: true }).fit(train.map((v, i) => v.map((x) => x.map((val, j) => val * 10 ** (i + j - 2)))));
    expect(maxDiff(m2.explainedVariance.map((e) => Array.from(e)), m.explainedVariance.map((e) => Array.from(e)))).toBeLessThan(1e-10);
    for (const x of [m, m2]) x.dispose();
  });

  it('the co-moments merged block by block equal one block (1e-12)', () => {
    const g = normal(3), n = 61, P = 7, Q = 4;
    const x = Float64Array.from({ length: n * P }, () => 100 + g()), u = Float64Array.from({ length: n * Q }, () => g() - 5);
    const one = new CrossMoments(P, Q);
    one.add(x, u, n);
    for (const step of [1, 7, 13, 60]) {
      const acc = new CrossMoments(P, Q);
      for (let s = 0; s < n; s += step) {
        const c = Math.min(step, n - s);
        acc.add(x.subarray(s * P, (s + c) * P), u.subarray(s * Q, (s + c) * Q), c);
      }
      const a = acc.correlations(0, P, 0, Q), b = one.correlations(0, P, 0, Q);
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!), `step ${step}`).toBeLessThan(1e-12);
    }
  });
});

describe('a view in any units (issue 35: the answers are scale-free, so no product may leave the range)', () => {
  /** the largest |a − b| over the largest |b| */
  const rel = (a: MatrixResult | Rows, b: MatrixResult | Rows) => {
    const B = Array.isArray(b) ? b : rowsOf(b);
    return maxDiff(a, b) / Math.max(...B.flat().map(Math.abs));
  };
  const times = (A: Rows, f: number) => A.map((r) => r.map((v) => v * f));
  const unscaled = (r: MatrixResult | null, f: number) => times(rowsOf(r!), 1 / f);

  it('view 1 times 1e-150 or 1e100 (its ridge times the factor squared, or none; or scale): the same correlations, variates, shares and structure, predictions and reconstructions of it scaled (1e-9)', () => {
    for (const Model of [MCCA, GCCA])
      for (const [label, options, ridged] of [
        ['no ridge', { components: 3 }, (_f: number) => ({})],
        ['a ridge', { components: 3 }, (f: number) => ({ regularization: [0.05, 0.05 * f * f, 0.2] })],
        ['scale', { components: 3, scale: true, regularization: 0.1 }, (_f: number) => ({})],
      ] as const) {
        const base = new Model({ ...options, ...ridged(1) }).fit(train);
        for (const f of [1e-150, 1e100]) {
          const tr = train.map((v, i) => (i === 1 ? times(v, f) : v)), te = test.map((v, i) => (i === 1 ? times(v, f) : v));
          const m = new Model({ ...options, ...ridged(f) }).fit(tr), what = `${Model.name}, ${label}, ×${f}`;
          if (m instanceof MCCA && base instanceof MCCA) {
            expect(maxDiff([Array.from(m.correlations)], [Array.from(base.correlations)]), `${what}: correlations`).toBeLessThan(1e-9);
            expect(maxDiff([Array.from(m.score(te))], [Array.from(base.score(test))]), `${what}: score`).toBeLessThan(1e-9);
          }
          expect(maxDiff([Array.from(m.eigenvalues)], [Array.from(base.eigenvalues)]), `${what}: eigenvalues`).toBeLessThan(1e-9);
          const u = m.transform(te) as MatrixResult[], u0 = base.transform(test) as MatrixResult[];
          u.forEach((x, i) => expect(rel(x, u0[i]!), `${what}: variates ${i}`).toBeLessThan(1e-9));
          // view 1 predicted and reconstructed in its own units; the others from it unchanged
          expect(rel(unscaled(m.predict([te[0]!, null, te[2]!])[1], f), base.predict([test[0]!, null, test[2]!])[1]!), `${what}: predict view 1`).toBeLessThan(1e-9);
          const [p0, , p2] = m.predict([null, te[1]!, null]), [q0, , q2] = base.predict([null, test[1]!, null]);
          expect(rel(p0!, q0!), `${what}: predict view 0`).toBeLessThan(1e-9);
          expect(rel(p2!, q2!), `${what}: predict view 2`).toBeLessThan(1e-9);
          const back = m.inverseTransform(u), back0 = base.inverseTransform(u0);
          expect(rel(unscaled(back[1]!, f), back0[1]!), `${what}: inverseTransform view 1`).toBeLessThan(1e-9);
          expect(rel(back[2]!, back0[2]!), `${what}: inverseTransform view 2`).toBeLessThan(1e-9);
          const s = m.structureCorrelations(te), s0 = base.structureCorrelations(test);
          s.forEach((row, i) => row.forEach((x, j) => expect(maxDiff(x, s0[i]![j]!), `${what}: structure [${i}][${j}]`).toBeLessThan(1e-9)));
          expect(maxDiff(m.explainedVariance.map((e) => Array.from(e)), base.explainedVariance.map((e) => Array.from(e))), `${what}: explainedVariance`).toBeLessThan(1e-9);
          for (const [i, j] of [[1, 0], [2, 1]] as const) expect(maxDiff([Array.from(m.redundancy(i, j))], [Array.from(base.redundancy(i, j))]), `${what}: redundancy(${i}, ${j})`).toBeLessThan(1e-9);
          // and from its file
          const again = Model.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
          expect(again.predict([te[0]!, null, te[2]!])).toEqual(m.predict([te[0]!, null, te[2]!]));
          for (const x of [m, again]) x.dispose();
        }
        base.dispose();
      }
  });

  it('a view near 1e-150 whose variates\' variance is below the range (MCCA under a ridge sized for a view near 1e10: variates near 1e-160; GCCA under a ridge of 1e-60: near 1e-238): the least-squares maps on its variates, its correlations and shares (1e-9)', () => {
    // a view of its own (two of the same signals would leave its variates nearly collinear under a ridge that dominates it)
    const g = normal(7), own = all[0]!.map((r) => r.map(() => g())), X0 = own.slice(0, 307), X0t = own.slice(307);
    const tiny = times(X0, 1e-150), big = times(train[1]!, 1e9), tinyTest = times(X0t, 1e-150), fitted = [tiny, big, train[2]!];
    for (const [Model, regularization, below] of [[MCCA, 1e21, 1e-160], [GCCA, 1e-60, 1e-230]] as const) {
      const m = new Model({ components: 3, regularization }).fit(fitted);
      const u = rowsOf(m.transform([tiny, null, null])[0]!), ut = m.transform([tinyTest, null, null])[0]!;
      // their size measured without squaring them
      const big0 = Math.max(...u.flat().map(Math.abs)), sd = big0 * Math.sqrt(u.reduce((t, r) => t + (r[0]! / big0) ** 2, 0) / u.length);
      expect(sd, `${Model.name}: the variates are tiny`).toBeLessThan(below);
      // three variates of a view of three columns span it: the view back, and the regression on the view itself
      expect(rel(m.inverseTransform([ut, null, null])[0]!, tinyTest), `${Model.name}: inverseTransform`).toBeLessThan(1e-9);
      expect(rel(m.predict([tinyTest, null, null])[2]!, lstsq(X0, train[2]!, X0t)), `${Model.name}: predict view 2 from view 0`).toBeLessThan(1e-9);
      const U = times(u, 1 / sd);
      const corr = X0[0]!.map((_, a) => [0, 1, 2].map((c) => pearson(column(X0, a), column(U, c))));
      expect(maxDiff(m.structureCorrelations(fitted)[0]![0]!, corr), `${Model.name}: structure`).toBeLessThan(1e-9);
      expect(maxDiff([Array.from(m.explainedVariance[0]!)], [[0, 1, 2].map((c) => corr.reduce((t, r) => t + r[c]! ** 2, 0) / 3)]), `${Model.name}: explainedVariance`).toBeLessThan(1e-9);
      if (m instanceof MCCA) expect(maxDiff([Array.from(m.score(fitted))], [Array.from(m.correlations)]), 'MCCA: score on the training rows').toBeLessThan(1e-9);
      m.dispose();
    }
  });
});

describe('files and errors', () => {
  it('a file (version 3) keeps what predict needs: the same bits after a round trip', () => {
    for (const Model of [MCCA, GCCA]) {
      const m = new Model({ components: 2, regularization: 0.01, scale: true }).fit(train);
      const json = m.toJSON();
      expect(json.version).toBe(3);
      const back = Model.fromJSON(JSON.parse(JSON.stringify(json)));
      expect(back.predict([test[0]!, null, test[2]!])).toEqual(m.predict([test[0]!, null, test[2]!]));
      expect(back.explainedVariance).toEqual(m.explainedVariance);
      expect(back.inverseTransform([null, null, m.transform([null, null, test[2]!])[2]])).toEqual(m.inverseTransform([null, null, m.transform([null, null, test[2]!])[2]]));
      for (const x of [m, back]) x.dispose();
    }
  });

  it('a version-2 file (statistics in the columns\' units) loads with the predictions, reconstructions and shares that build computed (1e-12), and is written back as version 3', () => {
    const fix = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/v2/${name}.json`, import.meta.url), 'utf8'));
    const quadrant = (side: number[][], half: number) => side.map((r) => r.slice(half * 16, half * 16 + 16));
    const te = [quadrant(digits.left, 0), quadrant(digits.right, 0), quadrant(digits.left, 1)].map((v) => v.slice(300, 305));
    for (const [Model, name] of [[MCCA, 'mcca'], [GCCA, 'gcca']] as const) {
      const { model: file, expected } = fix(name), m = Model.fromJSON(file);
      expect(file.version).toBe(2);
      const near = (got: ArrayLike<number>, want: number[], what: string) => want.forEach((v, i) => expect(Math.abs(got[i]! - v), `${name} ${what} [${i}]`).toBeLessThan(1e-12 * Math.max(1, Math.abs(v))));
      near(m.predict([te[0]!, null, te[2]!])[1]!.data, expected.predict, 'predict');
      near(m.inverseTransform([null, m.transform([null, te[1]!, null])[1], null])[1]!.data, expected.inverseTransform, 'inverseTransform');
      m.explainedVariance.forEach((e, v) => near(e, expected.explainedVariance[v], `explainedVariance ${v}`));
      near(m.redundancy(2, 0), expected.redundancy, 'redundancy');
      const again = m.toJSON();
      expect([again.version, 'covariances' in again, (again.structure as string[]).length, (again.scales as string[]).length]).toEqual([3, false, 3, 3]);
      const back = Model.fromJSON(JSON.parse(JSON.stringify(again)));
      expect(back.predict([te[0]!, null, te[2]!])).toEqual(m.predict([te[0]!, null, te[2]!]));
      for (const x of [m, back]) x.dispose();
    }
  });

  it('a version-1 file (crossmodal 0.2.0) loads; what needs the statistics says why and how to fix, and the file is written back as it was', () => {
    const fix = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/v0.2.0/${name}.json`, import.meta.url), 'utf8'));
    for (const [Model, name] of [[MCCA, 'mcca'], [GCCA, 'gcca']] as const) {
      const file = fix(name).model, m = Model.fromJSON(file), x = Array.from({ length: 5 }, (_, i) => Array.from({ length: 16 }, (_, j) => ((i * 7 + j) % 5) / 4));
      for (const call of [() => m.predict([x, null, null]), () => m.inverseTransform([[[0, 0]], null, null]), () => m.explainedVariance, () => m.redundancy(0, 1)]) {
        const e = (() => {
          try {
            call();
          } catch (err) {
            return err as Error;
          }
        })();
        expect(e).toBeInstanceOf(NotFittedError);
        expect(e!.message).toMatch(/version 1.*keeps no training covariances.*fit it again/);
      }
      expect(m.structureCorrelations([x, x, x]).length).toBe(3); // weights and means are enough
      expect(JSON.parse(JSON.stringify(m.toJSON()))).toEqual({ ...file, scale: false }); // (scale, written since, is outside a scale-false checksum)
      m.dispose();
    }
  });

  it('typed errors name the argument; a failed call leaves the model and the memory as they were', () => {
    const m = new MCCA({ components: 2, regularization: 0.01 }).fit(train);
    const want = m.predict([test[0]!, null, null]);
    const before = memoryStats().liveBytes, loose = m as unknown as Record<string, (...a: unknown[]) => unknown>; // (calls with an argument too many)
    const cases: [() => unknown, new (...a: never[]) => Error, RegExp][] = [
      [() => m.predict(test), ValueError, /^views: expected at least one null view/],
      [() => m.predict([null, null, null]), ValueError, /^views: expected at least one view given/],
      [() => m.predict([test[0]!, null]), ShapeError, /^views: expected 3 entries/],
      [() => m.predict(test[0]! as never), ShapeError, /^views: expected 3 entries/],
      [() => m.predict([test[1]!.map((r) => [...r, 1]), null, null]), ShapeError, /^views\[0\]: expected 3 columns/],
      [() => m.predict([test[0]!, test[1]!.slice(1), null]), ShapeError, /^views\[1\]: expected 113 rows/],
      [() => m.predict([[[NaN, 1, 2]], null, null]), NonFiniteError, /^views\[0\]/],
      [() => m.inverseTransform([[[1, 2, 3]], null, null]), ShapeError, /^variates\[0\]: expected 2 columns/],
      [() => m.inverseTransform([null, null, null]), ValueError, /^variates: expected at least one/],
      [() => m.inverseTransform([[[1, 2]], [[1, 2], [3, 4]], null]), ShapeError, /^variates\[1\]: expected 1 rows/],
      [() => m.structureCorrelations([test[0]!, null as never, test[2]!]), ValueError, /^views: expected every view/],
      [() => m.structureCorrelations(test.map((v) => v.slice(0, 1))), ShapeError, /^views\[0\]: expected at least 2 rows/],
      [() => m.redundancy(0, 0), ValueError, /^j: expected another view than i/],
      [() => m.redundancy(0, 3), ValueError, /^j: expected a view index/],
      [() => m.redundancy(0.5, 1), ValueError, /^i: expected a view index/],
      [() => loose.predict!([test[0]!, null, null], { covariates: test[0] }), ValueError, /^MCCA\.predict: argument 2: expected nothing/],
      [() => loose.structureCorrelations!(test, 1), ValueError, /^MCCA\.structureCorrelations: argument 2/],
    ];
    for (const [call, type, message] of cases) {
      const e = (() => {
        try {
          call();
        } catch (err) {
          return err as Error;
        }
      })();
      expect(e, String(message)).toBeInstanceOf(type);
      expect(e!.message).toMatch(message);
      expect(memoryStats().liveBytes).toBe(before);
    }
    expect(m.predict([test[0]!, null, null])).toEqual(want);
    m.dispose();
    expect(() => new MCCA().predict([test[0]!, null])).toThrow(NotFittedError);
  });
});
