/**
 * Typed operations of the neural-network layer: the f32 kernels of assembly/ (dense layers,
 * activations, losses, optimisers, PRNG, gathers, column blocks, f32 ↔ f64 copies) called on
 * Tensor, Matrix, Indices and Rng objects. Elementwise operations need contiguous operands of
 * equal size; outputs are written, never allocated. Losses return their mean as a number.
 */
import { heapF64, kernels } from './module.js';
import { addr } from './block.js';
import { Indices } from './indices.js';
import { Matrix } from './matrix.js';
import { Rng } from './rng.js';
import { Tensor } from './tensor.js';
import { expectShape } from './ops.js';

const dims = (m: { rows: number; cols: number }) => `${m.rows}×${m.cols}`;
const size = (t: Tensor | Matrix) => t.rows * t.cols;

function sameSize(a: Tensor | Matrix, b: Tensor | Matrix, name: string): void {
  expectShape(a.rows === b.rows && a.cols === b.cols && a.contiguous && b.contiguous, name, `a contiguous ${dims(b)} block`, dims(a));
}

/** One dense layer's forward: y (n×nout) = f(x·W + b), W nin×nout, b 1×nout. */
export interface DenseForwardCall {
  y: Tensor;
  x: Tensor;
  W: Tensor;
  b: Tensor;
  act: number;
  slope: number;
}

/** One dense layer's backward (see denseBackward). */
export interface DenseBackwardCall {
  dx: Tensor | null;
  dW: Tensor | null;
  db: Tensor | null;
  dy: Tensor;
  x: Tensor;
  W: Tensor;
  y: Tensor;
  act: number;
  slope: number;
}

function checkForward(y: Tensor, x: Tensor, W: Tensor, b: Tensor): void {
  expectShape(x.cols === W.rows && y.rows === x.rows && y.cols === W.cols && b.cols === W.cols, 'y', `${x.rows}×${W.cols}`, dims(y));
}

function checkBackward(dx: Tensor | null, dW: Tensor | null, db: Tensor | null, dy: Tensor, x: Tensor, W: Tensor, y: Tensor): void {
  const n = x.rows, nin = W.rows, nout = W.cols;
  expectShape(dy.rows === n && dy.cols === nout && y.rows === n && y.cols === nout, 'dy', `${n}×${nout}`, dims(dy));
  if (dx) expectShape(dx.rows === n && dx.cols === nin, 'dx', `${n}×${nin}`, dims(dx));
  expectShape((dW === null) === (db === null), 'db', 'given together with dW', db ? 'without dW' : 'null');
}

/** y (n×nout) = f(x·W + b), W nin×nout, b 1×nout. */
export function denseForward(y: Tensor, x: Tensor, W: Tensor, b: Tensor, act: number, slope: number): void {
  checkForward(y, x, W, b);
  kernels().dense_forward_f32(addr(y), addr(x), addr(W), addr(b), x.rows, W.rows, W.cols, act, slope);
}

/**
 * Backward of y = f(x·W + b) given dy = ∂L/∂y (overwritten with dz = dy ⊙ f′): dW and db
 * ACCUMULATE xᵀ·dz and Σ_rows dz unless they are null (a frozen layer: no xᵀ·dz product
 * runs); dx is OVERWRITTEN with dz·Wᵀ unless null.
 */
export function denseBackward(dx: Tensor | null, dW: Tensor | null, db: Tensor | null, dy: Tensor, x: Tensor, W: Tensor, y: Tensor, act: number, slope: number): void {
  checkBackward(dx, dW, db, dy, x, W, y);
  kernels().dense_backward_f32(dx ? addr(dx) : 0, dW ? addr(dW) : 0, db ? addr(db) : 0, addr(dy), addr(x), addr(W), addr(y), x.rows, W.rows, W.cols, act, slope);
}

/** Whether pair jobs can run two layers at once (a pool of exactly two threads). */
export function layersPair(): boolean {
  return kernels().pool_threads() === 2;
}

