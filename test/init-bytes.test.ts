import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { init, memoryStats, CCA, ConditionalGAN, DeepCCA, Matrix, MemoryLimitError, MultimodalAutoencoder, ValueError, linalg } from '../src/index.js';

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

  it('every model that runs out of memory part-way throws MemoryLimitError, frees what it took, and keeps its earlier fit', async () => {
    const before = memoryStats().liveBytes;
    const rows = (n: number, p: number, k: number) => ({ data: Float64Array.from({ length: n * p }, (_, i) => Math.sin(i * k + (i % p))), rows: n, cols: p });
    const cca = new CCA({ components: 1, regularization: 1e-3 }).fit(rows(20, 3, 1), rows(20, 2, 2));
    const r0 = cca.correlations.slice();
    // co-moments of 700 + 700 columns (three 700² matrices and the solve) pass the 16 MiB cap
    expect(() => cca.fit(rows(800, 700, 3), rows(800, 700, 4))).toThrow(MemoryLimitError);
    const streaming = new CCA({ components: 1 });
    expect(() => streaming.partialFit(rows(800, 700, 3), rows(800, 700, 4))).toThrow(MemoryLimitError);
    expect(streaming.fitted).toBe(false);
    streaming.dispose();
    expect(Array.from(cca.correlations)).toEqual(Array.from(r0));
    const small = rows(30, 4, 5).data, x = Array.from({ length: 30 }, (_, i) => Array.from(small.subarray(i * 4, i * 4 + 4)));
    const big = Array.from({ length: 30 }, () => Array.from({ length: 3000 }, (_, j) => (j % 7) / 7));
    for (const make of [
      () => new DeepCCA({ components: 1, hidden: [1500], epochs: 1, batchSize: 10 }),
      () => new MultimodalAutoencoder({ hidden: [1500], code: 4, epochs: 1, batchSize: 10 }),
      () => new ConditionalGAN({ noise: 4, hidden: [1500], epochs: 1, batchSize: 10 }),
    ]) {
      const m = make() as DeepCCA | MultimodalAutoencoder | ConditionalGAN;
      const fit = (a: unknown, b: unknown) => (m instanceof MultimodalAutoencoder ? m.fit([a as number[][], b as number[][]]) : (m as DeepCCA).fit(a as number[][], b as number[][]));
      await expect(fit(big, big)).rejects.toBeInstanceOf(MemoryLimitError);
      m.dispose();
    }
    // the module still serves smaller calls, and nothing the failed calls took is still held
    const ok = new ConditionalGAN({ noise: 2, hidden: [4], epochs: 1, batchSize: 10, outputActivation: 'identity' }); // normal x, not in [0, 1]
    await ok.fit(x, x);
    expect(ok.generate(x, { seed: 1 }).rows).toBe(30);
    ok.dispose();
    cca.dispose();
    expect(memoryStats().liveBytes).toBe(before);
  });
});

describe('initial memory size, stated once (asconfig.json)', () => {
  it('every built module imports a memory of the size the loader creates, which is asconfig.json initialMemory', async () => {
    const { INITIAL_PAGES } = await import('../src/wasm/memory_pages.js');
    const { memoryImportMinimum, BUILDS } = await import('../scripts/memory-pages.mjs');
    const asconfig = JSON.parse(readFileSync(new URL('../asconfig.json', import.meta.url), 'utf8'));
    const hint = 'rebuild (npm run build:wasm) and (npm run build:wasm runs node scripts/memory-pages.mjs)';
    for (const f of BUILDS) {
      const pages = memoryImportMinimum(new Uint8Array(readFileSync(new URL(`../build/${f}`, import.meta.url))));
      expect(pages, `${f} vs src/wasm/memory_pages.ts: ${hint}`).toBe(INITIAL_PAGES);
    }
    expect(asconfig.options.initialMemory, `asconfig.json vs src/wasm/memory_pages.ts: ${hint}`).toBe(INITIAL_PAGES);
    // and the engine agrees: the baseline module links with INITIAL_PAGES, not with one page less
    const mod = new WebAssembly.Module(readFileSync(new URL('../build/kernels.wasm', import.meta.url)));
    const link = (initial: number) => new WebAssembly.Instance(mod, { env: { memory: new WebAssembly.Memory({ initial }), abort: () => {} } });
    expect(() => link(INITIAL_PAGES - 1)).toThrow(WebAssembly.LinkError);
    expect(link(INITIAL_PAGES).exports.build_flavor).toBeTypeOf('function');
  });
});
