// node test/threads/fresh.mjs <scenario> — one thread-pool scenario in a fresh process (the
// package's state is per process), printing a JSON line; run by test/threads.test.ts. Uses
// dist/ (npm test builds it first).
import { readFileSync } from 'node:fs';

const scenario = process.argv[2];
if (scenario === 'nosab') delete globalThis.SharedArrayBuffer; // an engine without shared memory

const cm = await import('../../dist/index.js');
const { kernels } = await import('../../dist/wasm/module.js');
const { createHash } = await import('node:crypto');
const wasm = (f) => readFileSync(new URL(`../../build/${f}`, import.meta.url));

/** OS threads of this process (each worker is one); 0 where /proc is missing (not Linux: unchecked). */
const osThreads = () => {
  try {
    return Number(/Threads:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
  } catch {
    return 0;
  }
};

/** Work that splits between threads: f32 and f64 products, a covariance, Adam steps. */
function work() {
  const n = 160;
  const rows = (r, c, s) => Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => (((i * 131 + j * 71 + s) % 97) - 48) / 32));
  const A = cm.Tensor.from(rows(n, n, 1)), B = cm.Tensor.from(rows(n, n, 2));
  const C = cm.linalg.matmul(A, B, { transposeB: true });
  const D = cm.linalg.matmul(rows(n, 90, 3), rows(90, n, 4));
  const S = cm.linalg.covariance(rows(600, 70, 5));
  const h = createHash('sha256');
  for (const m of [C, D, S]) h.update(new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength));
  for (const m of [A, B, C, D, S]) m.dispose();
  return h.digest('hex');
}

const out = {};
const err = (e) => `${e.name}: ${e.message}`;
switch (scenario) {
  case 'relaxed':
  case 'scalar':
    out.error = await cm.init({ simd: scenario, threads: 2 }).then(() => 'resolved', err);
    out.after = await cm.init(); // the failed call left init usable
    break;
  case 'nosab':
    out.info = await cm.init({ threads: 2 });
    out.again = await cm.init({ threads: 3 }); // the same reason again
    out.one = await cm.init({ threads: 1 }); // nothing refused
    break;
  case 'plain-module':
    out.info = await cm.init({ bytes: wasm('kernels.wasm'), threads: 2 });
    break;
  case 'threads-module':
    out.info = await cm.init({ module: new WebAssembly.Module(wasm('kernels.threads.wasm')), threads: 2 });
    out.hash = work();
    out.dispatches = kernels().pool_dispatches();
    await cm.shutdown();
    break;
  case 'cap': {
    // the memory cap holds for the shared memory too: MemoryLimitError, and the pool goes on
    out.info = await cm.init({ threads: 2, maximumMemory: 16 * 1024 * 1024 });
    const live = cm.memoryStats().liveBytes;
    out.error = (() => {
      try {
        cm.Matrix.zeros(2000, 2000);
        return 'no error';
      } catch (e) {
        return e.name;
      }
    })();
    out.hash = work();
    out.liveGrowth = cm.memoryStats().liveBytes - live;
    await cm.shutdown();
    break;
  }
  case 'late':
    out.info = await cm.init();
    out.error = await cm.init({ threads: 2 }).then(() => null, (e) => `${e.name}: ${e.message}`);
    out.again = await cm.init({ threads: 1 });
    break;
  case 'exit': {
    // a pool left running: the process must still end by itself
    out.info = await cm.init({ threads: 3 });
    out.hash = work();
    break;
  }
  case 'cycles': {
    await cm.init({ threads: 2 }); // the first call with threads loads the threads build
    await cm.shutdown();
    const threadsBefore = osThreads();
    const serial = work();
    const live = cm.memoryStats().liveBytes;
    const hashes = new Set([serial]);
    let most = 0;
    for (let i = 0; i < 100; i++) {
      const info = await cm.init({ threads: 2 + (i % 3) });
      if (info.threads !== 2 + (i % 3)) throw new Error(`cycle ${i}: ${JSON.stringify(info)}`);
      most = Math.max(most, osThreads() - threadsBefore);
      hashes.add(work());
      await cm.shutdown();
    }
    out.cycles = { count: 100, liveGrowth: cm.memoryStats().liveBytes - live, threadsLeft: osThreads() - threadsBefore, mostThreads: most };
    out.hashes = hashes.size;
    out.dispatches = kernels().pool_dispatches();
    break;
  }
  default:
    throw new Error(`unknown scenario ${scenario}`);
}
console.log(JSON.stringify(out));
