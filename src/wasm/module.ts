/**
 * The only place that knows about instantiation, memory growth and typed-array views.
 * One module instance per JS realm. The rest of src/wasm/ works through `kernels()`, `alloc`,
 * `free` and the heap views (getters, so they never go stale after memory grows); nothing
 * outside src/wasm/ imports this file (it uses src/wasm/index.ts).
 */
import { instantiate } from '@assemblyscript/loader';
import type { Kernels, Ptr } from './api.js';
import { InitError, MemoryLimitError, ValueError } from '../errors.js';
import { checkOptions } from '../options.js';
import { BUILD_IDS, FILES, bundledUrl, chooseBuild, simdChoice, threadsBuild, wasmFeatures, type Build, type SimdChoice } from './builds.js';
import { INITIAL_PAGES } from './memory_pages.js';
import { hardwareThreads, poolFault, startPool, threadsUnavailable, type Pool } from './pool.js';
import { poolImports } from './pool_worker_core.js';

const PAGE = 65536;
/** wasm32 ceiling: 4 GiB. */
const MAX_PAGES = 65536;

export { wasmFeatures, type SimdChoice, type Build } from './builds.js';

/** Options of init(): where the wasm module comes from, which build, memory cap and threads. */
export interface InitOptions {
  /** A compiled module, as edge runtimes give you when you import the .wasm file (default: the bundled build). */
  module?: WebAssembly.Module;
  /** The module's bytes (default: the bundled build). */
  bytes?: ArrayBuffer | ArrayBufferView;
  /** URL (or file URL in Node) of the .wasm file to load instead of the bundled one (default: the bundled build). */
  url?: string | URL;
  /**
   * Which bundled build to load when no module/bytes/url is given:
   * 'baseline' (default: 128-bit SIMD, bit-identical across runtimes), 'relaxed' (adds
   * fused multiply-add; throws InitError where the engine lacks relaxed SIMD), 'auto'
   * (relaxed where available, else baseline), 'scalar' (no SIMD). Engines without SIMD get
   * the scalar build automatically. With threads: 'baseline' and 'auto' load the threads
   * build, 'relaxed' the relaxed threads build (kernels.relaxed-threads.wasm), 'scalar' is an
   * InitError. Relaxed results, with or without threads, may differ between CPUs.
   */
  simd?: SimdChoice;
  /** Upper bound on wasm memory in bytes (rounded down to 64 KiB pages). Default 4 GiB. */
  maximumMemory?: number;
  /**
   * Threads the kernels use (default 1). Above 1, the threads build (with simd: 'relaxed', the
   * relaxed threads build) is loaded over one shared memory and `threads − 1` workers join the
   * calling thread; large products, covariances and training loops are split between them
   * with results bit-identical to one thread of the same build on the same machine.
   * 'auto': every logical core. Where threads cannot exist (workerd, pages that are not
   * cross-origin isolated, engines without shared memory) init falls back to one thread (of
   * the build simd asks for) and says why in `threadsFallback`. Calling init({ threads })
   * again resizes the pool; `shutdown()` ends it.
   */
  threads?: number | 'auto';
}

/** What init() resolves to: the build loaded, the memory cap and the threads in use. */
export interface InitInfo {
  /** which build was loaded */
  build: Build;
  /** memory cap in bytes */
  maximumMemory: number;
  /** threads the kernels use (1: the calling thread only) */
  threads: number;
  /** why fewer threads than asked for are in use (absent when none were refused) */
  threadsFallback?: string;
}

interface State {
  k: Kernels;
  /** the compiled module (workers instantiate it too) */
  module: WebAssembly.Module;
  /** the threads build over a shared memory */
  shared: boolean;
  /** without it: why threads could not be had when the first init asked for them */
  threadless: string | null;
  pool: Pool | null;
  memory: WebAssembly.Memory;
  info: InitInfo;
  f64: Float64Array;
  f32: Float32Array;
  u8: Uint8Array;
}

let state: State | null = null;
let pending: Promise<InitInfo> | null = null;

