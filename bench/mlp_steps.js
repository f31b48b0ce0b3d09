// One MLP training step (forward, backward, Adam) with LeakyReLU and MSE, ours and TF.js's,
// on the same shapes and seeds: used by mlp.bench.js and threads.bench.js.
import { MLP, Tensor, nn } from '../dist/index.js';
import { tf } from './tfjs.js';
import { rng } from './util.js';

export function randomRows(n, d, seed) {
  const r = rng(seed);
  return Float32Array.from({ length: n * d }, () => r());
}

export function tfStep(layers, batch, seed) {
  const r = rng(seed);
  const params = [];
  for (let l = 0; l + 1 < layers.length; l++) {
    const std = Math.sqrt(2 / layers[l]);
    params.push(tf.variable(tf.tensor2d(Float32Array.from({ length: layers[l] * layers[l + 1] }, () => r() * std), [layers[l], layers[l + 1]])));
    params.push(tf.variable(tf.zeros([layers[l + 1]])));
  }
  const x = tf.tensor2d(randomRows(batch, layers[0], seed + 1), [batch, layers[0]]);
  const y = tf.tensor2d(randomRows(batch, layers.at(-1), seed + 2), [batch, layers.at(-1)]);
  const opt = tf.train.adam(1e-3);
  const step = () => {
    const loss = opt.minimize(() => {
      let h = x;
      for (let l = 0; l < params.length / 2; l++) {
        h = tf.add(tf.matMul(h, params[2 * l]), params[2 * l + 1]);
        if (l < params.length / 2 - 1) h = tf.leakyRelu(h, 0.01);
      }
      return tf.losses.meanSquaredError(y, h);
    }, true);
    loss.dataSync();
    loss.dispose();
  };
  const dispose = () => {
    for (const p of params) p.dispose();
    x.dispose();
    y.dispose();
    opt.dispose();
  };
  return { step, dispose };
}

export function oursStep(layers, batch, seed) {
  const net = new MLP({ layers, activation: 'leaky_relu', seed });
  const opt = new nn.Adam(net, { learningRate: 1e-3 });
  const X = Tensor.from({ data: randomRows(batch, layers[0], seed + 1), rows: batch, cols: layers[0] });
  const Y = Tensor.from({ data: randomRows(batch, layers.at(-1), seed + 2), rows: batch, cols: layers.at(-1) });
  const G = Tensor.zeros(batch, layers.at(-1));
  const step = () => {
    opt.zeroGrad();
    nn.mse(net.forward(X), Y, { grad: G });
    net.backward(G, { inputGradient: false });
    opt.step();
  };
  const dispose = () => [X, Y, G, opt, net].forEach((o) => o.dispose());
  return { step, dispose };
}

/** Floating-point operations of one step (forward 2·n·in·out per layer, backward twice that; the first layer has no dX). */
export const flops = (layers, n) => {
  let f = 0;
  for (let l = 0; l + 1 < layers.length; l++) f += 2 * n * layers[l] * layers[l + 1] * (l === 0 ? 2 : 3);
  return f;
};
