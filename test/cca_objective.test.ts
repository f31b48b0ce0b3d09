// The DeepCCA objective's analytic gradient against central finite differences in f64.
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../src/index.js';
import { CCAObjective, type CCAObjectiveKind } from '../src/models/neural/deepcca_objective.js';
import { normal } from './helpers.js';

beforeAll(async () => {
  await init();
});

function evalAt(obj: CCAObjective, h1: Float64Array, h2: Float64Array): number {
  obj.H1.data.set(h1);
  obj.H2.data.set(h2);
  return obj.evaluate();
}

describe('DeepCCA objective gradient vs finite differences', () => {
  for (const kind of ['trace', 'squared'] as CCAObjectiveKind[]) {
    for (const [o, k] of [[4, 4], [5, 2], [3, 1]] as const) {
      it(`${kind}, o = ${o}, k = ${k}: relative error below 1e-6`, () => {
        const m = 23;
        const g = normal(o * 10 + k + (kind === 'trace' ? 0 : 100));
        // correlated views so the singular values are distinct and well separated
        const z = Float64Array.from({ length: m * o }, g);
        const h1 = Float64Array.from({ length: m * o }, (_, i) => z[i]! + 0.7 * g());
        const h2 = Float64Array.from({ length: m * o }, (_, i) => (i % o < 2 ? 0.8 * z[i]! : 0) + g());
        const obj = new CCAObjective(m, o, k, 1e-3, kind);
        evalAt(obj, h1, h2);
        const G1 = obj.G1.data.slice(), G2 = obj.G2.data.slice();
        const eps = 1e-5;
        let num = 0, den = 0;
        for (const [h, G] of [[h1, G1], [h2, G2]] as const) {
          for (let i = 0; i < m * o; i++) {
            const save = h[i]!;
            h[i] = save + eps;
            const up = evalAt(obj, h1, h2);
            h[i] = save - eps;
            const down = evalAt(obj, h1, h2);
            h[i] = save;
            const fd = (up - down) / (2 * eps);
            num += (fd - G[i]!) ** 2;
            den += fd * fd;
          }
        }
        obj.dispose();
        // relative error of the whole gradient, ‖G − G_fd‖₂ / ‖G_fd‖₂
        expect(Math.sqrt(num / den)).toBeLessThan(1e-6);
      });
    }
  }
});
