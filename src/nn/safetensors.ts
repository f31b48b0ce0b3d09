/**
 * Reading the safetensors format (Hugging Face), so that networks trained elsewhere — a
 * PyTorch state_dict saved with python/crossmodal_torch.py or the `safetensors` package —
 * load here (MLP.fromTorch, DeepCCA.fromTorch, …).
 *
 * Layout (little-endian throughout):
 *   bytes 0..8        N, an unsigned 64-bit integer: the header's length in bytes
 *   bytes 8..8+N      the header, UTF-8 JSON beginning with '{' (0x7B), possibly padded at
 *                     the end with whitespace:
 *                       { "<name>": { "dtype": "F32", "shape": [16, 5], "data_offsets": [b, e] },
 *                         …, "__metadata__": { "<key>": "<string>", … } }   (metadata optional)
 *   bytes 8+N..end    the data buffer; a tensor's bytes are buffer[b..e), row-major
 * Checked as the specification requires: no duplicate keys, offsets inside the buffer, the
 * tensors' ranges neither overlapping nor leaving holes (together they cover the buffer
 * exactly), e − b = product(shape) · the dtype's size. Values are not checked (the format
 * allows NaN and ±Inf): the model loaders refuse non-finite weights.
 */
import { FormatError, ValueError } from '../errors.js';

/** The element types crossmodal reads. */
export type SafeTensorDtype = 'F32' | 'F64' | 'F16' | 'BF16';

/** One tensor of a safetensors file: F16 and BF16 widened exactly to Float32Array, F64 kept as Float64Array. */
export interface SafeTensor {
  dtype: SafeTensorDtype;
  /** dimensions, outermost first ([] for a scalar) */
  shape: number[];
  /** the values, row-major (a copy: it does not share the file's buffer) */
  data: Float32Array | Float64Array;
}

const SIZE: Record<SafeTensorDtype, number> = { F16: 2, BF16: 2, F32: 4, F64: 8 };
/** dtypes of the format that crossmodal does not read (named in the error) */
const OTHER = ['BOOL', 'U8', 'I8', 'U16', 'I16', 'U32', 'I32', 'U64', 'I64', 'F8_E4M3', 'F8_E5M2', 'F8_E8M0', 'F4', 'F6_E2M3', 'F6_E3M2', 'C64'];
/** the reference implementation's limit on the header's length */
const MAX_HEADER = 100_000_000;
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

interface Entry {
  name: string;
  dtype: SafeTensorDtype;
  shape: number[];
  begin: number;
  end: number;
}

const fail = (message: string): never => {
  throw new FormatError(`safetensors: ${message}`);
};
const quote = (s: string) => JSON.stringify(s);

/**
 * Reads a safetensors file into named tensors: `{ "0.weight": { dtype, shape, data }, … }`
 * (names sorted). `__metadata__` is checked (a string → string map) but not returned: read
 * it with `readSafetensorsMetadata`. A malformed file, or a tensor of another dtype than
 * F32 / F64 / F16 / BF16, throws a FormatError saying what is wrong.
 *
 * @example
 * const tensors = nn.readSafetensors(new Uint8Array(await (await fetch('mlp.safetensors')).arrayBuffer()));
 * tensors['0.weight'].shape; // [16, 5]: PyTorch's nn.Linear(5, 16) stores out × in
 */
