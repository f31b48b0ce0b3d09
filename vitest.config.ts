import { defineConfig } from 'vitest/config';

// The kernel and model suites run once per wasm build (baseline SIMD, relaxed SIMD,
// scalar); test/setup-build.ts loads the build named by CROSSMODAL_BUILD before each file.
const perBuild = [
  'test/stats.test.ts',
  'test/gemm_f64.test.ts',
  'test/eigh.test.ts',
  'test/svd.test.ts',
  'test/cca.test.ts',
  'test/memory.test.ts',
  'test/nn_kernels.test.ts',
  'test/gemm_f32.test.ts',
  'test/nn.test.ts',
  'test/retrieval.test.ts',
];

// The public-API fuzz (test/api-fuzz.test.ts) runs FUZZ_CASES cases (default 2000) on the
// baseline build in npm test; `npm run fuzz` runs 10,000 on each of the three builds.
const perBuildFuzz = process.env.FUZZ_ALL_BUILDS ? [...perBuild, 'test/api-fuzz.test.ts'] : perBuild;

const shared = { testTimeout: 120_000, hookTimeout: 120_000, pool: 'forks' as const };

export default defineConfig({
  test: {
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest/results.json' },
    projects: [
      // --expose-gc: the finalisation safety net is tested by forcing collections
      { test: { ...shared, name: 'simd', include: ['test/**/*.test.ts'], execArgv: ['--expose-gc'] } },
      {
        test: {
          ...shared,
          name: 'scalar',
          include: perBuildFuzz,
          setupFiles: ['test/setup-build.ts'],
          env: { CROSSMODAL_BUILD: 'scalar' },
        },
      },
      {
        test: {
          ...shared,
          name: 'relaxed',
          include: perBuildFuzz,
          setupFiles: ['test/setup-build.ts'],
          env: { CROSSMODAL_BUILD: 'relaxed' },
          execArgv: ['--experimental-wasm-relaxed-simd'],
        },
      },
    ],
  },
});
