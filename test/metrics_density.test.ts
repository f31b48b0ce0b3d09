// metrics.densityCoverage (Naeem et al. 2020) against a numpy/scipy script written from the
// paper (test/fixtures/density-coverage-reference.json, from
// scripts/reference/density_coverage.py: cdist distances, not the package's Gram form), on
// cases counted by hand (ties on the sphere count), the orderings the paper describes
// (a collapsed generator: density high, coverage low; a shifted one: both low), typed errors
// and no leaked wasm memory.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { init, memoryStats, metrics, NonFiniteError, OverflowError, ShapeError, ValueError, type DensityCoverageOptions } from '../src/index.js';

beforeAll(async () => {
  await init();
});

interface Case { name: string; real: number[][]; fake: number[][]; density: number; coverage: number; hits: number; covered: number; minGap: number }
const ref = JSON.parse(readFileSync(new URL('./fixtures/density-coverage-reference.json', import.meta.url), 'utf8')) as { k: number; versions: Record<string, string>; cases: Case[] };
const byName = (name: string) => ref.cases.find((c) => c.name === name)!;

describe('densityCoverage against the numpy/scipy reference', () => {
  for (const c of ref.cases) {
    it(`${c.name}: within 1e-12 (density ${c.density}, coverage ${c.coverage}, k ${ref.k})`, () => {
      const got = metrics.densityCoverage(c.real, c.fake, { k: ref.k });
      expect(Math.abs(got.density - c.density)).toBeLessThanOrEqual(1e-12);
      expect(Math.abs(got.coverage - c.coverage)).toBeLessThanOrEqual(1e-12);
      // the counts behind them agree exactly (every distance is ≥ minGap from its radius)
      expect(Math.round(got.density * ref.k * c.fake.length)).toBe(c.hits);
      expect(Math.round(got.coverage * c.real.length)).toBe(c.covered);
    });
  }

  it('shows the orderings of the paper: same ≈ (1, 1), collapsed: density high but coverage low, shifted: both low', () => {
    const same = byName('same distribution'), collapsed = byName('collapsed generator'), shifted = byName('shifted distribution');
    const at = (c: Case) => metrics.densityCoverage(c.real, c.fake, { k: ref.k });
    const s = at(same), c = at(collapsed), f = at(shifted);
    expect(s.density).toBeGreaterThan(0.8);
    expect(s.density).toBeLessThan(1.25);
    expect(s.coverage).toBeGreaterThan(0.95);
    expect(c.coverage).toBeLessThan(0.2);
    expect(c.density).toBeGreaterThan(0.5);
    expect(c.density).toBeGreaterThan(4 * c.coverage);
    expect(c.coverage).toBeLessThan(s.coverage / 4);
    expect(Math.max(f.density, f.coverage)).toBeLessThan(0.2);
    expect(f.density).toBeLessThan(c.density / 4);
    // the default k is the paper's 5
    expect(metrics.densityCoverage(same.real, same.fake)).toEqual(s);
  });
});