// the kernels' pair record: two layers of 16 f64 slots (assembly/dense.ts), written in place
// (taking the record may grow the memory: heapF64() after it)
function putForward(h: Float64Array, o: number, c: DenseForwardCall): void {
  checkForward(c.y, c.x, c.W, c.b);
  h[o] = addr(c.y); h[o + 1] = addr(c.x); h[o + 2] = addr(c.W); h[o + 3] = addr(c.b);
  h[o + 4] = c.x.rows; h[o + 5] = c.W.rows; h[o + 6] = c.W.cols; h[o + 7] = c.act; h[o + 8] = c.slope;
}

function putBackward(h: Float64Array, o: number, c: DenseBackwardCall): void {
  checkBackward(c.dx, c.dW, c.db, c.dy, c.x, c.W, c.y);
  h[o] = c.dx ? addr(c.dx) : 0; h[o + 1] = c.dW ? addr(c.dW) : 0; h[o + 2] = c.db ? addr(c.db) : 0;
  h[o + 3] = addr(c.dy); h[o + 4] = addr(c.x); h[o + 5] = addr(c.W); h[o + 6] = addr(c.y);
  h[o + 7] = c.x.rows; h[o + 8] = c.W.rows; h[o + 9] = c.W.cols; h[o + 10] = c.act; h[o + 11] = c.slope;
}

/**
 * Two independent layers' forwards (neither reads what the other writes): on a pool of two
 * threads one thread each, else one after the other; the bits are those of two denseForward calls.
 */
export function denseForwardPair(a: DenseForwardCall, b: DenseForwardCall): void {
  const K = kernels(), r = K.dense_pair_record() >>> 3, h = heapF64();
  putForward(h, r, a);
  putForward(h, r + 16, b);
  K.dense_forward_pair_f32();
}

/** Two independent layers' backwards, as denseForwardPair (the bits of two denseBackward calls). */
export function denseBackwardPair(a: DenseBackwardCall, b: DenseBackwardCall): void {
  const K = kernels(), r = K.dense_pair_record() >>> 3, h = heapF64();
  putBackward(h, r, a);
  putBackward(h, r + 16, b);
  K.dense_backward_pair_f32();
}

/** Mean squared error; grad = 2(yhat − y)/N. */
export function mseLoss(grad: Tensor, yhat: Tensor, y: Tensor): number {
  sameSize(y, yhat, 'y');
  sameSize(grad, yhat, 'grad');
  return kernels().mse_f32(addr(grad), addr(yhat), addr(y), size(yhat));
}

/** Binary cross-entropy from logits z against targets t; grad = (σ(z) − t)/N. */
export function bceLogitsLoss(grad: Tensor, z: Tensor, t: Tensor): number {
  sameSize(t, z, 'targets');
  sameSize(grad, z, 'grad');
  return kernels().bce_logits_f32(addr(grad), addr(z), addr(t), size(z));
}

/** Softmax cross-entropy of logits z (n×c) against i32 labels (n values in 0..c−1, checked by the caller). */
export function softmaxXentLoss(grad: Tensor, z: Tensor, labels: Indices): number {
  sameSize(grad, z, 'grad');
  expectShape(labels.length === z.rows && labels.kind === 'i32', 'labels', `${z.rows} i32 labels`, `${labels.length} ${labels.kind}`);
  return kernels().softmax_xent_f32(addr(grad), addr(z), addr(labels), z.rows, z.cols);
}

/** out = row-wise softmax of z (out may be z). */
export function softmaxRows(out: Tensor, z: Tensor): void {
  sameSize(out, z, 'out');
  kernels().softmax_f32(addr(out), addr(z), z.rows, z.cols);
}

/** out (n i32) = index of each row's maximum (first on ties). */
export function argmaxRows(out: Indices, x: Tensor): void {
  expectShape(out.length === x.rows, 'out', `${x.rows} values`, `${out.length}`);
  kernels().argmax_rows_f32(addr(out), addr(x), x.rows, x.cols);
}

/** One SGD step over a flat parameter buffer (see assembly/optim.ts). */
export function sgdStep(p: Tensor, g: Tensor, vel: Tensor, lr: number, momentum: number, weightDecay: number, nesterov: boolean): void {
  sameSize(g, p, 'g');
  sameSize(vel, p, 'vel');
  kernels().sgd_f32(addr(p), addr(g), addr(vel), size(p), lr, momentum, weightDecay, nesterov ? 1 : 0);
}

