// SparseCCA fit (issue 35): the planted problem of scripts/reference/sparse_cca.py (n = 200,
// p = 500, q = 300, 10 + 10 non-zero loadings, built here from the same integer generator),
// 5 components, penalty [0.13, 0.17], scale, against that numpy reference (the same PMD: numpy
// SVD starts, exact Δ, tol 1e-12) timed in a /usr/bin/python3 subprocess kept alive for the
// run, so the two alternate: ours, numpy, ours, numpy, … (5 rounds of 3 fits each; each side's
// time the median of its 15 fits, the spread the range of the per-round ratios). The data
// reach Python once, as float64 files; what is timed is each side's fit from rows in memory
// (ours from wasm Matrices). Skipped with a notice when Python or numpy is missing.
// Figures when written (Node 20, simd build, the issue-35 machine): see README, SparseCCA.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Matrix, SparseCCA } from '../dist/index.js';

const [n, p, q, k, penalty] = [200, 500, 300, 5, [0.13, 0.17]];
const ROUNDS = 5, FITS = 3;

/** test/sparse_cca.test.ts's planted(): xorshift32 uniforms, a draw = the sum of 12 minus 6, z on 10 columns per view. */
function planted(seed = 35, strength = 1) {
  let s = seed >>> 0 || 0x9e3779b9;
  const u = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  const g = () => {
    let t = 0;
    for (let i = 0; i < 12; i++) t += u();
    return t - 6;
  };
  const X = new Float64Array(n * p), Y = new Float64Array(n * q);
  for (let r = 0; r < n; r++) {
    const z = g(), x = Array.from({ length: p }, g), y = Array.from({ length: q }, g);
    for (let i = 0; i < 10; i++) {
      x[7 + 50 * i] = x[7 + 50 * i] + strength * (1.0 - 0.05 * i) * (i % 2 ? -1 : 1) * z;
      y[3 + 30 * i] = y[3 + 30 * i] + strength * (0.6 + 0.04 * i) * (Math.floor(i / 2) % 2 ? -1 : 1) * z;
    }
    X.set(x, r * p);
    Y.set(y, r * q);
  }
  return { X, Y };
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const maxDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

const { X: xd, Y: yd } = planted();
const X = Matrix.from({ data: xd, rows: n, cols: p }), Y = Matrix.from({ data: yd, rows: n, cols: q });
const fitOurs = () => new SparseCCA({ components: k, penalty, scale: true }).fit(X, Y);
const timeOurs = () => {
  const t = performance.now();
  fitOurs().dispose();
  return performance.now() - t;
};
const label = `SparseCCA fit n=${n} p=${p} q=${q} k=${k} penalty [${penalty}]`;

const py = '/usr/bin/python3';
const probe = existsSync(py) ? spawnSync(py, ['-c', 'import numpy'], { encoding: 'utf8' }) : null;
if (!probe || probe.status !== 0) {
  for (let i = 0; i < 2; i++) timeOurs();
  const ours = median(Array.from({ length: ROUNDS * FITS }, timeOurs));
  console.log(`${label.padEnd(34)} ours ${ours.toFixed(1)} ms (${((n * (p + q)) / (ours / 1000) / 1e6).toFixed(2)} M cells/s)`);
  console.log(`  (numpy comparison skipped: ${probe ? 'numpy is not importable by' : 'no'} ${py})`);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'sparse-cca-bench-'));
  const reference = fileURLToPath(new URL('../scripts/reference', import.meta.url));
  // the reference's fit, timed FITS at a time on request; 'weights' sends its last fit's
  const script = `
import json, sys, time
sys.path.insert(0, sys.argv[3])
import numpy as np
import sparse_cca as S
X = np.fromfile(sys.argv[1], dtype='<f8').reshape(${n}, ${p})
Y = np.fromfile(sys.argv[2], dtype='<f8').reshape(${n}, ${q})
m = S.fit(X, Y, ${k}, ${penalty[0]}, ${penalty[1]}, True)
print(json.dumps({'numpy': np.__version__}), flush=True)
for line in sys.stdin:
    if line.strip() == 'run':
        ms = []
        for _ in range(${FITS}):
            t = time.perf_counter()
            m = S.fit(X, Y, ${k}, ${penalty[0]}, ${penalty[1]}, True)
            ms.append((time.perf_counter() - t) * 1000)
        print(json.dumps({'ms': ms}), flush=True)
    elif line.strip() == 'weights':
        print(json.dumps({'u': m['U'].ravel().tolist(), 'v': m['V'].ravel().tolist(), 'iterations': m['iterations']}), flush=True)
    else:
        break
`;
  const fx = join(dir, 'x.f64'), fy = join(dir, 'y.f64');
  writeFileSync(fx, new Uint8Array(xd.buffer));
  writeFileSync(fy, new Uint8Array(yd.buffer));
  const child = spawn(py, ['-c', script, fx, fy, reference], { stdio: ['pipe', 'pipe', 'inherit'] });
  // its answers, one JSON line each, handed to the one request waiting
  const lines = [];
  let waiting = null, exited = null, buffer = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d) => {
    buffer += d;
    let i;
    while ((i = buffer.indexOf('\n')) >= 0) {
      lines.push(JSON.parse(buffer.slice(0, i)));
      buffer = buffer.slice(i + 1);
    }
    if (waiting && lines.length) waiting.resolve(lines.shift());
  });
  child.on('exit', (code) => {
    exited = new Error(`sparse_cca.bench: the numpy side exited (${code})`);
    waiting?.reject(exited);
  });
  const next = () =>
    new Promise((resolve, reject) => {
      if (lines.length) return resolve(lines.shift());
      if (exited) return reject(exited);
      waiting = {
        resolve: (v) => ((waiting = null), resolve(v)),
        reject: (e) => ((waiting = null), reject(e)),
      };
    });
  const ask = (what) => {
    child.stdin.write(`${what}\n`);
    return next();
  };
  try {
    const { numpy } = await next();
    for (let i = 0; i < 2; i++) timeOurs(); // warm-up (the numpy side fitted once above)
    const ours = [], theirs = [], ratios = [];
    for (let r = 0; r < ROUNDS; r++) {
      const a = Array.from({ length: FITS }, timeOurs);
      const b = (await ask('run')).ms;
      ours.push(...a);
      theirs.push(...b);
      ratios.push(median(b) / median(a));
    }
    const m = fitOurs(), w = await ask('weights');
    const mo = median(ours), mt = median(theirs), rate = (ms) => `${((n * (p + q)) / (ms / 1000) / 1e6).toFixed(2)} M cells/s`;
    console.log(`${label.padEnd(34)} ours ${mo.toFixed(1)} ms (${rate(mo)})  numpy ${numpy} reference ${mt.toFixed(1)} ms (${rate(mt)})  ${(mt / mo).toFixed(2)}× faster than numpy`);
    console.log(
      `  (alternated ${ROUNDS} rounds of ${FITS} fits each; per-round ratio ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}×; ` +
        `rounds per component ours [${m.iterations}], numpy [${w.iterations}]; max |weight ours − numpy| = ${Math.max(maxDiff(m.xWeights.data, w.u), maxDiff(m.yWeights.data, w.v)).toExponential(1)})`,
    );
    m.dispose();
  } finally {
    child.stdin.end('quit\n');
    rmSync(dir, { recursive: true, force: true });
  }
}
X.dispose();
Y.dispose();
