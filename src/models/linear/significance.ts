/**
 * Sequential significance tests of canonical correlations: for each k, H0 is that ρ_k and
 * every later correlation are zero. Wilks' Λ_k = Π_{i≥k}(1 − ρ_i²) with
 *  - Bartlett's chi-square: χ² = −(n − 1 − (p + q + 1)/2)·ln Λ_k, df = (p − k)(q − k);
 *  - Rao's F: with p' = p − k, q' = q − k, m = n − 3/2 − (p + q)/2,
 *    s = √((p'²q'² − 4)/(p'² + q'² − 5)) (1 when the denominator is ≤ 0),
 *    df1 = p'q', df2 = m·s − p'q'/2 + 1, F = (Λ^(−1/s) − 1)·df2/df1
 *    (as R's CCP::p.asym and candisc::Wilks compute it).
 * k counts from 0 here. Both approximations need more rows than p + q + 1 (below that the
 * chi-square factor is ≤ 0 and F has no denominator degrees of freedom): fewer is a
 * ShapeError, never a negative chi-square.
 *
 * With `{ test: 'all' }` each row also has Pillai's trace, the Hotelling–Lawley trace and
 * Roy's greatest root (traceTests below), whose row 0 is statsmodels' CanCorr.corr_test().stats_mv.
 */
import { chiSquareSf, fSf } from '../../stats/distributions.js';
import { ShapeError, ValueError, describe } from '../../errors.js';
import { checkOptions } from '../../options.js';

/** One multivariate test of a row: the statistic, its F approximation and the F's p-value. */
export interface MultivariateTest {
  /** the statistic (Pillai's V, Hotelling–Lawley's U, Roy's θ) */
  value: number;
  F: number;
  df1: number;
  df2: number;
  /** P(F(df1, df2) > F) */
  p: number;
}

/** Options of significance: which tests each row carries. */
export interface SignificanceOptions {
  /** 'wilks' (default): Wilks' Λ with Bartlett's chi-square and Rao's F; 'all': also Pillai, Hotelling–Lawley and Roy */
  test?: 'wilks' | 'all';
}

/** One row of significance(): the tests of H0 "ρ_k and every later correlation are zero". */
export interface SignificanceRow {
  /** component index (0-based): H0 is ρ_k = ρ_k+1 = … = 0 */
  component: number;
  /** ρ_k */
  correlation: number;
  /** Wilks' Λ_k = Π_{i≥k}(1 − ρ_i²) */
  wilksLambda: number;
  /** Bartlett's chi-square */
  chiSquare: number;
  /** its degrees of freedom (p − k)(q − k) */
  chiSquareDf: number;
  /** P(χ²(df) > chiSquare) */
  chiSquarePValue: number;
  /** Rao's F */
  raoF: number;
  /** its numerator degrees of freedom */
  raoDf1: number;
  /** its denominator degrees of freedom */
  raoDf2: number;
  /** P(F(df1, df2) > raoF) */
  raoPValue: number;
  /** Pillai's trace V = Σ_{i≥k} ρ_i² (with { test: 'all' }) */
  pillai?: MultivariateTest;
  /** the Hotelling–Lawley trace U = Σ_{i≥k} ρ_i²/(1 − ρ_i²) (with { test: 'all' }) */
  hotellingLawley?: MultivariateTest;
  /** Roy's greatest root θ = ρ_k²/(1 − ρ_k²); its F is an upper bound, its p a lower bound (with { test: 'all' }) */
  roy?: MultivariateTest;
}

/** A row of significance({ test: 'all' }): the four tests all present. */
export type SignificanceRowAll = SignificanceRow & Required<Pick<SignificanceRow, 'pillai' | 'hotellingLawley' | 'roy'>>;

/**
 * The sequential tests of canonical correlations rho (descending) from n rows of a p- and a
 * q-column view: one row per correlation, k = 0, 1, …, each testing H0 "ρ_k and every later
 * one are zero" by Wilks' Λ (Bartlett's chi-square and Rao's F), and with `{ test: 'all' }`
 * Pillai's, Hotelling–Lawley's and Roy's too. A ShapeError when n ≤ p + q + 1; a ValueError
 * for a correlation outside [0, 1].
 *
 * @example
 * ```ts
 * const rows = significance([0.6, 0.3], 100, 3, 2);
 * console.log(rows[0].raoPValue, rows[1].chiSquarePValue);
 * console.log(formatSignificance(rows));
 * ```
 */
