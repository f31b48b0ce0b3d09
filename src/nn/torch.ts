/**
 * PyTorch state_dict names → crossmodal's parameter layout, for the `fromTorch` loaders.
 *
 * An nn.Sequential of nn.Linear and parameter-free modules (activations, Dropout) stores
 * `${prefix}${i}.weight` (out × in, row-major) and `${prefix}${i}.bias` (out) for each Linear
 * at index i; the activations leave gaps in the indices. MLP keeps per layer W (in × out,
 * row-major) then b in one f32 buffer, so each weight is transposed on the way in.
 */
import { FormatError, ValueError } from '../errors.js';
import type { Activation } from './activation.js';

/** A named tensor as `fromTorch` reads it: what nn.readSafetensors returns, or any { shape, data }. */
export interface TorchTensor {
  shape: readonly number[];
  data: ArrayLike<number>;
}

/** Named tensors, e.g. a PyTorch state_dict read with nn.readSafetensors. */
export type TorchTensors = Readonly<Record<string, TorchTensor>>;

const LINEAR = /^(0|[1-9]\d*)\.(weight|bias)$/;

/** Checks that `tensors` is an object of { shape, data } entries (ValueError otherwise). */
export function checkTensors(tensors: unknown, name = 'tensors'): TorchTensors {
  if (!tensors || typeof tensors !== 'object' || Array.isArray(tensors) || ArrayBuffer.isView(tensors))
    throw new ValueError(name, 'named tensors { "0.weight": { shape, data }, … } (what nn.readSafetensors returns)', tensors);
  return tensors as TorchTensors;
}

/** Prefixes under which the names look like Sequential Linear parameters ("x.", "encoder.0.", …), for error messages. */
function likelyPrefixes(names: string[]): string[] {
  const found = new Set<string>();
  for (const n of names) {
    const m = /^(.*?)(0|[1-9]\d*)\.(weight|bias)$/.exec(n);
    if (m) found.add(m[1]!);
  }
  return [...found].sort();
}

const list = (names: string[], max = 6) => names.slice(0, max).map((n) => JSON.stringify(n)).join(', ') + (names.length > max ? `, … (${names.length} in all)` : '');

/**
 * The nn.Linear chain stored under `prefix`: widths [in, out₁, …] and the parameters in MLP's
 * layout (rounded to f32). FormatError for a missing weight or bias, a shape that breaks
 * the chain, a name under the prefix that is not a Linear parameter, adjacent Linears when
 * `activation` is not 'identity' (there is no module between them to be the activation), or
 * a non-finite value.
 */
