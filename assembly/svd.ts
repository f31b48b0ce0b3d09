// f64 thin SVD A = U·diag(s)·Vᵀ: see svd/index.ts.
// Kept as the family's entry so that `export * from './svd'` in assembly/index.ts resolves.
export * from './svd/index';
