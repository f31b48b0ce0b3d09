// Peak live wasm bytes of a CCA fit against the row count (issue 12), each size in a fresh
// process: the rows stream through the co-moments in blocks, so the peak must not grow with n.
//   node scripts/peak.mjs [n …]      (default 20000 100000 200000; p = q = 400)
// Prints one line per size and exits 1 if any peak differs from the first by more than 10 %
// or passes 64 MiB. Part of `npm run fuzz`.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const P = 400, Q = 400, MiB = 2 ** 20;

if (process.argv[2] === '--child') {
  const n = Number(process.argv[3]);
  const { init, memoryStats, CCA } = await import('../dist/index.js');
  await init();
  // a shared latent in the first columns, noise elsewhere (mulberry32, seed n)
  let s = n >>> 0;
  const u = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
  const X = new Float64Array(n * P), Y = new Float64Array(n * Q);
  for (let i = 0; i < n; i++) {
    const z = u();
    for (let j = 0; j < P; j++) X[i * P + j] = (j < 4 ? z : 0) + u();
    for (let j = 0; j < Q; j++) Y[i * Q + j] = (j < 4 ? z : 0) + u();
  }
  const start = memoryStats({ resetPeak: true });
  const t0 = performance.now();
  const cca = new CCA({ components: 2, regularization: 1e-3 }).fit({ data: X, rows: n, cols: P }, { data: Y, rows: n, cols: Q });
  const seconds = (performance.now() - t0) / 1000;
  const end = memoryStats();
  console.log(JSON.stringify({ n, peak: end.peakLiveBytes - start.liveBytes, memoryBytes: end.memoryBytes, inputBytes: X.byteLength + Y.byteLength, seconds, r0: cca.correlations[0] }));
  cca.dispose();
} else {
  const sizes = process.argv.slice(2).map(Number);
  const runs = [];
  for (const n of sizes.length ? sizes : [20000, 100000, 200000]) {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', String(n)], { encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').at(-1));
    runs.push(r);
    console.log(
      `CCA fit ${n}×${P} / ${n}×${Q}: peak live wasm ${(r.peak / MiB).toFixed(1)} MiB, wasm memory ${(r.memoryBytes / MiB).toFixed(1)} MiB ` +
        `(${(r.memoryBytes / r.inputBytes).toFixed(2)}× the ${(r.inputBytes / MiB).toFixed(0)} MiB input), ${r.seconds.toFixed(1)} s, first correlation ${r.r0.toFixed(4)}`,
    );
  }
  const bad = runs.filter((r) => Math.abs(r.peak / runs[0].peak - 1) > 0.1 || r.peak > 64 * MiB);
  if (bad.length) {
    console.error(`peak live bytes grow with n or pass 64 MiB: ${bad.map((r) => r.n).join(', ')}`);
    process.exit(1);
  }
  console.log('peaks within 10 % of each other and under 64 MiB');
}
