/**
 * The sufficient statistics of two views in a model file (PLS, SparseCCA): n, `external`,
 * each view's mean and co-moments and the cross co-moments, as base64 f64 under
 * `statistics`, the numbers in the order the file's CRC-32 covers them, and the CoMoments
 * rebuilt from a file (fourth-order sums are never stored: 'moments').
 */
import { CoMoments } from '../../linalg/comoments.js';
import { FormatError } from '../../errors.js';
import { decodeF64, encodeF64, readInt } from '../../serialize.js';

/** The stored numbers of two views' statistics. */
export type StatNumbers = { n: number; external: boolean; xm: Float64Array; xM: Float64Array; ym: Float64Array; yM: Float64Array; Mxy: Float64Array };

/** The numbers of `stats` to store (JS copies). */
export function statNumbers(stats: CoMoments): StatNumbers {
  return { n: stats.n, external: stats.external, xm: stats.x.mean, xM: stats.x.M.toFloat64Array(), ym: stats.y.mean, yM: stats.y.M.toFloat64Array(), Mxy: stats.Mxy.toFloat64Array() };
}

/** The file's `statistics` record. */
export function statRecord(st: StatNumbers): Record<string, unknown> {
  return { n: st.n, external: st.external, xMean: encodeF64(st.xm), xM: encodeF64(st.xM), yMean: encodeF64(st.ym), yM: encodeF64(st.yM), Mxy: encodeF64(st.Mxy) };
}

/** The numbers in checksum order. */
export function statParts(st: StatNumbers): (ArrayLike<number> | number)[] {
  return [st.n, st.external ? 1 : 0, st.xm, st.xM, st.ym, st.yM, st.Mxy];
}

/** Reads a file's `statistics` record (undefined: none stored) for p and q columns. */
export function readStatNumbers(v: unknown, p: number, q: number): StatNumbers | null {
  if (v === undefined) return null;
  const s = v as Record<string, unknown>;
  if (!s || typeof s !== 'object' || Array.isArray(s)) throw new FormatError('statistics: expected an object');
  if (typeof s.external !== 'boolean') throw new FormatError(`statistics.external: expected true or false, found ${JSON.stringify(s.external)}`);
  return { n: readInt(s, 'n', 1), external: s.external, xm: decodeF64(s.xMean, p, 'statistics.xMean'), xM: decodeF64(s.xM, p * p, 'statistics.xM'), ym: decodeF64(s.yMean, q, 'statistics.yMean'), yM: decodeF64(s.yM, q * q, 'statistics.yM'), Mxy: decodeF64(s.Mxy, p * q, 'statistics.Mxy') };
}

/** The CoMoments of stored numbers (new; the caller owns them). */
export function statsFrom(st: StatNumbers, p: number, q: number): CoMoments {
  const stats = new CoMoments(p, q);
  stats.n = st.n;
  stats.external = st.external;
  stats.without = 'moments';
  stats.x.mean.set(st.xm);
  stats.x.M.data.set(st.xM);
  stats.y.mean.set(st.ym);
  stats.y.M.data.set(st.yM);
  stats.Mxy.data.set(st.Mxy);
  return stats;
}