export type Loader = (url: URL) => Promise<ArrayBuffer | Uint8Array>;

async function fetchLoader(url: URL): Promise<ArrayBuffer> {
  const res = await fetch(url);
  if (!res.ok) throw new InitError(`could not fetch ${url.href}: HTTP ${res.status}`);
  return res.arrayBuffer();
}

let loader: Loader = fetchLoader;
let defaultModule: WebAssembly.Module | null = null;

/** Platform entries install how files are read (Node: fs). @internal */
export function setLoader(l: Loader): void {
  loader = l;
}

/** Edge entries install the baseline module they import statically. @internal */
export function setDefaultModule(m: WebAssembly.Module): void {
  defaultModule = m;
}

/**
 * Loads the kernel module. Await it before using anything else. Later calls (and calls made
 * while the first is loading, which wait for it) resolve with the running instance's info when
 * every option they give resolves to what is running (options left out keep their value;
 * `threads` resizes the pool of the threads build); otherwise they throw InitError naming the
 * option, the current value and the asked one: the build and the memory cap are fixed for the
 * realm (`shutdown()` only ends the thread pool).
 *
 * @example
 * import { init } from 'crossmodal';
 * await init();                          // Node and browsers: the bundled .wasm
 * await init({ module: wasmModule });    // edge runtimes: an imported WebAssembly.Module
 */
export function init(options: InitOptions = {}): Promise<InitInfo> {
  try {
    checkOptions(options, INIT_OPTIONS);
  } catch (e) {
    return Promise.reject(e);
  }
  if (state) {
    try {
      sameOptions(state, options);
    } catch (e) {
      return Promise.reject(e);
    }
    if (options.threads === undefined) return Promise.resolve(state.info);
    const st = state;
    let threads: number;
    try {
      threads = parseThreads(options.threads);
    } catch (e) {
      return Promise.reject(e);
    }
    const next = resizing.then(() => resize(st, threads, st.shared || threads < 2 ? null : threadsUnavailable()));
    resizing = next.catch(() => undefined);
    return next;
  }
  // a concurrent call waits for the first, then meets the rule for later calls (sameOptions)
  if (pending) return pending.then(() => init(options));
  pending = doInit(options).catch((e) => {
    pending = null;
    throw e;
  });
  return pending;
}

const INIT_OPTIONS = ['module', 'bytes', 'url', 'simd', 'maximumMemory', 'threads'] as const satisfies readonly (keyof InitOptions)[];

/** Most threads init accepts (more than any machine this runs on offers). */
const MAX_THREADS = 256;

function parseThreads(t: unknown): number {
  if (t === undefined) return 1;
  if (t === 'auto') return Math.min(MAX_THREADS, hardwareThreads());
  if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > MAX_THREADS)
    throw new ValueError('options.threads', `a whole number from 1 to ${MAX_THREADS}, or 'auto'`, t);
  return t;
}

let resizing: Promise<unknown> = Promise.resolve();

/** Stops the running pool (if any) and starts one of `threads` (1: none). */
async function resize(st: State, threads: number, fallback: string | null): Promise<InitInfo> {
  if (!st.shared) {
    const info: InitInfo = { ...st.info, threads: 1 };
    delete info.threadsFallback; // one thread asked for: nothing refused
    if (threads > 1 || fallback)
      info.threadsFallback =
        fallback ?? st.threadless ?? 'crossmodal was initialised without threads (the threads build is chosen by the first init call: pass threads to it)';
    st.info = info;
    return info;
  }
  if (st.pool && st.pool.threads === threads) return st.info;
  if (st.pool) {
    const p = st.pool;
    st.pool = null;
    await p.stop();
  }
  const info: InitInfo = { ...st.info, threads: 1 };
  delete info.threadsFallback;
  if (fallback) info.threadsFallback = fallback;
  if (threads > 1) {
    try {
      // a worker lost later (ThreadError) leaves one thread and says why
      st.pool = await startPool(st.k, st.module, st.memory, threads, (why) => ((st.pool = null), (st.info = { ...st.info, threads: 1, threadsFallback: why })));
      info.threads = threads;
    } catch (e) {
      info.threadsFallback = `could not start ${threads - 1} worker${threads > 2 ? 's' : ''}: ${(e as Error).message}`;
    }
  }
  st.info = info;
  return info;
}

