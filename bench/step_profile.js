// Where one training step of each neural digits recipe spends its time (issue 41's profile): every
// wasm export crossmodal calls is wrapped (in place, on the kernels object the TS layer reads) to
// count its calls and add up its time; the recipe trains WARMUP epochs untimed, then enough epochs
// for STEPS (default 50) steps, and the table gives per kernel (GEMMs and the dense layers' fused
// kernels by shape) its calls per step, ms per step and share of the step. "JS outside the kernels"
// is the step's time less every kernel's (the TS layer, the trainer, the boundary crossings), the
// wrappers' own cost measured apart and subtracted from it. The step's time uninstrumented (the
// same recipe trained once before the wrapping, as bench/torch.bench.js times it) is printed beside.
//
//   npm run build:ts && node bench/step_profile.js [recipe …]     (default: the digits recipes)
//   STEPS=100 WARMUP=2 TOP=25 node bench/step_profile.js cgan-digits dcca-fashion
//   WARMUP=1 node bench/step_profile.js dcca-fashion ae-fashion cgan-fashion   (Fashion-MNIST: minutes)
//
// Recipes: bench/neural_recipes.js (one thread, init() as it is). Shapes: GEMM m×n×k (C m×n);
// dense_forward / dense_backward rows n, nin→nout, "+dx" when it also writes the input gradient.
import { availableParallelism, loadavg } from 'node:os';
import { init } from '../dist/index.js';
import { kernels } from '../dist/wasm/module.js';
import { RECIPES, fitRecipe, recipeData, recipeModel } from './neural_recipes.js';

const STEPS = Number(process.env.STEPS ?? 50), WARMUP = Number(process.env.WARMUP ?? 2), TOP = Number(process.env.TOP ?? 20);
if (!(Number.isInteger(WARMUP) && WARMUP >= 1)) throw new Error(`WARMUP: an integer ≥ 1 (the end of the warm-up starts the clock), not ${process.env.WARMUP}`);
if (!(Number.isInteger(STEPS) && STEPS >= 1)) throw new Error(`STEPS: a positive integer, not ${process.env.STEPS}`);
const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const recipes = names.length ? names : Object.keys(RECIPES).filter((n) => RECIPES[n].data === 'digits');
for (const n of recipes) if (!RECIPES[n]) throw new Error(`${n}: no recipe (${Object.keys(RECIPES).join(', ')})`);

const info = await init();
const load = () => loadavg().map((v) => v.toFixed(2)).join(' ');
console.log(`per-kernel breakdown of one training step; crossmodal ${info.build} build, ${info.threads} thread, Node ${process.version}, load average ${load()} on ${availableParallelism()} cores`);

/** the kind of work each export does (the groups of the summary) */
const GROUPS = [
  [/^dense_forward/, 'dense forward (GEMM + bias + activation, fused)'],
  [/^dense_backward/, 'dense backward (dW, db, dx GEMMs + activation grad, fused)'],
  [/^(gemm|syrk)_f32/, 'GEMM f32 (unfused)'],
  [/^act_/, 'activation (unfused)'],
  [/^(adam|sgd|sumsq|scale)_f32$/, 'optimiser'],
  [/^(copy_block|fill_block|add|mul|gather_rows|gather_u32|f32_to_f64|f64_to_f32|iota)/, 'copies, gathers, conversions'],
  [/^(mse|bce_logits|softmax_xent|masked_mse|softmax)_f32/, 'losses'],
  [/_f64/, 'f64 objective (DeepCCA: means, syrk, GEMM, eigh, svd)'],
  [/^(rng_|shuffle|modality_dropout|dropout)/, 'random numbers, shuffles, masks'],
  [/^mem_/, 'memory (alloc, free)'],
  [/^first_nonfinite|count_above|argmax/, 'checks'],
];
const group = (name) => GROUPS.find(([re]) => re.test(name))?.[1] ?? 'other';

