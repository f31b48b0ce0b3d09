// A pool worker in a browser's Web Worker: started by src/wasm/pool.ts (Node, Deno and Bun
// run pool_worker_core's source in worker_threads instead).
import { runWorker, type WorkerStart } from './pool_worker_core.js';

const scope = globalThis as unknown as { onmessage: ((e: MessageEvent<WorkerStart>) => void) | null; postMessage(m: unknown): void };
scope.onmessage = (e) => {
  scope.onmessage = null;
  void runWorker(e.data, (r) => scope.postMessage(r));
};
