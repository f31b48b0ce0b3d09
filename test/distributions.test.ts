import { describe, expect, it } from 'vitest';
import { chiSquareSf, fSf, lgamma } from '../src/stats/distributions.js';

// Closed forms independent of the series/continued-fraction code paths.
describe('survival functions for the significance tests', () => {
  it('lgamma matches factorials and Γ(1/2) = √π', () => {
    let f = 1;
    for (let n = 1; n < 25; n++) {
      f *= n;
      expect(Math.abs(lgamma(n + 1) - Math.log(f)) / Math.log(f + 1)).toBeLessThan(1e-13);
    }
    expect(lgamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
  });

  it('chi-square: df 2 is exp(−x/2), df 4 is exp(−x/2)(1 + x/2)', () => {
    for (const x of [1e-3, 0.1, 0.5, 1, 2, 3.7, 10, 40, 200]) {
      const e = Math.exp(-x / 2);
      expect(Math.abs(chiSquareSf(x, 2) - e) / e).toBeLessThan(1e-12);
      const e4 = e * (1 + x / 2);
      expect(Math.abs(chiSquareSf(x, 4) - e4) / e4).toBeLessThan(1e-12);
    }
    expect(chiSquareSf(0, 3)).toBe(1);
  });

  it('F: (2, d2) is (1 + 2f/d2)^(−d2/2); (d1, 2) is 1 − (d1 f/(d1 f + 2))^(d1/2)', () => {
    for (const f of [0.01, 0.3, 1, 2.5, 7, 30]) {
      for (const d of [1, 3, 10, 57.5]) {
        const a = Math.pow(1 + (2 * f) / d, -d / 2);
        expect(Math.abs(fSf(f, 2, d) - a) / a).toBeLessThan(1e-10);
        const b = 1 - Math.pow((d * f) / (d * f + 2), d / 2);
        expect(Math.abs(fSf(f, d, 2) - b) / b).toBeLessThan(1e-10);
      }
    }
  });
});
