// CCA without ridge on raw columns in mixed units (scales 1e-3 … 1e4, covariance condition
// numbers 1e15 and beyond) against an independent reference that never forms a covariance:
// test/fixtures/cca-qr-reference.json from scripts/reference/cca_qr.py (Björck–Golub: QR of
// each centred view, SVD of Qxᵀ·Qy, weights Rx⁻¹·U·√(n − 1); numpy/scipy in float64, its own
// second route agreeing to ~1e-15 in ρ and ~5e-14 in the weights). The tables are stored in
// the fixture, so both sides read the same numbers.
//
// Weight error: per component column j, ‖w_j − w_ref,j‖₂ / ‖w_ref,j‖₂ (the largest over the
// columns is compared with the tolerance).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init, CCA } from '../src/index.js';

beforeAll(async () => {
  await init();
});

interface Table {
  n: number;
  p: number;
  q: number;
  condition: { x_correlation: number; y_correlation: number; x_covariance: number; y_covariance: number };
  correlations: number[];
  X: number[][];
  Y: number[][];
}
interface Main extends Table {
  x_means: number[];
  y_means: number[];
  x_weights: number[][];
  y_weights: number[][];
}
const ref: { main: Main; family: (Table & { target: number })[] } = JSON.parse(
  readFileSync(new URL('./fixtures/cca-qr-reference.json', import.meta.url), 'utf8'),
);
const main = ref.main;
const k = Math.min(main.p, main.q);

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

/** max over component columns of ‖Δw_j‖₂ / ‖w_j‖₂ (w row-major rows × k). */
function weightError(w: { data: Float64Array; rows: number; cols: number }, expected: number[][]) {
  expect([w.rows, w.cols]).toEqual([expected.length, expected[0]!.length]);
  let worst = 0;
  for (let j = 0; j < w.cols; j++) {
    let d = 0, s = 0;
    for (let i = 0; i < w.rows; i++) {
      const e = expected[i]![j]!;
      d += (w.data[i * w.cols + j]! - e) ** 2;
      s += e * e;
    }
    worst = Math.max(worst, Math.sqrt(d / s));
  }
  return worst;
}

function fitted(X: number[][], Y: number[][], scale: boolean) {
  return new CCA({ components: Math.min(X[0]!.length, Y[0]!.length), regularization: 0, scale }).fit(X, Y);
}

describe('CCA without ridge on ill-conditioned raw columns (test/fixtures/cca-qr-reference.json)', () => {
  it('the main table is what the fixture says: 400 rows, 12 + 9 columns, covariance condition ≥ 1e10', () => {
    expect([main.X.length, main.Y.length, main.X[0]!.length, main.Y[0]!.length]).toEqual([400, 400, 12, 9]);
    expect(Math.min(main.condition.x_covariance, main.condition.y_covariance)).toBeGreaterThanOrEqual(1e10);
    expect(main.correlations).toHaveLength(k);
  });

  for (const scale of [false, true]) {
    it(`scale ${scale}: all ${k} correlations to 1e-9, means exact to 1e-12 relative, weights to 1e-8 (relative, per column)`, () => {
      const cca = fitted(main.X, main.Y, scale);
      try {
        expect(maxAbsDiff(cca.allCorrelations, main.correlations)).toBeLessThanOrEqual(1e-9);
        const xm = cca.xMeans, ym = cca.yMeans;
        main.x_means.forEach((m, i) => expect(Math.abs(xm[i]! - m)).toBeLessThanOrEqual(1e-12 * Math.abs(m)));
        main.y_means.forEach((m, i) => expect(Math.abs(ym[i]! - m)).toBeLessThanOrEqual(1e-12 * Math.abs(m)));
        expect(weightError(cca.xWeights, main.x_weights)).toBeLessThanOrEqual(1e-8);
        expect(weightError(cca.yWeights, main.y_weights)).toBeLessThanOrEqual(1e-8);
      } finally {
        cca.dispose();
      }
    });
  }

  it('the same correlations (1e-9) after rescaling the columns by 10^k, k from −4 to 4', () => {
    const power = (j: number) => 10 ** (((j * 5) % 9) - 4);
    const X = main.X.map((r) => r.map((v, j) => v * power(j)));
    const Y = main.Y.map((r) => r.map((v, j) => v * power(j + 3)));
    const cca = fitted(X, Y, false);
    try {
      expect(maxAbsDiff(cca.allCorrelations, main.correlations)).toBeLessThanOrEqual(1e-9);
    } finally {
      cca.dispose();
    }
  });

  // Accuracy by conditioning (errors measured with the equilibrated ridge-free solve, the same
  // with scale true or false and on the scalar build): max |Δρ| 5.4e-15 at correlation-matrix
  // condition 1e2, 2.9e-13 at 1e4, 9.2e-12 at 1e6 — held to 1e-9 — and 2.7e-9 at 1e8, held to
  // 3e-8 (~10× the measured error; ~eps·κ, as for any solve that forms a covariance).
  const bound = (t: Table & { target: number }) => (t.target <= 1e6 ? 1e-9 : 3e-8);
  for (const t of ref.family) {
    for (const scale of [false, true]) {
      it(`correlation-matrix condition ${t.condition.x_correlation.toExponential(1)} / ${t.condition.y_correlation.toExponential(1)} (covariance ${t.condition.x_covariance.toExponential(1)} / ${t.condition.y_covariance.toExponential(1)}), scale ${scale}: all correlations within ${bound(t)}`, () => {
        const cca = fitted(t.X, t.Y, scale);
        try {
          expect(maxAbsDiff(cca.allCorrelations, t.correlations)).toBeLessThanOrEqual(bound(t));
        } finally {
          cca.dispose();
        }
      });
    }
  }
});
