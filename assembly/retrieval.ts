// Retrieval (metrics.retrieval, the models' retrieve), f64: the ranking keys of a block of
// queries against a block of gallery rows, each query's k best gallery rows in a heap, and the
// ranks of its relevant rows by counting, so that no query × gallery matrix is ever held whole.
// Matrices row-major, strides in elements; row indices and labels i32. A key is "larger = more
// similar": the cosine similarity, or the negated squared Euclidean distance.
import { gemm_f64_nt } from './gemm/api_f64';
import { row_sq_norms_f64 } from './kcca_gram';

/** out[i] = ‖row i of x‖ (metric 0, cosine) or ‖row i‖² (metric 1, euclidean); n rows of p columns, row stride ldx. */
export function retrieval_norms_f64(out: usize, x: usize, n: i32, p: i32, ldx: i32, metric: i32): void {
  row_sq_norms_f64(out, x, n, p, ldx);
  if (metric == 0) for (let i = 0; i < n; i++) store<f64>(out + (<usize>i << 3), Math.sqrt(load<f64>(out + (<usize>i << 3))));
}

/**
 * s (mq×ng, row stride lds) = the keys of queries q (mq×d, ldq) against gallery rows g (ng×d,
 * ldg), from the f64 GEMM q·gᵀ and the norms qa, ga of retrieval_norms_f64: cosine (metric 0)
 * q·g / (qa[i]·ga[j]); euclidean (metric 1) −max(qa[i] + ga[j] − 2·q·g, 0). Returns the number
 * of keys that are not finite (an overflow; 0 normally).
 */
export function retrieval_keys_f64(s: usize, q: usize, g: usize, qa: usize, ga: usize, mq: i32, ng: i32, d: i32, ldq: i32, ldg: i32, lds: i32, metric: i32): i32 {
  gemm_f64_nt(s, q, g, mq, ng, d, ldq, ldg, lds, 1, 0);
  let bad = 0;
  for (let i = 0; i < mq; i++) {
    const row = s + (<usize>(i * lds) << 3);
    const a = load<f64>(qa + (<usize>i << 3));
    for (let j = 0; j < ng; j++) {
      const o = row + (<usize>j << 3);
      const b = load<f64>(ga + (<usize>j << 3));
      let v: f64;
      if (metric == 0) v = load<f64>(o) / (a * b);
      else {
        const d2 = a + b - 2 * load<f64>(o);
        v = -(d2 < 0 ? 0 : d2); // NaN (an overflow) stays NaN
      }
      if (!isFinite(v)) bad++;
      store<f64>(o, v);
    }
  }
  return bad;
}

// heap entries (key, index): a is worse than b when its key is smaller, or equal with a larger index
// @ts-ignore: decorator
@inline function worse(ka: f64, ia: i32, kb: f64, ib: i32): bool {
  return ka < kb || (ka == kb && ia > ib);
}

/** Restores the heap (worst at the root) below position `at` of the n entries at hk / hi. */
function siftDown(hk: usize, hi: usize, at: i32, n: i32): void {
  const k = load<f64>(hk + (<usize>at << 3)), id = load<i32>(hi + (<usize>at << 2));
  let p = at;
  while (true) {
    let c = 2 * p + 1;
    if (c >= n) break;
    let kc = load<f64>(hk + (<usize>c << 3)), ic = load<i32>(hi + (<usize>c << 2));
    if (c + 1 < n) {
      const k2 = load<f64>(hk + (<usize>(c + 1) << 3)), i2 = load<i32>(hi + (<usize>(c + 1) << 2));
      if (worse(k2, i2, kc, ic)) { c++; kc = k2; ic = i2; }
    }
    if (!worse(kc, ic, k, id)) break;
    store<f64>(hk + (<usize>p << 3), kc);
    store<i32>(hi + (<usize>p << 2), ic);
    p = c;
  }
  store<f64>(hk + (<usize>p << 3), k);
  store<i32>(hi + (<usize>p << 2), id);
}

/**
 * Each query i's k best gallery rows so far (keys hk, indices hi: k entries at i·k, a heap
 * with the worst at the root; start with keys −Infinity) updated with the block's rows, whose
 * gallery indices are j0, j0 + 1, … (s: mq×ng keys, row stride lds). Blocks come in gallery
 * order, so a row ties with a held one only to lose (the smaller index wins ties).
 */
export function retrieval_topk_f64(hk: usize, hi: usize, s: usize, mq: i32, ng: i32, lds: i32, k: i32, j0: i32): void {
  for (let i = 0; i < mq; i++) {
    const row = s + (<usize>(i * lds) << 3);
    const hkr = hk + (<usize>(i * k) << 3), hir = hi + (<usize>(i * k) << 2);
    for (let j = 0; j < ng; j++) {
      const v = load<f64>(row + (<usize>j << 3));
      if (v > load<f64>(hkr)) {
        store<f64>(hkr, v);
        store<i32>(hir, j0 + j);
        siftDown(hkr, hir, 0, k);
      }
    }
  }
}

/** Sorts each of the mq heaps of retrieval_topk_f64 best first (key descending, then index ascending). */
export function retrieval_topk_sort_f64(hk: usize, hi: usize, mq: i32, k: i32): void {
  for (let i = 0; i < mq; i++) {
    const hkr = hk + (<usize>(i * k) << 3), hir = hi + (<usize>(i * k) << 2);
    for (let end = k - 1; end > 0; end--) {
      const ek = hkr + (<usize>end << 3), ei = hir + (<usize>end << 2);
      const tk = load<f64>(hkr), ti = load<i32>(hir);
      store<f64>(hkr, load<f64>(ek));
      store<i32>(hir, load<i32>(ei));
      store<f64>(ek, tk);
      store<i32>(ei, ti);
      siftDown(hkr, hir, 0, end);
    }
  }
}

