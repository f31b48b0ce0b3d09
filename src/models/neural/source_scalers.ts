/**
 * The columns' statistics of a source's inputs, by one pass before training (scale: true, and
 * ConditionalGAN's condition standardisation).
 */
import { sourcePass, type SourceReader } from './source.js';
import type { ColumnScaler } from './scaler.js';

/**
 * The columns' standardisation of every input over one pass (scale: true): per chunk the mean
 * and the sum of squared deviations in float64 over its float32 values, merged across chunks
 * (Chan, Golub & LeVeque), so it equals columnScaler on all rows at once to rounding; a column
 * with fewer than two rows or no spread keeps scale 1. `population[v]`: input v's standard
 * deviation divides by n (as conditionStats), not n − 1.
 */
export async function streamedScalers(reader: SourceReader, signal?: AbortSignal, population: readonly boolean[] = []): Promise<ColumnScaler[]> {
  let acc: { n: number; mean: Float64Array; m2: Float64Array }[] | null = null;
  await sourcePass(
    reader,
    "the pass before training (the columns' statistics)",
    (chunk) => {
      acc ??= chunk.map((t) => ({ n: 0, mean: new Float64Array(t.cols), m2: new Float64Array(t.cols) }));
      chunk.forEach((t, v) => {
        const a = acc![v]!, m = t.rows, p = t.cols, d = t.data, mu = new Float64Array(p), ss = new Float64Array(p);
        for (let i = 0; i < m; i++) for (let j = 0; j < p; j++) mu[j]! += d[i * p + j]!;
        for (let j = 0; j < p; j++) mu[j]! /= m;
        for (let i = 0; i < m; i++)
          for (let j = 0; j < p; j++) {
            const e = d[i * p + j]! - mu[j]!;
            ss[j]! += e * e;
          }
        const n = a.n + m;
        for (let j = 0; j < p; j++) {
          const delta = mu[j]! - a.mean[j]!;
          a.mean[j]! += (delta * m) / n;
          a.m2[j]! += ss[j]! + (delta * delta * a.n * m) / n;
        }
        a.n = n;
      });
    },
    signal,
  );
  return acc!.map(({ n, mean, m2 }, v) => {
    const scale = new Float64Array(mean.length).fill(1);
    // population (÷ n, as the condition statistics of ConditionalGAN): any rows; sample (÷ n − 1): at least two
    if (population[v]) for (let j = 0; j < mean.length; j++) if (m2[j]! > 0) scale[j] = Math.sqrt(m2[j]! / n);
    if (!population[v] && n > 1) for (let j = 0; j < mean.length; j++) if (m2[j]! > 0) scale[j] = Math.sqrt(m2[j]! / (n - 1));
    return { mean, scale };
  });
}