export function significance(rho: ArrayLike<number>, n: number, p: number, q: number, options: { test: 'all' }): SignificanceRowAll[];
export function significance(rho: ArrayLike<number>, n: number, p: number, q: number, options?: SignificanceOptions): SignificanceRow[];
export function significance(rho: ArrayLike<number>, n: number, p: number, q: number, options?: SignificanceOptions): SignificanceRow[] {
  const { test = 'wilks' } = checkOptions(options, ['test']);
  if (test !== 'wilks' && test !== 'all') throw new ValueError('options.test', "'wilks' or 'all'", test);
  for (const [name, v] of [['n', n], ['p', p], ['q', q]] as const) if (!Number.isInteger(v) || v < 1) throw new ValueError(name, 'a positive integer', v);
  if (rho === null || rho === undefined || typeof rho === 'string' || typeof rho.length !== 'number') throw new ShapeError('rho', 'an array of canonical correlations', describe(rho));
  if (rho.length > Math.min(p, q)) throw new ShapeError('rho', `at most min(p, q) = ${Math.min(p, q)} correlations`, `${rho.length}`);
  for (let i = 0; i < rho.length; i++) {
    const r = rho[i];
    // a correlation of exactly 1 is allowed: Wilks' Λ is 0, the chi-square infinite, its p-value 0
    if (typeof r !== 'number' || !(r >= 0 && r <= 1)) throw new ValueError(`rho[${i}]`, 'a canonical correlation in [0, 1]', r);
  }
  if (!(n > p + q + 1))
    throw new ShapeError('the data', `more than p + q + 1 = ${p + q + 1} rows for the significance tests (Bartlett's chi-square and Rao's F are undefined with fewer)`, `${n} rows`);
  const K = rho.length;
  const rows: SignificanceRow[] = [];
  const m = n - 1.5 - (p + q) / 2;
  const bartlett = n - 1 - (p + q + 1) / 2;
  for (let k = 0; k < K; k++) {
    let lambda = 1;
    for (let i = k; i < K; i++) lambda *= 1 - rho[i]! * rho[i]!;
    const pk = p - k, qk = q - k;
    const df = pk * qk;
    const chi = -bartlett * Math.log(lambda);
    const den = pk * pk + qk * qk - 5;
    const s = den > 0 ? Math.sqrt((pk * pk * qk * qk - 4) / den) : 1;
    const df2 = m * s - df / 2 + 1;
    const F = ((Math.pow(lambda, -1 / s) - 1) * df2) / df;
    rows.push({
      component: k,
      correlation: rho[k]!,
      wilksLambda: lambda,
      chiSquare: chi,
      chiSquareDf: df,
      chiSquarePValue: chiSquareSf(chi, df),
      raoF: F,
      raoDf1: df,
      raoDf2: df2,
      raoPValue: df2 > 0 ? fSf(F, df, df2) : NaN,
      ...(test === 'all' ? traceTests(rho, k, n, p, q) : {}),
    });
  }
  return rows;
}

const fTest = (value: number, F: number, df1: number, df2: number): MultivariateTest => ({ value, F, df1, df2, p: fSf(F, df1, df2) });

/**
 * Pillai's trace, the Hotelling–Lawley trace and Roy's greatest root for row k, with the F
 * approximations statsmodels (multivariate_stats, after SAS) uses. Row k is the problem of
 * a = p − k and b = q − k variables and n − k rows, the remaining correlations ρ_k, ρ_k+1, …
 * its canonical correlations. That is the convention of the Wilks rows above: Bartlett's
 * n − 1 − (p + q + 1)/2 and Rao's n − 3/2 − (p + q)/2 do not change under
 * (n, p, q) → (n − k, p − k, q − k). Row 0 is statsmodels' CanCorr(Y, X).corr_test().stats_mv.
 * With s = min(a, b), m = (|a − b| − 1)/2, N = (n − k − a − b − 2)/2 (statsmodels' n):
 *  - Pillai: V = Σ ρ_i², F = (2N + s + 1)/(2m + s + 1) · V/(s − V), df1 = s(2m + s + 1) = ab,
 *    df2 = s(2N + s + 1) = s(n − 1 − max(p, q));
 *  - Hotelling–Lawley: U = Σ ρ_i²/(1 − ρ_i²). For N > 0 McKeon's (1974) F: B = (a + 2N)(b + 2N)
 *    / (2(2N + 1)(N − 1)), df1 = ab, df2 = 4 + (ab + 2)/(B − 1), c = (df2 − 2)/(2N),
 *    F = U/c · df2/df1 (at N = 1, B is infinite: df2 = 4, c = 1, the limit; statsmodels divides
 *    by zero there). For N = 0 (only at k = 0 with n = p + q + 2) Pillai and Samson's F:
 *    df1 = s(2m + s + 1), df2 = 2(sN + 1), F = df2·U/(s·df1), as SAS and R's anova.mlm
 *    (statsmodels 0.13 writes df2 = s(sN + 1), not the same unless s = 2);
 *  - Roy: θ = ρ_k²/(1 − ρ_k²), F = θ·(n − 1 − max(p, q))/max(a, b), df1 = max(a, b),
 *    df2 = n − 1 − max(p, q): an upper bound on F, so its p-value is a lower bound.
 * ρ_k = 1 (correlations descending) makes U and θ Infinity, their F Infinity and p 0; Pillai's
 * V reaches s (F Infinity, p 0) only when every remaining correlation is 1. Where
 * min(a, b) = 1 (the last row of a full table) the four tests are exact and give the same F.
 */
