// Cross-validated ridge (issue 15): CCA.crossValidate and MCCA.crossValidate against the
// brute-force route (fit on the other folds' rows, score on the fold's rows), the digits
// figure of the issue, regularization 'cv' inside fit, files, errors and memory.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats, CCA, MCCA, FormatError, NotFittedError, ShapeError, SingularMatrixError, ValueError } from '../src/index.js';
import { digits, randn } from './helpers.js';

beforeAll(async () => {
  await init();
});

const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);
const pick = <T>(rows: T[], idx: number[]) => idx.map((i) => rows[i]!);

/** Each fold's held-out sum of correlations the brute-force way: fit on the other folds' rows, score on the fold's. */
function bruteForce(fold: Uint32Array, folds: number, fitScore: (train: number[], held: number[]) => number): Float64Array {
  const out = new Float64Array(folds);
  for (let f = 0; f < folds; f++) {
    const train: number[] = [], held: number[] = [];
    fold.forEach((g, i) => (g === f ? held : train).push(i));
    out[f] = fitScore(train, held);
  }
  return out;
}

/** Correlated views: Y's first columns are noisy copies of X's. */
function views(n: number, p: number, q: number, seed: number) {
  const X = randn(n, p, seed), N = randn(n, q, seed + 1);
  const Y = N.map((r, i) => r.map((v, j) => (j < p ? 0.6 * X[i]![j]! + v : v)));
  return { X, Y };
}

