import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats, Matrix, linalg, MemoryLimitError } from '../src/index.js';

beforeAll(async () => {
  await init();
});

describe('Matrix memory model', () => {
  it('round-trips values and frees on dispose', () => {
    const before = memoryStats().liveBytes;
    const m = Matrix.from([[1, 2, 3], [4, 5, 6]]);
    expect(m.rows).toBe(2);
    expect(m.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(memoryStats().liveBytes).toBe(before + 48);
    m.dispose();
    m.dispose();
    expect(memoryStats().liveBytes).toBe(before);
  });

  it('10,000 create/use/dispose cycles return live bytes to where they started', () => {
    const before = memoryStats();
    for (let i = 0; i < 10_000; i++) {
      const a = Matrix.from({ data: new Float64Array(12).fill(i), rows: 3, cols: 4 });
      const c = linalg.matmul(a, a, { transposeB: true });
      if (c.get(0, 0) !== 4 * i * i) throw new Error('wrong product');
      a.dispose();
      c.dispose();
    }
    const after = memoryStats();
    expect(after.liveBytes).toBe(before.liveBytes);
    expect(after.liveBlocks).toBe(before.liveBlocks);
  });

  it('supports `using`-style disposal through Symbol.dispose', () => {
    const before = memoryStats().liveBytes;
    const m = Matrix.zeros(4, 4);
    m[Symbol.dispose]();
    expect(m.disposed).toBe(true);
    expect(memoryStats().liveBytes).toBe(before);
  });
});
