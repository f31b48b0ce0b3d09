import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { init, memoryStats, Matrix, MemoryLimitError, ValueError, linalg } from '../src/index.js';

describe('init({ bytes, maximumMemory })', () => {
  it('rejects a nonsensical cap', async () => {
    await expect(init({ maximumMemory: 1000 })).rejects.toBeInstanceOf(ValueError);
  });

  it('loads from bytes; hitting the memory cap is a MemoryLimitError and the module stays usable', async () => {
    const bytes = readFileSync(new URL('../build/kernels.wasm', import.meta.url));
    const info = await init({ bytes, maximumMemory: 16 * 1024 * 1024 });
    expect(info.maximumMemory).toBe(16 * 1024 * 1024);
    const before = memoryStats().liveBytes;
    const held = Matrix.zeros(500, 500); // 2 MB
    expect(() => Matrix.zeros(2000, 2000)).toThrow(MemoryLimitError); // 32 MB > cap
    linalg.matmul(held, held).dispose(); // 2 MB more still fits
    expect(memoryStats().memoryBytes).toBeLessThanOrEqual(16 * 1024 * 1024);
    // failed allocation left the allocator intact
    const m = Matrix.from([[1, 2], [3, 4]]);
    const p = linalg.matmul(m, m);
    expect(p.toArray()).toEqual([[7, 10], [15, 22]]);
    for (const x of [held, m, p]) x.dispose();
    expect(memoryStats().liveBytes).toBe(before);
  });
});
