// MCCA and GCCA take one list of views (issue 33): fit(X, Y) written as for CCA, or one matrix
// where the list belongs, is a ShapeError saying fit([X, Y, …]), not "views[0]: expected rows".
import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats, GCCA, MCCA, Matrix, ShapeError } from '../src/index.js';

beforeAll(async () => {
  await init();
});

const rows = (n: number, p: number, s: number) => Array.from({ length: n }, (_, i) => Array.from({ length: p }, (_, j) => Math.sin(i * 1.3 + j * 0.7 + s) + ((i * j) % 5) / 7));

describe('a list of views', () => {
  for (const Model of [MCCA, GCCA])
    for (const method of ['fit', 'partialFit'] as const)
      it(`${Model.name}.${method}(X, Y) and ${Model.name}.${method}(X) say it takes [X, Y, …]`, () => {
        const X = rows(20, 3, 1), Y = rows(20, 2, 2), before = memoryStats().liveBytes;
        const model = new Model({ components: 1 });
        const M = Matrix.from(X);
        const calls: [unknown, unknown, RegExp][] = [
          [X, Y, /two arguments/],
          [M, { data: new Float64Array(40), rows: 20, cols: 2 }, /two arguments/],
          [X, undefined, /one matrix/],
          [M, undefined, /one matrix/],
          [{ data: new Float64Array(60), rows: 20, cols: 3 }, undefined, /one matrix/],
          [X.map((r) => Float64Array.from(r)), undefined, /one matrix/],
        ];
        for (const [a, b, got] of calls) {
          const call = () => (model[method] as (...args: unknown[]) => unknown)(a, b);
          expect(call).toThrow(ShapeError);
          expect(call).toThrow(new RegExp(`^views: expected one list of two or more views: ${Model.name}\\.${method}\\(\\[X, Y, …\\]\\)`));
          expect(call).toThrow(got);
        }
        expect(model.fitted).toBe(false);
        // the list itself still fits (and an options-like second argument is no hint)
        (model[method] as (...args: unknown[]) => unknown)([X, Y], undefined);
        expect(model.fitted).toBe(true);
        model.dispose();
        M.dispose();
        expect(memoryStats().liveBytes).toBe(before);
      });
});
