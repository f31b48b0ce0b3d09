// One training step (forward, backward, Adam) of an MLP with LeakyReLU and MSE loss,
// ours against the same step in TF.js's wasm backend (XNNPACK SIMD, one thread) in the same
// process. TF.js computes the gradients by autodiff (tf.train.adam().minimize).
import { MLP, Tensor, nn } from '../dist/index.js';
import { tf } from './tfjs.js';
import { compare, rng } from './util.js';

function randomRows(n, d, seed) {
  const r = rng(seed);
  return Float32Array.from({ length: n * d }, () => r());
}

function tfStep(layers, batch, seed) {
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

function oursStep(layers, batch, seed) {
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

const flops = (layers, n) => {
  let f = 0;
  for (let l = 0; l + 1 < layers.length; l++) f += 2 * n * layers[l] * layers[l + 1] * (l === 0 ? 2 : 3);
  return f;
};

for (const [layers, batch, iterations] of [
  [[392, 1024, 1024, 10], 800, 2],
  [[32, 256, 256, 10], 500, 10],
  [[794, 512, 256, 1], 128, 10],
]) {
  const ours = oursStep(layers, batch, 1), peer = tfStep(layers, batch, 1);
  await compare(`MLP step ${layers.join('-')} batch ${batch}`, {
    ours: ours.step,
    peer: peer.step,
    peerName: 'tfjs-wasm',
    work: flops(layers, batch),
    iterations,
    time: 0,
  });
  ours.dispose();
  peer.dispose();
}

// A frozen backward (parameterGradients: false, as a generator's loss runs through its
// discriminator) against a backward with input gradient on the same dY: the frozen one runs
// only the dX products, no weight-gradient GEMMs. The forward each backward needs runs before
// every timed call, outside the timing.
{
  const layers = [794, 512, 256, 1], batch = 128;
  const net = new MLP({ layers, activation: 'leaky_relu', seed: 3 }).eval();
  const X = Tensor.from({ data: randomRows(batch, layers[0], 4), rows: batch, cols: layers[0] });
  const dY = Tensor.from({ data: randomRows(batch, 1, 5), rows: batch, cols: 1 });
  let dxFlops = 0;
  for (let l = 1; l + 1 < layers.length; l++) dxFlops += 2 * batch * layers[l] * layers[l + 1];
  dxFlops += 2 * batch * layers[0] * layers[1];
  const r = await compare(`backward ${layers.join('-')} batch ${batch}`, {
    ours: () => net.backward(dY, { parameterGradients: false }),
    peer: () => net.backward(dY),
    peerName: 'full',
    beforeEach: () => void net.forward(X),
    work: dxFlops,
    iterations: 50,
    time: 1000,
  });
  console.log(`frozen backward / backward with input and parameter gradients: ${(r.ours / r.peer).toFixed(2)} (target ≤ 0.6)`);
  for (const o of [net, X, dY]) o.dispose();
}
