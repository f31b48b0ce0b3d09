/**
 * What one pool worker does, in any host (Node worker thread or Web Worker): instantiate the
 * threads build over the shared memory it is sent, say it is ready, then sit in the module's
 * pool_worker loop (running its share of every job) until the pool stops. Self-contained: no
 * imports, and runWorker calls nothing but poolImports, so a Node worker runs the two
 * functions' own source (nodeWorkerSource) and needs no file beside the bundle.
 * @internal
 */
export interface WorkerStart {
  /** the compiled threads build */
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  block: number;
  tid: number;
  scratch: number;
}

/**
 * The threads build's two host imports: sleep and wake on an i32 of the shared memory
 * (assembly/pool.ts says why these are not wasm's own wait/notify). Harmless to give to the
 * other builds, which do not import them.
 */
export function poolImports(memory: WebAssembly.Memory): { pool_wait(ptr: number, expected: number): void; pool_notify(ptr: number, count: number): void } {
  let view = new Int32Array(memory.buffer);
  const at = (ptr: number): number => {
    const i = ptr >>> 2;
    if (i >= view.length) view = new Int32Array(memory.buffer); // the memory grew
    return i;
  };
  return {
    pool_wait(ptr, expected) {
      Atomics.wait(view, at(ptr), expected);
    },
    pool_notify(ptr, count) {
      Atomics.notify(view, at(ptr), count);
    },
  };
}

export type WorkerReply = { ready: true } | { error: string };

export async function runWorker(msg: WorkerStart, post: (r: WorkerReply) => void): Promise<void> {
  try {
    const abort = (): never => {
      throw new Error('crossmodal pool worker: the kernel module aborted');
    };
    const instance = await WebAssembly.instantiate(msg.module, { env: { memory: msg.memory, abort, ...poolImports(msg.memory) } });
    const loop = instance.exports.pool_worker as (block: number, tid: number, scratch: number, seen: number) => void;
    post({ ready: true });
    loop(msg.block, msg.tid, msg.scratch, 0); // returns when the pool stops
  } catch (e) {
    post({ error: e instanceof Error ? e.message : String(e) });
  }
}

/**
 * The script of a Node pool worker (worker_threads, eval: true): this file's two functions
 * and the message hook. Built from their source so that bundling the package (which moves or
 * renames files) cannot lose the worker; a minifier's renaming is followed through `.name`.
 */
export function nodeWorkerSource(): string {
  return [
    `const ${poolImports.name} = ${poolImports.toString()};`,
    `const ${runWorker.name} = ${runWorker.toString()};`,
    `const { parentPort } = require('node:worker_threads');`,
    `parentPort.once('message', (m) => { ${runWorker.name}(m, (r) => parentPort.postMessage(r)); });`,
  ].join('\n');
}
