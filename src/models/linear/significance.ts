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
 */
import { chiSquareSf, fSf } from '../../stats/distributions.js';
import { ShapeError, ValueError, describe } from '../../errors.js';

export interface SignificanceRow {
  /** component index (0-based): H0 is ρ_k = ρ_k+1 = … = 0 */
  component: number;
  correlation: number;
  wilksLambda: number;
  chiSquare: number;
  chiSquareDf: number;
  chiSquarePValue: number;
  raoF: number;
  raoDf1: number;
  raoDf2: number;
  raoPValue: number;
}

export function significance(rho: ArrayLike<number>, n: number, p: number, q: number): SignificanceRow[] {
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
    });
  }
  return rows;
}

/**
 * The table as aligned text (what the demo prints); with `permutationPValues` (e.g.
 * cca.permutationTest(X, Y).pValues) a last column p(perm) beside the asymptotic p-values.
 */
export function formatSignificance(rows: SignificanceRow[], permutationPValues?: ArrayLike<number>): string {
  const perm = permutationPValues;
  const head = ' k   corr    Wilks Λ     chi²   df   p(chi²)        F      df1     df2   p(F)' + (perm ? '    p(perm)' : '');
  const fmtP = (v: number) => (Number.isNaN(v) ? '   —    ' : v === 0 ? ' <1e-300' : v < 1e-4 ? v.toExponential(1).padStart(8) : v.toFixed(4).padStart(8));
  return [
    head,
    ...rows.map(
      (r, i) =>
        `${String(r.component).padStart(2)}  ${r.correlation.toFixed(4)}  ${r.wilksLambda.toExponential(3).padStart(9)}  ${r.chiSquare.toFixed(1).padStart(7)}  ${String(r.chiSquareDf).padStart(4)}  ${fmtP(r.chiSquarePValue)}  ${r.raoF.toFixed(2).padStart(7)}  ${String(r.raoDf1).padStart(5)}  ${r.raoDf2.toFixed(1).padStart(7)}  ${fmtP(r.raoPValue)}` +
        (perm ? `   ${i < perm.length ? fmtP(perm[i]!) : '   —    '}` : ''),
    ),
  ].join('\n');
}