describe('CCA.crossValidate', () => {
  it('every fold score equals fitting on the other folds and scoring the fold (ridges, pairs, scale)', () => {
    const { X, Y } = views(123, 6, 5, 11);
    for (const scale of [false, true]) {
      const grid = [1e-3, 0.1, [0.01, 1] as [number, number], 3];
      const r = CCA.crossValidate(X, Y, { regularization: grid, folds: 4, components: 3, seed: 9, scale });
      expect(r.folds).toBe(4);
      expect(r.table.map((t) => t.regularization)).toEqual(grid);
      grid.forEach((g, i) => {
        const want = bruteForce(r.foldOfRow, 4, (tr, he) => {
          const m = new CCA({ components: 3, regularization: g, scale }).fit(pick(X, tr), pick(Y, tr));
          try {
            return sum(m.score(pick(X, he), pick(Y, he)));
          } finally {
            m.dispose();
          }
        });
        for (let f = 0; f < 4; f++) expect(r.table[i]!.foldScores[f]).toBeCloseTo(want[f]!, 9);
        expect(r.table[i]!.score).toBeCloseTo(sum(want) / 4, 9);
      });
      const best = r.table.reduce((b, t) => (t.score > b.score ? t : b));
      expect(r.best).toEqual({ regularization: best.regularization, score: best.score });
    }
  });

  it('folds: balanced, seeded, every row once', () => {
    const { X, Y } = views(103, 3, 3, 1);
    const a = CCA.crossValidate(X, Y, { regularization: [0.1], folds: 5, seed: 3 });
    const b = CCA.crossValidate(X, Y, { regularization: [0.1], folds: 5, seed: 3 });
    const c = CCA.crossValidate(X, Y, { regularization: [0.1], folds: 5, seed: 4 });
    expect(Array.from(a.foldOfRow)).toEqual(Array.from(b.foldOfRow));
    expect(Array.from(a.foldOfRow)).not.toEqual(Array.from(c.foldOfRow));
    const sizes = [0, 0, 0, 0, 0];
    for (const f of a.foldOfRow) sizes[f]!++;
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(sum(sizes)).toBe(103);
    expect(a.table[0]!.score).toBe(b.table[0]!.score);
  });

  it("digits: the ridge picked from 1e-6 … 1e0 gives a held-out sum of the 10 correlations ≥ 5.52 (1e-4 gives 5.53); 'cv' inside fit does the same", () => {
    const [tx, hx, ty, hy] = [digits.left.slice(0, 1500), digits.left.slice(1500), digits.right.slice(0, 1500), digits.right.slice(1500)];
    const grid = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1];
    const t0 = performance.now();
    const r = CCA.crossValidate(tx, ty, { regularization: grid, folds: 5, components: 10 });
    const ms = performance.now() - t0;
    const ridge = r.best.regularization as number;
    const cca = new CCA({ components: 10, regularization: ridge }).fit(tx, ty);
    const held = sum(cca.score(hx, hy));
    const at1e4 = sum(new CCA({ components: 10, regularization: 1e-4 }).fit(tx, ty).score(hx, hy));
    console.log(`[crossval] digits 5 folds × ${grid.length} ridges: ${ms.toFixed(0)} ms; picked ${ridge} (cv score ${r.best.score.toFixed(3)}), held-out sum ${held.toFixed(4)} (1e-4: ${at1e4.toFixed(4)})`);
    expect(held).toBeGreaterThanOrEqual(5.52);
    expect(at1e4).toBeCloseTo(5.53, 2);
    const cv = new CCA({ components: 10, regularization: 'cv', crossValidation: { regularization: grid } }).fit(tx, ty);
    expect(cv.appliedRegularization).toEqual([ridge, ridge]);
    expect(cv.crossValidationResult!.best).toEqual(r.best);
    // the fit's statistics are the folds' merged: equal to one pass to rounding
    const s = cv.score(hx, hy);
    cca.score(hx, hy).forEach((v, i) => expect(s[i]).toBeCloseTo(v, 10));
    // the default grid ('auto': relative to each view's variance) also clears the bar
    const auto = new CCA({ components: 10, regularization: 'cv' }).fit(tx, ty);
    const autoHeld = sum(auto.score(hx, hy));
    console.log(`[crossval] digits 'auto' grid: picked [${auto.appliedRegularization!.map((v) => v.toExponential(2)).join(', ')}], held-out sum ${autoHeld.toFixed(4)}`);
    expect(autoHeld).toBeGreaterThanOrEqual(5.52);
    for (const m of [cca, cv, auto]) m.dispose();
  });

  it("'auto' is relative to each view's variance: rescaling a view changes no score", () => {
    const { X, Y } = views(150, 4, 4, 21);
    const a = CCA.crossValidate(X, Y, { folds: 3 });
    const b = CCA.crossValidate(X.map((r) => r.map((v) => v * 1000)), Y.map((r) => r.map((v) => v / 100)), { folds: 3 });
    expect(a.table).toHaveLength(13);
    a.table.forEach((t, i) => expect(b.table[i]!.score).toBeCloseTo(t.score, 8));
    const [ax, ay] = a.best.regularization as [number, number], [bx, by] = b.best.regularization as [number, number];
    expect(bx / ax).toBeCloseTo(1e6, 0);
    expect(by / ay).toBeCloseTo(1e-4, 10);
  });

  it('a ridge that leaves a fold singular scores NaN; all singular is a SingularMatrixError', () => {
    const { X, Y } = views(60, 3, 3, 5);
    const Xc = X.map((r) => [...r, r[0]! + r[1]!]); // collinear column
    const r = CCA.crossValidate(Xc, Y, { regularization: [0, 0.1], folds: 3 });
    expect(r.table[0]!.score).toBeNaN();
    expect(r.best.regularization).toBe(0.1);
    expect(() => CCA.crossValidate(Xc, Y, { regularization: [0], folds: 3 })).toThrow(SingularMatrixError);
  });

  it('bad input: typed errors naming the argument; no memory left behind', () => {
    const { X, Y } = views(40, 3, 2, 2);
    const before = memoryStats().liveBytes;
    const bad: [() => unknown, unknown, RegExp][] = [
      [() => CCA.crossValidate(X, Y, { folds: 1 }), ValueError, /options\.folds/],
      [() => CCA.crossValidate(X, Y, { folds: 21 }), ShapeError, /42 rows for 21 folds/],
      [() => CCA.crossValidate(X, Y, { regularization: [] }), ValueError, /options\.regularization/],
      [() => CCA.crossValidate(X, Y, { regularization: [0.1, -1] }), ValueError, /options\.regularization\[1\]/],
      [() => CCA.crossValidate(X, Y, { regularization: [[0.1, 0.2, 0.3]] as never }), ValueError, /options\.regularization\[0\]/],
      [() => CCA.crossValidate(X, Y, { components: 3 }), ValueError, /options\.components/],
      [() => CCA.crossValidate(X, Y, { fold: 3 } as never), ValueError, /did you mean "folds"/],
      [() => CCA.crossValidate(X, Y.slice(1)), ShapeError, /Y: expected 40 rows/],
      [() => CCA.crossValidate(X, Y, { seed: -1 }), ValueError, /options\.seed/],
      [() => new CCA({ crossValidation: { folds: 3 } }), ValueError, /options\.crossValidation/],
      [() => new CCA({ regularization: 'cv', crossValidation: { folds: 0 } }), ValueError, /options\.crossValidation\.folds/],
      [() => new CCA({ regularization: 'cv', crossValidation: { grid: [1] } as never }), ValueError, /crossValidation/],
    ];
    for (const [call, type, message] of bad) {
      expect(call).toThrow(type as never);
      expect(call).toThrow(message);
    }
    expect(memoryStats().liveBytes).toBe(before);
    const r = CCA.crossValidate(X, Y, { folds: 4 });
    expect(r.table.every((t) => Number.isFinite(t.score))).toBe(true);
    expect(memoryStats().liveBytes).toBe(before);
  });

  it("regularization 'cv': files keep the choice; streaming and permutation tests are refused with a reason; a failed fit keeps the earlier one", () => {
    const { X, Y } = views(90, 4, 3, 8);
    const m = new CCA({ components: 2, regularization: 'cv', crossValidation: { regularization: [1e-3, [0.1, 0.01], 1], folds: 3, seed: 2 } });
    expect(() => m.appliedRegularization).toThrow(NotFittedError);
    m.fit(X, Y);
    const chosen = m.appliedRegularization!;
    const ref = new CCA({ components: 2, regularization: chosen }).fit(X, Y);
    m.correlations.forEach((c, i) => expect(c).toBeCloseTo(ref.correlations[i]!, 12));
    const json = JSON.parse(JSON.stringify(m));
    const back = CCA.fromJSON(json);
    expect(back.appliedRegularization).toEqual(chosen);
    expect(back.crossValidationResult).toBeNull();
    expect(back.crossValidation).toEqual(m.crossValidation);
    expect(Array.from(back.transform(X, Y)[0].data)).toEqual(Array.from(m.transform(X, Y)[0].data));
    expect(() => CCA.fromJSON({ ...json, selected: [chosen[0] * 2, chosen[1]] })).toThrow(FormatError);
    expect(() => CCA.fromJSON({ ...json, crossValidation: { ...json.crossValidation, folds: 4 } })).toThrow(FormatError);
    expect(() => CCA.fromJSON({ ...json, selected: undefined })).toThrow(/selected/);
    expect(() => m.partialFit(X, Y)).toThrow(/regularization: expected a ridge or 'auto' for partialFit/);
    expect(() => m.merge(new CCA().fit(X, Y))).toThrow(ValueError);
    expect(() => m.permutationTest(X, Y, { permutations: 9 })).toThrow(/appliedRegularization/);
    expect(() => m.fit(X.slice(0, 5), Y.slice(0, 5))).toThrow(ShapeError);
    expect(m.appliedRegularization).toEqual(chosen);
    expect(new CCA({ regularization: [0.1, 0.2] }).fit(X, Y).appliedRegularization).toEqual([0.1, 0.2]);
    expect(new CCA({ regularization: 'auto' }).fit(X, Y).appliedRegularization).toBeNull();
    for (const c of [m, ref, back]) c.dispose();
  });

  it("fold statistics that overflow in one view only: an OverflowError naming X, Y, and nothing left allocated (the fuzz's 'cv' fit of 109×3 against 109×246 values up to 2e300 leaked X's eigenvectors)", () => {
    const X = randn(109, 3, 31), Y = randn(109, 6, 32).map((r, i) => r.map((v) => v * (i % 7 === 0 ? 2e300 : 1)));
    const before = memoryStats().liveBytes;
    const m = new CCA({ components: 2, regularization: 'cv' });
    expect(() => m.fit(X, Y)).toThrow(/X, Y: expected values small enough for the fold statistics to stay within the floating-point range/);
    expect(() => CCA.crossValidate(X, Y, { folds: 3, regularization: [1, [1, 10]] })).toThrow(/fold statistics/);
    expect(memoryStats().liveBytes).toBe(before);
    m.dispose();
  });
});

