// The PyTorch bridge: nn.readSafetensors against byte-level vectors written here from the
// format's specification (and every malformation it forbids), the four float dtypes against
// hand-decoded bit patterns and against torch's own decoding, and MLP.fromTorch /
// DeepCCA.fromTorch against the outputs PyTorch computed for the same weights
// (test/fixtures/torch/, from scripts/reference/torch_models.py; versions in each JSON).
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { init, memoryStats, nn, MLP, DeepCCA, FormatError, ValueError, ShapeError, Matrix, type TorchTensor } from '../src/index.js';
import { CCAObjective } from '../src/models/neural/deepcca_objective.js';

beforeAll(async () => {
  await init();
});

const dir = new URL('./fixtures/torch/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, dir));
const reference = (name: string) => JSON.parse(readFileSync(new URL(name, dir), 'utf8'));
type M = { rows: number; cols: number; data: number[] };

/** A safetensors file from its parts: the 8-byte little-endian length, the header text as given, the data bytes. */
function file(header: string | object, data: ArrayLike<number> = []): Uint8Array {
  const text = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + data.length);
  let n = text.length;
  for (let i = 0; i < 8; i++, n = Math.floor(n / 256)) out[i] = n % 256;
  out.set(text, 8);
  out.set(Array.from(data), 8 + text.length);
  return out;
}

const entry = (dtype: string, shape: number[], begin: number, end: number) => ({ dtype, shape, data_offsets: [begin, end] });

/** Largest |a − b| / |b| over the elements (b never 0 here), and the same against the largest |b|. */
function relative(a: ArrayLike<number>, b: ArrayLike<number>) {
  expect(a.length).toBe(b.length);
  let elementwise = 0, scale = 0, worst = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    worst = Math.max(worst, d);
    elementwise = Math.max(elementwise, d / Math.abs(b[i]!));
  }
  return { elementwise, normwise: worst / scale };
}

