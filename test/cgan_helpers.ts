// What the cGAN stabiliser suites share (test/cgan_stabilisers.test.ts, cgan_spectral.test.ts,
// cgan_projection.test.ts): their small data set and model, and central differences.
import { ConditionalGAN } from '../src/index.js';
import { uniform } from './helpers.js';

/** n×d uniform rows in [lo, hi) from a seed. */
export function rows(n: number, d: number, seed: number, lo = 0, hi = 1): number[][] {
  const u = uniform(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => lo + (hi - lo) * u()));
}

/** 120 rows of 5 columns, two classes (by the first column), one-hot conditions. */
export const x = rows(120, 5, 1), labels = x.map((r) => (r[0]! > 0.5 ? 1 : 0)), c = ConditionalGAN.oneHot(labels, 2);

/** The recipe from before the stabilisers (issue 39's "today"): these four options give it bit for bit, whatever the defaults. */
export const TODAY = { loss: 'bce', ema: false, spectralNorm: false, discriminator: 'concat' } as const;

/** A small ConditionalGAN for x, c on TODAY's recipe with these options (each stabiliser's suite adds its own to the recipe before them). */
export const small = (o = {}) => new ConditionalGAN({ noise: 4, hidden: [8], epochs: 3, batchSize: 20, seed: 3, ...TODAY, ...o });

/** (f(v + eps) − f(v − eps)) / 2 eps at values[i], the value put back; null when f gives null at either side. */
export function centralDifference(values: { [i: number]: number }, i: number, eps: number, f: () => number | null): number | null {
  const v = values[i]!;
  values[i] = v + eps;
  const up = f();
  values[i] = v - eps;
  const down = f();
  values[i] = v;
  return up === null || down === null ? null : (up - down) / (2 * eps);
}
