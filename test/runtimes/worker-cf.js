// Cloudflare worker (workerd): the .wasm is imported as a compiled module and handed to init.
import * as cm from 'crossmodal';
import kernels from 'crossmodal/kernels.wasm';
import { runScenario } from './scenario.js';

export default {
  async fetch(request) {
    // ?threads=n asks for a pool, which workerd cannot have: init falls back to one thread
    const threads = Number(new URL(request.url).searchParams.get('threads') ?? 1);
    // which globals this compatibility date has: the package must work without FinalizationRegistry
    return Response.json({ ...(await runScenario(cm, { module: kernels, ...(threads > 1 ? { threads } : {}) })), finalizationRegistry: typeof FinalizationRegistry });
  },
};
