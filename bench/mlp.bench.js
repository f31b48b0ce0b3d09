// One training step (forward, backward, Adam) of an MLP with LeakyReLU and MSE loss,
// ours against the same step in TF.js's wasm backend (XNNPACK SIMD, one thread) in the same
// process. TF.js computes the gradients by autodiff (tf.train.adam().minimize).
import { MLP, Tensor } from '../dist/index.js';
import { compare } from './util.js';
import { flops, oursStep, randomRows, tfStep } from './mlp_steps.js';

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
