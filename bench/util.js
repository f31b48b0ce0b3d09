// Shared helpers for the benchmarks: run a tinybench task pair (ours vs peer) and print
// time, rate and the ratio measured in this run. Benchmarks import the built package (dist/).
import { Bench } from 'tinybench';

/** Deterministic pseudo-random numbers in [-1, 1) (xorshift), so runs are comparable. */
export function rng(seed = 1) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return (s / 4294967296) * 2 - 1;
  };
}

export function randomArray(len, seed = 1) {
  const r = rng(seed);
  const a = new Float64Array(len);
  for (let i = 0; i < len; i++) a[i] = r();
  return a;
}

/** Random symmetric n×n matrix as a flat Float64Array. */
export function randomSymmetric(n, seed = 1) {
  const a = randomArray(n * n, seed);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[i * n + j] = a[j * n + i];
  return a;
}

/**
 * Times `ours` and `peer` (either may be null) in one tinybench run and prints one line:
 *   name  ours ms (rate)  peer ms (rate)  ratio
 * Times are medians of the samples.
 * `work` is the operation count used for the rate (e.g. flops), `unit` its name.
 * `beforeEach` runs before every timed call, outside the timing (e.g. the forward a backward needs).
 */
export async function compare(name, { ours, peer, peerName = 'peer', work = 0, unit = 'GFLOP/s', scale = 1e9, time = 1000, iterations = 5, beforeEach }) {
  const bench = new Bench({ time, iterations, warmupTime: 200, warmupIterations: 2 });
  // beforeEach (optional) runs before every iteration of both tasks, outside the timed window
  const hooks = beforeEach ? { beforeEach } : undefined;
  if (ours) bench.add('ours', ours, hooks);
  if (peer) bench.add(peerName, peer, hooks);
  await bench.run();
  const res = {};
  for (const t of bench.tasks) {
    const r = t.result;
    // median latency: robust to GC pauses and the other core's noise, same statistic for both sides
    if (r?.error) throw new Error(`${name}: task '${t.name}' failed: ${r.error.message ?? r.error}`);
    const ms = r?.latency?.p50 ?? r?.latency?.mean ?? r?.period;
    res[t.name] = ms;
  }
  const fmt = (ms) => (ms === undefined ? '—' : `${ms.toFixed(ms < 10 ? 3 : 1)} ms` + (work ? ` (${(work / (ms / 1000) / scale).toFixed(2)} ${unit})` : ''));
  const ratio = res.ours && res[peerName] ? res[peerName] / res.ours : undefined;
  console.log(
    `${name.padEnd(34)} ours ${fmt(res.ours).padEnd(28)} ${peer ? `${peerName} ${fmt(res[peerName]).padEnd(28)}` : ''}` +
      (ratio ? ` ${ratio.toFixed(2)}× faster than ${peerName}` : ''),
  );
  return { ours: res.ours, peer: res[peerName], ratio };
}

/**
 * Training from scratch for each epoch count, ours against the peer, both building their
 * networks inside the timed call: `ours(epochs)` (async) and `peer(epochs)`.
 */
export async function compareEpochs(name, counts, { ours, peer, peerName = 'tfjs-wasm', iterations = (epochs) => (epochs > 1 ? 3 : 6) }) {
  for (const epochs of counts) {
    const plural = epochs > 1 ? 's' : '';
    const r = await compare(`${name} ${epochs} epoch${plural} from scratch`, { ours: () => ours(epochs), peer: () => peer(epochs), peerName, iterations: iterations(epochs), time: 0 });
    console.log(`  ${epochs} epoch${plural} of the digits recipe, networks built inside: ${r.ratio.toFixed(2)}× faster than TF.js (target ≥ 10×)`);
  }
}

/** The full batches of a Fisher–Yates shuffle of 0..n−1 (the last incomplete batch dropped), drawn from r. */
export function shuffledBatches(n, batch, r) {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return Array.from({ length: Math.floor(n / batch) }, (_, b) => order.slice(b * batch, (b + 1) * batch));
}

/** A cell of repeated measurements: their mean, and their range in brackets ('—' when none). */
export function spreadCell(a, digits = 1, unit = '') {
  if (!a.length) return '—';
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  return `${mean.toFixed(digits)}${unit} (${Math.min(...a).toFixed(digits)}–${Math.max(...a).toFixed(digits)})`;
}

/** Prints a markdown table with padded columns (a blank line first). */
export function printTable(header, rows) {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((t) => t[j].length)));
  const line = (cells) => `| ${cells.map((c, j) => c.padEnd(widths[j])).join(' | ')} |`;
  console.log();
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const t of rows) console.log(line(t));
}
