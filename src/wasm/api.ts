/**
 * Typed interface of the kernel module (assembly/). Pointers are byte offsets into the
 * module's memory; sizes and strides are in elements; matrices are row-major, `ld*` is the
 * row stride. Outputs come first, then inputs, then sizes and strides.
 * Only src/wasm/ touches this interface: everything above works with the typed operations
 * of src/wasm/ops.ts (linear algebra, statistics) and src/wasm/ops_nn.ts (networks) on
 * Matrix / Tensor / Indices / Rng objects.
 */
export type Ptr = number;

export interface Kernels {
  // memory.ts — allocator with exact live-byte accounting; payloads 16-byte aligned
  mem_alloc(bytes: number): Ptr;
  mem_free(ptr: Ptr): void;
  mem_live_bytes(): number;
  mem_live_blocks(): number;
  mem_peak_bytes(): number;
  mem_reset_peak(): void;
  /** 0 scalar, 1 SIMD (baseline), 2 relaxed SIMD */
  build_flavor(): number;

  // pool.ts — the thread pool (threads build; no-ops elsewhere)
  /** zeroes a control block for `threads` threads */
  pool_prepare(block: Ptr, threads: number): void;
  /** turns dispatch on (mayWait: 1 where this thread may block in Atomics.wait) */
  pool_start(block: Ptr, mayWait: number): void;
  /** ends the workers' loops and turns dispatch off */
  pool_stop(): void;
  /** turns dispatch off after a worker died between jobs (the JS side ends the workers) */
  pool_abandon(): void;
  /** tests: worker `tid` dies as it takes the job `afterJobs` jobs from now (1: throws, 2: ends its thread silently) */
  pool_inject(tid: number, mode: number, afterJobs: number): void;
  pool_threads(): number;
  pool_dispatches(): number;
  /** size thresholds below which kernels stay on the calling thread (negative: defaults; tests: 0) */
  pool_set_thresholds(gemmWork: number, elems: number): void;
  /** 1 in the threads build */
  build_threads(): number;

  // gemm/api_f64.ts — C (m×n) = alpha·op(A)·op(B) + beta·C; C is not read when beta == 0
  /** A m×k, B k×n */
  gemm_f64_nn(c: Ptr, a: Ptr, b: Ptr, m: number, n: number, k: number, lda: number, ldb: number, ldc: number, alpha: number, beta: number): void;
  /** A stored k×m (C = alpha·Aᵀ·B), B k×n */
  gemm_f64_tn(c: Ptr, a: Ptr, b: Ptr, m: number, n: number, k: number, lda: number, ldb: number, ldc: number, alpha: number, beta: number): void;
  /** A m×k, B stored n×k (C = alpha·A·Bᵀ) */
  gemm_f64_nt(c: Ptr, a: Ptr, b: Ptr, m: number, n: number, k: number, lda: number, ldb: number, ldc: number, alpha: number, beta: number): void;
  /** C (n×n, both triangles written) = alpha·AᵀA + beta·C, A stored k×n */
  syrk_f64_tn(c: Ptr, a: Ptr, n: number, k: number, lda: number, ldc: number, alpha: number, beta: number): void;

  // stats.ts
  colmeans_f64(mean: Ptr, x: Ptr, n: number, p: number, ldx: number): void;
  center_f64(out: Ptr, x: Ptr, mean: Ptr, n: number, p: number, ldx: number, ldo: number): void;
  ger_f64(a: Ptr, x: Ptr, y: Ptr, m: number, n: number, lda: number, alpha: number): void;
  fourth_moments_f64(t: Ptr, xc: Ptr, n: number, p: number, ldx: number): number;
  colcorr_f64(out: Ptr, u: Ptr, v: Ptr, n: number, k: number, ldu: number, ldv: number): void;
  /** a[i][i] += r */
  add_diag_f64(a: Ptr, n: number, lda: number, r: number): void;
  /** out (n×p) = x·diag(s) */
  scale_cols_f64(out: Ptr, x: Ptr, s: Ptr, n: number, p: number, ldx: number, ldo: number): void;

