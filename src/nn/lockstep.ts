/**
 * Networks in lockstep: an MLP's forward and backward as plans (the dense layers in order,
 * with what runs between them: dropout after a layer, its mask before a layer's backward),
 * run alone (runForward / runBackward: MLP.forward and backward are these) or beside other
 * networks' (forwardTogether / backwardTogether), where the same layer of two networks is one
 * pair job (W.denseForwardPair): on a pool of two threads each thread runs one whole layer,
 * instead of both threads sharing each layer's products in bands and meeting after each pass.
 * The pieces that do not depend on each other in the models: DeepCCA's two towers and DCCAE's
 * decoders, the autoencoder's encoders and its heads, the VAE's encoders and its decoders.
 * Each layer is computed as alone, so the results are those of the networks' own forward and
 * backward, bit for bit, on any number of threads.
 */
import * as W from '../wasm/index.js';
import type { Tensor, TensorInput } from '../wasm/index.js';
import type { BackwardOptions } from './piece.js';

/** What runs around a planned layer: before it (a backward's dropout mask), after it (a forward's dropout). @internal */
export interface Hooks {
  before?: () => void;
  after?: () => void;
}
/** A dense layer of a planned forward, and what follows it (dropout). @internal */
export interface ForwardStep extends W.DenseForwardCall, Hooks {}
/** A dense layer of a planned backward, and what precedes it (the dropout mask). @internal */
export interface BackwardStep extends W.DenseBackwardCall, Hooks {}
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

const forwardOne = (s: ForwardStep) => W.denseForward(s.y, s.x, s.W, s.b, s.act, s.slope);
const backwardOne = (s: BackwardStep) => W.denseBackward(s.dx, s.dW, s.db, s.dy, s.x, s.W, s.y, s.act, s.slope);

/**
 * Runs the plans' layers with their hooks: with `pair`, networks 0 and 1 side by side (the
 * same layer of both as one pair job), then 2 and 3, …; without, one network after the other.
 */
function run<S extends Hooks>(plans: readonly { steps: readonly S[] }[], one: (s: S) => void, pair: ((a: S, b: S) => void) | null): void {
  for (let i = 0; i < plans.length; i += pair ? 2 : 1) {
    const A = plans[i]!.steps, B = pair ? (plans[i + 1]?.steps ?? []) : [];
    for (let l = 0; l < A.length || l < B.length; l++) {
      const a = A[l], b = B[l];
      a?.before?.();
      b?.before?.();
      if (a && b) pair!(a, b);
      else one((a ?? b)!);
      a?.after?.();
      b?.after?.();
    }
  }
}

/** Runs one network's forward plan. @internal */
export function runForward(plan: ForwardPlan): Tensor {
  run([plan], forwardOne, null);
  return plan.finish();
}

/** Runs one network's backward plan. @internal */
export function runBackward(plan: BackwardPlan): Tensor | null {
  run([plan], backwardOne, null);
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
  run(plans, forwardOne, W.layersPair() ? W.denseForwardPair : null);
  return plans.map((p) => p.finish());
}

/**
 * The backwards of distinct networks (each as nets[i].backward(dYs[i], options[i]) would),
 * from their last layers down in lockstep, the same depth of two networks as one pair job. @internal
 */
export function backwardTogether(nets: readonly Planned[], dYs: readonly TensorInput[], options: BackwardOptions | readonly BackwardOptions[] = {}): (Tensor | null)[] {
  distinct(nets, dYs, 'backwardTogether');
  const plans = nets.map((n, i) => n._backwardPlan(dYs[i]!, Array.isArray(options) ? options[i] : (options as BackwardOptions)));
  run(plans, backwardOne, W.layersPair() ? W.denseBackwardPair : null);
  return plans.map((p) => p.finish());
}
