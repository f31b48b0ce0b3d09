// One training epoch of the conditional GAN's digits recipe (noise 100, G 110→256→512→64
// sigmoid, D 74→512→256→1 LeakyReLU 0.01, Adam 2e-4 β1 0.5, batch 64, rows 0…1499 of
// data/digits.csv, pixels / 16, one-hot labels: 23 steps per epoch) in crossmodal against the
// same networks, batches, losses and step order in PyTorch on the same CPU
// (scripts/reference/cgan_speed.py, float32, torch.set_num_threads 1 and 2, each in its own
// process), for each recipe of ConditionalGAN options.
//
//   npm run build:ts && node bench/cgan_torch.js
//   RECIPES='[["hinge D×2", {"loss": "hinge", "discriminatorSteps": 2, "learningRate": 4e-4}]]' node bench/cgan_torch.js
//   EPOCHS=10 WARMUP=2 ROUNDS=3 PYTHON=/usr/bin/python3 node bench/cgan_torch.js
//
// RECIPES: a JSON list of [name, options] pairs (as bench/cgan_stabilisers.js takes), or an
// object {name: options}; the options go to ConditionalGAN as they are and, as JSON, to the
// PyTorch script, which mirrors loss ('bce' | 'hinge'), ema (decay | false), spectralNorm,
// discriminator ('concat' | 'projection'), discriminatorSteps, learningRate,
// discriminatorLearningRate, beta1, beta2, batchSize (and noise, hidden, discriminatorHidden)
// and refuses any other option.
//
// Timing: each side trains WARMUP (default 2) + EPOCHS (default 5) epochs in one fit / loop and
// takes the median of the epochs after the warm-up (crossmodal: the differences of the
// history's `seconds`, as onEpoch sees them, so an epoch is all fit does in it: shuffling, the
// steps, the loss checks, the per-epoch checkpoint; the networks are built, the data copied and
// the condition standardised before the first epoch, as PyTorch's side does before its loop).
// Per recipe the sides alternate ROUNDS times (default 2): ours, PyTorch 1 thread, PyTorch 2
// threads, ours, … so that a load on the machine falls on both; each cell is the mean of the
// rounds' medians with their range, the ratio (PyTorch 1 thread / ours, > 1: crossmodal faster)
// per round. crossmodal runs as init() leaves it (one thread, the best SIMD build).
// Without PYTHON (default /usr/bin/python3) or its torch, a notice and only crossmodal's column (exit 0).
// VERBOSE=1 prints both sides' last-epoch losses and accuracies (a rough check that the steps learn alike).
// On a 2-core machine beside another busy process, PyTorch's 2 threads collapse (seconds per epoch:
// its OpenMP regions wait on a descheduled thread); the run prints the load average at both ends.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { availableParallelism, loadavg } from 'node:os';
import { init, ConditionalGAN, Tensor } from '../dist/index.js';
import { parseDigits } from '../dist/datasets.js';
import { printTable, spreadCell } from './util.js';

const info = await init();
const SCRIPT = fileURLToPath(new URL('../scripts/reference/cgan_speed.py', import.meta.url));
const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
const epochs = Number(process.env.EPOCHS ?? 5), warmup = Number(process.env.WARMUP ?? 2), rounds = Number(process.env.ROUNDS ?? 2);
for (const [k, v, min] of [['EPOCHS', epochs, 1], ['WARMUP', warmup, 0], ['ROUNDS', rounds, 1]])
  if (!Number.isInteger(v) || v < min) throw new Error(`${k}: an integer ≥ ${min}, not ${v}`);

// the recipe before issue 39, and the default since (the stabilised recipe), each spelt out for the PyTorch side
const DEFAULT_RECIPES = [
  ['today', { loss: 'bce', ema: false, spectralNorm: false, discriminator: 'concat', learningRate: 2e-4, discriminatorLearningRate: 2e-4 }],
  ['default', { loss: 'bce', ema: 0.99, spectralNorm: true, discriminator: 'projection', learningRate: 4e-4, discriminatorLearningRate: 1.6e-3 }],
];
const recipes = (() => {
  if (!process.env.RECIPES) return DEFAULT_RECIPES;
  const r = JSON.parse(process.env.RECIPES);
  const list = Array.isArray(r) ? r : Object.entries(r);
  for (const e of list) if (!Array.isArray(e) || typeof e[0] !== 'string' || !e[1] || typeof e[1] !== 'object') throw new Error('RECIPES: [["name", {options}], …] or {"name": {options}, …}');
  return list;
})();

const digits = parseDigits(readFileSync(new URL('../data/digits.csv', import.meta.url), 'utf8'));
const train = digits.pixels.slice(0, 1500).map((r) => r.map((v) => v / 16));
const onehot = ConditionalGAN.oneHot(digits.labels.slice(0, 1500), 10);
// the data already in wasm memory, as bench/cgan.bench.js gives it
const Xt = Tensor.from(train), Ct = Tensor.from(onehot);

