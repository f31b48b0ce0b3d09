/**
 * Networks in lockstep: an MLP's forward and backward as plans (the dense layers in order,
 * with what runs between them: dropout after a layer, its mask before a layer's backward),
 * run alone (runForward / runBackward: MLP.forward and backward are these) or beside other
 * networks' (forwardTogether / backwardTogether), where the same layer of two networks is one
 * pair job (W.denseForwardPair): on a pool of two threads each thread runs one whole layer,
 * instead of both threads sharing each layer's products in bands and meeting after each pass.
 * The pieces that do not depend on each other in the models: DeepCCA's two towers and DCCAE's
 * decoders, the autoencoder's encoders and its heads, the VAE's encoders and its decoders. Each layer is computed as alone, so the results are
 * those of the networks' own forward and backward, bit for bit, on any number of threads.
 */
import * as W from '../wasm/index.js';
import type { Tensor, TensorInput } from '../wasm/index.js';
import type { BackwardOptions } from './piece.js';

/** A dense layer of a planned forward, and what follows it (dropout). @internal */
export interface ForwardStep extends W.DenseForwardCall {
  after?: () => void;
}
/** A dense layer of a planned backward, and what precedes it (the dropout mask). @internal */
export interface BackwardStep extends W.DenseBackwardCall {
  before?: () => void;
}
/** A network's forward as its layers (MLP._forwardPlan: the input is already taken in). @internal */
export interface ForwardPlan {
  steps: ForwardStep[];
  /** ends the forward: its output view */
  finish(): Tensor;
}
/** A network's backward as its layers, the last layer first (MLP._backwardPlan). @internal */
export interface BackwardPlan {
  steps: BackwardStep[];
  /** ends the backward: the input gradient's view, or null */
  finish(): Tensor | null;
}
/** What plans its forward and backward (MLP). @internal */
export interface Planned {
  _forwardPlan(x: TensorInput): ForwardPlan;
  _backwardPlan(dY: TensorInput, options?: BackwardOptions): BackwardPlan;
}

/** Runs one network's forward plan. @internal */
export function runForward(plan: ForwardPlan): Tensor {
  for (const s of plan.steps) {
    W.denseForward(s.y, s.x, s.W, s.b, s.act, s.slope);
    s.after?.();
  }
  return plan.finish();
}

/** Runs one network's backward plan. @internal */
export function runBackward(plan: BackwardPlan): Tensor | null {
  for (const s of plan.steps) {
    s.before?.();
    W.denseBackward(s.dx, s.dW, s.db, s.dy, s.x, s.W, s.y, s.act, s.slope);
  }
  return plan.finish();
}

function distinct(nets: readonly Planned[], inputs: readonly unknown[], what: string): void {
  if (new Set(nets).size !== nets.length || inputs.length !== nets.length) throw new Error(`crossmodal internal: ${what} takes distinct networks, one input each`);
}

/**
 * The forwards of distinct networks on their inputs (each as nets[i].forward(xs[i]) would),
 * layer by layer, the same layer of two networks as one pair job. Every input is checked
 * before any layer runs. @internal
 */
export function forwardTogether(nets: readonly Planned[], xs: readonly TensorInput[]): Tensor[] {
  distinct(nets, xs, 'forwardTogether');
  const plans = nets.map((n, i) => n._forwardPlan(xs[i]!));
  if (!W.layersPair()) return plans.map(runForward); // no pairs to run: one network after the other
  const depth = Math.max(...plans.map((p) => p.steps.length));
  for (let l = 0; l < depth; l++) {
    const steps = plans.flatMap((p) => p.steps[l] ?? []);
    for (let i = 0; i < steps.length; i += 2) {
      const a = steps[i]!, b = steps[i + 1];
      if (b) W.denseForwardPair(a, b);
      else W.denseForward(a.y, a.x, a.W, a.b, a.act, a.slope);
    }
    for (const s of steps) s.after?.();
  }
  return plans.map((p) => p.finish());
}

/**
 * The backwards of distinct networks (each as nets[i].backward(dYs[i], options[i]) would),
 * from their last layers down in lockstep, the same depth of two networks as one pair job. @internal
 */
export function backwardTogether(nets: readonly Planned[], dYs: readonly TensorInput[], options: BackwardOptions | readonly BackwardOptions[] = {}): (Tensor | null)[] {
  distinct(nets, dYs, 'backwardTogether');
  const plans = nets.map((n, i) => n._backwardPlan(dYs[i]!, Array.isArray(options) ? options[i] : (options as BackwardOptions)));
  if (!W.layersPair()) return plans.map(runBackward);
  const depth = Math.max(...plans.map((p) => p.steps.length));
  for (let l = 0; l < depth; l++) {
    const steps = plans.flatMap((p) => p.steps[l] ?? []);
    for (const s of steps) s.before?.();
    for (let i = 0; i < steps.length; i += 2) {
      const a = steps[i]!, b = steps[i + 1];
      if (b) W.denseBackwardPair(a, b);
      else W.denseBackward(a.dx, a.dW, a.db, a.dy, a.x, a.W, a.y, a.act, a.slope);
    }
  }
  return plans.map((p) => p.finish());
}