const K = kernels();
const originals = {};
let stats = new Map();
/** the shape of a call, for the kernels whose cost depends on it */
const shape = {
  gemm: (a) => `${a[3]}×${a[4]}×${a[5]}`,
  syrk_f32_tn: (a) => `${a[2]}×${a[2]}×${a[3]}`,
  dense_forward_f32: (a) => `${a[4]}, ${a[5]}→${a[6]}`,
  dense_backward_f32: (a) => `${a[7]}, ${a[8]}→${a[9]}${a[0] ? ' +dx' : ''}`,
  adam_f32: (a) => `${a[4]}`,
};
function wrapAll() {
  for (const name of Object.keys(K)) {
    const f = K[name];
    if (typeof f !== 'function' || name.startsWith('__') || name.startsWith('pool_')) continue;
    originals[name] = f;
    const sh = name.startsWith('gemm_f32') ? shape.gemm : name === 'adam_f32' ? null : shape[name];
    K[name] = function (...args) {
      const t0 = performance.now();
      const r = f.apply(this, args);
      const dt = performance.now() - t0;
      const key = sh ? `${name} ${sh(args)}` : name;
      let s = stats.get(key);
      if (!s) stats.set(key, (s = { name, calls: 0, ms: 0 }));
      s.calls++;
      s.ms += dt;
      return r;
    };
  }
}
/** the wrappers' own cost per call: a wrapped no-op's time less the bare no-op's */
function wrapperCost() {
  const noop = () => 0;
  const N = 200000, saved = stats;
  const wrapped = function (...args) {
    const t0 = performance.now();
    const r = noop.apply(this, args);
    const dt = performance.now() - t0;
    const key = 'noop';
    let s = stats.get(key);
    if (!s) stats.set(key, (s = { name: key, calls: 0, ms: 0 }));
    s.calls++;
    s.ms += dt;
    return r;
  };
  stats = new Map();
  let t = performance.now();
  for (let i = 0; i < N; i++) wrapped(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
  const w = performance.now() - t;
  t = performance.now();
  for (let i = 0; i < N; i++) noop(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
  const b = performance.now() - t;
  stats = saved;
  return Math.max(0, (w - b) / N);
}

/** Trains the recipe: WARMUP epochs, then enough for STEPS steps; the timed epochs' ms per step and the stats over them. */
async function train(name, data) {
  const r = RECIPES[name];
  const rows = data[0].rows, perEpoch = Math.floor(rows / Math.min(r.options.batchSize, rows));
  const timed = Math.max(1, Math.ceil(STEPS / perEpoch));
  const model = await recipeModel(name, WARMUP + timed);
  let t0 = 0, t1 = 0, snap = null;
  try {
    await fitRecipe(model, name, data, {
      onEpoch: ({ epoch }) => {
        if (epoch === WARMUP) ((stats = new Map()), (t0 = performance.now()));
        if (epoch === WARMUP + timed) ((t1 = performance.now()), (snap = stats), (stats = new Map()));
      },
    });
  } finally {
    model.dispose();
  }
  const steps = timed * perEpoch;
  return { steps, perEpoch, msPerStep: (t1 - t0) / steps, stats: snap };
}

const pct = (v, total) => `${((100 * v) / total).toFixed(1)}%`;
function table(header, rows) {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells) => `| ${cells.map((c, j) => (j ? c.padStart(widths[j]) : c.padEnd(widths[j]))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, j) => (j ? '-'.repeat(w + 1) + ':' : '-'.repeat(w + 2))).join('|')}|`);
  for (const r of rows) console.log(line(r));
}

const datasets = {};
for (const name of recipes) datasets[name] = await recipeData(name);
// uninstrumented first (the same training, no wrappers)
const plain = {};
for (const name of recipes) plain[name] = (await train(name, datasets[name])).msPerStep;
wrapAll();
const perCall = wrapperCost();
for (const name of recipes) {
  const { steps, perEpoch, msPerStep, stats: s } = await train(name, datasets[name]);
  const rows = [...s.entries()].map(([key, v]) => ({ key, name: v.name, calls: v.calls / steps, ms: v.ms / steps })).sort((a, b) => b.ms - a.ms);
  const callsPerStep = rows.reduce((t, r) => t + r.calls, 0);
  const kernelMs = rows.reduce((t, r) => t + r.ms, 0);
  const overhead = perCall * callsPerStep;
  const js = msPerStep - kernelMs - overhead;
  const o = RECIPES[name];
  console.log(`\n## ${name}: ${o.model} ${JSON.stringify(o.options)}`);
  console.log(`${steps} steps (${perEpoch} an epoch, after ${WARMUP} warm-up epochs): ${msPerStep.toFixed(3)} ms a step instrumented, ${plain[name].toFixed(3)} ms uninstrumented; ${callsPerStep.toFixed(0)} kernel calls a step; the wrappers' own cost ${(perCall * 1000).toFixed(2)} µs a call`);
  const shown = rows.slice(0, TOP), rest = rows.slice(TOP);
  const body = shown.map((r) => [r.key, r.calls.toFixed(r.calls % 1 ? 2 : 0), r.ms.toFixed(3), pct(r.ms, msPerStep)]);
  if (rest.length) {
    const c = rest.reduce((t, r) => t + r.calls, 0), m = rest.reduce((t, r) => t + r.ms, 0);
    body.push([`(${rest.length} other kernels and shapes)`, c.toFixed(1), m.toFixed(3), pct(m, msPerStep)]);
  }
  body.push(['JS outside the kernels', '', js.toFixed(3), pct(js, msPerStep)]);
  body.push(['(the wrappers themselves)', '', overhead.toFixed(3), pct(overhead, msPerStep)]);
  body.push(['step', callsPerStep.toFixed(1), msPerStep.toFixed(3), '100%']);
  table(['kernel (shape)', 'calls/step', 'ms/step', '% of step'], body);
  const groups = new Map();
  for (const r of rows) {
    const g = group(r.name), e = groups.get(g) ?? { calls: 0, ms: 0 };
    e.calls += r.calls;
    e.ms += r.ms;
    groups.set(g, e);
  }
  const gb = [...groups.entries()].sort((a, b) => b[1].ms - a[1].ms).map(([g, e]) => [g, e.calls.toFixed(1), e.ms.toFixed(3), pct(e.ms, msPerStep)]);
  gb.push(['JS outside the kernels (+ the wrappers)', '', (js + overhead).toFixed(3), pct(js + overhead, msPerStep)]);
  console.log();
  table(['kind of work', 'calls/step', 'ms/step', '% of step'], gb);
}
for (const d of Object.values(datasets)) for (const t of d) t.dispose();
console.log(`\nload average at the end ${load()}`);
