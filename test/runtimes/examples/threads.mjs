// threads.mjs — a pool of workers shares the big products, with the same bits as one thread
// (Node, Deno and Bun; browsers when the page is cross-origin isolated)
import { init, shutdown, linalg, Matrix } from 'crossmodal';

const { threads } = await init({ threads: 'auto' }); // every logical core
const X = Matrix.from({ data: Float64Array.from({ length: 4000 * 300 }, (_, i) => Math.sin(i * 0.37)), rows: 4000, cols: 300 });
const covariance = () => {
  const C = linalg.covariance(X);
  const copy = C.toShaped().data; // a copy: C.data would be a view of the shared memory
  C.dispose();
  return copy;
};
const pooled = covariance(); // split between the threads
await init({ threads: 1 }); // resizes the pool: here, to none
const alone = covariance();
console.log(JSON.stringify({ threads, identical: pooled.every((v, i) => v === alone[i]) }));
X.dispose();
await shutdown(); // ends any pool (a process with one running still exits by itself)
