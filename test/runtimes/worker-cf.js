// Cloudflare worker (workerd): the .wasm is imported as a compiled module and handed to init.
import * as cm from 'crossmodal';
import kernels from 'crossmodal/kernels.wasm';
import { runScenario } from './scenario.js';

export default {
  async fetch() {
    // which globals this compatibility date has: the package must work without FinalizationRegistry
    return Response.json({ ...(await runScenario(cm, { module: kernels })), finalizationRegistry: typeof FinalizationRegistry });
  },
};
