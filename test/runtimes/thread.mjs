// Node worker thread: run the scenario inside a Worker and print what it posts back
// (with init({ threads: n }) when CROSSMODAL_THREADS=n).
import { Worker, isMainThread, parentPort } from 'node:worker_threads';

if (isMainThread) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { threads: Number(process.env.CROSSMODAL_THREADS ?? 1) } });
  worker.once('message', (result) => {
    console.log(JSON.stringify(result));
    worker.terminate();
  });
  worker.once('error', (e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  const cm = await import('crossmodal');
  const { runScenario } = await import('./scenario.js');
  const { workerData } = await import('node:worker_threads');
  // threads > 1: the pool's workers are started from this worker
  parentPort.postMessage(await runScenario(cm, workerData.threads > 1 ? { threads: workerData.threads } : {}));
}
