/**
 * The thread pool's JavaScript side: where threads can exist, how workers are started and
 * stopped. The wasm side (assembly/pool.ts) does the dispatching; this file only gives it a
 * control block, one packing scratch per worker and the workers themselves. Used by
 * module.ts only.
 * @internal
 */
import type { Kernels, Ptr } from './api.js';
import { ThreadError } from '../errors.js';
import type { WorkerReply, WorkerStart } from './pool_worker_core.js';

/** A started worker, whatever the host's Worker API. */
export interface PoolWorker {
  post(msg: WorkerStart): void;
  /** replies, and errors as { error } */
  listen(cb: (r: WorkerReply) => void): void;
  /** lets the process exit while the worker lives (worker_threads, Bun); called once it is ready */
  unref(): void;
  /** the thread ended (worker_threads' exit event; a browser's Worker has none) */
  onExit?(cb: (code: number) => void): void;
  terminate(): Promise<unknown> | void;
}

export type WorkerFactory = () => PoolWorker;

let hostFactory: WorkerFactory | null = null;
let hostThreads: (() => number) | null = null;

/**
 * The Node entry (also Deno's and Bun's) installs worker_threads, whose workers can be unref'd
 * (Deno's Web Worker cannot: it would keep the process alive), and os.availableParallelism;
 * without it (browsers) pool workers are Web Workers.
 */
export function setHostThreads(factory: WorkerFactory, threads: () => number): void {
  hostFactory = factory;
  hostThreads = threads;
}

/** Browsers' pool workers (written literally so that bundlers find the worker file). */
function webWorker(): PoolWorker {
  const w = new Worker(new URL('./pool_worker.js', import.meta.url), { type: 'module' });
  return {
    post: (m) => w.postMessage(m),
    listen(cb) {
      w.addEventListener('message', (e: MessageEvent<WorkerReply>) => cb(e.data));
      w.addEventListener('error', (e: ErrorEvent) => cb({ error: e.message || 'the worker failed to start' }));
      w.addEventListener('messageerror', () => cb({ error: 'the worker could not receive the module or the memory' }));
    },
    unref: () => (w as Worker & { unref?: () => void }).unref?.(),
    terminate: () => w.terminate(),
  };
}

/** Threads this machine offers ('auto'). */
export function hardwareThreads(): number {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  const n = nav?.hardwareConcurrency ?? hostThreads?.() ?? 1;
  return Math.max(1, Math.floor(n));
}

/** Why threads cannot run here, or null when they can. */
export function threadsUnavailable(): string | null {
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { userAgent?: string }; Worker?: unknown; SharedArrayBuffer?: unknown };
  if (g.navigator?.userAgent === 'Cloudflare-Workers') return 'workerd runs each request on one thread (no Workers, no shared memory)';
  if (g.crossOriginIsolated === false)
    return 'this page is not cross-origin isolated, so it has no SharedArrayBuffer: serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp';
  if (typeof g.SharedArrayBuffer !== 'function') return 'this engine has no SharedArrayBuffer';
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true } as WebAssembly.MemoryDescriptor);
  } catch {
    return 'this engine has no shared WebAssembly memory';
  }
  if (typeof g.Worker !== 'function' && !hostFactory) return 'this host has no Worker API';
  return null;
}

/** Whether this thread may block in Atomics.wait (not on a browser's main thread). */
function mayBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** Bytes of the control block (assembly/pool.ts POOL_CTRL_BYTES). */
const CTRL_BYTES = 192;

export interface Pool {
  threads: number;
  stop(): Promise<void>;
}

/** The running pool's fault path (one pool per realm: the calling instance's). */
let running: ((why: string) => void) | null = null;
let runningWorkers: PoolWorker[] = [];

/**
 * Tests: terminates pool worker `tid` (1…threads − 1) as a host would, between calls.
 * @internal
 */
export function terminatePoolWorker(tid: number): Promise<unknown> | void {
  return runningWorkers[tid - 1]?.terminate();
}

