// The four multivariate tests of canonical correlations (significance(…, { test: 'all' })):
// Wilks' Λ (Rao's F), Pillai's trace, the Hotelling–Lawley trace and Roy's greatest root,
// against statsmodels 0.13 (test/fixtures/cancorr-tests-reference.json, written by
// scripts/reference/cancorr_tests.py; versions in its "source"). Row 0 is statsmodels'
// CanCorr(Y, X).corr_test().stats_mv; rows k > 0 are statsmodels' multivariate_stats on the
// problem of p − k, q − k variables and n − k rows (the convention significance.ts documents).
// The correlations are our CCA's (regularization 0) on the tables the fixture stores (and on
// Linnerud from data/), so the comparison covers the fit and the formulas together; a second
// check feeds statsmodels' own correlations to significance() (the formulas alone).
//
// Tolerances: value and F relative 1e-10; df1 and df2 relative 1e-12; p: |Δp| ≤ 1e-10 and,
// for p < 1e-6, also |Δp| ≤ 1e-9·p (the fixture's smallest p is 1.6e-302; with statsmodels'
// own correlations the formulas reach 1e-10 relative there, see the second check).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init, CCA, significance, formatSignificance, ValueError, type MultivariateTest, type SignificanceRow } from '../src/index.js';
import { linnerud } from './helpers.js';

beforeAll(async () => {
  await init();
});

type Tests = Record<'wilks' | 'pillai' | 'hotellingLawley' | 'roy', MultivariateTest>;
interface Case {
  name: string;
  n: number;
  p: number;
  q: number;
  correlations: number[];
  stats_mv: Tests;
  rows: Tests[];
  X?: number[][];
  Y?: number[][];
}
const ref: { source: string; cases: Case[]; readme: { correlations: number[]; n: number; p: number; q: number; rows: Tests[] } } = JSON.parse(
  readFileSync(new URL('./fixtures/cancorr-tests-reference.json', import.meta.url), 'utf8'),
);

const data = (c: Case) => {
  if (c.X && c.Y) return { X: c.X, Y: c.Y };
  const { exercise, physiological } = linnerud();
  return { X: exercise, Y: physiological };
};

/** Row k's four tests in the fixture's layout (Wilks from the Rao columns). */
const ours = (r: SignificanceRow): Tests => ({
  wilks: { value: r.wilksLambda, F: r.raoF, df1: r.raoDf1, df2: r.raoDf2, p: r.raoPValue },
  pillai: r.pillai!,
  hotellingLawley: r.hotellingLawley!,
  roy: r.roy!,
});

const TOL = { value: 1e-10, F: 1e-10, df: 1e-12, pAbs: 1e-10, pRel: 1e-9 };

/** The largest deviations of a table's rows from the reference, per kind, and the check. */
function compare(got: SignificanceRow[], want: Tests[], worst: Record<string, number>, where: string) {
  expect(got).toHaveLength(want.length);
  want.forEach((w, k) => {
    const g = ours(got[k]!);
    for (const t of Object.keys(w) as (keyof Tests)[]) {
      const a = g[t], b = w[t], at = `${where}, row ${k}, ${t}`;
      const rel = (x: number, y: number) => Math.abs(x - y) / Math.abs(y);
      const d = { value: rel(a.value, b.value), F: rel(a.F, b.F), df: Math.max(rel(a.df1, b.df1), rel(a.df2, b.df2)) };
      const dp = Math.abs(a.p - b.p), dpRel = b.p > 0 ? dp / b.p : dp === 0 ? 0 : Infinity;
      expect(d.value, `${at}: value ${a.value} vs ${b.value}`).toBeLessThanOrEqual(TOL.value);
      expect(d.F, `${at}: F ${a.F} vs ${b.F}`).toBeLessThanOrEqual(TOL.F);
      expect(d.df, `${at}: df ${a.df1}, ${a.df2} vs ${b.df1}, ${b.df2}`).toBeLessThanOrEqual(TOL.df);
      expect(dp, `${at}: p ${a.p} vs ${b.p}`).toBeLessThanOrEqual(TOL.pAbs);
      if (b.p < 1e-6) expect(dpRel, `${at}: p ${a.p} vs ${b.p}`).toBeLessThanOrEqual(TOL.pRel);
      worst.value = Math.max(worst.value ?? 0, d.value);
      worst.F = Math.max(worst.F ?? 0, d.F);
      worst.df = Math.max(worst.df ?? 0, d.df);
      worst.pAbs = Math.max(worst.pAbs ?? 0, dp);
      if (b.p < 1e-6) worst.pRelTiny = Math.max(worst.pRelTiny ?? 0, dpRel);
    }
  });
}

