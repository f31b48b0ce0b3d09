/**
 * ConditionalGAN's adversarial losses on D's logits, each with its gradient written by hand
 * (checked by finite differences in test/cgan_stabilisers.test.ts):
 *   'bce'    D: BCE of the 2·bs logits [real; fake] against [1 − smoothing; 0], as the sum of the
 *            two halves' means; G: −mean(log σ(D(fake))) (the non-saturating loss)
 *   'hinge'  D: mean(relu(1 − D(real))) + mean(relu(1 + D(fake))); G: −mean(D(fake))
 */
import * as W from '../../wasm/index.js';
import type { Tensor } from '../../wasm/index.js';
import { bceWithLogits } from '../../nn/loss.js';
import type { ConditionalGANLoss } from './cgan_options.js';

/**
 * D's loss on the logits of a batch of 2·bs pairs (the bs real ones first), its gradient
 * with respect to the logits into `grad`. `targets` ([1 − smoothing; 0]) only for 'bce'.
 */
export function discriminatorLoss(kind: ConditionalGANLoss, logits: Tensor, targets: Tensor, grad: Tensor): number {
  if (kind === 'bce') {
    // the mean over 2·bs is half the sum of the two means: gradient and loss ×2
    const loss = 2 * bceWithLogits(logits, targets, { grad }).loss;
    W.scaleBy(grad, 2);
    return loss;
  }
  const n = logits.rows, bs = n / 2, z = logits.data, g = grad.data;
  let real = 0, fake = 0;
  for (let i = 0; i < bs; i++) {
    const m = 1 - z[i]!; // relu(1 − D(real)): d/dz = −1/bs where active
    if (m > 0) (real += m), (g[i] = -1 / bs);
    else g[i] = 0;
  }
  for (let i = bs; i < n; i++) {
    const m = 1 + z[i]!; // relu(1 + D(fake)): d/dz = 1/bs where active
    if (m > 0) (fake += m), (g[i] = 1 / bs);
    else g[i] = 0;
  }
  return real / bs + fake / bs;
}

/** G's loss on D's logits of the bs generated pairs, its gradient with respect to them into `grad`; `ones` (targets 1) only for 'bce'. */
export function generatorLoss(kind: ConditionalGANLoss, logits: Tensor, ones: Tensor, grad: Tensor): number {
  if (kind === 'bce') return bceWithLogits(logits, ones, { grad }).loss;
  const n = logits.rows, z = logits.data;
  let s = 0;
  for (let i = 0; i < n; i++) s += z[i]!;
  W.fill(grad, -1 / n);
  return -s / n;
}
