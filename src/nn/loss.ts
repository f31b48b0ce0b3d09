/**
 * Losses with their gradients, computed in wasm (assembly/loss.ts). Each returns the mean
 * loss and the gradient w.r.t. the prediction as a Tensor. Pass `{ grad }` (a Tensor of the
 * prediction's shape) to write into your own buffer and allocate nothing; otherwise a new
 * Tensor is returned that you should dispose. The gradient remembers which forward's output
 * it differentiates, so the backward of a network that ran forward again since refuses it.
 */
import * as W from '../wasm/index.js';
import { Indices, Tensor, borrowTensor, type TensorInput } from '../wasm/index.js';
import { ShapeError, ValueError, describe } from '../errors.js';
import { originOf } from './piece.js';
import { checkLabels, checkOptions } from '../options.js';

/** What a loss returns: its mean value and its gradient w.r.t. the prediction. */
export interface LossResult {
  /** the mean loss */
  loss: number;
  /** d loss / d prediction (options.grad when given, else a new Tensor to dispose) */
  grad: Tensor;
}

function gradFor(pred: Tensor, grad: Tensor | undefined): Tensor {
  if (!grad) return Tensor.empty(pred.rows, pred.cols);
  if (!(grad instanceof Tensor) || grad.rows !== pred.rows || grad.cols !== pred.cols || !grad.contiguous)
    throw new ShapeError('options.grad', `a ${pred.rows}×${pred.cols} Tensor`, grad instanceof Tensor ? `${grad.rows}×${grad.cols}` : describe(grad));
  return grad;
}

/** Runs fn on the borrowed prediction, target and gradient buffer; stamps the gradient's provenance. */
function pair(yhat: TensorInput, y: TensorInput, what: string, fn: (g: Tensor, p: Tensor, t: Tensor) => number, grad?: Tensor): LossResult {
  const p = borrowTensor(yhat, 'yhat');
  try {
    const t = borrowTensor(y, what);
    try {
      if (t.t.rows !== p.t.rows || t.t.cols !== p.t.cols) throw new ShapeError(what, `${p.t.rows}×${p.t.cols} (as yhat)`, `${t.t.rows}×${t.t.cols}`);
      const g = gradFor(p.t, grad);
      const loss = fn(g, p.t, t.t);
      g.gradOf = originOf(yhat);
      return { loss, grad: g };
    } finally {
      t.release();
    }
  } finally {
    p.release();
  }
}

/** Options of the losses. */
export interface LossOptions {
  /** a tensor of the prediction's shape to write the gradient into, so a training step
   *  allocates nothing (default: a new tensor, which the caller disposes) */
  grad?: Tensor;
}

/**
 * Mean squared error over every value: mean((yhat − y)²); grad = 2(yhat − y)/N.
 *
 * @example
 * ```ts
 * const { loss, grad } = nn.mse([[1, 2]], [[0, 2]]); // loss 0.5, grad [[1, 0]]
 * grad.dispose();
 * ```
 */
export function mse(yhat: TensorInput, y: TensorInput, options: LossOptions = {}): LossResult {
  return pair(yhat, y, 'y', W.mseLoss, checkOptions(options, ['grad']).grad);
}

/**
 * Binary cross-entropy from logits z against targets in [0, 1], numerically stable.
 *
 * @example
 * ```ts
 * const grad = Tensor.zeros(2, 1); // reused every step: nothing allocated
 * const { loss } = nn.bceWithLogits(net.forward(x), [[0], [1]], { grad });
 * net.backward(grad);
 * ```
 */
export function bceWithLogits(z: TensorInput, targets: TensorInput, options: LossOptions = {}): LossResult {
  return pair(z, targets, 'targets', W.bceLogitsLoss, checkOptions(options, ['grad']).grad);
}

/** Class labels as an i32 vector, each checked to be an integer in 0..classes − 1. */
export function labelIndices(labels: ArrayLike<number>, n: number, classes: number, name: string): Indices {
  return Indices.from(checkLabels(labels, n, classes, name), 'i32');
}

/**
 * Softmax cross-entropy of logits (n×c) against integer class labels (n values in 0..c−1):
 * mean over rows of −log softmax(z)[label]; grad = (softmax − onehot)/n.
 *
 * @example
 * ```ts
 * const { loss, grad } = nn.softmaxCrossEntropy([[2, 0, 0], [0, 0, 3]], [0, 2]);
 * grad.dispose();
 * ```
 */
export function softmaxCrossEntropy(logits: TensorInput, labels: ArrayLike<number>, options: LossOptions = {}): LossResult {
  checkOptions(options, ['grad']);
  const z = borrowTensor(logits, 'logits');
  try {
    const lab = labelIndices(labels, z.t.rows, z.t.cols, 'labels');
    try {
      const g = gradFor(z.t, options.grad);
      const loss = W.softmaxXentLoss(g, z.t, lab);
      g.gradOf = originOf(logits);
      return { loss, grad: g };
    } finally {
      lab.dispose();
    }
  } finally {
    z.release();
  }
}
