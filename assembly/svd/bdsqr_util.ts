// Element access for the bidiagonal (d, e) arrays.

// @ts-ignore: decorator
@inline export function D(d: usize, i: i32): f64 { return load<f64>(d + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline export function setD(d: usize, i: i32, x: f64): void { store<f64>(d + (<usize>i << 3), x); }
