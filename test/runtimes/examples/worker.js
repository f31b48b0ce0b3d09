// worker.js — a Cloudflare Worker: workerd cannot compile wasm from bytes, so the .wasm is
// imported as a compiled WebAssembly.Module and handed to init
import { init, CCA } from 'crossmodal';
import kernels from 'crossmodal/kernels.wasm';

export default {
  async fetch() {
    const { build } = await init({ module: kernels });
    const X = [[1, 2], [2, 1], [3, 5], [4, 3], [5, 6], [6, 4]];
    const Y = [[1.1, 0], [2.1, 1], [2.9, 0], [4.2, 1], [5.1, 1], [5.8, 0]];
    const cca = new CCA({ components: 2 }).fit(X, Y);
    const correlations = Array.from(cca.correlations);
    cca.dispose();
    return Response.json({ build, correlations });
  },
};
