// Node, Deno and Bun: read bundled .wasm files from disk (fetch cannot read file: URLs in Node).
import { setLoader } from './module.js';
import { setHostThreads } from './pool.js';
import { nodeWorkerSource } from './pool_worker_core.js';

setLoader(async (url) => {
  if (url.protocol !== 'file:') {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return res.arrayBuffer();
  }
  const fs = await import('node:fs/promises');
  const { fileURLToPath } = await import('node:url');
  return fs.readFile(fileURLToPath(url));
});

// Pool workers here are worker_threads (Node has no Web Worker; Deno's cannot be unref'd),
// unref'd once ready so they never keep the process alive.
type WorkerThreads = typeof import('node:worker_threads');
const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
const wt = proc?.getBuiltinModule?.('node:worker_threads') as WorkerThreads | undefined;
const os = proc?.getBuiltinModule?.('node:os') as typeof import('node:os') | undefined;
if (wt) {
  setHostThreads(
    () => {
      const w = new wt.Worker(nodeWorkerSource(), { eval: true });
      return {
        post: (m) => w.postMessage(m),
        listen(cb) {
          w.on('message', cb);
          w.on('error', (e: Error) => cb({ error: e.message }));
          w.on('messageerror', (e: Error) => cb({ error: `the worker could not receive the module or the memory: ${e.message}` }));
        },
        unref: () => w.unref(),
        onExit: (cb) => w.on('exit', cb),
        terminate: () => w.terminate(),
      };
    },
    () => os?.availableParallelism?.() ?? os?.cpus().length ?? 1,
  );
}
