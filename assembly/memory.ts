// Allocator exported to JavaScript. Kernels never allocate: the TypeScript layer
// allocates every buffer through mem_alloc/mem_free and hands pointers in.
//
// Each block carries a 16-byte header holding its requested size, so the live byte
// count (what memoryStats() reports) is exact and the payload stays 16-byte aligned.

const HEADER: usize = 16;
let liveBytes: u64 = 0;
let liveBlocks: u32 = 0;
let peakBytes: u64 = 0;

/** Allocates `bytes` bytes, 16-byte aligned. Traps (caught in JS) when memory cannot grow. */
export function mem_alloc(bytes: usize): usize {
  const base = heap.alloc(bytes + HEADER);
  store<u64>(base, <u64>bytes);
  liveBytes += <u64>bytes;
  if (liveBytes > peakBytes) peakBytes = liveBytes;
  liveBlocks += 1;
  return base + HEADER;
}

/** Frees a pointer returned by mem_alloc. */
export function mem_free(ptr: usize): void {
  if (ptr == 0) return;
  const base = ptr - HEADER;
  liveBytes -= load<u64>(base);
  liveBlocks -= 1;
  heap.free(base);
}

/** Bytes currently allocated through mem_alloc (payload only). */
export function mem_live_bytes(): f64 {
  return <f64>liveBytes;
}

/** The most bytes live at once since instantiation or the last mem_reset_peak. */
export function mem_peak_bytes(): f64 {
  return <f64>peakBytes;
}

/** Starts a new peak measurement from the bytes live now. */
export function mem_reset_peak(): void {
  peakBytes = liveBytes;
}

/** Number of blocks currently allocated through mem_alloc. */
export function mem_live_blocks(): u32 {
  return liveBlocks;
}

/** Which build this is: 0 scalar, 1 SIMD (baseline), 2 relaxed SIMD. */
export function build_flavor(): i32 {
  if (ASC_FEATURE_RELAXED_SIMD) return 2;
  if (ASC_FEATURE_SIMD) return 1;
  return 0;
}