/**
 * Ends the thread pool started by init({ threads }): its workers exit and their memory is
 * freed. crossmodal stays initialised and computes on the calling thread (same results);
 * init({ threads }) starts a pool again. Without a pool it does nothing.
 *
 * @example
 * import { init, shutdown } from 'crossmodal';
 * const info = await init({ threads: 'auto' });
 * // … fit models …
 * await shutdown();
 */
export async function shutdown(): Promise<void> {
  await resizing;
  if (pending) await pending.catch(() => undefined);
  const st = state;
  if (!st || !st.pool) return;
  const next = resize(st, 1, null);
  resizing = next.catch(() => undefined);
  await next;
}

/** The cap in pages that init({ maximumMemory: m }) asks for (validated). */
function capPages(m: unknown): number {
  if (m === undefined) return MAX_PAGES;
  if (typeof m !== 'number' || !Number.isFinite(m) || m < INITIAL_PAGES * PAGE) throw new ValueError('options.maximumMemory', `a byte count of at least ${INITIAL_PAGES * PAGE}`, m);
  return Math.min(MAX_PAGES, Math.floor(m / PAGE));
}

/**
 * The rule for init after the first: each option given must resolve to what is running (an
 * option left out keeps its value). The build and the memory cap are fixed for the realm;
 * threads resize the pool of the threads build. Anything else is an InitError naming the
 * option, the current value and the asked one.
 */
function sameOptions(st: State, o: InitOptions): void {
  const fixed =
    'the build and the memory cap are fixed by the first init for the life of this process, worker or page (shutdown() only ends the thread pool): call init() without options to use the running instance, or start a new process or worker for other options';
  const differs = (option: string, asked: unknown, current: string, resolved?: string) =>
    new InitError(`init({ ${option}: ${typeof asked === 'string' ? `'${asked}'` : String(asked)} }): crossmodal is already initialised with ${option} ${current}${resolved ? ` (asked: ${resolved})` : ''}; ${fixed}`);
  if (o.maximumMemory !== undefined) {
    const cap = capPages(o.maximumMemory) * PAGE;
    if (cap !== st.info.maximumMemory) throw differs('maximumMemory', o.maximumMemory, `${st.info.maximumMemory} bytes`, `${cap} bytes`);
  }
  if (o.module !== undefined && o.module !== st.module) throw differs('module', 'another WebAssembly.Module', 'the module of the first init');
  if (o.simd !== undefined) {
    const choice = simdChoice(o.simd);
    // with threads, 'auto' resolved to the (baseline) threads build, 'relaxed' to the relaxed one
    const want = st.shared && choice !== 'scalar' ? threadsBuild(choice) : chooseBuild(choice);
    if (want !== st.info.build) throw differs('simd', choice, `build '${st.info.build}'`, `build '${want}'`);
  }
  if (o.threads !== undefined && !st.shared) {
    const t = parseThreads(o.threads);
    // where threads cannot exist (or the first init was refused them) the answer is the fallback, as at a first init
    if (t > 1 && !st.threadless && !threadsUnavailable() && wasmFeatures().simd)
      throw new InitError(
        `init({ threads: ${String(o.threads)} }): crossmodal is already initialised with threads 1 (the single-thread '${st.info.build}' build, asked: ${t}); the threads build is loaded only by the first init call: pass threads to it (init({ threads }) then resizes the pool). ${fixed[0]!.toUpperCase()}${fixed.slice(1)}`,
      );
  }
}