  // kcca_gram.ts — KernelCCA's kernel functions on a block of inner products, in place
  row_sq_norms_f64(out: Ptr, x: Ptr, n: number, p: number, ldx: number): void;
  rbf_from_gram_f64(g: Ptr, a: Ptr, b: Ptr, m: number, n: number, ld: number, gamma: number): void;
  poly_from_gram_f64(g: Ptr, m: number, n: number, ld: number, gamma: number, coef0: number, degree: number): void;

  // retrieval.ts — keys (larger = more similar) of query blocks against gallery blocks, top-k heaps, ranks by counting
  /** out[i] = ‖row i‖ (metric 0, cosine) or ‖row i‖² (metric 1, euclidean) */
  retrieval_norms_f64(out: Ptr, x: Ptr, n: number, p: number, ldx: number, metric: number): void;
  /** s (mq×ng) = cosine q·g/(qa·ga) or −max(qa + ga − 2q·g, 0); returns the count of non-finite keys */
  retrieval_keys_f64(s: Ptr, q: Ptr, g: Ptr, qa: Ptr, ga: Ptr, mq: number, ng: number, d: number, ldq: number, ldg: number, lds: number, metric: number): number;
  /** heaps (hk f64, hi i32; k per query, worst at the root) updated with the block's rows j0… */
  retrieval_topk_f64(hk: Ptr, hi: Ptr, s: Ptr, mq: number, ng: number, lds: number, k: number, j0: number): void;
  /** each heap sorted best first (key descending, index ascending) */
  retrieval_topk_sort_f64(hk: Ptr, hi: Ptr, mq: number, k: number): void;
  /** appends the keys of relevant rows (lg[j] == lq[i]) to each query's list (rel, ldr; counts cnt i32) */
  retrieval_gather_f64(rel: Ptr, cnt: Ptr, s: Ptr, lq: Ptr, lg: Ptr, mq: number, ng: number, lds: number, ldr: number): void;
  /** each list sorted descending */
  retrieval_sort_desc_f64(rel: Ptr, cnt: Ptr, mq: number, ldr: number): void;
  /** difference counts (i32) of the non-relevant rows strictly above each relevant key */
  retrieval_count_f64(above: Ptr, rel: Ptr, cnt: Ptr, s: Ptr, lq: Ptr, lg: Ptr, mq: number, ng: number, lds: number, ldr: number): void;
  /** ap[i], best[i] (rank of the best relevant row) from the counts */
  retrieval_finish_f64(ap: Ptr, best: Ptr, cnt: Ptr, above: Ptr, mq: number, ldr: number): void;

  // eigh/ — symmetric eigendecomposition A = V·diag(values)·Vᵀ, values descending,
  // eigenvectors in the columns of V (n×n, stride ldv). A is only read (the full
  // matrix, assumed symmetric). Returns 0 on success,
  // > 0 when the iteration failed to converge.
  /** number of f64 the work buffer needs */
  eigh_f64_work(n: number): number;
  eigh_f64(values: Ptr, vectors: Ptr, a: Ptr, n: number, lda: number, ldv: number, work: Ptr): number;
  /** out = A^(-1/2) for symmetric positive definite A; values gets A's eigenvalues
   *  (descending). Returns 0 ok, 1 no convergence, 2 not positive definite
   *  (λmin ≤ n·ε·λmax or λmax ≤ 0), in which case out is unspecified. */
  invsqrt_spd_f64_work(n: number): number;
  invsqrt_spd_f64(out: Ptr, values: Ptr, a: Ptr, n: number, lda: number, ldo: number, work: Ptr): number;

  // svd/ — thin SVD A (m×n) = U·diag(s)·Vᵀ, k = min(m, n): U m×k, s k (descending,
  // ≥ 0), V n×k. A is only read. Returns 0 on success, > 0 on no convergence.
  svd_f64_work(m: number, n: number): number;
  svd_f64(u: Ptr, s: Ptr, v: Ptr, a: Ptr, m: number, n: number, lda: number, ldu: number, ldv: number, work: Ptr): number;
  /** number of f64 the work buffer of bdsqr_f64 needs */
  bdsqr_f64_work(n: number): number;
  /** singular values s (n, descending) of the upper bidiagonal (d: n, e: n − 1), both only read; 0 ok, 1 no convergence */
  bdsqr_f64(s: Ptr, d: Ptr, e: Ptr, n: number, work: Ptr): number;