/** Runs f, which must throw `kind` with a message matching `message`, and must leave no wasm memory behind. */
function refuses(f: () => unknown, kind: new (...a: never[]) => Error, message: RegExp) {
  const before = memoryStats().liveBytes;
  let error: unknown = null;
  try {
    f();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(kind);
  expect((error as Error).message).toMatch(message);
  expect(memoryStats().liveBytes).toBe(before);
}

describe('nn.readSafetensors: the format, byte by byte', () => {
  it('reads a file written by hand from the specification', () => {
    // header: 110 bytes of JSON, then 1 space of padding (allowed at the end)
    const header = '{"b":{"dtype":"F16","shape":[1,2],"data_offsets":[8,12]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}} ';
    const bytes = [
      // N = header length, u64 little-endian
      header.length, 0, 0, 0, 0, 0, 0, 0,
      ...Array.from(header, (c) => c.charCodeAt(0)),
      // a: F32 1.0 = 0x3F800000, −2.5 = 0xC0200000, little-endian
      0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x20, 0xc0,
      // b: F16 1.0 = 0x3C00, −2.0 = 0xC000
      0x00, 0x3c, 0x00, 0xc0,
    ];
    expect(header.length).toBe(111);
    const t = nn.readSafetensors(Uint8Array.from(bytes));
    expect(Object.keys(t)).toEqual(['a', 'b']);
    expect(t.a).toEqual({ dtype: 'F32', shape: [2], data: Float32Array.from([1, -2.5]) });
    expect(t.b).toEqual({ dtype: 'F16', shape: [1, 2], data: Float32Array.from([1, -2]) });
    // an ArrayBuffer, and a view at an odd offset inside a larger buffer, read the same
    expect(nn.readSafetensors(Uint8Array.from(bytes).buffer)).toEqual(t);
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 3);
    expect(nn.readSafetensors(big.subarray(3))).toEqual(t);
  });

  it('reads scalars, empty tensors, metadata, whitespace padding and an empty header', () => {
    const f = file({ __metadata__: { format: 'pt', note: 'ok' }, s: entry('F64', [], 0, 8), e: entry('F32', [0, 3], 8, 8) }, [0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
    const t = nn.readSafetensors(f);
    expect(t.s).toEqual({ dtype: 'F64', shape: [], data: Float64Array.from([1]) });
    expect(t.e).toEqual({ dtype: 'F32', shape: [0, 3], data: new Float32Array(0) });
    expect(Object.keys(t)).toEqual(['e', 's']);
    expect(nn.readSafetensorsMetadata(f)).toEqual({ format: 'pt', note: 'ok' });
    expect(nn.readSafetensors(file('{}\r \t\n'))).toEqual({});
    expect(nn.readSafetensorsMetadata(file('{}'))).toEqual({});
    // a tensor called __proto__ is a tensor, not a prototype
    const p = nn.readSafetensors(file('{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', [0, 0, 0x80, 0x3f]));
    expect(Object.keys(p)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(p)).toBe(Object.prototype);
  });

  it('decodes F16 and BF16 exactly, subnormals and specials included (NaN and ±Inf are read, refused only at model load)', () => {
    // F16 bit patterns and their values, decoded by hand: sign · 2^(e−15) · 1.m, subnormal 2^-14 · 0.m
    const half: [number, number][] = [
      [0x3c00, 1], [0xc000, -2], [0x3555, 0.333251953125], [0x7bff, 65504], [0x0400, 2 ** -14],
      [0x0001, 2 ** -24], [0x03ff, 1023 * 2 ** -24], [0x8001, -(2 ** -24)], [0x8000, -0],
      [0x7c00, Infinity], [0xfc00, -Infinity], [0x7e00, NaN],
    ];
    // BF16 is the top half of an F32: 0x3F80 = 1, 0x0001 = 2^-133 (an F32 subnormal)
    const brain: [number, number][] = [
      [0x3f80, 1], [0xc000, -2], [0x4049, 3.140625], [0x0001, 2 ** -133], [0x7f7f, 3.3895313892515355e38],
      [0x8000, -0], [0x7f80, Infinity], [0xff80, -Infinity], [0x7fc0, NaN],
    ];
    const bytes = (pairs: [number, number][]) => pairs.flatMap(([h]) => [h & 0xff, h >> 8]);
    const n = half.length * 2;
    const t = nn.readSafetensors(file({ h: entry('F16', [half.length], 0, n), b: entry('BF16', [brain.length], n, n + brain.length * 2) }, [...bytes(half), ...bytes(brain)]));
    for (const [pairs, got] of [[half, t.h!.data], [brain, t.b!.data]] as const) {
      expect(got).toBeInstanceOf(Float32Array);
      pairs.forEach(([, v], i) => expect(Object.is(got[i], v) || (Number.isNaN(v) && Number.isNaN(got[i]!)), `${i}: ${got[i]} ≠ ${v}`).toBe(true));
    }
    // F64 keeps its precision: 0.1 and 2^-1074 little-endian
    const d = nn.readSafetensors(file({ d: entry('F64', [2], 0, 16) }, [0x9a, 0x99, 0x99, 0x99, 0x99, 0x99, 0xb9, 0x3f, 1, 0, 0, 0, 0, 0, 0, 0]));
    expect(d.d!.data).toEqual(Float64Array.from([0.1, 2 ** -1074]));
  });

  it('decodes what torch wrote as torch decodes it (dtypes.safetensors)', () => {
    const ref = reference('dtypes.json');
    const t = nn.readSafetensors(fixture('dtypes.safetensors'));
    expect(Object.keys(t).sort()).toEqual(Object.keys(ref.tensors).sort());
    for (const [name, r] of Object.entries(ref.tensors) as [string, { dtype: string; shape: number[]; values: (number | string)[] }][]) {
      expect(t[name]!.dtype).toBe(r.dtype);
      expect(t[name]!.shape).toEqual(r.shape);
      expect(t[name]!.data).toBeInstanceOf(r.dtype === 'F64' ? Float64Array : Float32Array);
      const want = r.values.map(Number); // 'Infinity', '-Infinity', 'NaN'
      want.forEach((v, i) => expect(Object.is(t[name]!.data[i], v) || (Number.isNaN(v) && Number.isNaN(t[name]!.data[i]!)), `${name}[${i}]`).toBe(true));
    }
  });

  describe('refuses every malformation with a FormatError saying what is wrong', () => {
    const one = (e: object, data: number[] = [0, 0, 0x80, 0x3f]) => file({ t: e }, data);
    const cases: [string, Uint8Array, RegExp][] = [
      ['shorter than the length field', Uint8Array.from([1, 0, 0]), /3 bytes, too short for the 8-byte header length/],
      ['header length past the end', Uint8Array.from([200, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7d]), /header length \(200 bytes\) runs past the end of the file \(10 bytes/],
      ['header length beyond 2^32', Uint8Array.from([2, 0, 0, 0, 1, 0, 0, 0, 0x7b, 0x7d]), /header length \(4294967298 bytes\) runs past/],
      ['empty header', Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0]), /must begin with '\{' \(0x7B\), but it is empty/],
      ['header not starting with {', file(' {}'), /must begin with '\{' \(0x7B\), but its first byte is 0x20/],
      ['invalid UTF-8', file('{"\xff":1}'.replace('\xff', '?')).map((b) => (b === 0x3f ? 0xff : b)), /not valid UTF-8/],
      ['invalid JSON', file('{"t":}'), /not valid JSON/],
      ['a JSON object cut short', file('{"t":{"dtype":"F32"'), /not valid JSON/],
      ['duplicate tensor name', file('{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', [0, 0, 0x80, 0x3f]), /repeats the key "t"/],
      ['duplicate field in an entry', file('{"t":{"dtype":"F32","dtype":"F64","shape":[1],"data_offsets":[0,4]}}', [0, 0, 0x80, 0x3f]), /repeats the key "dtype"/],
      ['entry not an object', file({ t: [1, 2] }), /tensor "t": expected \{ dtype, shape, data_offsets \}, got \[1,2\]/],
      ['missing field', one({ dtype: 'F32', shape: [1] }), /tensor "t": the field data_offsets is missing/],
      ['unknown field', one({ ...entry('F32', [1], 0, 4), offsets: [0, 4] }), /tensor "t": unknown field "offsets"/],
      ['dtype not a string', one(entry(7 as unknown as string, [1], 0, 4)), /dtype must be a string, got 7/],
      ['unsupported dtype I64', file({ t: entry('I64', [1], 0, 8) }, [1, 0, 0, 0, 0, 0, 0, 0]), /tensor "t": dtype I64 is not supported \(crossmodal reads F32, F64, F16 and BF16\)/],
      ['unsupported dtype F8_E4M3', file({ t: entry('F8_E4M3', [1], 0, 1) }, [1]), /dtype F8_E4M3 is not supported/],
      ['unknown dtype', one(entry('F12', [1], 0, 4)), /unknown dtype "F12"/],
      ['negative dimension', one(entry('F32', [-1], 0, 4)), /shape must be an array of integers ≥ 0, got \[-1\]/],
      ['fractional dimension', one(entry('F32', [1.5], 0, 4)), /shape must be an array of integers/],
      ['shape not an array', one({ dtype: 'F32', shape: 1, data_offsets: [0, 4] }), /shape must be an array/],
      ['three offsets', one({ dtype: 'F32', shape: [1], data_offsets: [0, 4, 8] }), /data_offsets must be \[begin, end\]/],
      ['negative offset', one(entry('F32', [1], -4, 0)), /data_offsets must be \[begin, end\]/],
      ['offsets ending before they begin', one(entry('F32', [1], 4, 0)), /data_offsets \[4, 0\] end before they begin/],
      ['offsets past the buffer', one(entry('F32', [2], 0, 8)), /data_offsets \[0, 8\] run past the end of the data buffer \(4 bytes\)/],
      ['bytes ≠ product(shape)·itemsize', one(entry('F32', [2], 0, 4)), /shape \[2\] of F32 needs 8 bytes, but data_offsets \[0, 4\] hold 4/],
      ['F16 with an F32 length', one(entry('F16', [1], 0, 4)), /shape \[1\] of F16 needs 2 bytes/],
      ['overlapping tensors', file({ a: entry('F32', [2], 0, 8), b: entry('F32', [1], 4, 8) }, new Array(8).fill(0)), /tensors "a" \[0, 8\) and "b" \[4, 8\) overlap/],
      ['the same range twice', file({ a: entry('F32', [1], 0, 4), b: entry('F32', [1], 0, 4) }, [0, 0, 0, 0]), /overlap/],
      ['a hole between tensors', file({ a: entry('F32', [1], 0, 4), b: entry('F32', [1], 8, 12) }, new Array(12).fill(0)), /bytes \[4, 8\) of the data buffer belong to no tensor/],
      ['a hole before the first', file({ a: entry('F32', [1], 4, 8) }, new Array(8).fill(0)), /bytes \[0, 4\) of the data buffer belong to no tensor/],
      ['bytes after the last tensor (truncated header or polyglot)', file({ a: entry('F32', [1], 0, 4) }, new Array(6).fill(0)), /bytes \[4, 6\) at the end of the data buffer belong to no tensor/],
      ['truncated data', file({ a: entry('F32', [4], 0, 16) }, new Array(10).fill(0)), /data_offsets \[0, 16\] run past the end of the data buffer \(10 bytes\)/],
      ['metadata not an object', file({ __metadata__: 'x' }), /__metadata__ must be an object of strings/],
      ['metadata value not a string', file({ __metadata__: { epochs: 3 } }), /__metadata__\.epochs must be a string/],
    ];
    for (const [what, bytes, message] of cases)
      it(what, () => {
        refuses(() => nn.readSafetensors(bytes), FormatError, message);
        refuses(() => nn.readSafetensorsMetadata(bytes), FormatError, message);
        expect(() => nn.readSafetensors(bytes)).toThrow(/^safetensors: /);
      });
    it('a file cut anywhere is refused', () => {
      const whole = fixture('mlp.safetensors');
      for (let n = 0; n < whole.length; n += 7) expect(() => nn.readSafetensors(whole.subarray(0, n)), `${n} bytes`).toThrow(FormatError);
    });
    it('bytes that are not a Uint8Array or an ArrayBuffer are a ValueError', () => {
      for (const v of [null, 'abc', [1, 2], new Float32Array(4), {}]) refuses(() => nn.readSafetensors(v as never), ValueError, /^bytes: expected a Uint8Array or an ArrayBuffer/);
    });
  });
});

describe('MLP.fromTorch against PyTorch (mlp.safetensors: 5-16-16-3, LeakyReLU 0.1, tanh output)', () => {
  const ref = reference('mlp.json');
  const options = { activation: 'leaky_relu', outputActivation: 'tanh', leakySlope: 0.1 } as const;

  for (const [name, key] of [['mlp.safetensors', 'outputs'], ['mlp-f64.safetensors', 'outputs'], ['mlp-bf16.safetensors', 'outputsBf16']] as const)
    it(`${name}: outputs equal PyTorch's to 1e-5 relative, elementwise`, () => {
      const net = MLP.fromTorch(nn.readSafetensors(fixture(name)), options);
      expect(net.layers).toEqual([5, 16, 16, 3]);
      expect([net.activation, net.outputActivation, net.leakySlope]).toEqual(['leaky_relu', 'tanh', 0.1]);
      const err = relative(net.predict(ref.inputs).data, ref[key].data);
      console.log(`${name}: largest relative difference from PyTorch ${err.elementwise.toExponential(2)} (elementwise), ${err.normwise.toExponential(2)} (against the largest output)`);
      expect(err.elementwise).toBeLessThanOrEqual(1e-5);
      // the forward pass too, and a saved copy
      expect(relative(net.forward(ref.inputs).toShaped().data, ref[key].data).elementwise).toBeLessThanOrEqual(1e-5);
      const copy = MLP.fromJSON(JSON.parse(JSON.stringify(net)));
      expect(copy.predict(ref.inputs).data).toEqual(net.predict(ref.inputs).data);
      copy.dispose();
      net.dispose();
    });

  it('stores PyTorch out×in weights as in×out, bias after, per layer', () => {
    const t = nn.readSafetensors(fixture('mlp.safetensors'));
    const net = MLP.fromTorch(t, options);
    const [first] = net.layout;
    const w = t['0.weight']!.data; // 16×5
    for (const [o, i] of [[0, 0], [3, 4], [15, 2]] as const) expect(net.parameters[first!.weights + i * 16 + o]).toBe(w[o * 5 + i]);
    expect(net.parameters.subarray(first!.bias, first!.bias + 16)).toEqual(t['0.bias']!.data);
    net.dispose();
  });
});

describe('DeepCCA.fromTorch against PyTorch and numpy (deepcca.safetensors: towers 6-16-4 and 5-16-4)', () => {
  const ref = reference('deepcca.json');
  const tensors = () => nn.readSafetensors(fixture('deepcca.safetensors'));

  it("the towers' outputs equal PyTorch's", () => {
    const t = tensors();
    ['x.', 'y.'].forEach((prefix, side) => {
      const net = MLP.fromTorch(t, { prefix, activation: 'leaky_relu' });
      expect(net.layers).toEqual(ref.model[prefix[0]!]);
      for (const [inputs, outputs] of [[ref.data, ref.towerOutputs], [ref.heldOut, ref.heldOutTowerOutputs]] as [M[], M[]][]) {
        const err = relative(net.predict(inputs[side]!).data, outputs[side]!.data);
        expect(err.elementwise).toBeLessThanOrEqual(1e-5);
      }
      net.dispose();
    });
  });

  it("the final CCA's correlations equal numpy's on the towers' outputs (1e-5), and transform, score and toJSON work", () => {
    const before = memoryStats().liveBytes;
    const model = DeepCCA.fromTorch(tensors(), { data: ref.data, finalRegularization: ref.model.finalRegularization });
    expect([model.components, model.outputs, model.hidden, model.activation]).toEqual([4, 4, [16], 'leaky_relu']);
    const rho = relative(model.correlations, ref.cca.correlations);
    const [u, v] = model.transform(ref.heldOut[0] as M, ref.heldOut[1] as M);
    // the fixture's numpy (scripts/reference/torch_models.py) orients each component by the raw
    // x-weight of largest magnitude; crossmodal reads weight × standard deviation (unit-free):
    // the variates are compared with each reference component's sign taken from ours (the
    // same sign for u and v, from u), and our rule is what the CCA tests check
    const k = u.cols, flip = Array.from({ length: k }, (_, j) => {
      let dot = 0;
      for (let i = 0; i < u.rows; i++) dot += u.data[i * k + j]! * (ref.cca.heldOutVariates[0].data[i * k + j] as number);
      return dot < 0 ? -1 : 1;
    });
    const oriented = (d: number[]) => d.map((x, i) => x * flip[i % k]!);
    const variates = [relative(u.data, oriented(ref.cca.heldOutVariates[0].data)), relative(v.data, oriented(ref.cca.heldOutVariates[1].data))];
    const held = relative(model.score(ref.heldOut[0], ref.heldOut[1]), ref.cca.heldOutCorrelations);
    console.log(`DeepCCA.fromTorch: correlations ${rho.elementwise.toExponential(2)}, held-out variates ${Math.max(...variates.map((e) => e.normwise)).toExponential(2)} (normwise), held-out correlations ${held.elementwise.toExponential(2)} from numpy`);
    expect(rho.elementwise).toBeLessThanOrEqual(1e-5);
    for (const e of variates) expect(e.normwise).toBeLessThanOrEqual(1e-5);
    expect(held.elementwise).toBeLessThanOrEqual(1e-5);
    const copy = DeepCCA.fromJSON(JSON.parse(JSON.stringify(model)));
    expect(copy.transform(ref.heldOut[0], null)[0].data).toEqual(u.data);
    copy.dispose();
    // fewer components: the leading ones
    const two = DeepCCA.fromTorch(tensors(), { data: ref.data, components: 2, finalRegularization: ref.model.finalRegularization });
    expect(relative(two.correlations, ref.cca.correlations.slice(0, 2)).elementwise).toBeLessThanOrEqual(1e-12);
    two.dispose();
    model.dispose();
    expect(memoryStats().liveBytes).toBe(before);
  });

  it("crossmodal's DeepCCA objective and gradient equal dcca_loss's in python/crossmodal_torch.py", () => {
    const { components, ridge, value, gradient, gradientRows } = ref.objective;
    const [H1, H2] = ref.towerOutputs as M[];
    const obj = new CCAObjective(H1!.rows, H1!.cols, components, ridge, 'trace');
    obj.H1.data.set(H1!.data);
    obj.H2.data.set(H2!.data);
    expect(Math.abs(obj.evaluate() - value) / value).toBeLessThanOrEqual(1e-10);
    const n = gradientRows * H1!.cols;
    expect(relative(obj.G1.data.subarray(0, n), gradient[0]).normwise).toBeLessThanOrEqual(1e-8);
    expect(relative(obj.G2.data.subarray(0, n), gradient[1]).normwise).toBeLessThanOrEqual(1e-8);
    obj.dispose();
  });
});

describe('fromTorch refuses what does not match, naming it, and leaks nothing', () => {
  // mutable copies, so a case can swap or delete a tensor
  const mlp = (): Record<string, TorchTensor> => ({ ...nn.readSafetensors(fixture('mlp.safetensors')) });
  const dcca = (): Record<string, TorchTensor> => ({ ...nn.readSafetensors(fixture('deepcca.safetensors')) });
  const ref = reference('deepcca.json');
  const data = ref.data as [M, M];

  it('a wrong prefix', () => {
    refuses(() => MLP.fromTorch(dcca()), FormatError, /tensors under the prefix "" that are not nn.Linear parameters.*"x.0.weight".*prefixes with Linear layers in these tensors: "x.", "y."/);
    refuses(() => MLP.fromTorch(dcca(), { prefix: 'z.' }), FormatError, /no tensors under the prefix "z."/);
    refuses(() => MLP.fromTorch(dcca(), { prefix: 'x' }), FormatError, /not nn.Linear parameters.*"x.0.weight"/);
  });

  it('a tensor that is not a Linear parameter (a BatchNorm, say)', () => {
    const t = { ...mlp(), '1.running_mean': { shape: [16], data: new Float32Array(16) } };
    refuses(() => MLP.fromTorch(t), FormatError, /not nn.Linear parameters.*"1.running_mean"/);
  });

  it('shapes that do not chain, or are not a Linear', () => {
    const t = mlp();
    t['2.weight'] = { ...t['2.weight']!, shape: [16, 15], data: new Float32Array(240) };
    refuses(() => MLP.fromTorch(t), FormatError, /2.weight: shape \[16, 15\] takes 15 inputs, but the Linear before it \(0.weight\) gives 16/);
    const b = mlp();
    b['0.bias'] = { ...b['0.bias']!, shape: [15], data: new Float32Array(15) };
    refuses(() => MLP.fromTorch(b), FormatError, /0.bias: expected shape \[16\] \(the weight 0.weight has 16 outputs\), got \[15\]/);
    const w = mlp();
    w['0.weight'] = { ...w['0.weight']!, shape: [80] };
    refuses(() => MLP.fromTorch(w), FormatError, /0.weight: expected an nn.Linear weight of shape \[out, in\], got \[80\]/);
    const d = mlp();
    d['0.weight'] = { shape: [16, 5], data: new Float32Array(79) };
    refuses(() => MLP.fromTorch(d), FormatError, /0.weight: shape \[16, 5\] needs 80 values, data holds 79/);
  });

  it('a missing bias or weight', () => {
    const t = mlp();
    delete t['2.bias'];
    refuses(() => MLP.fromTorch(t), FormatError, /2.weight has no 2.bias: crossmodal's dense layers always have a bias \(for nn.Linear\(bias=False\), store a zero bias of length 16/);
    const w = mlp();
    delete w['4.weight'];
    refuses(() => MLP.fromTorch(w), FormatError, /4.bias has no 4.weight beside it/);
  });

  it('adjacent Linears with an activation between them claimed', () => {
    const t = mlp();
    t['1.weight'] = t['2.weight']!;
    t['1.bias'] = t['2.bias']!;
    delete t['2.weight'];
    delete t['2.bias'];
    refuses(() => MLP.fromTorch(t, { activation: 'tanh' }), FormatError, /0 and 1 are adjacent Linear layers with no module between them, but the activation is 'tanh'/);
    const net = MLP.fromTorch(t, { activation: 'identity' });
    expect(net.layers).toEqual([5, 16, 16, 3]);
    net.dispose();
  });

  it('non-finite weights (the reader keeps them; the loader refuses them)', () => {
    const t = mlp();
    const w = Float32Array.from(t['2.weight']!.data);
    w[3 * 16 + 7] = NaN;
    t['2.weight'] = { ...t['2.weight']!, data: w };
    refuses(() => MLP.fromTorch(t), FormatError, /2.weight\[3\]\[7\] is NaN: a network's weights must be finite/);
    const big = mlp();
    const b = Float64Array.from(big['4.bias']!.data);
    b[1] = 1e300;
    big['4.bias'] = { shape: [3], data: b };
    refuses(() => MLP.fromTorch(big), FormatError, /4.bias\[1\] is Infinity \(1e\+300 is beyond the float32 range\)/);
  });

  it('bad arguments', () => {
    refuses(() => MLP.fromTorch(null as never), ValueError, /^tensors: expected named tensors/);
    refuses(() => MLP.fromTorch(mlp(), { prefix: 3 as never }), ValueError, /options.prefix/);
    refuses(() => MLP.fromTorch(mlp(), { activation: 'gelu' as never }), ValueError, /options.activation/);
    refuses(() => MLP.fromTorch(mlp(), { outputActivation: 'softmax' as never }), ValueError, /options.outputActivation/);
    refuses(() => MLP.fromTorch(mlp(), { prefx: '' } as never), ValueError, /options.prefx: expected a known option \(did you mean "prefix"\?/);
  });

  it('DeepCCA: tensors outside both towers, towers that differ, data that does not fit', () => {
    refuses(() => DeepCCA.fromTorch({ ...dcca(), 'z.0.weight': { shape: [1, 1], data: [1] } }, { data }), FormatError, /DeepCCA.fromTorch: tensors under none of the prefixes "x.", "y.", "xdec.", "ydec.": "z.0.weight"/);
    refuses(() => DeepCCA.fromTorch(dcca(), { data, xPrefix: 'a.' }), FormatError, /tensors under none of the prefixes "a.", "y.", "xdec.", "ydec.": "x.0.bias"/);
    const wide = dcca();
    wide['y.2.weight'] = { shape: [5, 16], data: new Float32Array(80) };
    wide['y.2.bias'] = { shape: [5], data: new Float32Array(5) };
    refuses(() => DeepCCA.fromTorch(wide, { data }), FormatError, /the towers differ past their inputs \(x.: 6-16-4, y.: 5-16-5\)/);
    refuses(() => DeepCCA.fromTorch(dcca(), { data: [data[1], data[0]] }), ShapeError, /options.data\[0\]: expected 6 columns \(the x tower's input width\), got 5 columns/);
    refuses(() => DeepCCA.fromTorch(dcca(), { data: [data[0], { ...data[1], rows: 50, data: data[1].data.slice(0, 250) }] }), ShapeError, /options.data\[1\]: expected 100 rows/);
    refuses(() => DeepCCA.fromTorch(dcca(), { data, components: 5 }), ValueError, /options.components: expected an integer in 1..4 \(the towers' output width\)/);
    refuses(() => DeepCCA.fromTorch(dcca(), {} as never), ValueError, /options.data: expected \[X, Y\]/);
    refuses(() => DeepCCA.fromTorch(dcca(), { data, hidden: [16] } as never), ValueError, /options.hidden: expected a known option/);
    refuses(() => DeepCCA.fromTorch(dcca(), { data, xPrefix: '', yPrefix: 'y.' }), ValueError, /options.yPrefix/);
    refuses(() => DeepCCA.fromTorch(dcca(), { data, activation: 'relu', epochs: -1 }), ValueError, /epochs/);
  });
});

describe("the example of docs/neural.md (the README's, before the guides)", () => {
  it('inlines readme.safetensors as written by the script, and PyTorch computed the outputs it states', () => {
    const ref = reference('readme.json');
    const guide = readFileSync(new URL('../docs/neural.md', import.meta.url), 'utf8');
    const section = guide.slice(guide.indexOf('## Train in PyTorch, run here'));
    const literal = /atob\(\n([\s\S]*?),\n\)/.exec(section)![1]!;
    const inlined = Array.from(literal.matchAll(/'([A-Za-z0-9+/=]+)'/g), (m) => m[1]).join('');
    expect(inlined).toBe(fixture('readme.safetensors').toString('base64'));
    expect(inlined).toBe(ref.base64);
    expect(section).toContain(`PyTorch gives ${ref.outputsPrinted[0]} and ${ref.outputsPrinted[1]}`);
    const net = MLP.fromTorch(nn.readSafetensors(fixture('readme.safetensors')), { activation: 'tanh' });
    expect(relative(net.predict(ref.inputs).data, ref.outputs.data).elementwise).toBeLessThanOrEqual(1e-5);
    net.dispose();
  });
});

describe('Matrix inputs', () => {
  it('DeepCCA.fromTorch takes Matrix data as fit does', () => {
    const ref = reference('deepcca.json');
    const X = Matrix.from(ref.data[0]), Y = Matrix.from(ref.data[1]);
    const model = DeepCCA.fromTorch(nn.readSafetensors(fixture('deepcca.safetensors')), { data: [X, Y], finalRegularization: 1e-6 });
    expect(relative(model.correlations, ref.cca.correlations).elementwise).toBeLessThanOrEqual(1e-5);
    for (const o of [model, X, Y]) o.dispose();
  });
});
