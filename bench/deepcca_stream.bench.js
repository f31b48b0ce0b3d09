// DeepCCA trained from a source on more rows than its memory (issue 37): one 'ey' epoch over
// 2,000,000 synthetic rows of 64 + 64 columns with a planted 10-dimensional nonlinear relation
// (z: 10 unit-variance uniform latents; X = A·z + noise, Y = B·(0.4·z + (z² − 1)/√2) + noise:
// linear CCA sees only the 0.4·z part), once from a JS generator and once from a DuckDB table
// read through @duckdb/node-api's streaming reader (connection.stream → result.fetchChunk),
// each in a fresh process under init({ maximumMemory: 64 MiB }). Linear CCA (CCA.partialFit)
// reads the same rows in the final CCA's pass. Both are scored on 20,000 held-out rows of the
// same relation; rows per second of the streamed epoch against an in-memory fit of 200,000 rows
// (default init, the same options). Tens of seconds to minutes; not in npm test.
// Usage: npm run build:ts && node bench/deepcca_stream.bench.js [rows]
//
// Figures when written (issue 37; Node 20, simd build, one thread; 2,000,000 rows; the 10
// held-out correlations of the final CCA, 20,000 rows):
//   in memory, 200,000 rows (default init): epoch 0.9 s = 217,307 rows/s; wasm memory 216 MiB
//     (peak live 117.8 MiB); DeepCCA 0.915 0.900 … 0.857 (sum 8.90), linear CCA sum 5.03
//   from a generator, 64 MiB cap: epoch 18.1 s = 110,718 rows/s (the fit with the final CCA's
//     pass 37.6 s); wasm memory 48 MiB (peak live 20.8 MiB); DeepCCA 0.922 0.910 0.907 0.908
//     0.903 0.900 0.898 0.890 0.888 0.873 (sum 9.00); linear CCA (partialFit over the same
//     rows) 0.519 0.514 0.512 0.510 0.504 0.499 0.504 0.491 0.493 0.488 (sum 5.03)
//   from DuckDB (connection.stream, fetchChunk: 2,048 rows a chunk), 64 MiB cap: table built in
//     81.5 s; epoch 22.6 s = 88,342 rows/s (fit 37.8 s); wasm memory 48 MiB (peak live
//     20.8 MiB); DeepCCA 0.922 0.909 0.906 0.908 0.904 0.900 0.897 0.891 0.887 0.872 (sum
//     9.00); linear CCA 0.518 0.509 0.515 0.512 0.504 0.499 0.503 0.488 0.495 0.489 (sum 5.03)
// The streamed rates include the source's own work (rows made in JS; DuckDB's values copied
// into Float32Arrays), which the in-memory fit does not pay: the streamed epoch runs at about
// half (generator) and 40 % (DuckDB) of the in-memory rate, in a quarter of its memory.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const ROWS = Number(process.env.ROWS ?? (process.argv[2] && process.argv[2] !== '--child' ? process.argv[2] : 2_000_000));
const P = 64, Q = 64, K = 10, CHUNK = 4096;
const OPTIONS = { components: K, hidden: [128], objective: 'ey', batchSize: 500, epochs: 1, seed: 1, learningRate: 1e-3 };

/** xorshift in [0, 1) */
function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}
// the planted relation's mixing matrices (4 decimals, so the SQL literals are the same numbers)
const mix = (seed, rows) => {
  const u = rng(seed);
  return Array.from({ length: rows }, () => Array.from({ length: K }, () => Math.round((u() * 2 - 1) * 1e4 / Math.sqrt(K / 3)) / 1e4));
};
const A = mix(11, P), B = mix(12, Q);
const S3 = Math.sqrt(3), NOISE = 0.5;

/** n rows of the relation (X, Y as Float32 { data, rows, cols }) from a seeded stream */
function rowsOf(n, u) {
  const X = new Float32Array(n * P), Y = new Float32Array(n * Q), z = new Float64Array(K), w = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      z[k] = (u() * 2 - 1) * S3;
      w[k] = 0.4 * z[k] + (z[k] * z[k] - 1) / Math.SQRT2;
    }
    for (let j = 0; j < P; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += A[j][k] * z[k];
      X[i * P + j] = s + NOISE * (u() * 2 - 1) * S3;
    }
    for (let j = 0; j < Q; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += B[j][k] * w[k];
      Y[i * Q + j] = s + NOISE * (u() * 2 - 1) * S3;
    }
  }
  return [{ data: X, rows: n, cols: P }, { data: Y, rows: n, cols: Q }];
}

/** the table's SQL: latents from random() (setseed), then the 128 columns as expressions of them */
function tableSql(n) {
  const u = (e) => `((random() * 2 - 1) * ${S3})`;
  const lat = Array.from({ length: K }, (_, k) => `${u()} AS z${k}`).join(', ');
  const w = (k) => `(0.4 * z${k} + (z${k} * z${k} - 1) / ${Math.SQRT2})`;
  const x = A.map((r, j) => `CAST(${r.map((a, k) => `${a} * z${k}`).join(' + ')} + ${NOISE} * ${u()} AS FLOAT) AS x${j}`);
  const y = B.map((r, j) => `CAST(${r.map((b, k) => `${b} * ${w(k)}`).join(' + ')} + ${NOISE} * ${u()} AS FLOAT) AS y${j}`);
  return `CREATE TABLE rows AS SELECT ${[...x, ...y].join(', ')} FROM (SELECT ${lat} FROM range(${n}))`;
}

