// Models from statistics computed elsewhere (issue 16): CCA.fromMoments, MCCA.fromMoments and
// GCCA.fromMoments against fits on the rows, with the moments computed here in plain JS (two
// passes, not our co-moments); merging, streaming and files afterwards; every refused input.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats, CCA, GCCA, MCCA, FormatError, NonFiniteError, ShapeError, ValueError } from '../src/index.js';
import { randn } from './helpers.js';

beforeAll(async () => {
  await init();
});

const mean = (A: number[][]) => A[0]!.map((_, j) => A.reduce((t, r) => t + r[j]!, 0) / A.length);
/** The sample covariance (n − 1) of the columns of A with those of B, two passes. */
function cov(A: number[][], B: number[][]): number[][] {
  const ma = mean(A), mb = mean(B);
  return ma.map((_, i) => mb.map((_, j) => A.reduce((t, r, k) => t + (r[i]! - ma[i]!) * (B[k]![j]! - mb[j]!), 0) / (A.length - 1)));
}
const moments = (X: number[][], Y: number[][]) => ({ n: X.length, xMeans: mean(X), yMeans: mean(Y), xx: cov(X, X), yy: cov(Y, Y), xy: cov(X, Y) });

function data(n: number, seed: number) {
  const X = randn(n, 4, seed), N = randn(n, 3, seed + 1);
  const Y = N.map((r, i) => [X[i]![0]! + 0.5 * r[0]!, X[i]![1]! - X[i]![2]! + r[1]!, r[2]! + 3]);
  return { X, Y };
}

const closeArrays = (a: ArrayLike<number>, b: ArrayLike<number>, digits: number) => Array.from(a).forEach((v, i) => expect(v).toBeCloseTo(b[i]!, digits));

describe('CCA.fromMoments', () => {
  it('equals the fit on the rows, in either shape, and is a normal model (transform, score, significance)', () => {
    const { X, Y } = data(400, 3);
    for (const options of [{ components: 3 }, { components: 2, regularization: [0.1, 0.01] as [number, number] }, { components: 2, regularization: 0.05, scale: true }]) {
      const rows = new CCA(options).fit(X, Y);
      const m = moments(X, Y);
      const a = CCA.fromMoments(m, options);
      const joint = [...m.xx.map((r, i) => [...r, ...m.xy[i]!]), ...m.yy.map((r, j) => [...m.xy.map((x) => x[j]!), ...r])];
      const b = CCA.fromMoments({ n: BigInt(400) as never, means: [m.xMeans, m.yMeans], covariance: joint }, options);
      for (const f of [a, b]) {
        closeArrays(f.allCorrelations, rows.allCorrelations, 12);
        closeArrays(f.transform(X, Y)[1].data, rows.transform(X, Y)[1].data, 9);
        closeArrays(f.score(X.slice(0, 50), Y.slice(0, 50)), rows.score(X.slice(0, 50), Y.slice(0, 50)), 10);
        expect(f.nSamples).toBe(400);
        expect(f.significance()[0]!.chiSquare).toBeCloseTo(rows.significance()[0]!.chiSquare, 8);
        f.dispose();
      }
      rows.dispose();
    }
  });

  it('merges with other moment sets and with fits on rows; takes more rows; files keep the statistics', () => {
    const { X, Y } = data(600, 7);
    const whole = new CCA({ components: 2 }).fit(X, Y);
    const a = CCA.fromMoments(moments(X.slice(0, 250), Y.slice(0, 250)), { components: 2 });
    const b = CCA.fromMoments(moments(X.slice(250, 251 + 1), Y.slice(250, 251 + 1)), { components: 2 }); // 2 rows
    const c = new CCA({ components: 2 }).fit(X.slice(252, 500), Y.slice(252, 500));
    a.merge(b).merge(c).partialFit(X.slice(500), Y.slice(500));
    closeArrays(a.allCorrelations, whole.allCorrelations, 10);
    const file = JSON.parse(JSON.stringify(a.toJSON({ statistics: true })));
    expect(file.statistics.Q).toBeNull();
    expect(file.statistics.without).toBe('moments');
    const back = CCA.fromJSON(file);
    closeArrays(back.correlations, whole.correlations, 10);
    back.partialFit(X.slice(0, 10), Y.slice(0, 10));
    expect(back.nSamples).toBe(610);
    // the fourth-order sums stay unknown through merges: 'auto' says so instead of guessing
    const lw = new CCA({ components: 2, regularization: 'auto' }).fit(X, Y);
    expect(() => lw.merge(b)).toThrow(/fromMoments, which carry no fourth-order sums/);
    expect(() => CCA.fromJSON({ ...file, statistics: { ...file.statistics, Q: file.statistics.Mxy } })).toThrow(FormatError);
    for (const m of [whole, a, b, c, back, lw]) m.dispose();
  });

  it('refuses what no set of rows could give, naming the argument; nothing leaks', () => {
    const { X, Y } = data(50, 1);
    const good = moments(X, Y);
    const before = memoryStats().liveBytes;
    const xx = good.xx.map((r) => r.slice());
    xx[0]![1] = xx[0]![1]! + 0.5;
    const notPsd = good.xy.map((r) => r.map((v) => v * 10));
    const nan = good.yy.map((r) => r.slice());
    nan[1]![1] = NaN;
    const bad: [unknown, unknown, RegExp][] = [
      [{ ...good, xx }, ValueError, /^moments\.xx: expected a symmetric matrix, got .*\[1\]\[0\]/],
      [{ ...good, xy: notPsd }, ValueError, /^moments: expected a positive semi-definite joint covariance/],
      [{ ...good, n: 1 }, ValueError, /^moments\.n: expected an integer row count ≥ 2/],
      [{ ...good, n: '50' }, ValueError, /moments\.n/],
      [{ ...good, xy: good.xy.slice(1) }, ShapeError, /^moments\.xy: expected 4×3, got 3×3/],
      [{ ...good, yMeans: [] }, ShapeError, /moments\.yMeans/],
      [{ ...good, yy: nan }, NonFiniteError, /moments\.yy/],
      [{ ...good, xMeans: [0, 1, NaN, 2] }, ValueError, /moments\.xMeans\[2\]/],
      [{ ...good, Xmeans: [1] }, ValueError, /moments\.Xmeans/],
      [{ n: 50, means: [good.xMeans, good.yMeans] }, ValueError, /exactly one of covariance/],
      [{ n: 50, means: [good.xMeans, good.yMeans, good.yMeans], covariance: [[1]] }, ShapeError, /moments\.covariance: expected 10×10/],
      [null, ValueError, /^moments: expected/],
    ];
    for (const [m, type, message] of bad) {
      expect(() => CCA.fromMoments(m as never, { components: 2 })).toThrow(type as never);
      expect(() => CCA.fromMoments(m as never, { components: 2 })).toThrow(message);
    }
    expect(() => CCA.fromMoments(good, { components: 4 })).toThrow(/options\.components/);
    expect(() => CCA.fromMoments(good, { regularization: 'auto' })).toThrow(/options\.regularization: .*n, means and covariances do not carry/);
    expect(() => CCA.fromMoments(good, { regularization: 'cv' })).toThrow(/options\.regularization/);
    expect(() => CCA.fromMoments({ n: 50, means: [good.xMeans, good.yMeans, good.xMeans], covariance: Array.from({ length: 11 }, (_, i) => Array.from({ length: 11 }, (_, j) => (i === j ? 1 : 0))) })).toThrow(/two views/);
    expect(() => CCA.fromMoments(good, { componets: 1 } as never)).toThrow(/did you mean "components"/);
    expect(memoryStats().liveBytes).toBe(before);
  });
});

