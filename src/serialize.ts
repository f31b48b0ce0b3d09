/**
 * Serialisation helpers shared by every model: float arrays as base64 of little-endian
 * bytes (portable across runtimes, no Buffer/btoa needed), CRC-32 checksums of the weights
 * so an altered or truncated file is refused, and strict readers that throw FormatError
 * with the field name instead of building a model from garbage.
 */
import { FormatError } from './errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

export function bytesToBase64(bytes: Uint8Array): string {
  let out = '';
  const n = bytes.length;
  let i = 0;
  const parts: string[] = [];
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + ALPHABET[(v >> 6) & 63]! + ALPHABET[v & 63]!;
    if (out.length > 8192) {
      parts.push(out);
      out = '';
    }
  }
  if (i < n) {
    const v = (bytes[i]! << 16) | ((i + 1 < n ? bytes[i + 1]! : 0) << 8);
    out += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + (i + 1 < n ? ALPHABET[(v >> 6) & 63]! : '=') + '=';
  }
  parts.push(out);
  return parts.join('');
}

export function base64ToBytes(s: string, field: string): Uint8Array {
  if (typeof s !== 'string' || s.length % 4 !== 0) throw new FormatError(`${field}: not a base64 string (length ${typeof s === 'string' ? s.length : typeof s})`);
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    let v = 0;
    for (let j = 0; j < 4; j++) {
      const ch = s.charCodeAt(i + j);
      let d: number;
      if (ch === 61 /* = */ && i + j >= s.length - pad) d = 0;
      else {
        d = ch < 128 ? LOOKUP[ch]! : -1;
        if (d < 0) throw new FormatError(`${field}: invalid base64 character at ${i + j}`);
      }
      v = (v << 6) | d;
    }
    if (o < out.length) out[o++] = (v >> 16) & 255;
    if (o < out.length) out[o++] = (v >> 8) & 255;
    if (o < out.length) out[o++] = v & 255;
  }
  return out;
}

/** Little-endian bytes of floats (8-byte f64 or 4-byte f32), as base64. */
function encodeFloats(values: ArrayLike<number>, width: 4 | 8): string {
  return bytesToBase64(floatBytes(values, width));
}

/** The little-endian bytes of `values` as f64 (width 8) or f32 (width 4). */
export function floatBytes(values: ArrayLike<number>, width: 4 | 8): Uint8Array {
  const bytes = new Uint8Array(values.length * width);
  const dv = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    if (width === 8) dv.setFloat64(i * 8, values[i]!, true);
    else dv.setFloat32(i * 4, values[i]!, true);
  }
  return bytes;
}

/** Decodes base64 little-endian floats, checking the count and that all are finite. */
function decodeFloats<T extends Float64Array | Float32Array>(s: unknown, expected: number, field: string, width: 4 | 8, make: (n: number) => T): T {
  const bytes = base64ToBytes(s as string, field);
  const kind = width === 8 ? 'float64' : 'float32';
  if (bytes.length !== expected * width)
    throw new FormatError(`${field}: expected ${expected} ${kind} values (${expected * width} bytes), found ${bytes.length} bytes`);
  const dv = new DataView(bytes.buffer);
  const out = make(expected);
  for (let i = 0; i < expected; i++) {
    const v = width === 8 ? dv.getFloat64(i * 8, true) : dv.getFloat32(i * 4, true);
    if (!Number.isFinite(v)) throw new FormatError(`${field}: value ${i} is ${v}`);
    out[i] = v;
  }
  return out;
}

export const encodeF64 = (values: ArrayLike<number>) => encodeFloats(values, 8);
export const encodeF32 = (values: ArrayLike<number>) => encodeFloats(values, 4);
export const decodeF64 = (s: unknown, expected: number, field: string) => decodeFloats(s, expected, field, 8, (n) => new Float64Array(n));
export const decodeF32 = (s: unknown, expected: number, field: string) => decodeFloats(s, expected, field, 4, (n) => new Float32Array(n));

/** Parses a JSON string or passes an object through, checking format name and version. */
export function readEnvelope(json: unknown, format: string, maxVersion: number): Record<string, unknown> {
  let obj: unknown = json;
  if (typeof json === 'string') {
    try {
      obj = JSON.parse(json);
    } catch (e) {
      throw new FormatError(`${format}: not valid JSON (${(e as Error).message})`);
    }
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new FormatError(`${format}: expected an object`);
  const o = obj as Record<string, unknown>;
  if (o.format !== format) throw new FormatError(`expected format "${format}", found ${JSON.stringify(o.format)}`);
  if (typeof o.version !== 'number' || !Number.isInteger(o.version) || o.version < 1 || o.version > maxVersion)
    throw new FormatError(`${format}: unsupported version ${JSON.stringify(o.version)} (this build reads 1..${maxVersion})`);
  return o;
}

export function readInt(o: Record<string, unknown>, field: string, min: number): number {
  const v = o[field];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new FormatError(`${field}: expected an integer ≥ ${min}, found ${JSON.stringify(v)}`);
  return v;
}

let TABLE: Uint32Array | null = null;

/** CRC-32 (IEEE) of bytes, continuing from `crc` (the value of a previous call) to checksum several arrays as one stream. */
export function crc32Bytes(bytes: Uint8Array, crc = 0): number {
  if (!TABLE) {
    TABLE = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      TABLE[i] = c >>> 0;
    }
  }
  let c = (crc ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 255]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** CRC-32 of the little-endian bytes of an f32 array (networks' parameters, optimiser state). */
export function crc32(values: Float32Array): number {
  return crc32Bytes(floatBytes(values, 4));
}

/** CRC-32 of the little-endian f64 bytes of several arrays (and numbers), in order. */
export function crc32F64(...parts: (ArrayLike<number> | number)[]): number {
  let crc = 0;
  for (const p of parts) crc = crc32Bytes(floatBytes(typeof p === 'number' ? [p] : p, 8), crc);
  return crc;
}
