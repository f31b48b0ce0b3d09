/**
 * The columns' statistics of a source's inputs, by two passes before training (scale: true, and
 * ConditionalGAN's condition standardisation).
 */
import { sourcePass, type SourceReader } from './source.js';
import type { Tensor } from '../../wasm/index.js';
import type { ColumnScaler } from './scaler.js';

/** A chunk's inputs, and with the reader's presence mode each row's presence of each (the last tensor). */
function split(reader: SourceReader, chunk: Tensor[]): { views: Tensor[]; has: (i: number, v: number) => boolean } {
  if (!reader.presence) return { views: chunk, has: () => true };
  const mask = chunk.at(-1)!, m = mask.cols, d = mask.data;
  return { views: chunk.slice(0, -1), has: (i, v) => d[i * m + v] !== 0 };
}

/**
 * The columns' standardisation of every input: one pass sums each column row by row in float64
 * over its float32 values (the mean), a second sums the squared deviations from that mean, in
 * the same order as columnScaler and conditionStats do on all rows at once, so the statistics,
 * and a fit on the same batches, are bit-identical to the fit with arrays (in presence mode
 * over each view's present rows). A column with no spread keeps scale 1. `population[v]`:
 * input v's standard deviation divides by n (as conditionStats), not n − 1 (which needs at
 * least two rows).
 */
export async function streamedScalers(reader: SourceReader, signal?: AbortSignal, population: readonly boolean[] = []): Promise<ColumnScaler[]> {
  let sums: Float64Array[] | null = null, counts: number[] = [];
  await sourcePass(
    reader,
    "the first pass before training (the columns' means)",
    (chunk) => {
      const { views, has } = split(reader, chunk);
      sums ??= views.map((t) => new Float64Array(t.cols));
      if (counts.length === 0) counts = views.map(() => 0);
      views.forEach((t, v) => {
        const s = sums![v]!, p = t.cols, d = t.data;
        for (let i = 0; i < t.rows; i++) {
          if (!has(i, v)) continue;
          counts[v]!++;
          for (let j = 0; j < p; j++) s[j]! += d[i * p + j]!;
        }
      });
    },
    signal,
  );
  const means = sums!.map((s, v) => (counts[v]! > 0 ? s.map((x) => x / counts[v]!) : s));
  const ss = means.map((m) => new Float64Array(m.length)), seen = means.map(() => 0);
  await sourcePass(
    reader,
    "the second pass before training (the columns' spread)",
    (chunk) => {
      const { views, has } = split(reader, chunk);
      views.forEach((t, v) => {
        const s = ss[v]!, mu = means[v]!, p = t.cols, d = t.data;
        for (let i = 0; i < t.rows; i++) {
          if (!has(i, v)) continue;
          seen[v]!++;
          for (let j = 0; j < p; j++) {
            const e = d[i * p + j]! - mu[j]!;
            s[j]! += e * e;
          }
        }
      });
    },
    signal,
  );
  const v = seen.findIndex((c, k) => c !== counts[k]);
  if (v >= 0) reader.mismatch(`the source yielded ${seen[v]} rows${reader.presence ? ` with view ${v} present` : ''} in this pass and ${counts[v]} in the one before: the passes of a source must yield the same rows`);
  return means.map((mean, v) => {
    const n = counts[v]!, scale = new Float64Array(mean.length).fill(1), s = ss[v]!;
    if (population[v]) for (let j = 0; j < mean.length; j++) if (s[j]! > 0) scale[j] = Math.sqrt(s[j]! / n);
    if (!population[v] && n > 1) for (let j = 0; j < mean.length; j++) if (s[j]! > 0) scale[j] = Math.sqrt(s[j]! / (n - 1));
    return { mean, scale };
  });
}
