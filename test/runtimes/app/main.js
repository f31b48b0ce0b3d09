// A tiny app built by Vite: the bundler must ship the .wasm and the package must find it.
import * as cm from 'crossmodal';
import { runScenario } from '../scenario.js';

// ?threads=n: init({ threads: n }) — the bundler must also ship the pool's worker script
const threads = Number(new URLSearchParams(location.search).get('threads') ?? 1);
runScenario(cm, threads > 1 ? { threads } : {})
  .then((r) => (window.result = r))
  .catch((e) => (window.result = { ok: false, failures: [String((e && e.stack) || e)] }))
  .finally(() => (document.getElementById('out').textContent = JSON.stringify(window.result, null, 2)));