describe('MCCA.fromMoments and GCCA.fromMoments', () => {
  it('equal the fits on the rows, from blocks (upper only, or both) and from the joint covariance', () => {
    const { X, Y } = data(300, 11);
    const Z = X.map((r, i) => [r[0]! - Y[i]![1]!, r[3]!]);
    const V = [X, Y, Z];
    const upper = V.map((A, i) => V.map((B, j) => (j >= i ? cov(A, B) : null)));
    const full = V.map((A) => V.map((B) => cov(A, B)));
    const joint = V.flatMap((A) => A[0]!.map((_, a) => V.flatMap((B) => cov(A, B)[a]!)));
    for (const [Model, name] of [[MCCA, 'MCCA'], [GCCA, 'GCCA']] as const) {
      const rows = new Model({ components: 2, regularization: [1e-3, 1e-2, 1e-3] }).fit(V);
      for (const m of [{ n: 300, means: V.map(mean), blocks: upper }, { n: 300, means: V.map(mean), blocks: full }, { n: 300, means: V.map(mean), covariance: joint }]) {
        const f = Model.fromMoments(m, { components: 2, regularization: [1e-3, 1e-2, 1e-3] });
        // a model of the class asked for, writing that class's file
        expect(f, `${name}.fromMoments`).toBeInstanceOf(Model);
        expect(f.toJSON().format).toBe(`crossmodal.${name}`);
        closeArrays(f.eigenvalues, rows.eigenvalues, 11);
        const [a] = f.transform([X, null, null]), [b] = rows.transform([X, null, null]);
        closeArrays(a.data, b.data, 8);
        f.dispose();
      }
      rows.dispose();
    }
    const wrong = full.map((r) => r.slice());
    wrong[1]![0] = cov(Y, X).map((r) => r.map((v) => v + 1));
    expect(() => MCCA.fromMoments({ n: 300, means: V.map(mean), blocks: wrong })).toThrow(/moments\.blocks\[1\]\[0\]: expected the transpose of blocks\[0\]\[1\]/);
    expect(() => MCCA.fromMoments({ n: 300, means: V.map(mean), blocks: upper }, { components: 3 })).toThrow(/options\.components/);
  });
});