describe('MCCA.crossValidate', () => {
  const quad = (half: number, side: 'left' | 'right') => digits[side].slice(0, 600).map((r) => r.slice(half * 16, half * 16 + 16));
  const V = [quad(0, 'left'), quad(0, 'right'), quad(1, 'left'), quad(1, 'right')];

  it('every fold score equals fitting MCCA on the other folds and scoring the fold (one ridge and one per view)', () => {
    const grid = [1e-4, 1e-2, [1e-3, 1e-2, 1e-3, 1e-1]];
    const r = MCCA.crossValidate(V, { regularization: grid, folds: 3, components: 2, seed: 1 });
    grid.forEach((g, i) => {
      const want = bruteForce(r.foldOfRow, 3, (tr, he) => {
        const m = new MCCA({ components: 2, regularization: g }).fit(V.map((v) => pick(v, tr)));
        try {
          return sum(m.score(V.map((v) => pick(v, he))));
        } finally {
          m.dispose();
        }
      });
      for (let f = 0; f < 3; f++) expect(r.table[i]!.foldScores[f]).toBeCloseTo(want[f]!, 9);
    });
    const auto = MCCA.crossValidate(V, { folds: 3 });
    expect(auto.table).toHaveLength(13);
    expect((auto.best.regularization as number[]).length).toBe(4);
  });

  it('bad input names the argument', () => {
    const before = memoryStats().liveBytes;
    expect(() => MCCA.crossValidate(V, { regularization: [[1, 2]] })).toThrow(/options\.regularization\[0\]: expected a ridge r ≥ 0 or one per view \(4\)/);
    expect(() => MCCA.crossValidate([V[0]!], {})).toThrow(/views: expected two or more views/);
    expect(() => MCCA.crossValidate([V[0]!, V[1]!.slice(1)], {})).toThrow(/views\[1\]: expected 600 rows/);
    expect(() => MCCA.crossValidate(V, { components: 17 })).toThrow(/options\.components/);
    expect(memoryStats().liveBytes).toBe(before);
  });
});