async function doInit(options: InitOptions): Promise<InitInfo> {
  const maxPages = capPages(options.maximumMemory);
  const choice = simdChoice(options.simd);
  const threads = parseThreads(options.threads);
  let fallback: string | null = null;
  let wantShared = threads > 1;
  const custom = options.module ?? options.bytes ?? options.url;
  if (wantShared) {
    if (choice === 'scalar')
      throw new InitError(
        `init({ simd: 'scalar', threads: ${String(options.threads)} }): there is no scalar threads build; threads run the SIMD builds (simd: 'baseline', 'auto' or 'relaxed'), or use threads: 1`,
      );
    if (choice === 'relaxed' && !custom) chooseBuild(choice); // relaxed SIMD missing: the InitError of simd: 'relaxed' alone
    fallback = threadsUnavailable() ?? (wasmFeatures().simd ? null : 'this engine has no wasm SIMD, which the threads build needs');
    if (fallback) wantShared = false;
  }
  let source: WebAssembly.Module | ArrayBuffer | Uint8Array;
  if (options.module) source = options.module;
  else if (options.bytes) source = ArrayBuffer.isView(options.bytes) ? new Uint8Array(options.bytes.buffer, options.bytes.byteOffset, options.bytes.byteLength) : options.bytes;
  else if (options.url) source = await loader(new URL(options.url, bundledUrl('simd')));
  else if (wantShared) {
    const file = threadsBuild(choice) === 'relaxed' ? 'relaxed-threads' : 'threads';
    const url = bundledUrl(file);
    try {
      source = await loader(url);
    } catch (e) {
      throw new InitError(`could not load ${FILES[file]} from ${url.href}: ${(e as Error).message}. Pass init({ module }) or init({ bytes }) where files cannot be read.`);
    }
  } else {
    const build = chooseBuild(choice);
    if (build === 'simd' && defaultModule) source = defaultModule;
    else {
      const url = bundledUrl(build);
      try {
        source = await loader(url);
      } catch (e) {
        throw new InitError(`could not load ${FILES[build]} from ${url.href}: ${(e as Error).message}. Pass init({ module }) or init({ bytes }) where files cannot be read.`);
      }
    }
  }
  let module: WebAssembly.Module;
  try {
    module = source instanceof WebAssembly.Module ? source : await WebAssembly.compile(source as BufferSource);
  } catch (e) {
    throw new InitError(`could not compile the crossmodal kernels: ${(e as Error).message}`);
  }
  // a module given by the caller may be either kind: the threads build links only to a shared memory
  const shared = custom ? memoryIsShared(module) : wantShared;
  if (wantShared && !shared) {
    fallback = `the module given is not the threads build (${FILES.threads})`;
    wantShared = false;
  }
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: maxPages, ...(shared ? { shared: true } : {}) } as WebAssembly.MemoryDescriptor);
  } catch (e) {
    throw new InitError(`could not create the ${shared ? 'shared ' : ''}wasm memory (${maxPages} pages at most): ${(e as Error).message}`);
  }
  let exports: Record<string, unknown>;
  try {
    const result = await instantiate(module, { env: { memory, ...(shared ? poolImports(memory, poolFault) : {}) } });
    exports = result.exports as unknown as Record<string, unknown>;
  } catch (e) {
    throw new InitError(`could not instantiate the crossmodal kernels: ${(e as Error).message}`);
  }
  if (typeof exports.build_flavor !== 'function') throw new InitError('this .wasm is not a crossmodal kernel module (no build_flavor export)');
  const build = BUILD_IDS[(exports.build_flavor as () => number)()] ?? 'simd';
  const info: InitInfo = { build, maximumMemory: maxPages * PAGE, threads: 1 };
  const st: State = {
    k: exports as unknown as Kernels,
    module,
    shared,
    threadless: shared ? null : fallback,
    pool: null,
    memory,
    info,
    f64: new Float64Array(memory.buffer),
    f32: new Float32Array(memory.buffer),
    u8: new Uint8Array(memory.buffer),
  };
  state = st;
  return threads > 1 || fallback ? resize(st, wantShared ? threads : 1, fallback) : info;
}

/**
 * Whether a module imports a shared memory (the threads build). WebAssembly.Module.imports
 * does not say, so this asks the engine: a shared-memory module fails to link to a plain one.
 */
