#!/usr/bin/env node
// f32 matrix-product speed of the threaded browser peers in headless Chromium, in a
// cross-origin-isolated page (COOP same-origin + COEP require-corp on every response), so
// SharedArrayBuffer and wasm threads are available:
//   TF.js 4.22 wasm backend (XNNPACK, tfjs-backend-wasm-threaded-simd.wasm): setThreadsCount(2) and (1)
//   jax-js 0.1.25 wasm device: its worker pool (one worker per navigator.hardwareConcurrency),
//     the same pool forced to 1 worker, and its synchronous path (dataSync: main thread only)
//   crossmodal: init({ threads: 2 }) and (1), linalg.matmul on the page's main thread (dist/browser.js)
// GFLOP/s = 2·m·n·k / seconds, shapes m×k×n, layouts nn (A·B), tn (Aᵀ·B), nt (A·Bᵀ).
// Each row: `--warmup` untimed runs, then `--reps` timed runs; ms = median (best also shown).
// The defaults (5 and 11) warm every library's code on every thread: each worker tiers its own
// wasm code up (Liftoff, then TurboFan), so with 2 warm-up runs the first timed shape of a
// 2-thread pool still caught slow calls (crossmodal A·B 1024³: medians 54–57 GFLOP/s, best
// 66–76, where every later shape ran at 76–79).
// Timed region: the product and reading it back into a JS Float32Array (TF.js dataSync(),
// jax-js await data() / dataSync()), the inputs staying resident in the library.
//
//   node bench/browser_peers.mjs [--reps 11] [--warmup 5] [--shapes 1024x1024x1024,800x1024x1024]
//                                [--only tfjs,jax,crossmodal] [--layouts nn,tn,nt]
//
// Chromium: CHROMIUM_PATH, else /usr/bin/chromium (apt-get install -y chromium). The page script
// is bundled with esbuild into a temp dir (removed at exit), served at /__bundle/; everything else
// is served from the repo root (so /node_modules/... and /dist/... are reachable).
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = fileURLToPath(new URL('..', import.meta.url));
const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '11' },
    warmup: { type: 'string', default: '5' },
    shapes: { type: 'string', default: '1024x1024x1024,800x1024x1024' },
    layouts: { type: 'string', default: 'nn,tn,nt' },
    only: { type: 'string', default: 'tfjs,jax,crossmodal' },
    verbose: { type: 'boolean', default: false },
  },
});
const only = new Set(args.only.split(','));

const CHROMIUM = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
if (!CHROMIUM) {
  console.error('no Chromium: apt-get install -y chromium, or set CHROMIUM_PATH');
  process.exit(2);
}
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

// ---------------------------------------------------------------- bundle the page script
const out = mkdtempSync(join(tmpdir(), 'crossmodal-browser-peers-'));
const cleanup = () => rmSync(out, { recursive: true, force: true });
const esbuild = await import('esbuild');
await esbuild.build({
  entryPoints: [join(repo, 'bench/browser/peers.js')],
  absWorkingDir: repo,
  outdir: out,
  bundle: true,
  splitting: true, // each library's code loads only in the pages that use it
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  logLevel: 'error',
});

