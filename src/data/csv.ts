/**
 * `parseCsv(text)`: a table of numbers from CSV text, as the demo page reads an uploaded
 * file. Comma, semicolon or tab separated (detected from the first row, or given), or
 * columns separated by spaces; quoted fields as RFC 4180 has them (delimiters, line breaks
 * and doubled quotes inside quotes); an optional header row (detected when not said);
 * blank lines and lines starting with `#` skipped. Errors are typed and say which line and
 * column.
 */
import { ShapeError, ValueError, described } from '../errors.js';
import { checkOptions } from '../options.js';
import { cellValue } from './cells.js';
import type { ParsedCsv } from './tables.js';

/** Options of `parseCsv`. */
export interface ParseCsvOptions {
  /**
   * Whether the first row holds the column names. Default: detected, a header when a cell
   * of the first row is text that is not a number. Without a header the columns are named
   * `c0`, `c1`, …
   */
  header?: boolean;
  /** `','`, `';'`, `'\t'`, or `' '` for columns separated by runs of spaces or tabs. Default: detected from the first row. */
  delimiter?: ',' | ';' | '\t' | ' ';
  /** What the text is called in error messages, e.g. a file name (default `"text"`). */
  name?: string;
}

const DELIMITERS = [',', ';', '\t', ' '];

interface Record_ {
  cells: string[];
  line: number;
}

/** The records of `text` (blank and comment lines skipped), each with the line it starts on. */
function records(text: string, delim: string, name: string): Record_[] {
  const out: Record_[] = [];
  const n = text.length, ws = delim === ' ';
  const blank = (c: string | undefined) => c === ' ' || (c === '\t' && delim !== '\t');
  const eol = (c: string | undefined) => c === '\n' || c === '\r';
  let i = 0, line = 1;
  const newline = () => {
    if (text[i] === '\r' && text[i + 1] === '\n') i++;
    i++;
    line++;
  };
  while (i < n) {
    // a blank line or a comment: skipped
    let k = i;
    while (k < n && (text[k] === ' ' || text[k] === '\t')) k++;
    if (k >= n) break;
    if (eol(text[k]) || (k === i && text[k] === '#')) {
      i = k;
      while (i < n && !eol(text[i])) i++;
      if (i < n) newline();
      continue;
    }
    const rec: Record_ = { cells: [], line };
    for (;;) {
      while (i < n && (blank(text[i]) || (ws && text[i] === '\t'))) i++;
      let cell = '';
      if (text[i] === '"') {
        const at = line;
        i++;
        for (;;) {
          if (i >= n) throw new ValueError(`${name}, line ${at}`, 'a closing quote for the quoted field opened here', described('the end of the text'));
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') (cell += '"'), (i += 2);
            else {
              i++;
              break;
            }
          } else if (eol(c)) {
            cell += '\n';
            newline();
          } else (cell += c), i++;
        }
        while (i < n && (blank(text[i]) || (ws && text[i] === '\t'))) i++;
        if (i < n && !eol(text[i]) && (ws || text[i] !== delim))
          throw new ValueError(`${name}, line ${line}, column ${rec.cells.length + 1}`, 'a delimiter or the end of the line after a closing quote', text.slice(i, i + 10));
      } else {
        const s = i;
        while (i < n && !eol(text[i]) && (ws ? text[i] !== ' ' && text[i] !== '\t' : text[i] !== delim)) i++;
        cell = text.slice(s, i).trim();
      }
      rec.cells.push(cell);
      if (ws) while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
      if (i < n && !eol(text[i])) {
        if (!ws) i++; // the delimiter
        continue;
      }
      if (i < n) newline();
      break;
    }
    out.push(rec);
  }
  return out;
}

/** The delimiter that splits the first row into the most fields (quotes respected), or ' '. */
function detect(text: string): string {
  let k = 0;
  // the first line that is neither blank nor a comment
  for (;;) {
    const end = text.slice(k).search(/\r|\n/), l = end < 0 ? text.slice(k) : text.slice(k, k + end);
    if (l.trim() && !l.startsWith('#')) break;
    if (end < 0) return ',';
    k += end + 1;
  }
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (let i = k; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && c in counts) counts[c]!++;
  }
  const best = Object.entries(counts).sort((a, b) => b[1] - a[1])[0]!;
  return best[1] > 0 ? best[0] : ' ';
}

/**
 * A table of numbers from CSV text: `{ names, data, rows, cols }`, `data` row-major in a
 * Float64Array. Give it to `columns(table, names)` to pick the columns of each view, or
 * straight to a model (all columns).
 *
 * An empty cell (or `NaN`) is NaN: the models refuse NaN, naming the cell, unless told what
 * to do with missing values. Any other cell that is not a number is a ValueError naming the
 * line and column (1-based, as an editor counts them); a row with more or fewer cells than
 * the first is a ShapeError naming the line.
 *
 * @example
 * ```ts
 * const table = parseCsv('a,b,c\n1,2,3\n4,5,7\n2,1,1\n');
 * const cca = new CCA({ components: 1 }).fit(columns(table, ['a', 'b']), columns(table, ['c']));
 * ```
 */
export function parseCsv(text: string, options?: ParseCsvOptions): ParsedCsv & { readonly names: string[] } {
  const o = checkOptions(options, ['header', 'delimiter', 'name']);
  if (o.name !== undefined && typeof o.name !== 'string') throw new ValueError('options.name', 'a string', o.name);
  const name = o.name ?? 'text';
  if (o.header !== undefined && typeof o.header !== 'boolean') throw new ValueError('options.header', 'true, false or undefined (detected)', o.header);
  if (o.delimiter !== undefined && !DELIMITERS.includes(o.delimiter as string))
    throw new ValueError('options.delimiter', `one of ${DELIMITERS.map((d) => JSON.stringify(d)).join(', ')}`, o.delimiter);
  if (typeof text !== 'string') throw new ValueError(name, 'CSV text (a string)', text);
  if (text.includes('\u0000')) throw new ValueError(name, 'text (a CSV file)', described('binary data (it holds NUL characters)'));
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const recs = records(text, o.delimiter ?? detect(text), name);
  if (recs.length === 0) throw new ShapeError(name, 'at least one row', 'no rows (the text is empty, blank or only comments)');
  const first = recs[0]!;
  const header = o.header ?? first.cells.some((c) => cellValue(c) === undefined);
  const cols = first.cells.length;
  const names = header ? first.cells : Array.from({ length: cols }, (_, j) => `c${j}`);
  const body = header ? recs.slice(1) : recs;
  if (body.length === 0) throw new ShapeError(name, 'at least one row of values after the header', `only the header (line ${first.line})`);
  const rows = body.length, data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const { cells, line } = body[i]!;
    if (cells.length !== cols)
      throw new ShapeError(`${name}, line ${line}`, `${cols} values (as ${header ? 'the header' : 'the first row'}, line ${first.line})`, `${cells.length} values`);
    for (let j = 0; j < cols; j++) {
      const x = cellValue(cells[j]);
      if (x === undefined) throw new ValueError(`${name}, line ${line}, column ${j + 1} (${names[j]})`, 'a number (an empty cell or NaN is read as NaN)', cells[j]);
      data[i * cols + j] = x;
    }
  }
  return { names, data, rows, cols };
}
