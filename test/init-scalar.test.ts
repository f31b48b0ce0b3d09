// An engine without SIMD gets the scalar build automatically (WebAssembly.validate is made to
// reject the SIMD probe, as it would on such an engine).
import { describe, expect, it, vi } from 'vitest';
import { init, wasmFeatures, CCA } from '../src/index.js';
import { linnerud, reference } from './helpers.js';

describe('automatic scalar fallback', () => {
  it('loads kernels.scalar.wasm when SIMD is missing, and it computes the same CCA', async () => {
    const spy = vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    expect(wasmFeatures()).toEqual({ simd: false, relaxedSimd: false });
    const info = await init();
    spy.mockRestore();
    expect(info.build).toBe('scalar');
    const { exercise, physiological } = linnerud();
    const cca = new CCA({ components: 3 }).fit(exercise, physiological);
    for (let i = 0; i < 3; i++) expect(Math.abs(cca.correlations[i]! - reference.linnerud.correlations[i])).toBeLessThan(1e-8);
    cca.dispose();
  });
});
