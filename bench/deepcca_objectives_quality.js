// DeepCCA's objectives on the digits halves (issue 36): held-out sum of the 10 correlations of
// the final CCA (rows 1500…1796) after 100 epochs on rows 0…1499, towers 256-256 leaky_relu,
// Adam 1e-3, for each objective / batch / seed, and the wall time per epoch.
//   node bench/deepcca_objectives_quality.js                 (the table)
//   node bench/deepcca_objectives_quality.js ey:100:0 sdl:50:0 (chosen runs, objective:batch:seed)
import { init, DeepCCA } from '../dist/index.js';
import { parseDigits } from '../dist/datasets.js';
import { readFileSync } from 'node:fs';

await init();
const digits = parseDigits(readFileSync(new URL('../data/digits.csv', import.meta.url), 'utf8'));
const tr = (v) => v.slice(0, 1500), te = (v) => v.slice(1500);
const EPOCHS = Number(process.env.EPOCHS ?? 100);
const runs = process.argv.length > 2
  ? process.argv.slice(2).map((s) => s.split(':')).map(([o, b, s]) => [o, Number(b), Number(s)])
  : [['ey', 100, 0], ['ey', 100, 1], ['ey', 50, 0], ['ey', 50, 1], ['trace', 100, 0], ['trace', 50, 0], ['sdl', 100, 0], ['sdl', 50, 0], ['trace', 500, 0]];
const sum = (a) => Array.from(a).reduce((s, v) => s + v, 0);
console.log(`| objective | batch | seed | held-out sum | training sum | s / epoch |`);
console.log(`|---|---|---|---|---|---|`);
const ey = [];
for (const [objective, batchSize, seed] of runs) {
  const m = new DeepCCA({ components: 10, hidden: [256, 256], activation: 'leaky_relu', learningRate: 1e-3, batchSize, epochs: EPOCHS, seed, objective });
  const t0 = performance.now();
  let held = NaN, train = NaN;
  try {
    await m.fit(tr(digits.left), tr(digits.right));
    held = sum(m.score(te(digits.left), te(digits.right)));
    train = sum(m.correlations);
  } catch (e) {
    console.log(`  ${objective} ${batchSize} ${seed}: ${e.message}`);
  }
  const secs = (performance.now() - t0) / 1000 / EPOCHS;
  if (objective === 'ey' && (batchSize === 100 || batchSize === 50)) ey.push(held);
  console.log(`| ${objective} | ${batchSize} | ${seed} | ${held.toFixed(3)} | ${train.toFixed(3)} | ${secs.toFixed(3)} |`);
  m.dispose();
}
if (ey.length > 1) console.log(`'ey' at batches 50 and 100: mean ${(sum(ey) / ey.length).toFixed(3)}, min ${Math.min(...ey).toFixed(3)}`);
