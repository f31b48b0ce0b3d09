// Node worker thread: run the scenario inside a Worker and print what it posts back.
import { Worker, isMainThread, parentPort } from 'node:worker_threads';

if (isMainThread) {
  const worker = new Worker(new URL(import.meta.url));
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
  parentPort.postMessage(await runScenario(cm));
}
