// The TF.js peer: its wasm backend (XNNPACK SIMD) on one thread, with the gradients
// registered (tfjs-core alone has none). Imported by every bench that compares with it.
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import { setWasmPaths, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

const here = dirname(fileURLToPath(import.meta.url));
setWasmPaths(join(here, '..', 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist') + '/');
setThreadsCount(1);
await tf.setBackend('wasm');
await tf.ready();
if (tf.getBackend() !== 'wasm') throw new Error(`TF.js backend is ${tf.getBackend()}, expected wasm`);
console.log(`peer: TF.js ${tf.version_core} wasm backend, SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'on' : 'off'}, one thread; gradients by its autodiff`);

/** A dense layer's variables, weights and bias uniform ±1/√nin (PyTorch's nn.Linear default) from the JS PRNG r. */
export function tfDense(r, nin, nout) {
  const k = 1 / Math.sqrt(nin);
  return {
    w: tf.variable(tf.tensor2d(Float32Array.from({ length: nin * nout }, () => (2 * r() - 1) * k), [nin, nout])),
    b: tf.variable(tf.tensor1d(Float32Array.from({ length: nout }, () => (2 * r() - 1) * k))),
  };
}

export { tf };