/** One Adam / AdamW step (bias correction with `step` ≥ 1). */
export function adamStep(p: Tensor, g: Tensor, m: Tensor, v: Tensor, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, decoupled: boolean, step: number): void {
  sameSize(g, p, 'g');
  sameSize(m, p, 'm');
  sameSize(v, p, 'v');
  kernels().adam_f32(addr(p), addr(g), addr(m), addr(v), size(p), lr, beta1, beta2, eps, weightDecay, decoupled ? 1 : 0, step);
}

/** avg ← decay·avg + (1 − decay)·p elementwise (f64 arithmetic, one rounding to f32). */
export function emaStep(avg: Tensor, p: Tensor, decay: number): void {
  sameSize(p, avg, 'p');
  kernels().ema_f32(addr(avg), addr(p), size(avg), decay);
}

/** True when every value of x is finite (no NaN, no ±Infinity). */
export function allFinite(x: Tensor | Matrix): boolean {
  expectShape(x.contiguous, 'x', 'a contiguous block', dims(x));
  const K = kernels();
  return (x.kind === 'f64' ? K.first_nonfinite_f64(addr(x), size(x)) : K.first_nonfinite_f32(addr(x), size(x))) < 0;
}

/** Σ x² (in f64). */
export function sumSquares(x: Tensor): number {
  expectShape(x.contiguous, 'x', 'a contiguous block', dims(x));
  return kernels().sumsq_f32(addr(x), size(x));
}

/** x *= s. */
export function scaleBy(x: Tensor, s: number): void {
  expectShape(x.contiguous, 'x', 'a contiguous block', dims(x));
  kernels().scale_f32(addr(x), size(x), s);
}

/** out = a ⊙ b (out may be a or b). */
export function multiply(out: Tensor, a: Tensor, b: Tensor): void {
  sameSize(a, out, 'a');
  sameSize(b, out, 'b');
  kernels().mul_f32(addr(out), addr(a), addr(b), size(out));
}

/** out = a + b (out may be a or b). */
export function add(out: Tensor, a: Tensor, b: Tensor): void {
  sameSize(a, out, 'a');
  sameSize(b, out, 'b');
  kernels().add_f32(addr(out), addr(a), addr(b), size(out));
}

/** Every value of x = v (x may be a column-block view of a Tensor). */
export function fill(x: Tensor | Matrix, v: number): void {
  if (x instanceof Tensor) kernels().fill_block_f32(addr(x), v, x.rows, x.cols, x.ld);
  else {
    expectShape(x.contiguous, 'x', 'a contiguous block', dims(x));
    x.data.fill(v);
  }
}

/** dst = src, same shape (any strides; the blocks must not overlap). */
export function copy(dst: Tensor, src: Tensor): void {
  copyBlock(dst, src, null);
}

/**
 * out = src with row i scaled by gate[i] (gate n×1; a zero gate writes a zero row), or a
 * plain copy without gate. out and src may be column-block views of wider tensors: this is
 * concatenation (src into a block of out) and split (a block of src into out).
 */
export function copyBlock(out: Tensor, src: Tensor, gate: Tensor | null): void {
  expectShape(out.rows === src.rows && out.cols === src.cols, 'out', dims(src), dims(out));
  if (gate) expectShape(gate.rows === src.rows && gate.cols === 1, 'gate', `${src.rows}×1`, dims(gate));
  kernels().copy_block_f32(addr(out), addr(src), gate ? addr(gate) : 0, src.rows, src.cols, out.ld, src.ld, gate ? gate.ld : 0);
}

/** dst (f64) = src (f32), same shape. */
export function toF64(dst: Matrix, src: Tensor): void {
  sameSize(dst, src, 'dst');
  kernels().f32_to_f64(addr(dst), addr(src), size(src));
}

/** dst (f32) = round(scale·src) (src f64), same shape. */
export function toF32(dst: Tensor, src: Matrix, scale = 1): void {
  sameSize(dst, src, 'dst');
  kernels().f64_to_f32(addr(dst), addr(src), size(src), scale);
}

