// A pool worker in a Web Worker (browsers, Deno, Bun): started by src/wasm/pool.ts.
import { runWorker, type WorkerStart } from './pool_worker_core.js';

const scope = globalThis as unknown as { onmessage: ((e: MessageEvent<WorkerStart>) => void) | null; postMessage(m: unknown): void; close(): void };
scope.onmessage = (e) => {
  scope.onmessage = null;
  void runWorker(e.data, (r) => scope.postMessage(r));
};