const median = (a) => {
  const s = [...a].sort((x, y) => x - y), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** crossmodal: ms per epoch after the warm-up, from the history's seconds since fit started. */
async function ours(options) {
  const gan = new ConditionalGAN({ ...options, epochs: warmup + epochs, seed: 0 });
  const at = [0];
  let history;
  try {
    history = await gan.fit(Xt, Ct, { onEpoch: (e) => void at.push(e.seconds * 1000) });
  } finally {
    gan.dispose();
  }
  const ms = at.slice(1).map((t, i) => t - at[i]).slice(warmup);
  return { msPerEpoch: ms, median: median(ms), losses: history.at(-1).losses };
}

/** PyTorch: the script in a process of its own with `threads` threads; its JSON result. */
function torch(name, options, threads) {
  const r = spawnSync(PYTHON, [SCRIPT, '--threads', String(threads), '--epochs', String(epochs), '--warmup', String(warmup)], {
    input: JSON.stringify([name, options]),
    encoding: 'utf8',
    // set_num_threads sets the pools; the environment as well, for any library read at import
    env: { ...process.env, OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) },
    maxBuffer: 1 << 24,
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${SCRIPT} (${name}, ${threads} thread${threads > 1 ? 's' : ''}) exited with ${r.status}:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function torchAvailable() {
  const r = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
  if (r.error) return `${PYTHON} is absent (${r.error.code ?? r.error.message})`;
  if (r.status !== 0) return `${PYTHON} has no torch (or numpy): ${r.stderr.trim().split('\n').pop()}`;
  return null;
}

const missing = torchAvailable();
if (missing) console.log(`notice: ${missing}; the PyTorch columns are skipped (set PYTHON to a python3 with torch)`);
const load = () => loadavg().map((v) => v.toFixed(2)).join(' ');
if (loadavg()[0] > availableParallelism() - 1.5) console.log(`note: load average ${load()} on ${availableParallelism()} cores: another process is busy, the figures (PyTorch's 2 threads above all) are not final ones`);
console.log(`cGAN digits recipe, one epoch (23 steps of batch 64): median of ${epochs} epochs after ${warmup} warm-up, ${rounds} alternating rounds; crossmodal ${info.build} build, ${info.threads} thread, Node ${process.version}; load average ${load()}`);

const rows = [];
let versions = null;
for (const [name, options] of recipes) {
  const r = { name, ours: [], t1: [], t2: [] };
  for (let k = 0; k < rounds; k++) {
    const o = await ours(options);
    r.ours.push(o.median);
    if (missing) continue;
    const a = torch(name, options, 1), b = torch(name, options, 2);
    versions = a.versions;
    r.t1.push(a.median);
    r.t2.push(b.median);
    // VERBOSE=1: the last epoch's mean losses and accuracies of both sides, a check that the steps
    // learn alike (only roughly: other initial weights, noise and shuffles)
    if (k === 0 && process.env.VERBOSE) {
      const f = (l) => Object.entries(l).map(([key, v]) => `${key} ${v.toFixed(3)}`).join(', ');
      console.log(`  ${name}, epoch ${warmup + epochs}: crossmodal ${f(o.losses)}\n  ${' '.repeat(name.length)}${' '.repeat(String(warmup + epochs).length + 9)}PyTorch    ${f(a.losses.at(-1))}`);
    }
  }
  rows.push(r);
  console.log(`  ${name}: crossmodal ${r.ours.map((v) => v.toFixed(1)).join(', ')} ms` + (missing ? '' : `; PyTorch 1 thread ${r.t1.map((v) => v.toFixed(1)).join(', ')} ms, 2 threads ${r.t2.map((v) => v.toFixed(1)).join(', ')} ms`));
}
Xt.dispose();
Ct.dispose();

const cell = spreadCell;
const header = ['recipe', 'crossmodal ms/epoch', 'PyTorch 1 thread', 'PyTorch 2 threads', 'ratio (PyTorch 1 thread / ours)'];
printTable(header, rows.map((r) => [r.name, cell(r.ours), cell(r.t1), cell(r.t2), cell(r.t1.map((t, i) => t / r.ours[i]), 2, '×')]));
console.log(`each cell: mean of the ${rounds} rounds' medians (their range); ratio > 1: crossmodal faster`);
for (const [name, options] of recipes) console.log(`  ${name}: ${JSON.stringify(options)}`);
if (versions) console.log(`PyTorch side: python ${versions.python}, torch ${versions.torch}, numpy ${versions.numpy}`);
// another busy process on a 2-core machine hurts PyTorch's 2 threads most (OpenMP waits on a descheduled thread)
console.log(`load average at the end ${load()} (1, 5, 15 min) on ${availableParallelism()} cores: figures taken beside another busy process are not final ones`);
