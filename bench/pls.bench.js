// PLSRegression fit (10 components, scale: true) on 10000 × 50 → 10 random rows with a linear
// signal, against (a) ml-pls's PLS (NIPALS on ml-matrix, in this run, via `compare`) and
// (b) scikit-learn's PLSRegression (NIPALS, its defaults tol = 1e-6, max_iter = 500) timed in
// a /usr/bin/python3 subprocess on the same numbers (median of 5 fits inside Python, so the
// process start and the data transfer are not timed; skipped with a notice when Python or
// scikit-learn is missing). Also prints max |coef ours − coef peer| in raw units (p×q).
// ml-pls predicts with P·B·Qᵀ (its `PBQ`), not the W(PᵀW)⁻¹·B·Qᵀ of PLS regression, so its
// coefficients differ from ours, scikit-learn's and R's by more than rounding; the number
// printed is that difference, not an accuracy figure. Figures when written (Node 20, simd build,
// the issue-34 machine): ours 4.0 ms, ml-pls 72 s (coef difference 1.6, coefficients up to 49),
// scikit-learn 1.2.1 330–480 ms (coef difference 2e-3 at its default tol, 1.7e-13 at tol = 1e-30).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Matrix as MLMatrix } from 'ml-matrix';
import { PLS } from 'ml-pls';
import { Matrix, PLSRegression } from '../dist/index.js';
import { compare, randomArray } from './util.js';

const [n, p, q, k] = [10000, 50, 10, 10];
const xd = randomArray(n * p, 11), noise = randomArray(n * q, 12);
const yd = new Float64Array(n * q);
for (let i = 0; i < n; i++)
  for (let j = 0; j < q; j++) yd[i * q + j] = 0.5 * xd[i * p + j] + 0.3 * xd[i * p + j + q] - 0.2 * xd[i * p + 3 * j + 20] + 0.5 * noise[i * q + j];
// mixed units, so that scale matters
for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) xd[i * p + j] *= 10 ** ((j % 5) - 2);

/** p×q coefficients (raw units) as a flat Float64Array, whatever shape the model gives them in. */
function flat(c) {
  if (ArrayBuffer.isView(c)) return Float64Array.from(c);
  if (c && typeof c.toFloat64Array === 'function') return c.toFloat64Array();
  if (c && c.data && ArrayBuffer.isView(c.data)) return Float64Array.from(c.data);
  if (c && typeof c.to2DArray === 'function') return Float64Array.from(c.to2DArray().flat());
  if (Array.isArray(c)) return Float64Array.from(c.flat());
  throw new Error(`pls.bench: cannot read coefficients of type ${Object.prototype.toString.call(c)}`);
}
const maxDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

const X = Matrix.from({ data: xd, rows: n, cols: p }), Y = Matrix.from({ data: yd, rows: n, cols: q });
const fitOurs = () => new PLSRegression({ components: k, scale: true }).fit(X, Y);
const model = fitOurs();
const ours = flat(model.coefficients);
model.dispose?.();

const toRows = (d, c) => Array.from({ length: n }, (_, i) => Array.from(d.subarray(i * c, (i + 1) * c)));
const mX = new MLMatrix(toRows(xd, p)), mY = new MLMatrix(toRows(yd, q));
const fitMl = () => {
  const m = new PLS({ latentVectors: k, tolerance: 1e-5 });
  m.train(mX, mY);
  return m;
};
// ml-pls iterates each component to an absolute tolerance on the 10000-long score vector with
// no iteration limit: about a minute per fit here, so its compare runs one timed fit (after
// tinybench's two warm-up fits) and ours is timed on its own with more samples first.
const r = await compare(`PLSRegression fit n=${n} p=${p} q=${q} k=${k} scale`, {
  ours: () => fitOurs().dispose?.(),
  peer: null,
  work: n,
  unit: 'rows/s',
  scale: 1,
  iterations: 20,
  time: 500,
});
let ml;
const rml = await compare(`  same, one fit each, vs ml-pls`, {
  ours: () => fitOurs().dispose?.(),
  peer: () => {
    ml = fitMl();
  },
  peerName: 'ml-pls',
  work: n,
  unit: 'rows/s',
  scale: 1,
  iterations: 1,
  time: 0,
});
// ml-pls works on standardised columns: PBQ (p×q) to raw units, coef[i][j] = PBQ[i][j]·sdY[j]/sdX[i]
const mlCoef = new Float64Array(p * q);
for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) mlCoef[i * q + j] = (ml.PBQ.get(i, j) * ml.stdDevY[j]) / ml.stdDevX[i];
console.log(`  (ml-pls ${rml.peer.toFixed(0)} ms: ${(rml.peer / r.ours).toFixed(0)}× our ${r.ours.toFixed(2)} ms; max |coef ours − coef ml-pls| = ${maxDiff(ours, mlCoef).toExponential(1)}, max |coef ours| = ${ours.reduce((m, v) => Math.max(m, Math.abs(v)), 0).toExponential(2)}; ml-pls predicts with P·B·Qᵀ)`);

// scikit-learn in a subprocess, on the same float64 numbers
const py = '/usr/bin/python3';
const script = `
import json, sys, time, warnings
import numpy as np
import sklearn
from sklearn.cross_decomposition import PLSRegression
warnings.simplefilter('ignore')
n, p, q, k = ${n}, ${p}, ${q}, ${k}
X = np.fromfile(sys.argv[1], dtype='<f8').reshape(n, p)
Y = np.fromfile(sys.argv[2], dtype='<f8').reshape(n, q)
def coef(m):
    return (m._coef_.T / m._x_std[:, None]).ravel().tolist()
PLSRegression(n_components=k, scale=True).fit(X, Y)
times = []
for _ in range(5):
    t = time.perf_counter()
    m = PLSRegression(n_components=k, scale=True).fit(X, Y)
    times.append((time.perf_counter() - t) * 1000)
tight = PLSRegression(n_components=k, scale=True, tol=1e-30, max_iter=100000).fit(X, Y)
print(json.dumps({'version': sklearn.__version__, 'numpy': np.__version__, 'ms': float(np.median(times)), 'coef': coef(m), 'coef_tight': coef(tight)}))
`;
const probe = existsSync(py) ? spawnSync(py, ['-c', 'import sklearn'], { encoding: 'utf8' }) : null;
if (!probe || probe.status !== 0) {
  console.log(`  (scikit-learn comparison skipped: ${probe ? 'scikit-learn is not importable by' : 'no'} ${py})`);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'pls-bench-'));
  try {
    const fx = join(dir, 'x.f64'), fy = join(dir, 'y.f64');
    writeFileSync(fx, new Uint8Array(xd.buffer, xd.byteOffset, xd.byteLength));
    writeFileSync(fy, new Uint8Array(yd.buffer, yd.byteOffset, yd.byteLength));
    const run = spawnSync(py, ['-c', script, fx, fy], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (run.status !== 0) throw new Error(`pls.bench: scikit-learn run failed: ${run.stderr}`);
    const sk = JSON.parse(run.stdout);
    const ratio = sk.ms / r.ours;
    console.log(
      `${'  scikit-learn ' + sk.version + ' PLSRegression'} ${sk.ms.toFixed(1)} ms (median of 5, numpy ${sk.numpy}): ours ${ratio.toFixed(2)}× faster` +
        `\n  (max |coef ours − coef scikit-learn| = ${maxDiff(ours, sk.coef).toExponential(1)} with its default tol = 1e-6, ` +
        `${maxDiff(ours, sk.coef_tight).toExponential(1)} with tol = 1e-30, max_iter = 100000)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
X.dispose();
Y.dispose();