/**
 * Pass 1 of the ranks: appends to query i's list (rel, row stride ldr; cnt[i] keys so far) the
 * keys of the block's rows relevant to it: gallery label lg[j] equal to the query's lq[i].
 */
export function retrieval_gather_f64(rel: usize, cnt: usize, s: usize, lq: usize, lg: usize, mq: i32, ng: i32, lds: i32, ldr: i32): void {
  for (let i = 0; i < mq; i++) {
    const row = s + (<usize>(i * lds) << 3);
    const label = load<i32>(lq + (<usize>i << 2));
    let c = load<i32>(cnt + (<usize>i << 2));
    const r = rel + (<usize>(i * ldr) << 3);
    for (let j = 0; j < ng; j++) {
      if (load<i32>(lg + (<usize>j << 2)) == label) {
        store<f64>(r + (<usize>c << 3), load<f64>(row + (<usize>j << 3)));
        c++;
      }
    }
    store<i32>(cnt + (<usize>i << 2), c);
  }
}

/** Sorts each query's list of relevant keys (cnt[i] of them, row stride ldr) descending (heapsort). */
export function retrieval_sort_desc_f64(rel: usize, cnt: usize, mq: i32, ldr: i32): void {
  for (let i = 0; i < mq; i++) {
    const r = rel + (<usize>(i * ldr) << 3);
    const n = load<i32>(cnt + (<usize>i << 2));
    // a min-heap at the root sorted to the end gives descending order
    for (let at = (n >> 1) - 1; at >= 0; at--) siftMin(r, at, n);
    for (let end = n - 1; end > 0; end--) {
      const t = load<f64>(r);
      store<f64>(r, load<f64>(r + (<usize>end << 3)));
      store<f64>(r + (<usize>end << 3), t);
      siftMin(r, 0, end);
    }
  }
}

function siftMin(r: usize, at: i32, n: i32): void {
  const v = load<f64>(r + (<usize>at << 3));
  let p = at;
  while (true) {
    let c = 2 * p + 1;
    if (c >= n) break;
    let vc = load<f64>(r + (<usize>c << 3));
    if (c + 1 < n) {
      const v2 = load<f64>(r + (<usize>(c + 1) << 3));
      if (v2 < vc) { c++; vc = v2; }
    }
    if (!(vc < v)) break;
    store<f64>(r + (<usize>p << 3), vc);
    p = c;
  }
  store<f64>(r + (<usize>p << 3), v);
}

/**
 * Pass 2 of the ranks: for each block row not relevant to query i whose key is above the least
 * of i's relevant keys (its sorted list rel, cnt[i] keys), above[i·ldr + t]++ for t the first
 * position of the list holding a key below the row's (a branchless binary search). A difference array: after
 * the scan its prefix sums count, for each relevant key, the non-relevant rows strictly above it.
 */
export function retrieval_count_f64(above: usize, rel: usize, cnt: usize, s: usize, lq: usize, lg: usize, mq: i32, ng: i32, lds: i32, ldr: i32): void {
  for (let i = 0; i < mq; i++) {
    const row = s + (<usize>(i * lds) << 3);
    const label = load<i32>(lq + (<usize>i << 2));
    const n = load<i32>(cnt + (<usize>i << 2));
    const r = rel + (<usize>(i * ldr) << 3), a = above + (<usize>(i * ldr) << 2);
    const least = load<f64>(r + (<usize>(n - 1) << 3));
    for (let j = 0; j < ng; j++) {
      const v = load<f64>(row + (<usize>j << 3));
      if (!(v > least) || load<i32>(lg + (<usize>j << 2)) == label) continue;
      // branchless lower bound: base + 1 = the number of keys ≥ v (rel[n − 1] = least < v)
      let base = 0, len = n;
      while (len > 1) {
        const half = len >> 1;
        base = select<i32>(base + half, base, load<f64>(r + (<usize>(base + half) << 3)) >= v);
        len -= half;
      }
      base += select<i32>(1, 0, load<f64>(r + (<usize>base << 3)) >= v);
      const o = a + (<usize>base << 2);
      store<i32>(o, load<i32>(o) + 1);
    }
  }
}

/**
 * ap[i] = the average precision of query i and best[i] = the rank of its best relevant row,
 * from the counts of retrieval_count_f64: the t-th relevant key (0-based, descending) sits at
 * position t + 1 + (non-relevant rows strictly above it) of the ranking that puts relevant rows
 * first among equal keys, so its precision is (t + 1) / that position.
 */
export function retrieval_finish_f64(ap: usize, best: usize, cnt: usize, above: usize, mq: i32, ldr: i32): void {
  for (let i = 0; i < mq; i++) {
    const n = load<i32>(cnt + (<usize>i << 2));
    const a = above + (<usize>(i * ldr) << 2);
    let run = 0, sum: f64 = 0;
    for (let t = 0; t < n; t++) {
      run += load<i32>(a + (<usize>t << 2));
      sum += <f64>(t + 1) / <f64>(t + 1 + run);
    }
    store<f64>(ap + (<usize>i << 3), sum / <f64>n);
    store<f64>(best + (<usize>i << 3), <f64>(1 + load<i32>(a)));
  }
}