  // ---- f32 neural-network kernels (f32x4 SIMD) ----
  // gemm/api_f32.ts — C (m×n) = alpha·op(A)·op(B) + beta·C; C is not read when beta == 0
  gemm_f32_nn(c: Ptr, a: Ptr, b: Ptr, m: number, n: number, k: number, lda: number, ldb: number, ldc: number, alpha: number, beta: number): void;
  /** A stored k×m */
  gemm_f32_tn(c: Ptr, a: Ptr, b: Ptr, m: number, n: number, k: number, lda: number, ldb: number, ldc: number, alpha: number, beta: number): void;
  /** B stored n×k */
  gemm_f32_nt(c: Ptr, a: Ptr, b: Ptr, m: number, n: number, k: number, lda: number, ldb: number, ldc: number, alpha: number, beta: number): void;
  /** C (n×n, both triangles written) = alpha·AᵀA + beta·C, A stored k×n */
  syrk_f32_tn(c: Ptr, a: Ptr, n: number, k: number, lda: number, ldc: number, alpha: number, beta: number): void;
  /** GEMM tile / block sizes for elements of `bytes` (4 | 8): which = 0 MR, 1 NR, 2 KC, 3 MC, 4 NC, 5 even split (1/0), 6 packing scratch bytes */
  gemm_block_size(bytes: number, which: number): number;

  // activations.ts — act: 0 identity, 1 relu, 2 leaky_relu (slope), 3 sigmoid, 4 tanh
  /** y = f(x) elementwise; y may equal x */
  act_forward_f32(y: Ptr, x: Ptr, len: number, act: number, slope: number): void;
  /** dz = dy ⊙ f′ expressed through the output y = f(z); dz may equal dy */
  act_backward_f32(dz: Ptr, dy: Ptr, y: Ptr, len: number, act: number, slope: number): void;

  // dense.ts — W is nin×nout (row-major), b has nout values, rows are samples
  /** y (n×nout) = f(x·W + b) */
  dense_forward_f32(y: Ptr, x: Ptr, w: Ptr, b: Ptr, n: number, nin: number, nout: number, act: number, slope: number): void;
  /** dy (n×nout) is overwritten with dz = dy ⊙ f′; unless dw == 0 (frozen): dW += xᵀ·dz, db += Σ_rows dz; dx (n×nin) = dz·Wᵀ (overwritten) unless dx == 0 */
  dense_backward_f32(dx: Ptr, dw: Ptr, db: Ptr, dy: Ptr, x: Ptr, w: Ptr, y: Ptr, n: number, nin: number, nout: number, act: number, slope: number): void;
  /** the pair record (2 × 16 f64 slots) of dense_forward_pair_f32 / dense_backward_pair_f32 */
  dense_pair_record(): Ptr;
  /** two independent dense_forward_f32 calls, their arguments in the pair record */
  dense_forward_pair_f32(): void;
  /** two independent dense_backward_f32 calls, their arguments in the pair record */
  dense_backward_pair_f32(): void;

  // blocks.ts — every output is overwritten, none accumulated
  /** out (n×w, stride ldo) = x (n×w, stride ldx), row i scaled by gate[i·ldg] unless gate == 0 (a zero gate writes zeros) */
  copy_block_f32(out: Ptr, x: Ptr, gate: Ptr, n: number, w: number, ldo: number, ldx: number, ldg: number): void;
  /** out (n×w, stride ldo) = v */
  fill_block_f32(out: Ptr, v: number, n: number, w: number, ldo: number): void;
  /** out = a + b */
  add_f32(out: Ptr, a: Ptr, b: Ptr, len: number): void;

  // loss.ts — return the mean loss (as f64) and write its gradient w.r.t. the prediction
  /** loss = mean((yhat − y)²) over len values; grad = 2(yhat − y)/len */
  mse_f32(grad: Ptr, yhat: Ptr, y: Ptr, len: number): number;
  /** mean squared error over the n×d rows whose gate[i·ldg] ≠ 0, grad (or 0) = w·2(yhat − y)/c there, 0 elsewhere */
  masked_mse_f32(grad: Ptr, yhat: Ptr, y: Ptr, gate: Ptr, n: number, d: number, ldg: number, w: number): number;
  /** loss = mean(max(z,0) − z·t + log(1 + e^−|z|)); grad = (σ(z) − t)/len */
  bce_logits_f32(grad: Ptr, z: Ptr, t: Ptr, len: number): number;
  /** z n×c logits, labels n int32 class ids; loss = mean over rows of −log softmax(z)[label]; grad = (softmax − onehot)/n */
  softmax_xent_f32(grad: Ptr, z: Ptr, labels: Ptr, n: number, c: number): number;

