// DeepCCA's objectives on the digits halves (issue 36): the time of one epoch with the
// Eckart–Young objective at batch 100 against the 'trace' objective at batch 500 (the
// recipe's), and against PyTorch training the same towers with the same objective
// (scripts/reference/deepcca_ey.py's run(), python/crossmodal_torch.py's ey_loss) on this CPU,
// one thread each, alternated A B C A B C so that the shared second core weighs on all alike;
// the spread of the per-round ratios is printed. PyTorch is skipped with a notice when
// /usr/bin/python3 or torch is missing. Towers 32 → 256 → 256 → 10, Adam 1e-3, 1500 rows.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { DeepCCA } from '../dist/index.js';

const text = readFileSync(new URL('../data/digits.csv', import.meta.url), 'utf8');
const rows = text.trim().split('\n').map((l) => l.split(',').map(Number));
const half = (v, right) => Array.from({ length: 32 }, (_, t) => v[Math.floor(t / 4) * 8 + (t % 4) + (right ? 4 : 0)] / 16);
const X = rows.slice(0, 1500).map((v) => half(v, false)), Y = rows.slice(0, 1500).map((v) => half(v, true));

const EPOCHS = 5, ROUNDS = 4;
async function ours(objective, batchSize) {
  const m = new DeepCCA({ components: 10, hidden: [256, 256], activation: 'leaky_relu', learningRate: 1e-3, batchSize, epochs: EPOCHS, seed: 0, objective });
  const t0 = performance.now();
  await m.fit(X, Y);
  const s = (performance.now() - t0) / 1000 / EPOCHS;
  m.dispose();
  return s;
}
const python = '/usr/bin/python3';
const torchOk = existsSync(python) && spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
function torch(objective, batch) {
  const code = `import sys, json; sys.path.insert(0, 'scripts/reference'); import deepcca_ey as d; print(json.dumps(d.run(${JSON.stringify(objective)}, ${batch}, 0, epochs=${EPOCHS})))`;
  const r = spawnSync(python, ['-c', code], { encoding: 'utf8', cwd: new URL('..', import.meta.url).pathname });
  if (r.status !== 0) throw new Error(`deepcca_objectives.bench: PyTorch run failed: ${r.stderr.slice(-400)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)).secondsPerEpoch;
}

console.log(`## DeepCCA epoch on the digits halves (1500 rows, towers 256-256, 10 components), ${EPOCHS} epochs a fit, ${ROUNDS} rounds alternated`);
if (!torchOk) console.log('  (PyTorch skipped: /usr/bin/python3 with torch not found)');
const a = [], b = [], c = [];
for (let r = 0; r < ROUNDS; r++) {
  a.push(await ours('ey', 100));
  b.push(await ours('trace', 500));
  if (torchOk) c.push(torch('ey', 100));
}
const med = (v) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)];
const spread = (num, den) => {
  const r = num.map((v, i) => v / den[i]);
  return `${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)}×`;
};
console.log(`  ours 'ey' batch 100: ${(1000 * med(a)).toFixed(1)} ms an epoch (15 steps)`);
console.log(`  ours 'trace' batch 500: ${(1000 * med(b)).toFixed(1)} ms an epoch (3 steps); 'ey' at 100 / 'trace' at 500: ${(med(a) / med(b)).toFixed(2)}× (rounds ${spread(a, b)})`);
if (torchOk) console.log(`  PyTorch 'ey' batch 100 (one thread): ${(1000 * med(c)).toFixed(1)} ms an epoch; ours is ${(med(c) / med(a)).toFixed(2)}× its speed (rounds ${spread(c, a)})`);
