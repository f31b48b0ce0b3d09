/**
 * The bundled builds and which one init loads: engine feature detection, the choice behind
 * InitOptions.simd (with or without threads) and the files' URLs. Used by module.ts only.
 */
import { InitError, ValueError } from '../errors.js';

/** Which bundled build init loads: see InitOptions.simd. */
export type SimdChoice = 'baseline' | 'relaxed' | 'auto' | 'scalar';
/**
 * The build init loaded (InitInfo.build): 128-bit SIMD, relaxed SIMD or scalar. With threads
 * (InitInfo.threads above 1) 'simd' is kernels.threads.wasm and 'relaxed' kernels.relaxed-threads.wasm.
 */
export type Build = 'simd' | 'relaxed' | 'scalar';
/** A bundled .wasm file: a single-thread build, or one of the two over a shared memory. @internal */
export type BundledBuild = Build | 'threads' | 'relaxed-threads';

/** Smallest modules using a SIMD op and a relaxed-SIMD op, for feature detection. */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 1, 253, 15, 65, 2, 253, 15, 253, 128, 2, 11,
]);

/**
 * What this engine supports (it needs no init).
 * @example const { simd, relaxedSimd } = wasmFeatures(); await init({ simd: relaxedSimd ? 'relaxed' : 'baseline' });
 */
export function wasmFeatures(): { simd: boolean; relaxedSimd: boolean } {
  return { simd: WebAssembly.validate(SIMD_PROBE), relaxedSimd: WebAssembly.validate(RELAXED_PROBE) };
}

/** File names of the bundled builds. @internal */
export const FILES: Record<BundledBuild, string> = {
  simd: 'kernels.wasm',
  relaxed: 'kernels.relaxed.wasm',
  scalar: 'kernels.scalar.wasm',
  threads: 'kernels.threads.wasm',
  'relaxed-threads': 'kernels.relaxed-threads.wasm',
};
/** build_flavor()'s answers, by number. @internal */
export const BUILD_IDS: Build[] = ['scalar', 'simd', 'relaxed'];

/** URL of a bundled build (literal `new URL(..., import.meta.url)` so bundlers find the files). @internal */
export function bundledUrl(build: BundledBuild): URL {
  if (build === 'threads') return new URL('../../build/kernels.threads.wasm', import.meta.url);
  if (build === 'relaxed-threads') return new URL('../../build/kernels.relaxed-threads.wasm', import.meta.url);
  if (build === 'relaxed') return new URL('../../build/kernels.relaxed.wasm', import.meta.url);
  if (build === 'scalar') return new URL('../../build/kernels.scalar.wasm', import.meta.url);
  return new URL('../../build/kernels.wasm', import.meta.url);
}

/** The single-thread build a choice resolves to on this engine (InitError: relaxed asked, unsupported). @internal */
export function chooseBuild(choice: SimdChoice): Build {
  const f = wasmFeatures();
  if (choice === 'scalar' || !f.simd) return 'scalar';
  if (choice === 'relaxed') {
    if (!f.relaxedSimd)
      throw new InitError("init({ simd: 'relaxed' }): this engine does not support relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd); use 'auto' to fall back");
    return 'relaxed';
  }
  if (choice === 'auto') return f.relaxedSimd ? 'relaxed' : 'simd';
  return 'simd';
}

/**
 * The build a choice resolves to when the first init asks for threads and they can run:
 * 'relaxed' loads kernels.relaxed-threads.wasm, 'baseline' and 'auto' kernels.threads.wasm.
 * @internal
 */
export function threadsBuild(choice: SimdChoice): Build {
  return choice === 'relaxed' ? 'relaxed' : 'simd';
}

/** InitOptions.simd, validated (default 'baseline'). @internal */
export function simdChoice(c: unknown): SimdChoice {
  if (c === undefined) return 'baseline';
  if (typeof c !== 'string' || !['baseline', 'relaxed', 'auto', 'scalar'].includes(c)) throw new ValueError('options.simd', "'baseline', 'relaxed', 'auto' or 'scalar'", c);
  return c as SimdChoice;
}