describe('densityCoverage by hand', () => {
  it('1-d, k = 1: a fake on a ball\'s sphere counts', () => {
    // real 0, 1, 3: radii 1, 1, 2. fake 0.5 is in the balls of 0 and 1; fake 2 in those of 1
    // (distance 1 = radius: on the sphere) and 3; fake 10 in none. 4 hits / (1·3); every real covered.
    expect(metrics.densityCoverage([[0], [1], [3]], [[0.5], [2], [10]], { k: 1 })).toEqual({ density: 4 / 3, coverage: 1 });
    // fake 2 alone: balls of 1 and 3 → density 2, coverage 2/3
    expect(metrics.densityCoverage([[0], [1], [3]], [[2]], { k: 1 })).toEqual({ density: 2, coverage: 2 / 3 });
  });

  it('2-d unit square, k = 2 (every radius 1)', () => {
    const square = [[0, 0], [1, 0], [0, 1], [1, 1]];
    // the centre is √½ from every corner: in all 4 balls → 4 / (2·1)
    expect(metrics.densityCoverage(square, [[0.5, 0.5]], { k: 2 })).toEqual({ density: 2, coverage: 1 });
    // a far fake adds nothing but halves the density
    expect(metrics.densityCoverage(square, [[0.5, 0.5], [5, 5]], { k: 2 })).toEqual({ density: 1, coverage: 1 });
    // collapsed on one corner: each fake in the balls of (0,0), (1,0), (0,1) (the last two on the
    // sphere), not (1,1) at √2: 9 / (2·3) = 1.5, but (1,1) is uncovered
    expect(metrics.densityCoverage(square, [[0, 0], [0, 0], [0, 0]], { k: 2 })).toEqual({ density: 1.5, coverage: 0.75 });
    // k = 3 radii √2: the corner fakes are in all four balls
    expect(metrics.densityCoverage(square, [[0, 0], [0, 0], [0, 0]], { k: 3 })).toEqual({ density: 12 / 9, coverage: 1 });
  });

  it('does not depend on the order of the rows', () => {
    const c = byName('shifted distribution');
    const perm = <T>(x: T[]) => x.map((_, i) => x[(i * 37) % x.length]!); // 37 is prime to 200
    expect(metrics.densityCoverage(perm(c.real), perm(c.fake), { k: ref.k })).toEqual(metrics.densityCoverage(c.real, c.fake, { k: ref.k }));
  });
});

describe('densityCoverage refuses bad arguments by name, and frees what it makes', () => {
  it('typed errors', () => {
    const real = [[0, 0], [1, 0], [0, 1], [1, 1]], fake = [[0.5, 0.5]];
    const fails = (fn: () => unknown, type: new (...a: never[]) => Error, argument: string) => {
      let err: unknown;
      try {
        fn();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(type);
      expect((err as { argument: string }).argument).toBe(argument);
    };
    for (const k of [0, -1, 4, 1.5, NaN, '3']) fails(() => metrics.densityCoverage(real, fake, { k } as DensityCoverageOptions), ValueError, 'options.k');
    fails(() => metrics.densityCoverage(real, fake, { K: 3 } as DensityCoverageOptions), ValueError, 'options.K');
    fails(() => metrics.densityCoverage(real, [[1, 2, 3]]), ShapeError, 'fake');
    fails(() => metrics.densityCoverage([[1, 2]], fake, { k: 1 }), ShapeError, 'real');
    fails(() => metrics.densityCoverage([], fake), ShapeError, 'real');
    fails(() => metrics.densityCoverage(real, []), ShapeError, 'fake');
    fails(() => metrics.densityCoverage([[0, 0], [1, NaN], [2, 2]], fake, { k: 1 }), NonFiniteError, 'real');
    fails(() => metrics.densityCoverage(real, [[Infinity, 0]], { k: 1 }), NonFiniteError, 'fake');
    // finite values whose squared distances overflow
    fails(() => metrics.densityCoverage([[0, 0], [1e200, 0], [0, 1e200]], fake, { k: 1 }), OverflowError, 'real, fake');
    fails(() => metrics.densityCoverage(real, [[1e200, -1e200]], { k: 1 }), OverflowError, 'real, fake');
    // k = N − 1 is the largest accepted
    expect(metrics.densityCoverage(real, fake, { k: 3 }).coverage).toBe(1);
  });

  it('memoryStats().liveBytes is unchanged on success and on failure', () => {
    const c = byName('same distribution');
    const before = memoryStats().liveBytes;
    metrics.densityCoverage(c.real, c.fake, { k: ref.k });
    metrics.densityCoverage({ data: Float64Array.from(c.real.flat()), rows: 200, cols: 8 }, c.fake);
    for (const bad of [() => metrics.densityCoverage(c.real, c.fake, { k: 200 }), () => metrics.densityCoverage(c.real, [[1]]), () => metrics.densityCoverage([[0, 0], [1e200, 0], [0, 1e200]], [[0, 0]], { k: 1 })]) expect(bad).toThrow();
    expect(memoryStats().liveBytes).toBe(before);
  });
});
