// init after the first (issue 33): same options (or none) resolve with the running instance's
// info; an option that resolves to something else (build, memory cap, threads) is an
// InitError naming the option, the current value and the asked one. Its own file: init is
// per process, and the first call here must be the concurrent pair.
import { describe, expect, it } from 'vitest';
import { init, CCA, InitError, ValueError } from '../src/index.js';
import { linnerud } from './helpers.js';

const MiB = 2 ** 20;

describe('init called again', () => {
  it('two concurrent inits with different options: the second waits for the first, then is an InitError; one without options gets the same info', async () => {
    const first = init({ maximumMemory: 64 * MiB });
    const second = init({ simd: 'scalar' }).catch((e: unknown) => e);
    const third = init();
    const info = await first;
    expect(info).toEqual({ build: 'simd', maximumMemory: 64 * MiB, threads: 1 });
    const e = (await second) as Error;
    expect(e).toBeInstanceOf(InitError);
    expect(e.message).toMatch(/^init\(\{ simd: 'scalar' \}\): crossmodal is already initialised with simd build 'simd' \(asked: build 'scalar'\); .*shutdown\(\) only ends the thread pool.*new process or worker/);
    expect(await third).toBe(info);
  });

  it('the same options, or none, resolve with the current info', async () => {
    const info = await init();
    expect(await init({ maximumMemory: 64 * MiB })).toEqual(info);
    expect(await init({ maximumMemory: 64 * MiB + 1000 })).toEqual(info); // rounded down to pages: the same cap
    expect(await init({ simd: 'baseline' })).toEqual(info);
    expect(await init({ threads: 1 })).toEqual(info);
    expect(await init({ maximumMemory: 64 * MiB, simd: 'baseline', threads: 1 })).toEqual(info);
  });

  it('another memory cap, build or thread count is an InitError naming the option, the current value and the asked one', async () => {
    const message = (o: Parameters<typeof init>[0]) => init(o).then(() => 'resolved', (e: unknown) => (e instanceof InitError ? e.message : `not an InitError: ${String(e)}`));
    expect(await message({ maximumMemory: 128 * MiB })).toMatch(/^init\(\{ maximumMemory: 134217728 \}\): crossmodal is already initialised with maximumMemory 67108864 bytes \(asked: 134217728 bytes\)/);
    expect(await message({ simd: 'scalar', maximumMemory: 64 * MiB })).toMatch(/simd build 'simd' \(asked: build 'scalar'\)/);
    expect(await message({ threads: 2 })).toMatch(/^init\(\{ threads: 2 \}\): crossmodal is already initialised with threads 1 .*pass threads to it/);
    expect(await message({ module: await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])) })).toMatch(/^init\(\{ module: /);
    // a bad value is still a ValueError, not a comparison
    await expect(init({ maximumMemory: 1000 })).rejects.toBeInstanceOf(ValueError);
    await expect(init({ simd: 'fast' as never })).rejects.toBeInstanceOf(ValueError);
    // the refusals left the instance as it was
    const { exercise, physiological } = linnerud();
    const cca = new CCA({ components: 1 }).fit(exercise, physiological);
    expect(cca.correlations[0]).toBeGreaterThan(0.7);
    cca.dispose();
    expect(await init()).toEqual({ build: 'simd', maximumMemory: 64 * MiB, threads: 1 });
  });
});
