/**
 * Losses with their gradients, computed in wasm (assembly/loss.ts). Each returns the mean
 * loss and the gradient w.r.t. the prediction as a Tensor. Pass `{ grad }` (a Tensor of the
 * prediction's shape) to write into your own buffer and allocate nothing; otherwise a new
 * Tensor is returned that you should dispose.
 */
import { alloc, free, heapF32, kernels } from '../wasm/module.js';
import { Tensor, borrowTensor, type TensorInput } from './tensor.js';
import { ShapeError, ValueError } from '../errors.js';

export interface LossResult {
  loss: number;
  grad: Tensor;
}

function gradFor(pred: Tensor, grad: Tensor | undefined): Tensor {
  if (!grad) return Tensor.alloc(pred.rows, pred.cols);
  if (!(grad instanceof Tensor) || grad.rows !== pred.rows || grad.cols !== pred.cols)
    throw new ShapeError('options.grad', `a ${pred.rows}×${pred.cols} Tensor`, grad instanceof Tensor ? `${grad.rows}×${grad.cols}` : String(grad));
  return grad;
}

function pair(yhat: TensorInput, y: TensorInput, what: string, fn: (p: Tensor, t: Tensor, g: Tensor) => number, grad?: Tensor): LossResult {
  const p = borrowTensor(yhat, 'yhat');
  try {
    const t = borrowTensor(y, what);
    try {
      if (t.t.rows !== p.t.rows || t.t.cols !== p.t.cols) throw new ShapeError(what, `${p.t.rows}×${p.t.cols} (as yhat)`, `${t.t.rows}×${t.t.cols}`);
      const g = gradFor(p.t, grad);
      return { loss: fn(p.t, t.t, g), grad: g };
    } finally {
      t.release();
    }
  } finally {
    p.release();
  }
}

/** Mean squared error over every value: mean((yhat − y)²); grad = 2(yhat − y)/N. */
export function mse(yhat: TensorInput, y: TensorInput, options: { grad?: Tensor } = {}): LossResult {
  return pair(yhat, y, 'y', (p, t, g) => kernels().mse_f32(g.ptr, p.ptr, t.ptr, p.rows * p.cols), options.grad);
}

/** Binary cross-entropy from logits z against targets in [0, 1], numerically stable. */
export function bceWithLogits(z: TensorInput, targets: TensorInput, options: { grad?: Tensor } = {}): LossResult {
  return pair(z, targets, 'targets', (p, t, g) => kernels().bce_logits_f32(g.ptr, p.ptr, t.ptr, p.rows * p.cols), options.grad);
}

/**
 * Softmax cross-entropy of logits (n×c) against integer class labels (n values in 0..c−1):
 * mean over rows of −log softmax(z)[label]; grad = (softmax − onehot)/n.
 */
export function softmaxCrossEntropy(logits: TensorInput, labels: ArrayLike<number>, options: { grad?: Tensor } = {}): LossResult {
  const z = borrowTensor(logits, 'logits');
  try {
    const n = z.t.rows, c = z.t.cols;
    if (!labels || typeof labels.length !== 'number' || labels.length !== n)
      throw new ShapeError('labels', `${n} labels (one per row of logits)`, labels && typeof labels.length === 'number' ? `${labels.length} labels` : String(labels));
    for (let i = 0; i < n; i++) {
      const v = labels[i]!;
      if (!Number.isInteger(v) || v < 0 || v >= c) throw new ValueError(`labels[${i}]`, `an integer class in 0..${c - 1}`, v);
    }
    const g = gradFor(z.t, options.grad);
    const lp = alloc(n * 4);
    try {
      new Int32Array(heapF32().buffer, lp, n).set(labels);
      return { loss: kernels().softmax_xent_f32(g.ptr, z.t.ptr, lp, n, c), grad: g };
    } finally {
      free(lp);
    }
  } finally {
    z.release();
  }
}
