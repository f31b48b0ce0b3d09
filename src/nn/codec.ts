/** f32 arrays as base64 little-endian bytes, and a CRC-32 to detect altered files. */
import { base64ToBytes, bytesToBase64 } from '../serialize.js';
import { FormatError } from '../errors.js';

export function encodeF32(values: ArrayLike<number>): string {
  const bytes = new Uint8Array(values.length * 4);
  const dv = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) dv.setFloat32(i * 4, values[i]!, true);
  return bytesToBase64(bytes);
}

export function decodeF32(s: unknown, expected: number, field: string): Float32Array {
  const bytes = base64ToBytes(s as string, field);
  if (bytes.length !== expected * 4)
    throw new FormatError(`${field}: expected ${expected} float32 values (${expected * 4} bytes), found ${bytes.length} bytes`);
  const dv = new DataView(bytes.buffer);
  const out = new Float32Array(expected);
  for (let i = 0; i < expected; i++) {
    const v = dv.getFloat32(i * 4, true);
    if (!Number.isFinite(v)) throw new FormatError(`${field}: value ${i} is ${v}`);
    out[i] = v;
  }
  return out;
}

let TABLE: Uint32Array | null = null;

/** CRC-32 (IEEE) of the little-endian bytes of an f32 array. */
export function crc32(values: Float32Array): number {
  if (!TABLE) {
    TABLE = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      TABLE[i] = c >>> 0;
    }
  }
  const bytes = new Uint8Array(values.length * 4);
  const dv = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) dv.setFloat32(i * 4, values[i]!, true);
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes[i]!) & 255]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