function traceTests(rho: ArrayLike<number>, k: number, n: number, p: number, q: number): Pick<SignificanceRow, 'pillai' | 'hotellingLawley' | 'roy'> {
  const a = p - k, b = q - k, s = Math.min(a, b);
  const m = (Math.abs(a - b) - 1) / 2, N = (n - k - a - b - 2) / 2;
  let V = 0, U = 0;
  for (let i = k; i < rho.length; i++) {
    const r = rho[i]!;
    V += r * r;
    U += (r * r) / ((1 - r) * (1 + r)); // 1/0 = Infinity at ρ = 1
  }
  const rk = rho[k]!;
  const theta = (rk * rk) / ((1 - rk) * (1 + rk));

  const pDf1 = s * (2 * m + s + 1), pDf2 = s * (2 * N + s + 1);
  const pillai = fTest(V, ((2 * N + s + 1) / (2 * m + s + 1)) * (V / (s - V)), pDf1, pDf2);

  let hotellingLawley: MultivariateTest;
  if (N > 0) {
    const B = ((a + 2 * N) * (b + 2 * N)) / (2 * (2 * N + 1) * (N - 1));
    const df1 = a * b, df2 = 4 + (a * b + 2) / (B - 1), c = (df2 - 2) / (2 * N);
    hotellingLawley = fTest(U, (U / c) * (df2 / df1), df1, df2);
  } else {
    const df1 = s * (2 * m + s + 1), df2 = 2 * (s * N + 1);
    hotellingLawley = fTest(U, (df2 * U) / (s * df1), df1, df2);
  }

  const big = Math.max(a, b), rDf2 = n - k - 1 - big;
  const roy = fTest(theta, (rDf2 / big) * theta, big, rDf2);
  return { pillai, hotellingLawley, roy };
}

/**
 * The table as aligned text (what the demo prints); with `permutationPValues` (e.g.
 * cca.permutationTest(X, Y).pValues) a last column p(perm) beside the asymptotic p-values.
 * Rows from `{ test: 'all' }` add the statistic and p-value of Pillai's trace (V), the
 * Hotelling–Lawley trace (U) and Roy's greatest root (θ) before p(perm).
 *
 * @example
 * ```ts
 * const cca = new CCA({ components: 2 }).fit(X, Y);
 * console.log(formatSignificance(cca.significance(), cca.permutationTest(X, Y).pValues));
 * ```
 */
export function formatSignificance(rows: SignificanceRow[], permutationPValues?: ArrayLike<number>): string {
  const perm = permutationPValues;
  const all = rows.length > 0 && rows.every((r) => r.pillai && r.hotellingLawley && r.roy);
  const head =
    ' k   corr    Wilks Λ     chi²   df   p(chi²)        F      df1     df2   p(F)' +
    (all ? `    ${'Pillai V'.padStart(9)}  ${'p(V)'.padStart(8)}  ${'H–L U'.padStart(9)}  ${'p(U)'.padStart(8)}  ${'Roy θ'.padStart(9)}  ${'p(θ)'.padStart(8)}` : '') +
    (perm ? '    p(perm)' : '');
  // the p-values are accurate down to about 1e-300 (0 below; a subnormal such as 1.1e-320 is
  // no more than noise): everything under that prints as one bound, never a digit beside it
  const fmtP = (v: number) => (Number.isNaN(v) ? '   —    ' : v < 1e-300 ? '< 1e-300' : v < 1e-4 ? v.toExponential(1).padStart(8) : v.toFixed(4).padStart(8));
  const fmtV = (v: number) => (v === Infinity ? '∞' : v < 1e4 ? v.toFixed(4) : v.toExponential(2)).padStart(9);
  const tests = (r: SignificanceRow) => `    ${fmtV(r.pillai!.value)}  ${fmtP(r.pillai!.p)}  ${fmtV(r.hotellingLawley!.value)}  ${fmtP(r.hotellingLawley!.p)}  ${fmtV(r.roy!.value)}  ${fmtP(r.roy!.p)}`;
  return [
    head,
    ...rows.map(
      (r, i) =>
        `${String(r.component).padStart(2)}  ${r.correlation.toFixed(4)}  ${r.wilksLambda.toExponential(3).padStart(9)}  ${r.chiSquare.toFixed(1).padStart(7)}  ${String(r.chiSquareDf).padStart(4)}  ${fmtP(r.chiSquarePValue)}  ${r.raoF.toFixed(2).padStart(7)}  ${String(r.raoDf1).padStart(5)}  ${r.raoDf2.toFixed(1).padStart(7)}  ${fmtP(r.raoPValue)}` +
        (all ? tests(r) : '') +
        (perm ? `   ${i < perm.length ? fmtP(perm[i]!) : '   —    '}` : ''),
    ),
  ].join('\n');
}