describe('significance({ test: "all" }) against statsmodels 0.13', () => {
  it('the fixture is the reference script\'s', () => {
    expect(ref.source).toMatch(/^scripts\/reference\/cancorr_tests\.py: statsmodels 0\.13/);
    expect(ref.cases.map((c) => c.name)).toEqual(['p3_q5', 'p6_q2', 'p4_q4', 'strong', 'null', 'linnerud']);
  });

  it('row 0 equals CanCorr(Y, X).corr_test().stats_mv and rows k > 0 multivariate_stats on (n − k, p − k, q − k), from our CCA fit', () => {
    const worst: Record<string, number> = {};
    for (const c of ref.cases) {
      const { X, Y } = data(c);
      const cca = new CCA({ components: 1, regularization: 0 }).fit(X, Y);
      const rows = cca.significance({ test: 'all' });
      compare(rows.slice(0, 1), [c.stats_mv], worst, `${c.name} stats_mv`);
      compare(rows, c.rows, worst, c.name);
      cca.dispose();
    }
    // measured: value and F 6.3e-12 relative (p4_q4, whose ρ from our fit differ from
    // statsmodels' by 2.7e-12), df 1.4e-14, p 1.6e-13 absolute and 1.9e-10 relative below 1e-6
    // (a tiny p moves by |d ln p / d ln ρ| ≈ 10²–10³ times the error in ρ)
    expect(Object.keys(worst).sort()).toEqual(['F', 'df', 'pAbs', 'pRelTiny', 'value']);
  });

  it('the formulas alone: statsmodels\' correlations give its table to rounding', () => {
    const worst: Record<string, number> = {};
    for (const c of ref.cases) compare(significance(c.correlations, c.n, c.p, c.q, { test: 'all' }), c.rows, worst, `${c.name} (its ρ)`);
    // measured: value 3.3e-16, F 3.2e-13 (Rao's Λ^(−1/s) − 1 at ρ = 0.017), p 3.7e-12 relative below 1e-6
    expect(worst.value).toBeLessThan(1e-14);
    expect(worst.F).toBeLessThan(1e-12);
    expect(worst.pRelTiny).toBeLessThan(1e-10);
  });

  it('the README example', () => {
    const r = ref.readme;
    compare(significance(r.correlations, r.n, r.p, r.q, { test: 'all' }), r.rows, {}, 'readme');
  });
});

/** A random descending set of correlations in [0, 1). */
function randomRho(seed: number, count: number): number[] {
  let s = seed;
  const u = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  return Array.from({ length: count }, () => u() * 0.99).sort((a, b) => b - a);
}

