// DeepCCA.fit(source) holds O(shuffle buffer + batch) rows, not the data (issue 37): under a
// 64 MiB cap, 'ey' trains an epoch on 300,000 × (50 + 50) rows (240 MB as f64 JS arrays, 120 MB
// as f32) read in chunks of 5,000 generated on the fly, and fits the final CCA by streaming;
// the peak live wasm bytes are the same for 30,000 and 300,000 rows.
// Its own file: the cap is set by this process's first init.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats, DeepCCA } from '../src/index.js';

const MiB = 2 ** 20, p = 50, q = 50, size = 5000;

beforeAll(async () => {
  await init({ maximumMemory: 64 * MiB });
});

/** A source of n rows of two views sharing two latent signals, chunk by chunk from a fast deterministic generator (the same rows every epoch). */
function source(n: number) {
  return () =>
    (function* () {
      let s = 7;
      const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
      for (let i0 = 0; i0 < n; i0 += size) {
        const m = Math.min(size, n - i0), X = new Float64Array(m * p), Y = new Float64Array(m * q);
        for (let i = 0; i < m; i++) {
          const a = r(), b = r();
          for (let j = 0; j < p; j++) X[i * p + j] = (j % 3 === 0 ? a : j % 3 === 1 ? b : 0) + r();
          for (let j = 0; j < q; j++) Y[i * q + j] = (j % 2 === 0 ? a : b) + r();
        }
        yield [{ data: X, rows: m, cols: p }, { data: Y, rows: m, cols: q }] as const;
      }
    })();
}

describe('DeepCCA.fit(source) under a 64 MiB cap', () => {
  it("an 'ey' epoch on 300,000 rows; the peak live bytes do not grow with the rows", async () => {
    const peak = async (n: number) => {
      const before = memoryStats().liveBytes;
      memoryStats({ resetPeak: true });
      const m = new DeepCCA({ objective: 'ey', components: 2, hidden: [32], outputs: 4, epochs: 1, batchSize: 100, seed: 0 });
      const h = await m.fit(source(n));
      const top = memoryStats().peakLiveBytes - before;
      expect(h.length).toBe(1);
      expect(m.correlations[0]).toBeGreaterThan(0.5);
      m.dispose();
      expect(memoryStats().liveBytes).toBe(before);
      return top;
    };
    const small = await peak(30_000), large = await peak(300_000);
    console.log(`DeepCCA.fit(source): peak live ${(small / MiB).toFixed(2)} MiB at 30,000 rows, ${(large / MiB).toFixed(2)} MiB at 300,000 (cap 64 MiB)`);
    expect(large).toBeLessThan(16 * MiB);
    expect(large).toBeLessThanOrEqual(small * 1.05);
  }, 60_000);
});
