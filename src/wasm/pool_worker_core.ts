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
 * The threads build's host imports: sleep and wake on an i32 of the shared memory
 * (assembly/pool.ts says why these are not wasm's own wait/notify), the clock of the
 * dispatcher's watchdog, its report of a dead worker (`fault`, in the calling instance: throws
 * ThreadError) and the tests' fault injection (pool_die, in a worker: 1 throws, 2 ends the
 * thread without a word, as the host terminating it would). Harmless to give to the other
 * builds, which do not import them.
 */
export function poolImports(memory: WebAssembly.Memory, fault?: (tid: number, waitedMs: number) => never) {
  let view = new Int32Array(memory.buffer);
  // (at() may replace view: call it before reading view)
  const at = (ptr: number): number => {
    const i = ptr >>> 2;
    if (i >= view.length) view = new Int32Array(memory.buffer); // the memory grew
    return i;
  };
  return {
    pool_wait(ptr: number, expected: number): void {
      const i = at(ptr);
      Atomics.wait(view, i, expected);
    },
    pool_wait_for(ptr: number, expected: number, ms: number): void {
      const i = at(ptr);
      Atomics.wait(view, i, expected, ms);
    },
    pool_notify(ptr: number, count: number): void {
      const i = at(ptr);
      Atomics.notify(view, i, count);
    },
    pool_now: (): number => performance.now(),
    pool_fault(tid: number, waitedMs: number): void {
      if (fault) fault(tid, waitedMs);
      throw new Error(`crossmodal: pool worker ${tid} died during a job`);
    },
    pool_die(mode: number): void {
      if (mode === 1) throw new Error('crossmodal pool worker: fault injected by a test');
      const p = (globalThis as { process?: { exit?: (code: number) => never } }).process;
      if (typeof p?.exit === 'function') p.exit(1); // a worker thread: ends it, not the process
      for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // a Web Worker: hangs, silent
    },
  };
}

export type WorkerReply = { ready: true } | { error: string };

export async function runWorker(msg: WorkerStart, post: (r: WorkerReply) => void): Promise<void> {
  let looping = false;
  try {
    const abort = (): never => {
      throw new Error('crossmodal pool worker: the kernel module aborted');
    };
    const instance = await WebAssembly.instantiate(msg.module, { env: { memory: msg.memory, abort, ...poolImports(msg.memory) } });
    const loop = instance.exports.pool_worker as (block: number, tid: number, scratch: number, seen: number) => void;
    post({ ready: true });
    looping = true;
    loop(msg.block, msg.tid, msg.scratch, 0); // returns when the pool stops
  } catch (e) {
    if (looping) {
      // died in a job (it threw, or the module aborted): tell the caller waiting for its share
      // (control block: the fault word at byte 20, pending at byte 4)
      const v = new Int32Array(msg.memory.buffer);
      Atomics.store(v, (msg.block + 20) >>> 2, msg.tid);
      Atomics.notify(v, (msg.block + 4) >>> 2);
    }
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