describe('significance({ test: "all" }) properties', () => {
  const shapes = [[30, 1, 1], [40, 3, 5], [60, 6, 2], [25, 4, 4], [12, 2, 7], [9, 3, 4], [10, 3, 4], [11, 3, 4], [200, 8, 8]] as const;

  it('Pillai ≤ −ln Λ ≤ Hotelling–Lawley, θ ≤ U, V ≤ s − k; every p in [0, 1]; the statistics shrink from row to row', () => {
    let cases = 0;
    for (const [n, p, q] of shapes)
      for (let seed = 1; seed <= 20; seed++) {
        const rho = randomRho(seed * 7919 + n, Math.min(p, q));
        const rows = significance(rho, n, p, q, { test: 'all' });
        rows.forEach((r, k) => {
          const V = r.pillai!.value, U = r.hotellingLawley!.value, theta = r.roy!.value, w = -Math.log(r.wilksLambda);
          expect(V).toBeLessThanOrEqual(Math.min(p, q) - k);
          expect(V).toBeLessThanOrEqual(w * (1 + 1e-14));
          expect(w).toBeLessThanOrEqual(U * (1 + 1e-14));
          expect(theta).toBeLessThanOrEqual(U * (1 + 1e-14));
          for (const t of [r.pillai!, r.hotellingLawley!, r.roy!]) {
            expect(t.p).toBeGreaterThanOrEqual(0);
            expect(t.p).toBeLessThanOrEqual(1);
            expect(t.df1).toBeGreaterThan(0);
            expect(t.df2).toBeGreaterThan(0);
            expect(Number.isFinite(t.F)).toBe(true);
          }
          if (k > 0) {
            const prev = rows[k - 1]!;
            expect(V).toBeLessThanOrEqual(prev.pillai!.value);
            expect(U).toBeLessThanOrEqual(prev.hotellingLawley!.value);
            expect(theta).toBeLessThanOrEqual(prev.roy!.value);
            // Roy's and Pillai's error df do not change across rows (n − 1 − max(p, q) per unit of s)
            expect(r.roy!.df2).toBe(prev.roy!.df2);
          }
          cases++;
        });
      }
    expect(cases).toBeGreaterThan(500);
  });

  it('where min(p − k, q − k) = 1 the four tests are exact and give one F, df and p', () => {
    for (const [n, p, q] of shapes)
      for (let seed = 1; seed <= 5; seed++) {
        const rho = randomRho(seed * 104729 + p, Math.min(p, q));
        const rows = significance(rho, n, p, q, { test: 'all' });
        const last = rows[rows.length - 1]!;
        for (const t of [last.pillai!, last.hotellingLawley!, last.roy!]) {
          // Rao's Λ^(−1/s) − 1 cancels for small ρ: compare F absolutely below 1
          expect(Math.abs(t.F - last.raoF)).toBeLessThanOrEqual(1e-12 * Math.max(1, last.raoF));
          expect(t.df1).toBe(last.raoDf1);
          expect(Math.abs(t.df2 - last.raoDf2)).toBeLessThanOrEqual(1e-12 * last.raoDf2);
          expect(Math.abs(t.p - last.raoPValue)).toBeLessThanOrEqual(1e-12);
        }
      }
  });

  it('ρ = 1: U and θ are Infinity with p 0, V = s (F Infinity, p 0) when every correlation is 1, no NaN', () => {
    const [row0, row1] = significance([1, 0.5], 30, 2, 3, { test: 'all' });
    expect(row0!.hotellingLawley!.value).toBe(Infinity);
    expect(row0!.roy!.value).toBe(Infinity);
    for (const t of [row0!.pillai!, row0!.hotellingLawley!, row0!.roy!]) expect(Number.isNaN(t.value) || Number.isNaN(t.F) || Number.isNaN(t.p)).toBe(false);
    for (const t of [row0!.hotellingLawley!, row0!.roy!]) {
      expect(t.F).toBe(Infinity);
      expect(t.p).toBe(0);
    }
    // Pillai's V is bounded by s: one correlation of 1 among two is V = 1.25 < 2, a finite F
    expect(row0!.pillai!.value).toBe(1.25);
    expect(row0!.pillai!.p).toBeGreaterThan(0);
    expect(row0!.pillai!.p).toBeLessThan(1e-6);
    expect(row0!.raoPValue).toBe(0);
    expect(row1!.roy!.value).toBeCloseTo(1 / 3, 15);
    const [all1] = significance([1, 1], 30, 2, 3, { test: 'all' });
    expect(all1!.pillai!.value).toBe(2);
    expect(all1!.pillai!.F).toBe(Infinity);
    expect(all1!.pillai!.p).toBe(0);
    // no correlation at all: every statistic 0, every p 1
    const [none] = significance([0, 0], 30, 2, 3, { test: 'all' });
    for (const t of [none!.pillai!, none!.hotellingLawley!, none!.roy!]) {
      expect(t.value).toBe(0);
      expect(t.p).toBe(1);
    }
  });

  it('tiny p-values come from the survival function (1 − cdf would be 0 below 1e-16)', () => {
    const [row] = significance([0.6, 0.3], 400, 3, 3, { test: 'all' });
    for (const t of [row!.pillai!, row!.hotellingLawley!, row!.roy!]) {
      expect(t.p).toBeGreaterThan(0);
      expect(t.p).toBeLessThan(1e-20);
    }
  });

  it('Hotelling–Lawley at the smallest n (N = 0, 1/2, 1): Pillai–Samson at N = 0, the McKeon limit at N = 1, finite throughout', () => {
    // p = 3, q = 4: N = (n − 9)/2 at row 0
    const rho = [0.7, 0.4, 0.2];
    const U = rho.reduce((s, r) => s + (r * r) / (1 - r * r), 0);
    const [n9] = significance(rho, 9, 3, 4, { test: 'all' });
    // s = 3, m = 0, N = 0: df1 = s(2m + s + 1) = 12, df2 = 2(sN + 1) = 2, F = df2·U/(s·df1)
    expect(n9!.hotellingLawley!.df1).toBe(12);
    expect(n9!.hotellingLawley!.df2).toBe(2);
    expect(n9!.hotellingLawley!.F).toBeCloseTo((2 * U) / 36, 14);
    const [n11] = significance(rho, 11, 3, 4, { test: 'all' });
    // N = 1: B infinite, df2 = 4, c = 1, F = 4U/12
    expect(n11!.hotellingLawley!.df2).toBe(4);
    expect(n11!.hotellingLawley!.F).toBeCloseTo((4 * U) / 12, 14);
    const [n10] = significance(rho, 10, 3, 4, { test: 'all' });
    expect(n10!.hotellingLawley!.df2).toBeGreaterThan(2);
    expect(n10!.hotellingLawley!.df2).toBeLessThan(4);
  });
});

