/** Row sources: an input handed out a block of rows at a time (fits that stream their statistics). */
import { plain } from './dense.js';
import { checkFinite } from './finite.js';
import { readInput } from './input.js';
import { Matrix, type MatrixInput } from './matrix.js';

/** Rows of an input handed out a block at a time (see rowBlocks). */
export interface RowSource {
  readonly rows: number;
  readonly cols: number;
  /** Rows start…start+count−1 as a contiguous Matrix, valid until the next call or release(). */
  block(start: number, count: number): Matrix;
  release(): void;
}

/**
 * `input` as a source of row blocks, validated in full up front (errors name `name` and the
 * absolute row) but copied into wasm memory one block at a time into one reused buffer
 * (sized by the first, largest block): what a fit that streams rows through its statistics
 * holds at once does not grow with the row count. A contiguous Matrix is handed out as
 * views (no copy).
 */
export function rowSource(input: MatrixInput, name: string): RowSource {
  if (input instanceof Matrix && input.contiguous) {
    checkFinite(input, name);
    return { rows: input.rows, cols: input.cols, block: (start, count) => input.viewRows(start, count), release() {} };
  }
  // anything else (a strided Matrix view too) is validated and copied through readInput
  const r = readInput(plain(input), name);
  return bufferedSource(r.rows, r.cols, (view, start, count) => r.write(view.data, start, count));
}

/**
 * A row source whose blocks are filled by `fill` into one reused buffer (sized by the
 * largest block asked for); each block is valid until the next call or release().
 */
export function bufferedSource(rows: number, cols: number, fill: (view: Matrix, start: number, count: number) => void): RowSource {
  let buf: Matrix | null = null, view: Matrix | null = null;
  return {
    rows,
    cols,
    block(start, count) {
      view?.dispose();
      view = null;
      if (!buf || buf.rows < count) {
        buf?.dispose();
        buf = null; // (Matrix.empty may throw)
        buf = Matrix.empty(count, cols);
      }
      view = buf.viewRows(0, count);
      fill(view, start, count);
      return view;
    },
    release() {
      view?.dispose();
      buf?.dispose();
    },
  };
}

/** Row blocks of `rows` rows: [start, count] pairs of at most `blockRows` rows. */
export function* rowBlocks(rows: number, blockRows: number): Generator<[number, number]> {
  for (let start = 0; start < rows; start += blockRows) yield [start, Math.min(blockRows, rows - start)];
}
