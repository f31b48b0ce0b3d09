// init({ simd }) choices in a plain Node 20 process (no --experimental-wasm-relaxed-simd):
// 'relaxed' is refused with a clear error, 'auto' falls back to the baseline build.
import { describe, expect, it } from 'vitest';
import { init, wasmFeatures, InitError, ValueError } from '../src/index.js';

describe('init({ simd })', () => {
  it("rejects unknown choices, refuses 'relaxed' where unsupported, and 'auto' picks what the engine has", async () => {
    await expect(init({ simd: 'fast' as never })).rejects.toBeInstanceOf(ValueError);
    const relaxed = wasmFeatures().relaxedSimd;
    if (!relaxed) await expect(init({ simd: 'relaxed' })).rejects.toBeInstanceOf(InitError);
    const info = await init({ simd: 'auto' });
    expect(info.build).toBe(relaxed ? 'relaxed' : 'simd');
  });
});