/** out[i, :] = x[idx[i], :] for the idx.length rows of out (indices < x.rows, by construction). */
export function gatherRows(out: Tensor, x: Tensor, idx: Indices): void {
  expectShape(out.rows === idx.length && out.cols === x.cols && out.contiguous && x.contiguous, 'out', `${idx.length}×${x.cols}`, dims(out));
  kernels().gather_rows_f32(addr(out), addr(x), addr(idx), idx.length, x.cols);
}

/** out[i, :] = x[idx[i], :] for f64 rows (indices < x.rows: checked here, since they may come from a caller). */
export function gatherRowsF64(out: Matrix, x: Matrix, idx: Indices): void {
  expectShape(out.rows === idx.length && out.cols === x.cols && out.contiguous && x.contiguous, 'out', `${idx.length}×${x.cols}`, dims(out));
  const v = idx.values;
  // the message is built only for a bad index (this runs once per row of every resample)
  for (let i = 0; i < v.length; i++) if (!(v[i]! < x.rows)) expectShape(false, 'idx', `row indices below ${x.rows}`, `${v[i]} at ${i}`);
  kernels().gather_rows_f64(addr(out), addr(x), addr(idx), idx.length, x.cols);
}

/** out[i] = src[idx[i]] (4-byte values). */
export function gatherValues(out: Indices, src: Indices, idx: Indices): void {
  expectShape(out.length === idx.length, 'out', `${idx.length} values`, `${out.length}`);
  kernels().gather_u32(addr(out), addr(src), addr(idx), idx.length);
}

/** idx = 0, 1, …, n − 1. */
export function iota(idx: Indices): void {
  kernels().iota_u32(addr(idx), idx.length);
}

/** idx = a uniformly random permutation of 0…n − 1. */
export function shuffle(idx: Indices, rng: Rng): void {
  kernels().shuffle_u32(addr(idx), idx.length, addr(rng));
}

/** out uniform in [lo, hi). */
export function randomUniform(out: Tensor, lo: number, hi: number, rng: Rng): void {
  expectShape(out.contiguous, 'out', 'a contiguous block', dims(out));
  kernels().rng_uniform_f32(addr(out), size(out), lo, hi, addr(rng));
}

/** out ~ N(mean, std²). */
export function randomNormal(out: Tensor, mean: number, std: number, rng: Rng): void {
  expectShape(out.contiguous, 'out', 'a contiguous block', dims(out));
  kernels().rng_normal_f32(addr(out), size(out), mean, std, addr(rng));
}

/** Inverted dropout: mask = 0 with probability p else 1/(1 − p); y = x ⊙ mask. */
export function dropout(y: Tensor, mask: Tensor, x: Tensor, p: number, rng: Rng): void {
  sameSize(y, x, 'y');
  sameSize(mask, x, 'mask');
  kernels().dropout_f32(addr(y), addr(mask), addr(x), size(x), p, addr(rng));
}

/** gates (n×m) = present with, per row of ≥ 2 present modalities, probability p of a random non-empty proper subset removed. */
export function modalityDropout(gates: Tensor, present: Tensor, p: number, rng: Rng): void {
  sameSize(gates, present, 'gates');
  expectShape(present.cols <= 30, 'present', 'at most 30 modalities', `${present.cols}`);
  kernels().modality_dropout_f32(addr(gates), addr(present), present.rows, present.cols, p, addr(rng));
}

/**
 * Mean squared error of yhat against y over the rows whose gate (column `column` of the n×m
 * `gates`) is not 0; grad (or null) gets weight·∂/∂yhat, zero on absent rows.
 */
export function maskedMse(grad: Tensor | null, yhat: Tensor, y: Tensor, gates: Tensor, column: number, weight: number): number {
  sameSize(y, yhat, 'y');
  if (grad) sameSize(grad, yhat, 'grad');
  expectShape(gates.rows === yhat.rows && column >= 0 && column < gates.cols, 'gates', `${yhat.rows} rows with a column ${column}`, dims(gates));
  return kernels().masked_mse_f32(grad ? addr(grad) : 0, addr(yhat), addr(y), addr(gates) + 4 * column, yhat.rows, yhat.cols, gates.ld, weight);
}

/** How many values of x (contiguous) are above t. */
export function countAbove(x: Tensor, t: number): number {
  expectShape(x.contiguous, 'x', 'a contiguous tensor', dims(x));
  return kernels().count_above_f32(addr(x), size(x), t);
}
