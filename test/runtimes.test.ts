// The package as `npm pack` publishes it, installed into a fresh project, runs the same
// smoke scenario (test/runtimes/scenario.js) in Node, a Node worker thread, Deno, Bun,
// workerd (Miniflare), headless Chromium (import map) and a Vite-bundled app in Chromium.
// With the baseline build every output is bit-identical: the SHA-256 hashes must agree.
// A runtime that cannot start is a failure, not a skip; the one exception is a machine with
// no Chromium outside CI (test/browser.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { launchChromium, skipBrowser } from './browser.js';

const run = promisify(execFile);
// without Chromium (and outside CI) the three browser tests are skipped, with a notice
const noBrowser = skipBrowser('the Chromium runtime tests');
const repo = fileURLToPath(new URL('..', import.meta.url));
const bin = (name: string) => join(repo, 'node_modules', '.bin', name);

interface Result {
  build: string;
  threads: number;
  threadsFallback?: string;
  ok: boolean;
  failures: string[];
  hash: string;
  parts: Record<string, string>;
}

let dir = '';
const servers: Server[] = [];
let base = '';
/** the same files served cross-origin isolated */
let isolatedBase = '';
const results: Record<string, Result> = {};

function parseLast(stdout: string): Result {
  const line = stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (!line) throw new Error(`no JSON result in output:\n${stdout}`);
  return JSON.parse(line) as Result;
}

const MIME: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.css': 'text/css',
};

/** Serves root; isolated: with COOP/COEP on every response (cross-origin isolation: SharedArrayBuffer, threads). */
function serve(root: string, isolated = false): Promise<string> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    const coi = isolated ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {};
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', ...coi });
    res.end(readFileSync(file));
  });
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`)));
}

async function inChromium<T = Result>(url: string): Promise<T> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, null, { timeout: 60_000 });
    const r = (await page.evaluate(() => (window as unknown as { result: unknown }).result)) as { failures?: string[] };
    if (errors.length) r.failures = [...(r.failures ?? []), ...errors];
    return r as T;
  } finally {
    await browser.close();
  }
}

/** Bundles a worker entry for workerd (conditions workerd/worker/browser, the .wasm kept as a
 *  CompiledWasm module, as wrangler does) and returns the JSON its fetch handler answers. */
async function inWorkerd(entry: string, compatibilityDate = '2026-04-01', path = '/'): Promise<unknown> {
  const esbuild = await import('esbuild');
  const out = await esbuild.build({
    entryPoints: [join(dir, entry)],
    absWorkingDir: dir,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    plugins: [
      {
        name: 'wasm-as-module',
        setup(build) {
          build.onResolve({ filter: /\.wasm$/ }, () => ({ path: './kernels.wasm', external: true }));
        },
      },
    ],
  });
  const { Miniflare, Log, LogLevel } = await import('miniflare');
  const mf = new Miniflare({
    compatibilityDate,
    cf: false,
    modulesRoot: dir,
    log: new Log(LogLevel.WARN),
    modules: [
      { type: 'ESModule', path: join(dir, 'worker.js'), contents: out.outputFiles[0]!.text },
      { type: 'CompiledWasm', path: join(dir, 'kernels.wasm'), contents: readFileSync(join(dir, 'node_modules/crossmodal/build/kernels.wasm')) },
    ],
  });
  try {
    const res = await mf.dispatchFetch(`http://localhost${path}`);
    return await res.json();
  } finally {
    await mf.dispose();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'crossmodal-smoke-'));
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: repo });
  const tarball = (JSON.parse(stdout) as { filename: string }[])[0]!.filename;
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'crossmodal-smoke', private: true, type: 'module', dependencies: { crossmodal: `file:./${tarball}` } }, null, 2),
  );
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts'], { cwd: dir });
  for (const f of readdirSync(join(repo, 'test/runtimes'))) cpSync(join(repo, 'test/runtimes', f), join(dir, f), { recursive: true });
  base = await serve(dir);
  isolatedBase = await serve(dir, true);
}, 300_000);

