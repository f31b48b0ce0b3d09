// Symmetric eigendecomposition (f64) and SPD inverse square root: see eigh/index.ts.
// Kept as the family's entry so that `export * from './eigh'` in assembly/index.ts resolves.
export * from './eigh/index';
