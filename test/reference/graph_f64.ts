// Helpers for gradient checks of composed graphs: the graph's networks flattened into one
// f64 parameter vector, an independent f64 forward of each network (./nn_f64.ts), the
// concatenation with gates written from its definition, and central differences.
import type { Activation, MLP } from '../../src/index.js';
import * as ref from './nn_f64.js';

export const CODES: Record<Activation, number> = { identity: 0, relu: 1, leaky_relu: 2, sigmoid: 3, tanh: 4 };

/** The networks of a graph, their parameters flattened into one f64 vector (and back). */
export class Params {
  readonly nets: MLP[];
  readonly offsets: number[] = [];
  readonly size: number;
  constructor(nets: MLP[]) {
    this.nets = nets;
    let o = 0;
    for (const n of nets) {
      this.offsets.push(o);
      o += n.parameterCount;
    }
    this.size = o;
  }
  values(): Float64Array {
    const v = new Float64Array(this.size);
    this.nets.forEach((n, i) => v.set(n.parameters, this.offsets[i]));
    return v;
  }
  gradients(): Float64Array {
    const v = new Float64Array(this.size);
    this.nets.forEach((n, i) => v.set(n.gradients, this.offsets[i]));
    return v;
  }
  /** f64 forward of network i with its parameters taken from the flat vector p. */
  forward(i: number, p: Float64Array, x: ArrayLike<number>, n: number): Float64Array {
    const net = this.nets[i]!, base = this.offsets[i]!;
    const layers: ref.Layer[] = net.layout.map((L, l) => ({
      w: p.subarray(base + L.weights, base + L.weights + L.inputs * L.outputs),
      b: p.subarray(base + L.bias, base + L.bias + L.outputs),
      nin: L.inputs,
      nout: L.outputs,
      act: CODES[l === net.layout.length - 1 ? net.outputActivation : net.activation],
      slope: net.leakySlope,
    }));
    return ref.mlp(x, n, layers).at(-1)!;
  }
}

/** Worst |fd − g| / max(floor, |fd| + |g|) over every coordinate (central differences, h = 1e-5). */
export function gradientError(loss: (p: Float64Array) => number, p: Float64Array, g: ArrayLike<number>, floor = 1e-3): number {
  const h = 1e-5;
  let worst = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p.slice(), b = p.slice();
    a[i] = a[i]! + h;
    b[i] = b[i]! - h;
    const fd = (loss(a) - loss(b)) / (2 * h);
    worst = Math.max(worst, Math.abs(fd - g[i]!) / Math.max(floor, Math.abs(fd) + Math.abs(g[i]!)));
  }
  return worst;
}

export const flat = (r: number[][]) => Float64Array.from(r.flat());

/** [a | b | …] row by row (f64), part j < gates' width multiplied by gates[i][j]. */
export function concat64(parts: ArrayLike<number>[], widths: number[], n: number, gates?: number[][]): Float64Array {
  const total = widths.reduce((s, w) => s + w, 0);
  const out = new Float64Array(n * total);
  for (let i = 0; i < n; i++) {
    let c = 0;
    parts.forEach((p, j) => {
      const g = gates && j < gates[i]!.length ? gates[i]![j]! : 1;
      for (let k = 0; k < widths[j]!; k++) out[i * total + c + k] = p[i * widths[j]! + k]! * g;
      c += widths[j]!;
    });
  }
  return out;
}

