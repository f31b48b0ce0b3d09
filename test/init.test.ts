// Each test file runs in its own process, so init() here is the first call of this realm.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { init, isInitialized, CCA, InitError, Matrix } from '../src/index.js';
import { linnerud, reference } from './helpers.js';

describe('init({ module })', () => {
  it('refuses use before init with InitError', () => {
    expect(isInitialized()).toBe(false);
    expect(() => Matrix.zeros(2, 2)).toThrow(InitError);
  });

  it('instantiates from a compiled WebAssembly.Module, as workerd gives it, and fits CCA', async () => {
    const bytes = readFileSync(new URL('../build/kernels.wasm', import.meta.url));
    const module = await WebAssembly.compile(bytes);
    const info = await init({ module });
    expect(info.build).toBe('simd');
    expect(await init()).toBe(info); // later calls reuse the instance
    const { exercise, physiological } = linnerud();
    const cca = new CCA({ components: 3 }).fit(exercise, physiological);
    for (let i = 0; i < 3; i++) expect(Math.abs(cca.correlations[i]! - reference.linnerud.correlations[i])).toBeLessThan(1e-8);
    cca.dispose();
  });
});
