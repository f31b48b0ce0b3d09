/** CRC-32 of f32 arrays, so a saved network that was altered or truncated is refused. */
import { floatBytes } from '../serialize.js';

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
  const bytes = floatBytes(values, 4);
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes[i]!) & 255]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