afterAll(() => {
  for (const s of servers) s.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the packed package runs the smoke scenario everywhere', () => {
  it('installs from the tarball with its .wasm files and typings', () => {
    const pkg = join(dir, 'node_modules/crossmodal');
    for (const f of ['build/kernels.wasm', 'build/kernels.relaxed.wasm', 'build/kernels.scalar.wasm', 'build/kernels.threads.wasm', 'build/kernels.relaxed-threads.wasm', 'dist/index.js', 'dist/index.d.ts', 'dist/browser.js', 'dist/workerd.js', 'dist/wasm/pool_worker.js'])
      expect(existsSync(join(pkg, f)), f).toBe(true);
  });

  it('Node', async () => {
    results.node = parseLast((await run(process.execPath, ['run.mjs'], { cwd: dir })).stdout);
  });

  it('a Node worker thread', async () => {
    results.worker = parseLast((await run(process.execPath, ['thread.mjs'], { cwd: dir })).stdout);
  });

  it('Deno', async () => {
    results.deno = parseLast((await run(bin('deno'), ['run', '--allow-read', '--allow-env', '--allow-sys', 'run.mjs'], { cwd: dir, env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' } })).stdout);
  });

  it('Bun', async () => {
    results.bun = parseLast((await run(bin('bun'), ['run.mjs'], { cwd: dir })).stdout);
  });

  it('workerd (Miniflare), with the .wasm imported as a compiled module', async () => {
    results.workerd = (await inWorkerd('worker-cf.js')) as Result;
  });

  it('workerd with its oldest compatibility date (2021-11-03: no FinalizationRegistry before 2025-05-05)', async () => {
    const r = (await inWorkerd('worker-cf.js', '2021-11-03')) as Result & { finalizationRegistry: string };
    expect(r.finalizationRegistry).toBe('undefined');
    results.workerdOld = r;
  });

  it.skipIf(noBrowser)('headless Chromium, the package imported through an import map', async () => {
    results.chromium = await inChromium(`${base}/index.html`);
  });

  it.skipIf(noBrowser)('a Vite-bundled app in Chromium finds its .wasm at run time', async () => {
    await run(process.execPath, [join(repo, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn', '--base', './', '--outDir', join(dir, 'app-dist'), '--emptyOutDir'], {
      cwd: join(dir, 'app'),
    });
    const assets = readdirSync(join(dir, 'app-dist/assets'));
    expect(assets.some((f) => f.endsWith('.wasm'))).toBe(true);
    results.bundled = await inChromium(`${base}/app-dist/index.html`);
  });

  // the threads build with a pool of 3 (the calling thread and two workers)
  const threadsEnv = { ...process.env, CROSSMODAL_THREADS: '3', DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };
  it('threads: Node with init({ threads: 3 })', async () => {
    results.nodeThreads = parseLast((await run(process.execPath, ['run.mjs'], { cwd: dir, env: threadsEnv })).stdout);
  });

  it('threads: a pool started from a Node worker thread', async () => {
    results.workerThreads = parseLast((await run(process.execPath, ['thread.mjs'], { cwd: dir, env: threadsEnv })).stdout);
  });

  it('threads: Deno', async () => {
    results.denoThreads = parseLast((await run(bin('deno'), ['run', '--allow-read', '--allow-env', '--allow-sys', 'run.mjs'], { cwd: dir, env: threadsEnv })).stdout);
  });

  it('threads: Bun', async () => {
    results.bunThreads = parseLast((await run(bin('bun'), ['run.mjs'], { cwd: dir, env: threadsEnv })).stdout);
  });

  it('threads: workerd falls back to one thread and says why', async () => {
    const r = (await inWorkerd('worker-cf.js', '2026-04-01', '/?threads=3')) as Result;
    expect(r.threads).toBe(1);
    expect(r.threadsFallback).toMatch(/workerd runs each request on one thread/);
    results.workerdThreads = r;
  });

  it.skipIf(noBrowser)('threads: Chromium, a cross-origin-isolated page (COOP/COEP), on the main thread (the caller spins)', async () => {
    results.chromiumThreads = await inChromium(`${isolatedBase}/index.html?threads=3`);
  });

  it.skipIf(noBrowser)('threads: the Vite-bundled app, cross-origin isolated (the bundle ships the pool worker)', async () => {
    results.bundledThreads = await inChromium(`${isolatedBase}/app-dist/index.html?threads=3`);
  });

  it.skipIf(noBrowser)('threads: Chromium without cross-origin isolation falls back to one thread and says why', async () => {
    const r = await inChromium(`${base}/index.html?threads=3`);
    expect(r.threads).toBe(1);
    expect(r.threadsFallback).toMatch(/not cross-origin isolated.*Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/);
    results.chromiumNoIsolation = r;
  });

  it('every runtime passed its checks with the baseline build, and all outputs are bit-identical, with and without threads', () => {
    const browsers = noBrowser ? [] : ['chromium', 'bundled', 'chromiumThreads', 'bundledThreads', 'chromiumNoIsolation'];
    const names = ['node', 'worker', 'deno', 'bun', 'workerd', 'workerdOld', 'nodeThreads', 'workerThreads', 'denoThreads', 'bunThreads', 'workerdThreads', ...browsers];
    for (const n of names) {
      const r = results[n];
      expect(r, `${n} produced no result`).toBeDefined();
      expect(r!.failures, n).toEqual([]);
      expect(r!.ok, n).toBe(true);
      expect(r!.build, n).toBe('simd');
      const pooled = n.endsWith('Threads') && n !== 'workerdThreads';
      expect(r!.threads, `${n} threads`).toBe(pooled ? 3 : 1);
      if (pooled) expect(r!.threadsFallback, n).toBeUndefined();
    }
    const hashes = Object.fromEntries(names.map((n) => [n, results[n]!.hash]));
    for (const n of names) expect(results[n]!.parts, `${n} parts`).toEqual(results.node!.parts);
    expect(new Set(Object.values(hashes)).size, JSON.stringify(hashes, null, 1)).toBe(1);
  });
});

describe("the runtime examples of docs/runtimes-threads.md (test/runtimes/examples) run as written", () => {
  const outputs: Record<string, { build: string; correlations: number[] }> = {};
  const env = { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };
  it('Node, Deno and Bun run examples/script.mjs', async () => {
    outputs.node = JSON.parse((await run(process.execPath, ['examples/script.mjs'], { cwd: dir })).stdout);
    outputs.deno = JSON.parse((await run(bin('deno'), ['run', '--allow-read', '--allow-env', '--allow-sys', 'examples/script.mjs'], { cwd: dir, env })).stdout);
    outputs.bun = JSON.parse((await run(bin('bun'), ['examples/script.mjs'], { cwd: dir })).stdout);
  });
  it('Node, Deno and Bun run examples/threads.mjs: a pool of every core, the same bits as one thread', async () => {
    const got = [
      (await run(process.execPath, ['examples/threads.mjs'], { cwd: dir })).stdout,
      (await run(bin('deno'), ['run', '--allow-read', '--allow-env', '--allow-sys', 'examples/threads.mjs'], { cwd: dir, env })).stdout,
      (await run(bin('bun'), ['examples/threads.mjs'], { cwd: dir })).stdout,
    ];
    const stated = /`node threads\.mjs` prints `([^`]+)`/.exec(readFileSync(join(repo, 'docs', 'runtimes-threads.md'), 'utf8'))?.[1];
    expect(stated, 'docs/runtimes-threads.md states what threads.mjs prints').toBeDefined();
    const re = new RegExp(`^${stated!.split('…').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[0-9]*')}$`);
    for (const out of got) {
      expect(JSON.parse(out)).toEqual({ threads: availableParallelism(), identical: true });
      expect(out.trim()).toMatch(re);
    }
  });
  it('workerd runs examples/worker.js', async () => {
    outputs.workerd = (await inWorkerd('examples/worker.js')) as { build: string; correlations: number[] };
  });
  it.skipIf(noBrowser)('Chromium runs examples/page.html', async () => {
    outputs.chromium = await inChromium(`${base}/examples/page.html`);
  });
  it('all agree', () => {
    for (const name of ['node', 'deno', 'bun', 'workerd', ...(noBrowser ? [] : ['chromium'])]) {
      const o = outputs[name];
      expect(o, name).toBeDefined();
      expect(o!.build).toBe('simd');
      expect(o!.correlations).toHaveLength(2);
      expect(o!.correlations[0]).toBeGreaterThan(0.9);
      expect(o!.correlations).toEqual(outputs.node!.correlations);
    }
    // …and print what docs/runtimes-threads.md says they print (`…` = the rest of a number)
    const guide = readFileSync(join(repo, 'docs', 'runtimes-threads.md'), 'utf8');
    const stated = /`node example\.mjs` prints `([^`]+)`/.exec(guide)?.[1];
    expect(stated, 'docs/runtimes-threads.md states what example.mjs prints').toBeDefined();
    const re = new RegExp(`^${stated!.split('…').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[0-9]*')}$`);
    expect(JSON.stringify(outputs.node)).toMatch(re);
  });
});
