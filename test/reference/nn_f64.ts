// Independent plain-TypeScript f64 forward passes for the f32 neural-network kernels,
// written from the forward definitions only (no derivatives): finite differences of these
// are what the wasm backward passes are checked against.

export const ACT = { identity: 0, relu: 1, leaky: 2, sigmoid: 3, tanh: 4 } as const;
export const ACT_NAMES = ['identity', 'relu', 'leaky', 'sigmoid', 'tanh'] as const;

/** f(x) for activation code act. */
export function act(x: number, code: number, slope = 0.01): number {
  switch (code) {
    case 1: return x > 0 ? x : 0;
    case 2: return x > 0 ? x : slope * x;
    case 3: return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    case 4: return Math.tanh(x);
    default: return x;
  }
}

export function actArray(x: ArrayLike<number>, code: number, slope = 0.01): Float64Array {
  return Float64Array.from(x as ArrayLike<number>, (v) => act(v, code, slope));
}

/** x·W + b before the activation: x n×nin, W nin×nout, b nout (row-major). */
export function densePre(x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number>, n: number, nin: number, nout: number): Float64Array {
  const z = new Float64Array(n * nout);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < nout; j++) {
      let s = b[j]!;
      for (let p = 0; p < nin; p++) s += x[i * nin + p]! * w[p * nout + j]!;
      z[i * nout + j] = s;
    }
  return z;
}

/** y = f(x·W + b). */
export function dense(x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number>, n: number, nin: number, nout: number, code: number, slope = 0.01): Float64Array {
  return actArray(densePre(x, w, b, n, nin, nout), code, slope);
}

/** mean((yhat − y)²) */
export function mse(yhat: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (yhat[i]! - y[i]!) ** 2;
  return s / y.length;
}

/** mean of −[t·log σ(z) + (1 − t)·log(1 − σ(z))], with log σ computed stably. */
export function bceLogits(z: ArrayLike<number>, t: ArrayLike<number>): number {
  // log σ(z) = −log(1 + e^−z), log(1 − σ(z)) = −log(1 + e^z): softplus, evaluated stably
  const softplus = (a: number) => (a > 0 ? a + Math.log1p(Math.exp(-a)) : Math.log1p(Math.exp(a)));
  let s = 0;
  for (let i = 0; i < z.length; i++) s += t[i]! * softplus(-z[i]!) + (1 - t[i]!) * softplus(z[i]!);
  return s / z.length;
}

/** row-wise softmax of z (n×c) */
export function softmax(z: ArrayLike<number>, n: number, c: number): Float64Array {
  const out = new Float64Array(n * c);
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let j = 0; j < c; j++) m = Math.max(m, z[i * c + j]!);
    let s = 0;
    for (let j = 0; j < c; j++) s += (out[i * c + j] = Math.exp(z[i * c + j]! - m));
    for (let j = 0; j < c; j++) out[i * c + j]! /= s;
  }
  return out;
}

/** mean over rows of −log softmax(z)[label] */
export function softmaxXent(z: ArrayLike<number>, labels: ArrayLike<number>, n: number, c: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let j = 0; j < c; j++) m = Math.max(m, z[i * c + j]!);
    let s = 0;
    for (let j = 0; j < c; j++) s += Math.exp(z[i * c + j]! - m);
    total += Math.log(s) + m - z[i * c + labels[i]!]!;
  }
  return total / n;
}

export interface Layer {
  w: ArrayLike<number>;
  b: ArrayLike<number>;
  nin: number;
  nout: number;
  act: number;
  slope?: number;
}

/** Forward pass of a stack of dense layers; returns every layer's output (last = prediction). */
export function mlp(x: ArrayLike<number>, n: number, layers: Layer[]): Float64Array[] {
  const outs: Float64Array[] = [];
  let h: ArrayLike<number> = x;
  for (const l of layers) {
    const y = dense(h, l.w, l.b, n, l.nin, l.nout, l.act, l.slope ?? 0.01);
    outs.push(y);
    h = y;
  }
  return outs;
}

/** Pre-activations of every layer (to keep gradient checks away from relu kinks). */
export function mlpPre(x: ArrayLike<number>, n: number, layers: Layer[]): Float64Array[] {
  const pres: Float64Array[] = [];
  let h: ArrayLike<number> = x;
  for (const l of layers) {
    const z = densePre(h, l.w, l.b, n, l.nin, l.nout);
    pres.push(z);
    h = actArray(z, l.act, l.slope ?? 0.01);
  }
  return pres;
}