export function readSafetensors(bytes: Uint8Array | ArrayBuffer): Record<string, SafeTensor> {
  const u8 = asBytes(bytes);
  const { entries, dataStart } = parseHeader(u8);
  const out: Record<string, SafeTensor> = {};
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const t: SafeTensor = { dtype: e.dtype, shape: e.shape, data: decode(u8, dataStart + e.begin, dataStart + e.end, e.dtype) };
    // defineProperty: a tensor may be called "__proto__"
    Object.defineProperty(out, e.name, { value: t, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * The header's `__metadata__` (a string → string map; {} when absent), after the same checks
 * as readSafetensors (a FormatError when the file is malformed).
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * const meta = nn.readSafetensorsMetadata(readFileSync('model.safetensors')); // e.g. { format: 'pt' }
 * ```
 */
export function readSafetensorsMetadata(bytes: Uint8Array | ArrayBuffer): Record<string, string> {
  return parseHeader(asBytes(bytes)).metadata;
}

function asBytes(bytes: Uint8Array | ArrayBuffer): Uint8Array {
  // a plain view: a Node Buffer's slice() shares memory instead of copying
  if (bytes instanceof Uint8Array) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  throw new ValueError('bytes', "a Uint8Array or an ArrayBuffer (the file's bytes)", bytes);
}

function parseHeader(u8: Uint8Array): { entries: Entry[]; metadata: Record<string, string>; dataStart: number } {
  if (u8.length < 8) fail(`the file is ${u8.length} bytes, too short for the 8-byte header length`);
  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const n = view.getUint32(4, true) * 2 ** 32 + view.getUint32(0, true);
  if (n > u8.length - 8) fail(`the header length (${n} bytes) runs past the end of the file (${u8.length} bytes: at most ${u8.length - 8} after the length)`);
  if (n > MAX_HEADER) fail(`the header length (${n} bytes) is over the format's limit of ${MAX_HEADER}`);
  if (n === 0 || u8[8] !== 0x7b) fail(`the header must begin with '{' (0x7B), but ${n === 0 ? 'it is empty' : `its first byte is 0x${u8[8]!.toString(16).toUpperCase().padStart(2, '0')}`}`);
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(u8.subarray(8, 8 + n));
  } catch {
    fail('the header is not valid UTF-8');
  }
  let header: Record<string, unknown> = {};
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail(`the header is not valid JSON (${(e as Error).message})`);
  }
  const dup = duplicateKey(text);
  if (dup) fail(`the header repeats the key ${quote(dup)} (duplicate keys are not allowed)`);
  const dataStart = 8 + n, size = u8.length - dataStart;
  const entries: Entry[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, v] of Object.entries(header)) {
    if (name === '__metadata__') metadata = readMetadata(v);
    else entries.push(readEntry(name, v, size));
  }
  checkCoverage(entries, size);
  return { entries, metadata, dataStart };
}

