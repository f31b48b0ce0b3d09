/**
 * One cell of a table read as a number: what `columns` and `parseCsv` share. Numbers pass as
 * they are; numeric text (as d3.csvParse or a CSV reader gives) is read with `Number`; a
 * missing cell (an empty or blank string, null, undefined, the text "NaN") is NaN, so that a
 * model's missing-value handling can see it; a bigint within ±2⁵³ is its number. Anything
 * else is `undefined`, which the caller turns into an error naming the cell. @internal
 */
export function cellValue(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === '' || t === 'NaN') return NaN;
    const x = Number(t);
    return Number.isFinite(x) ? x : undefined;
  }
  if (v === null || v === undefined) return NaN;
  if (typeof v === 'bigint') return v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : undefined;
  return undefined;
}

/** What a cell should be, for error messages. @internal */
export const CELL = 'a number (or numeric text; empty text, null, undefined and "NaN" are read as NaN, a bigint must be within ±2⁵³)';
