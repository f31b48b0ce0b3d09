/**
 * The MLP's file (toJSON / fromJSON): architecture, parameters as base64 little-endian f32
 * with a CRC-32, the PRNG state, and optionally the optimiser's state.
 */
import { FormatError } from '../errors.js';
import { checkOptions } from '../options.js';
import { crc32, decodeF32, encodeF32, readEnvelope } from '../serialize.js';

/** What the file holds of an MLP (mlp.ts imports this file, so MLP is described, not imported). */
interface Filed {
  readonly layers: readonly number[];
  readonly activation: string;
  readonly outputActivation: string;
  readonly leakySlope: number;
  readonly dropout: number;
  readonly init: string;
  readonly seed: number;
  readonly parameters: Float32Array;
  readonly parameterCount: number;
  _rngState(): Uint8Array;
  _setRngState(bytes: Uint8Array): void;
  dispose(): void;
}

const FORMAT = 'crossmodal.MLP';

/** MLP.toJSON. */
export function mlpToJSON(net: Filed, options?: { optimizer?: { toJSON(): unknown } } | string): Record<string, unknown> {
  const params = net.parameters.slice();
  const opts = typeof options === 'string' ? {} : checkOptions(options, ['optimizer'], 'toJSON options');
  const out: Record<string, unknown> = {
    format: FORMAT,
    version: 1,
    layers: [...net.layers],
    activation: net.activation,
    outputActivation: net.outputActivation,
    leakySlope: net.leakySlope,
    dropout: net.dropout,
    init: net.init,
    seed: net.seed,
    parameters: encodeF32(params),
    crc32: crc32(params),
    rng: Array.from(net._rngState()),
  };
  if (opts.optimizer) out.optimizer = opts.optimizer.toJSON();
  return out;
}

/** MLP.fromJSON, given MLP's constructor as `make` (mlp.ts imports this file). */
export function mlpFromJSON<N extends Filed>(json: unknown, make: (o: Record<string, unknown>) => N): N {
  const o = readEnvelope(json, FORMAT, 1);
  let net: N;
  try {
    // the constructor validates each option
    net = make({ layers: o.layers, activation: o.activation, outputActivation: o.outputActivation, leakySlope: o.leakySlope, dropout: o.dropout, init: o.init, seed: o.seed });
  } catch (e) {
    throw new FormatError(`${FORMAT}: ${(e as Error).message}`);
  }
  try {
    const params = decodeF32(o.parameters, net.parameterCount, 'parameters');
    if (crc32(params) !== o.crc32) throw new FormatError(`parameters: checksum mismatch (stored ${JSON.stringify(o.crc32)}, computed ${crc32(params)}): the file was altered or truncated`);
    net.parameters.set(params);
    const rng = o.rng;
    if (!Array.isArray(rng) || rng.length !== 16 || !rng.every((b) => Number.isInteger(b) && b >= 0 && b < 256)) throw new FormatError('rng: expected 16 bytes');
    net._setRngState(Uint8Array.from(rng as number[]));
    return net;
  } catch (e) {
    net.dispose();
    throw e;
  }
}