// ---------------------------------------------------------------- the isolated server
const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.map': 'application/json',
};
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};
const served = [];
const server = createServer((req, res) => {
  const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  let root = repo;
  let rel = pathname;
  if (pathname.startsWith('/__bundle/')) {
    root = out;
    rel = pathname.slice('/__bundle'.length);
  }
  const file = join(root, normalize(rel.endsWith('/') ? `${rel}index.html` : rel));
  const inside = file === root || file.startsWith(root.endsWith(sep) ? root : root + sep);
  if (!inside || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { ...ISOLATION, 'content-type': 'text/plain' }).end('not found');
    served.push(`404 ${pathname}`);
    return;
  }
  res.writeHead(200, { ...ISOLATION, 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
  res.end(readFileSync(file));
  served.push(`200 ${pathname}`);
});
const base = await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`)));

// ---------------------------------------------------------------- the runs
// Counts the Worker objects the page constructs (emscripten pthreads, jax-js pool); optionally
// makes navigator.hardwareConcurrency report `hc` (jax-js sizes its pool from it at load time).
function initScript(hc) {
  const real = navigator.hardwareConcurrency;
  globalThis.__realHardwareConcurrency = real;
  if (hc) Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => hc, configurable: true });
  const W = globalThis.Worker;
  if (!W) return;
  globalThis.__workers = { count: 0, kinds: [] };
  globalThis.Worker = class extends W {
    constructor(url, opts) {
      super(url, opts);
      globalThis.__workers.count++;
      globalThis.__workers.kinds.push(`${String(url).split(':')[0]}${opts && opts.type === 'module' ? '/module' : ''}`);
    }
  };
}

const common = `reps=${args.reps}&warmup=${args.warmup}&shapes=${args.shapes}&layouts=${args.layouts}`;
const runs = [];
// TF.js caps its thread pool at min(setThreadsCount, hardwareConcurrency / 2): with 2 logical
// CPUs, setThreadsCount(2) gives 1 thread. The first run raises the getter to 2·threads (before
// the page runs) so the 2-thread pool really has 2 threads; the last shows the cap as shipped.
if (only.has('tfjs'))
  runs.push(
    { name: 'TF.js wasm, setThreadsCount(2), hardwareConcurrency := 4 (lifts its /2 cap)', q: 'lib=tfjs&threads=2', hc: 4 },
    { name: 'TF.js wasm, setThreadsCount(1)', q: 'lib=tfjs&threads=1' },
    { name: 'TF.js wasm, setThreadsCount(2), real hardwareConcurrency (capped)', q: 'lib=tfjs&threads=2&layouts=nn' },
  );
if (only.has('jax'))
  runs.push(
    { name: 'jax-js wasm, worker pool (hardwareConcurrency workers), await data()', q: 'lib=jax&mode=async' },
    { name: 'jax-js wasm, worker pool forced to 1 worker (hardwareConcurrency := 1)', q: 'lib=jax&mode=async', hc: 1 },
    { name: 'jax-js wasm, synchronous path: dataSync() on the main thread', q: 'lib=jax&mode=sync' },
  );
if (only.has('crossmodal')) runs.push({ name: 'crossmodal, threads 2', q: 'lib=crossmodal&threads=2' }, { name: 'crossmodal, threads 1', q: 'lib=crossmodal&threads=1' });

const { chromium } = await import('playwright-core');
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const rows = [];
const failures = [];
let firstInfo = null;
try {
  for (const run of runs) {
    const context = await browser.newContext();
    await context.addInitScript(initScript, run.hc ?? 0);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(`pageerror: ${e}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
      if (args.verbose) console.error(`  [page] ${m.text()}`);
    });
    const t0 = Date.now();
    await page.goto(`${base}/bench/browser/index.html?${common}&${run.q}`); // run.q wins over common
    await page.waitForFunction(() => window.result !== undefined, null, { timeout: 15 * 60_000, polling: 250 });
    const r = await page.evaluate(() => window.result);
    await context.close();
    const i = r.info;
    firstInfo ??= i;
    console.log(`# ${run.name}  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    console.log(
      `  crossOriginIsolated=${i.crossOriginIsolated} hardwareConcurrency=${i.hardwareConcurrency}` +
        (i.realHardwareConcurrency !== i.hardwareConcurrency ? ` (overridden; real ${i.realHardwareConcurrency})` : '') +
        ` workersCreated=${i.workersCreated ? `${i.workersCreated.count} [${[...new Set(i.workersCreated.kinds)].join(',')}]` : 'n/a'}` +
        ` wasmFetched=${JSON.stringify(i.wasmFetched)}`,
    );
    if (i.tfjs) console.log(`  tfjs: ${JSON.stringify(i.tfjs)}`);
    if (i.jax) console.log(`  jax-js: ${JSON.stringify(i.jax)}`);
    if (i.crossmodal) console.log(`  crossmodal: ${JSON.stringify(i.crossmodal)}`);
    if (!i.crossOriginIsolated) failures.push(`${run.name}: page is NOT cross-origin isolated`);
    for (const f of [...r.failures, ...errors]) failures.push(`${run.name}: ${f}`);
    rows.push(...r.rows);
  }
} finally {
  await browser.close();
  server.close();
  cleanup();
}

// ---------------------------------------------------------------- the table
const header = ['library', 'threads', 'layout', 'shape m×k×n', 'ms (median)', 'GFLOP/s (median)', 'ms (best)', 'GFLOP/s (best)'];
const body = rows.map((r) => [r.library, r.threads, r.layout, r.shape, r.msMedian.toFixed(1), r.gflopsMedian.toFixed(1), r.msBest.toFixed(1), r.gflopsBest.toFixed(1)]);
const widths = header.map((h, c) => Math.max(h.length, ...body.map((b) => b[c].length)));
const line = (cells) => cells.map((s, c) => (c < 4 ? s.padEnd(widths[c]) : s.padStart(widths[c]))).join('  ');
console.log('');
console.log(`Chromium ${firstInfo?.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? '?'}, hardwareConcurrency ${firstInfo?.realHardwareConcurrency ?? '?'}, warmup ${args.warmup}, reps ${args.reps} (ms = median of reps; best also shown)`);
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const b of body) console.log(line(b));
if (args.verbose) console.error(served.join('\n'));
const notFound = served.filter((s) => s.startsWith('404') && !s.endsWith('/favicon.ico'));
if (notFound.length) console.log(`\nnot found: ${notFound.join(', ')}`);
if (failures.length) {
  console.error(`\nFAILED:\n${failures.join('\n')}`);
  process.exit(1);
}
process.exit(0);