/**
 * The calling instance's pool_fault import: a worker died during a job (tid), or one did not
 * finish within the watchdog's bound (0). Dispatch is already off in wasm; this ends the pool
 * and throws ThreadError, which unwinds the kernel and the call.
 */
export function poolFault(tid: number, waitedMs: number): never {
  const why =
    tid > 0
      ? `pool worker ${tid} died during a job (it threw)`
      : `a pool worker did not finish its share of a job ${Math.round(waitedMs)} ms after the calling thread had (taken for dead: terminated by the host?)`;
  running?.(why);
  throw new ThreadError(`${why}: the call was abandoned (its outputs hold no result); crossmodal now runs on one thread, init({ threads }) starts a new pool`);
}

/**
 * Starts threads − 1 workers over `memory` (the calling instance `k` of the threads build
 * allocates their control block and scratch) and turns dispatch on. Rejects, with everything
 * it started stopped and freed, when a worker cannot start.
 */
export async function startPool(k: Kernels, module: WebAssembly.Module, memory: WebAssembly.Memory, threads: number, onLost: (why: string) => void): Promise<Pool> {
  const block = k.mem_alloc(CTRL_BYTES);
  k.pool_prepare(block, threads);
  const scratchBytes = k.gemm_block_size(4, 6);
  const scratches: Ptr[] = [];
  const workers: PoolWorker[] = [];
  let ending = false;
  let done = false;
  let released: Promise<void> | null = null;
  // terminating first: no worker writes to its scratch or the block once they are freed
  const release = (): Promise<void> =>
    (released ??= (async () => {
      ending = true;
      await Promise.all(workers.map((w) => w.terminate()));
      for (const s of scratches) k.mem_free(s);
      k.mem_free(block);
      done = true;
    })());
  // a worker died (in a job: poolFault; between jobs: its exit or error event): dispatch off,
  // every worker ended, the pool reported lost. The error a dying worker posts may come after
  // the caller's report: it is appended (until the workers are ended: a pool started since
  // is not touched); exits after that are the terminations of release().
  let lost: string | null = null;
  const gone = (why: string, detail = false): void => {
    if (done || (ending && !(lost !== null && detail))) return;
    if (lost !== null) {
      if (!lost.includes(why)) onLost((lost = `${lost}; ${why}`));
      return;
    }
    lost = why;
    k.pool_abandon();
    if (running === gone) running = null;
    void release();
    onLost(why);
  };
  try {
    const ready: Promise<void>[] = [];
    for (let tid = 1; tid < threads; tid++) {
      const scratch = k.mem_alloc(scratchBytes);
      scratches.push(scratch);
      const w = (hostFactory ?? webWorker)();
      workers.push(w);
      let onReady!: () => void, onFail!: (e: Error) => void;
      ready.push(new Promise<void>((res, rej) => ((onReady = res), (onFail = rej))));
      let up = false;
      w.listen((r) => {
        if ('ready' in r) (up = true), onReady();
        else if ('error' in r) (up ? gone(`pool worker ${tid} failed: ${r.error}`, true) : onFail(new Error(r.error)));
      });
      w.onExit?.((code) => up && gone(`pool worker ${tid} exited (code ${code})`));
      w.post({ module, memory, block, tid, scratch });
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, rej) => {
      timer = setTimeout(() => rej(new Error('the workers did not start within 30 s')), 30_000);
      (timer as { unref?: () => void }).unref?.();
    });
    try {
      await Promise.race([Promise.all(ready), timeout]);
    } finally {
      clearTimeout(timer);
    }
  } catch (e) {
    // workers that did start sit in their loop, never dispatched to: terminating ends them
    await release();
    throw e;
  }
  // ready: from now on the workers must not keep a process alive (a pending start must)
  for (const w of workers) w.unref();
  k.pool_start(block, mayBlock() ? 1 : 0);
  running = gone;
  runningWorkers = workers;
  return {
    threads,
    async stop() {
      if (running === gone) running = null;
      try {
        if (lost === null && !ending) k.pool_stop(); // every worker has left its loop when this returns
      } catch {
        // a worker died with the pool idle and the quit job found it so (ThreadError): ended below
      }
      await release();
    },
  };
}
