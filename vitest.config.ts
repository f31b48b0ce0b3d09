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
];

const shared = { testTimeout: 120_000, hookTimeout: 120_000, pool: 'forks' as const };

export default defineConfig({
  test: {
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest/results.json' },
    projects: [
      { test: { ...shared, name: 'simd', include: ['test/**/*.test.ts'] } },
      {
        test: {
          ...shared,
          name: 'scalar',
          include: perBuild,
          setupFiles: ['test/setup-build.ts'],
          env: { CROSSMODAL_BUILD: 'scalar' },
        },
      },
      {
        test: {
          ...shared,
          name: 'relaxed',
          include: perBuild,
          setupFiles: ['test/setup-build.ts'],
          env: { CROSSMODAL_BUILD: 'relaxed' },
          execArgv: ['--experimental-wasm-relaxed-simd'],
        },
      },
    ],
  },
});