const sum = (a) => Array.from(a).reduce((s, v) => s + v, 0);
const fmt = (a) => Array.from(a, (v) => v.toFixed(3)).join(' ');

async function child(kind) {
  const cm = await import('../dist/index.js');
  const capped = kind !== 'memory';
  await cm.init(capped ? { maximumMemory: 64 * 2 ** 20 } : {});
  const [Xt, Yt] = rowsOf(20_000, rng(999));
  const model = new cm.DeepCCA(OPTIONS);
  const linear = new cm.CCA({ components: K, regularization: 1e-6 });
  const f64 = (m) => ({ data: Float64Array.from(m.data), rows: m.rows, cols: m.cols });
  let t0 = 0, epochSeconds = 0, rows = 0, build = 0;
  const onEpoch = () => void (epochSeconds = (performance.now() - t0) / 1000);
  if (kind === 'memory') {
    const n = 200_000;
    const [X, Y] = rowsOf(n, rng(1));
    t0 = performance.now();
    await model.fit(X, Y, { onEpoch });
    rows = n;
    linear.fit(f64(X), f64(Y));
  } else {
    let calls = 0;
    let source;
    if (kind === 'generator') {
      source = () => {
        const pass = ++calls;
        return (function* () {
          const u = rng(1);
          for (let i = 0; i < ROWS; i += CHUNK) {
            const c = rowsOf(Math.min(CHUNK, ROWS - i), u);
            if (pass === 2) linear.partialFit(f64(c[0]), f64(c[1]));
            yield c;
          }
        })();
      };
    } else {
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const { mkdtempSync, rmSync } = await import('node:fs');
      const dir = mkdtempSync('/tmp/deepcca-stream-');
      const db = await DuckDBInstance.create(`${dir}/rows.duckdb`, { memory_limit: '1GB' });
      const con = await db.connect();
      const tb = performance.now();
      await con.run('SELECT setseed(0.42)');
      await con.run(tableSql(ROWS));
      build = (performance.now() - tb) / 1000;
      process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
      source = () => {
        const pass = ++calls;
        return (async function* () {
          const result = await con.stream('SELECT * FROM rows');
          for (let chunk; (chunk = await result.fetchChunk()) && chunk.rowCount > 0; ) {
            const n = chunk.rowCount, X = new Float32Array(n * P), Y = new Float32Array(n * Q);
            for (let j = 0; j < P + Q; j++) {
              const v = chunk.getColumnValues(j), out = j < P ? X : Y, c = j < P ? j : j - P, w = j < P ? P : Q;
              for (let i = 0; i < n; i++) out[i * w + c] = v[i];
            }
            const c = [{ data: X, rows: n, cols: P }, { data: Y, rows: n, cols: Q }];
            if (pass === 2) linear.partialFit(f64(c[0]), f64(c[1]));
            yield c;
          }
        })();
      };
    }
    t0 = performance.now();
    await model.fit(source, { onEpoch });
    rows = ROWS;
  }
  const total = (performance.now() - t0) / 1000;
  const deep = model.score(Xt, Yt), lin = linear.score(f64(Xt), f64(Yt));
  const st = cm.memoryStats();
  console.log(JSON.stringify({ kind, rows, epochSeconds, total, build, deep: Array.from(deep), lin: Array.from(lin), peakLiveBytes: st.peakLiveBytes, memoryBytes: st.memoryBytes }));
}

if (process.argv[2] === '--child') await child(process.argv[3]);
else {
  console.log(`## DeepCCA 'ey' from a source: ${ROWS.toLocaleString('en')} rows of ${P} + ${Q} columns, a planted ${K}-dimensional nonlinear relation, one epoch (hidden [128], batch 500), 20,000 held-out rows`);
  const results = {};
  for (const kind of ['memory', 'generator', 'duckdb']) {
    const r = spawnSync(process.execPath, [SELF, '--child', kind], { encoding: 'utf8', env: { ...process.env, ROWS: String(ROWS) }, maxBuffer: 1 << 24 });
    const line = r.stdout.trim().split('\n').pop();
    if (r.status !== 0 || !line?.startsWith('{')) {
      console.log(`  ${kind}: failed (${r.status}): ${r.stderr.slice(-2000)}`);
      continue;
    }
    const o = (results[kind] = JSON.parse(line));
    const what = kind === 'memory' ? 'in memory (200,000 rows, default init)' : kind === 'generator' ? 'from a generator (64 MiB cap)' : `from DuckDB, connection.stream (64 MiB cap; the table built in ${o.build.toFixed(1)} s)`;
    console.log(`  ${what}: epoch ${o.epochSeconds.toFixed(1)} s = ${Math.round(o.rows / o.epochSeconds).toLocaleString('en')} rows/s (fit with the final CCA's pass ${o.total.toFixed(1)} s); wasm memory ${(o.memoryBytes / 2 ** 20).toFixed(0)} MiB, peak live ${(o.peakLiveBytes / 2 ** 20).toFixed(1)} MiB`);
    console.log(`    held-out correlations DeepCCA ${fmt(o.deep)} (sum ${sum(o.deep).toFixed(2)}); linear CCA on the same rows ${fmt(o.lin)} (sum ${sum(o.lin).toFixed(2)})`);
  }
}
