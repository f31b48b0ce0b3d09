// example.mjs — the same file runs under Node, Deno and Bun
import { init, CCA } from 'crossmodal';

const { build } = await init(); // reads the bundled .wasm next to the package
const X = [[1, 2], [2, 1], [3, 5], [4, 3], [5, 6], [6, 4]];
const Y = [[1.1, 0], [2.1, 1], [2.9, 0], [4.2, 1], [5.1, 1], [5.8, 0]];
const cca = new CCA({ components: 2 }).fit(X, Y);
console.log(JSON.stringify({ build, correlations: Array.from(cca.correlations) }));
cca.dispose();
