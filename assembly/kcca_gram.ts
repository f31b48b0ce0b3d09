// Gram matrices of kernel CCA (KernelCCA), f64: the squared row norms, and the kernel
// functions (RBF, polynomial) applied to a block of inner products in place. ("Kernel" here is
// the kernel function k(x, y) of kernel methods, not a wasm kernel.) The transcendental (exp)
// and the integer power run here, in wasm, so that a kernel matrix has the same bits on every
// engine (JS engines' Math.exp and ** may differ in the last bit).

/** out[i] = Σⱼ x[i, j]² for the n rows of x (p columns, row stride ldx), in column order. */
export function row_sq_norms_f64(out: usize, x: usize, n: i32, p: i32, ldx: i32): void {
  for (let i = 0; i < n; i++) {
    const row = x + (<usize>(i * ldx) << 3);
    let s: f64 = 0;
    for (let j = 0; j < p; j++) {
      const v = load<f64>(row + (<usize>j << 3));
      s += v * v;
    }
    store<f64>(out + (<usize>i << 3), s);
  }
}

/**
 * The RBF kernel from inner products: g[i, j] ← exp(−γ·max(a[i] + b[j] − 2·g[i, j], 0)) over an
 * m×n block (row stride ld), a and b the squared row norms (the max: rounding may make a
 * squared distance slightly negative).
 */
export function rbf_from_gram_f64(g: usize, a: usize, b: usize, m: i32, n: i32, ld: i32, gamma: f64): void {
  for (let i = 0; i < m; i++) {
    const row = g + (<usize>(i * ld) << 3);
    const ai = load<f64>(a + (<usize>i << 3));
    for (let j = 0; j < n; j++) {
      const o = row + (<usize>j << 3);
      const d = ai + load<f64>(b + (<usize>j << 3)) - 2 * load<f64>(o);
      store<f64>(o, Math.exp(-gamma * (d > 0 ? d : 0)));
    }
  }
}

/** The polynomial kernel from inner products: g[i, j] ← (γ·g[i, j] + c)^degree (degree ≥ 1, by squaring) over an m×n block. */
export function poly_from_gram_f64(g: usize, m: i32, n: i32, ld: i32, gamma: f64, coef0: f64, degree: i32): void {
  for (let i = 0; i < m; i++) {
    const row = g + (<usize>(i * ld) << 3);
    for (let j = 0; j < n; j++) {
      const o = row + (<usize>j << 3);
      let base = gamma * load<f64>(o) + coef0;
      let e = degree, r: f64 = 1;
      while (e > 0) {
        if (e & 1) r *= base;
        e >>= 1;
        if (e > 0) base *= base;
      }
      store<f64>(o, r);
    }
  }
}