  // optim.ts — one flat loop over a contiguous parameter buffer
  /** vel = momentum·vel + (g + wd·p); p −= lr·(nesterov ? g + wd·p + momentum·vel : vel) */
  sgd_f32(p: Ptr, g: Ptr, vel: Ptr, len: number, lr: number, momentum: number, weightDecay: number, nesterov: number): void;
  /** Adam (decoupled = 0: L2 added to g) / AdamW (decoupled = 1: p −= lr·wd·p); step ≥ 1 for bias correction */
  adam_f32(p: Ptr, g: Ptr, m: Ptr, v: Ptr, len: number, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, decoupled: number, step: number): void;
  ema_f32(avg: Ptr, p: Ptr, len: number, decay: number): void;

  // random.ts — PRNG state is 16 bytes (xoshiro128**) owned by the caller
  rng_seed(state: Ptr, seed: number): void;
  /** uniform in [lo, hi) */
  rng_uniform_f32(out: Ptr, len: number, lo: number, hi: number, state: Ptr): void;
  rng_normal_f32(out: Ptr, len: number, mean: number, std: number, state: Ptr): void;
  /** mask[i] = 0 with probability p else 1/(1 − p); y = x ⊙ mask (y may equal x) */
  dropout_f32(y: Ptr, mask: Ptr, x: Ptr, len: number, p: number, state: Ptr): void;
  /** gates (n×m) = present, with probability p a random non-empty proper subset of a row's ≥ 2 present modalities removed */
  modality_dropout_f32(gates: Ptr, present: Ptr, n: number, m: number, p: number, state: Ptr): void;
  /** idx (n uint32) = a uniformly random permutation of 0..n−1 (Fisher–Yates) */
  shuffle_u32(idx: Ptr, n: number, state: Ptr): void;

  // rows.ts — row gathers and index vectors
  /** out[i, :] = x[idx[i], :] for i < n; rows of `cols` f32 */
  gather_rows_f32(out: Ptr, x: Ptr, idx: Ptr, n: number, cols: number): void;
  gather_rows_f64(out: Ptr, x: Ptr, idx: Ptr, n: number, cols: number): void;
  /** out[i] = src[idx[i]], 4-byte values */
  gather_u32(out: Ptr, src: Ptr, idx: Ptr, n: number): void;
  /** idx[i] = i */
  iota_u32(idx: Ptr, n: number): void;

  // convert.ts — f32 ↔ f64 copies
  /** out (f64) = x (f32) */
  f32_to_f64(out: Ptr, x: Ptr, len: number): void;
  /** out (f32) = round(scale·x), x f64 */
  f64_to_f32(out: Ptr, x: Ptr, len: number, scale: number): void;

  // classify.ts — class scores
  /** how many of the len values are above t */
  count_above_f32(x: Ptr, len: number, t: number): number;
  /** out (n×c) = row-wise softmax of z */
  softmax_f32(out: Ptr, z: Ptr, n: number, c: number): void;
  /** out (n int32) = index of each row's maximum (first on ties) */
  argmax_rows_f32(out: Ptr, x: Ptr, n: number, c: number): void;

  // vector.ts — flat f32 vectors (the optimisers' clipping norm and scaling)
  /** Σ x² (accumulated in f64) */
  sumsq_f32(x: Ptr, len: number): number;
  /** x *= s */
  scale_f32(x: Ptr, len: number, s: number): void;
  /** out = a ⊙ b */
  mul_f32(out: Ptr, a: Ptr, b: Ptr, len: number): void;

  // finite.ts — index of the first NaN or ±Infinity, or −1
  first_nonfinite_f32(x: Ptr, len: number): number;
  first_nonfinite_f64(x: Ptr, len: number): number;
}