export function linearChain(tensors: TorchTensors, prefix: string, activation: Activation): { layers: number[]; params: Float32Array } {
  const all = Object.keys(tensors);
  const mine = all.filter((n) => n.startsWith(prefix));
  const seen = likelyPrefixes(all);
  const hint = seen.length ? ` (prefixes with Linear layers in these tensors: ${list(seen)})` : '';
  if (mine.length === 0) throw new FormatError(`no tensors under the prefix ${JSON.stringify(prefix)}${hint}; the tensors are ${list(all)}`);
  const byIndex = new Map<number, { weight?: string; bias?: string }>();
  const unknown: string[] = [];
  for (const name of mine) {
    const m = LINEAR.exec(name.slice(prefix.length));
    if (!m) {
      unknown.push(name);
      continue;
    }
    const i = Number(m[1]);
    const slot = byIndex.get(i) ?? {};
    slot[m[2] as 'weight' | 'bias'] = name;
    byIndex.set(i, slot);
  }
  if (unknown.length)
    throw new FormatError(`tensors under the prefix ${JSON.stringify(prefix)} that are not nn.Linear parameters of an nn.Sequential (${prefix}<index>.weight / .bias): ${list(unknown)}${hint}`);
  const indices = [...byIndex.keys()].sort((a, b) => a - b);
  const layers: number[] = [];
  const shapes: { w: string; b: string; nin: number; nout: number }[] = [];
  indices.forEach((i, k) => {
    const { weight: w, bias: b } = byIndex.get(i)!;
    if (!w) throw new FormatError(`${b} has no ${prefix}${i}.weight beside it`);
    if (!b)
      throw new FormatError(`${w} has no ${prefix}${i}.bias: crossmodal's dense layers always have a bias (for nn.Linear(bias=False), store a zero bias of length ${shapeOf(tensors, w)[0]} under that name)`);
    const ws = shapeOf(tensors, w), bs = shapeOf(tensors, b);
    if (ws.length !== 2 || ws[0]! < 1 || ws[1]! < 1) throw new FormatError(`${w}: expected an nn.Linear weight of shape [out, in], got [${ws.join(', ')}]`);
    const [nout, nin] = ws as [number, number];
    if (bs.length !== 1 || bs[0] !== nout) throw new FormatError(`${b}: expected shape [${nout}] (the weight ${w} has ${nout} outputs), got [${bs.join(', ')}]`);
    if (k === 0) layers.push(nin);
    else {
      const prev = shapes[k - 1]!;
      if (nin !== prev.nout) throw new FormatError(`${w}: shape [${nout}, ${nin}] takes ${nin} inputs, but the Linear before it (${prev.w}) gives ${prev.nout}`);
      if (i === indices[k - 1]! + 1 && activation !== 'identity')
        throw new FormatError(
          `${prefix}${indices[k - 1]} and ${prefix}${i} are adjacent Linear layers with no module between them, but the activation is '${activation}' (crossmodal applies it after every hidden layer; pass activation: 'identity' if the network has none)`,
        );
    }
    layers.push(nout);
    shapes.push({ w, b, nin, nout });
  });
  let size = 0;
  for (const s of shapes) size += s.nin * s.nout + s.nout;
  const params = new Float32Array(size);
  let off = 0;
  for (const s of shapes) {
    const W = values(tensors, s.w), bias = values(tensors, s.b);
    // PyTorch W[o][i] (out × in) → ours W[i][o] (in × out)
    for (let o = 0; o < s.nout; o++) for (let i = 0; i < s.nin; i++) params[off + i * s.nout + o] = W[o * s.nin + i]!;
    off += s.nin * s.nout;
    params.set(bias, off);
    off += s.nout;
  }
  return { layers, params };
}

/** The names in `tensors` under none of `prefixes`; FormatError naming them when there are any. */
export function checkClaimed(tensors: TorchTensors, prefixes: readonly string[], model: string): void {
  const rest = Object.keys(tensors).filter((n) => !prefixes.some((p) => n.startsWith(p)));
  if (rest.length) throw new FormatError(`${model}: tensors under none of the prefixes ${list([...prefixes])}: ${list(rest)}`);
}

function shapeOf(tensors: TorchTensors, name: string): readonly number[] {
  const t = tensors[name];
  if (!t || typeof t !== 'object' || !Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    throw new FormatError(`${name}: expected a tensor { shape, data }, got ${t === null || typeof t !== 'object' ? String(t) : 'an object without a valid shape'}`);
  return t.shape;
}

/** The tensor's values rounded to f32 (an F64 tensor loses its extra precision here), all finite. */
function values(tensors: TorchTensors, name: string): Float32Array {
  const t = tensors[name]!;
  const count = t.shape.reduce((a, b) => a * b, 1);
  const data = t.data;
  if (!data || typeof data !== 'object' || typeof data.length !== 'number' || data.length !== count)
    throw new FormatError(`${name}: shape [${t.shape.join(', ')}] needs ${count} values, data holds ${data && typeof data.length === 'number' ? data.length : 'none'}`);
  const out = data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
  for (let i = 0; i < out.length; i++) {
    const v = out[i]!;
    if (!Number.isFinite(v)) {
      const beyond = Number.isFinite(data[i]) ? ` (${data[i]} is beyond the float32 range)` : '';
      const at = t.shape.length === 2 ? `[${Math.floor(i / t.shape[1]!)}][${i % t.shape[1]!}]` : `[${i}]`;
      throw new FormatError(`${name}${at} is ${v}${beyond}: a network's weights must be finite`);
    }
  }
  return out;
}