describe('significance options', () => {
  it("without options (or with test 'wilks') the rows are today's: no extra keys", () => {
    const rho = [0.6, 0.3];
    const plain = significance(rho, 100, 3, 2);
    expect(significance(rho, 100, 3, 2, { test: 'wilks' })).toEqual(plain);
    expect(significance(rho, 100, 3, 2, {})).toEqual(plain);
    expect(Object.keys(plain[0]!)).toEqual(['component', 'correlation', 'wilksLambda', 'chiSquare', 'chiSquareDf', 'chiSquarePValue', 'raoF', 'raoDf1', 'raoDf2', 'raoPValue']);
    const all = significance(rho, 100, 3, 2, { test: 'all' });
    all.forEach((r, k) => {
      const { pillai, hotellingLawley, roy, ...wilks } = r;
      expect(wilks).toEqual(plain[k]);
      expect(pillai && hotellingLawley && roy).toBeTruthy();
    });
  });

  it('formatSignificance prints every p-value below 1e-300 (0, subnormals) as "< 1e-300", the same in each p column', () => {
    const row = (p: number): SignificanceRow => ({ component: 0, correlation: 0.9, wilksLambda: 1e-3, chiSquare: 9000, chiSquareDf: 100, chiSquarePValue: p, raoF: 10, raoDf1: 100, raoDf2: 3000, raoPValue: p });
    for (const p of [0, 5e-324, 1.1e-320, 2.2e-308, 9.9e-301]) {
      const line = formatSignificance([row(p)]).split('\n')[1]!;
      expect(line.match(/< 1e-300/g), String(p)).toHaveLength(2);
      expect(line, String(p)).not.toMatch(/\.\de-3\d\d/);
    }
    expect(formatSignificance([row(1e-300)]).split('\n')[1]).toContain('1.0e-300');
    expect(formatSignificance([row(2.5e-233)]).split('\n')[1]).toContain('2.5e-233');
    expect(formatSignificance([row(0.5)], [0]).split('\n')[1]).toMatch(/< 1e-300$/);
  });

  it('unknown keys and bad values are ValueErrors naming options.test (or the key)', () => {
    expect(() => significance([0.5], 50, 2, 3, { test: 'pillai' as never })).toThrow(ValueError);
    expect(() => significance([0.5], 50, 2, 3, { test: 'pillai' as never })).toThrow(/^options\.test: expected 'wilks' or 'all', got "pillai"$/);
    expect(() => significance([0.5], 50, 2, 3, { test: null as never })).toThrow(/^options\.test: /);
    expect(() => significance([0.5], 50, 2, 3, { tests: 'all' } as never)).toThrow(/^options\.tests: expected a known option \(did you mean "test"\?/);
    expect(() => significance([0.5], 50, 2, 3, 'all' as never)).toThrow(/^options: expected an options object/);
  });

  it('CCA.significance passes the options through; formatSignificance adds the columns only for them', () => {
    const { exercise, physiological } = linnerud();
    const cca = new CCA({ components: 2 }).fit(exercise, physiological);
    const plain = cca.significance(), all = cca.significance({ test: 'all' });
    expect(all).toEqual(significance(cca.allCorrelations, 20, 3, 3, { test: 'all' }));
    expect(formatSignificance(plain)).toBe(formatSignificance(all.map(({ pillai, hotellingLawley, roy, ...w }) => w)));
    const text = formatSignificance(all, [0.01, 0.5, 0.9]).split('\n');
    expect(text[0]).toMatch(/p\(F\)\s+Pillai V\s+p\(V\)\s+H–L U\s+p\(U\)\s+Roy θ\s+p\(θ\)\s+p\(perm\)$/);
    expect(text[1]).toContain(all[0]!.pillai!.value.toFixed(4));
    expect(text[1]).toMatch(/0\.0100$/);
    expect(() => cca.significance({ test: 'roy' } as never)).toThrow(/^options\.test: /);
    cca.dispose();
  });
});
