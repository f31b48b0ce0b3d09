// Loads the wasm build named by CROSSMODAL_BUILD ('scalar' | 'relaxed') before a test file
// runs; the file's own `await init()` then reuses it.
import { init, type SimdChoice } from '../src/index.js';

const want = process.env.CROSSMODAL_BUILD as SimdChoice | undefined;
if (want) {
  const info = await init({ simd: want });
  const expected = want === 'relaxed' ? 'relaxed' : want === 'scalar' ? 'scalar' : 'simd';
  if (info.build !== expected) throw new Error(`setup-build: asked for ${want}, loaded ${info.build}`);
}