function readMetadata(v: unknown): Record<string, string> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) fail(`__metadata__ must be an object of strings, got ${JSON.stringify(v)}`);
  const out: Record<string, string> = {};
  for (const [k, s] of Object.entries(v as object)) {
    if (typeof s !== 'string') fail(`__metadata__.${k} must be a string (the format allows only string values), got ${JSON.stringify(s)}`);
    Object.defineProperty(out, k, { value: s, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function readEntry(name: string, v: unknown, size: number): Entry {
  const where = `tensor ${quote(name)}`;
  if (!v || typeof v !== 'object' || Array.isArray(v)) return fail(`${where}: expected { dtype, shape, data_offsets }, got ${JSON.stringify(v)}`);
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (k !== 'dtype' && k !== 'shape' && k !== 'data_offsets') fail(`${where}: unknown field ${quote(k)} (an entry has dtype, shape and data_offsets)`);
  for (const k of ['dtype', 'shape', 'data_offsets']) if (!(k in o)) fail(`${where}: the field ${k} is missing`);
  const { dtype, shape, data_offsets: offsets } = o;
  if (typeof dtype !== 'string') return fail(`${where}: dtype must be a string, got ${JSON.stringify(dtype)}`);
  if (!(dtype in SIZE))
    fail(`${where}: ${OTHER.includes(dtype) ? `dtype ${dtype} is not supported` : `unknown dtype ${quote(dtype)}`} (crossmodal reads F32, F64, F16 and BF16)`);
  const index = (x: unknown) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
  if (!Array.isArray(shape) || !shape.every(index)) fail(`${where}: shape must be an array of integers ≥ 0, got ${JSON.stringify(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(index)) fail(`${where}: data_offsets must be [begin, end] (integers ≥ 0), got ${JSON.stringify(offsets)}`);
  const [begin, end] = offsets as [number, number];
  if (begin > end) fail(`${where}: data_offsets [${begin}, ${end}] end before they begin`);
  if (end > size) fail(`${where}: data_offsets [${begin}, ${end}] run past the end of the data buffer (${size} bytes)`);
  const item = SIZE[dtype as SafeTensorDtype];
  let count = 1;
  for (const d of shape as number[]) count = Math.min(count * d, 2 ** 53);
  if (count * item !== end - begin)
    fail(`${where}: shape [${(shape as number[]).join(', ')}] of ${dtype} needs ${count * item} bytes, but data_offsets [${begin}, ${end}] hold ${end - begin}`);
  return { name, dtype: dtype as SafeTensorDtype, shape: [...(shape as number[])], begin, end };
}

/** The tensors' byte ranges must tile the data buffer: no overlap, no hole, nothing after the last. */
function checkCoverage(entries: Entry[], size: number) {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let prev: Entry | null = null;
  for (const e of sorted) {
    if (e.begin < at) fail(`tensors ${quote(prev!.name)} [${prev!.begin}, ${prev!.end}) and ${quote(e.name)} [${e.begin}, ${e.end}) overlap`);
    if (e.begin > at) fail(`bytes [${at}, ${e.begin}) of the data buffer belong to no tensor (the format allows no holes)`);
    at = e.end;
    prev = e;
  }
  if (at < size) fail(`bytes [${at}, ${size}) at the end of the data buffer belong to no tensor (the format allows no holes)`);
}

/**
 * The first key that appears twice in one object of the (valid) JSON text, or null.
 * JSON.parse keeps the last silently; the format forbids duplicates.
 */
function duplicateKey(text: string): string | null {
  // one frame per open object or array: its keys, and whether the next string is a key
  const stack: { keys: Set<string> | null; key: boolean }[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (top?.keys && top.key) {
        const k = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(k)) return k;
        top.keys.add(k);
        top.key = false;
      }
      i = j;
    } else if (c === '{') stack.push({ keys: new Set(), key: true });
    else if (c === '[') stack.push({ keys: null, key: false });
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',' && top?.keys) top.key = true;
  }
  return null;
}

/** The values of bytes [a, b) as dtype, in a new array. */
function decode(u8: Uint8Array, a: number, b: number, dtype: SafeTensorDtype): Float32Array | Float64Array {
  const n = (b - a) / SIZE[dtype];
  if (dtype === 'F32' || dtype === 'F64') {
    // slice() copies into a fresh, aligned buffer; the platform's order is the file's on little-endian hosts
    if (LITTLE) return dtype === 'F32' ? new Float32Array(u8.slice(a, b).buffer) : new Float64Array(u8.slice(a, b).buffer);
    const v = new DataView(u8.buffer, u8.byteOffset + a, b - a);
    if (dtype === 'F32') return Float32Array.from({ length: n }, (_, i) => v.getFloat32(4 * i, true));
    return Float64Array.from({ length: n }, (_, i) => v.getFloat64(8 * i, true));
  }
  const out = new Float32Array(n);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0, p = a; i < n; i++, p += 2) {
    const h = u8[p]! | (u8[p + 1]! << 8);
    if (dtype === 'BF16') bits[i] = h << 16;
    else bits[i] = halfBits(h);
  }
  return out;
}

/**
 * The float32 bit pattern of the IEEE half h: every half is exactly a float32 (subnormals
 * become normals, ±Inf stay, NaN keeps its payload's top bits).
 */
function halfBits(h: number): number {
  const sign = (h & 0x8000) << 16, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (mant << 13)) >>> 0;
  if (exp !== 0) return (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
  if (mant === 0) return sign >>> 0;
  // subnormal: mant·2^-24; shift the mantissa up until its leading 1 reaches bit 10
  let e = 113, m = mant;
  while (!(m & 0x400)) {
    m <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((m & 0x3ff) << 13)) >>> 0;
}