function memoryIsShared(module: WebAssembly.Module): boolean {
  const plain = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: INITIAL_PAGES });
  try {
    new WebAssembly.Instance(module, { env: { memory: plain, abort: () => undefined, ...poolImports(plain) } });
    return false;
  } catch (e) {
    return e instanceof WebAssembly.LinkError && /shared/i.test((e as Error).message);
  }
}

function s(): State {
  if (!state) throw new InitError('crossmodal is not initialised: await init() first');
  return state;
}

function refresh(st: State): State {
  if (st.f64.buffer !== st.memory.buffer) {
    st.f64 = new Float64Array(st.memory.buffer);
    st.f32 = new Float32Array(st.memory.buffer);
    st.u8 = new Uint8Array(st.memory.buffer);
  }
  return st;
}

/** The kernel exports. */
export function kernels(): Kernels {
  return s().k;
}

/** True once init() has resolved.
 * @example if (!isInitialized()) await init(); */
export function isInitialized(): boolean {
  return state !== null;
}

/** A Float64Array over the whole memory (index = byte offset / 8); re-fetch after any allocation. */
export function heapF64(): Float64Array {
  return refresh(s()).f64;
}

/** A Float32Array over the whole memory (index = byte offset / 4). */
export function heapF32(): Float32Array {
  return refresh(s()).f32;
}

/** A Uint8Array over the whole memory. */
export function heapU8(): Uint8Array {
  return refresh(s()).u8;
}

/** Allocates `bytes` bytes (16-byte aligned) or throws MemoryLimitError. */
export function alloc(bytes: number): Ptr {
  const st = s();
  try {
    return st.k.mem_alloc(bytes);
  } catch (e) {
    const cap = st.info.maximumMemory;
    throw new MemoryLimitError(
      `out of wasm memory allocating ${bytes} bytes (memory is ${st.memory.buffer.byteLength} bytes, cap ${cap}; ` +
        `live ${st.k.mem_live_bytes()} bytes): dispose unused matrices or models, or raise init({ maximumMemory })`,
    );
  }
}

/** Allocates room for `count` f64 values. */
export function allocF64(count: number): Ptr {
  return alloc(Math.max(1, count) * 8);
}

export function free(ptr: Ptr): void {
  if (ptr) s().k.mem_free(ptr);
}

/** What memoryStats() reports about the wasm allocator. */
export interface MemoryStats {
  /** bytes currently allocated by matrices, models and scratch buffers */
  liveBytes: number;
  /** the most bytes live at once since init or the last `memoryStats({ resetPeak: true })` */
  peakLiveBytes: number;
  /** number of live allocations */
  liveBlocks: number;
  /** current size of the wasm memory (it never shrinks) */
  memoryBytes: number;
  /** the cap set by init({ maximumMemory }) */
  maximumMemory: number;
}

/**
 * What the allocator holds now. Leak tests compare `liveBytes` before and after;
 * `{ resetPeak: true }` reports, then starts a new peak from the bytes live now.
 *
 * @example
 * ```ts
 * const before = memoryStats().liveBytes;
 * new CCA({ components: 1 }).fit(X, Y).dispose();
 * console.log(memoryStats().liveBytes === before); // true: nothing leaked
 * ```
 */
export function memoryStats(options: { resetPeak?: boolean } = {}): MemoryStats {
  const st = s();
  const { resetPeak = false } = checkOptions(options, ['resetPeak'], 'memoryStats options');
  if (typeof resetPeak !== 'boolean') throw new ValueError('options.resetPeak', 'true or false', resetPeak);
  const peakLiveBytes = st.k.mem_peak_bytes();
  if (resetPeak) st.k.mem_reset_peak();
  return {
    liveBytes: st.k.mem_live_bytes(),
    peakLiveBytes,
    liveBlocks: st.k.mem_live_blocks(),
    memoryBytes: st.memory.buffer.byteLength,
    maximumMemory: st.info.maximumMemory,
  };
}
