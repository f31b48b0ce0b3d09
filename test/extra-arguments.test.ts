// An argument past the ones a call takes is refused, never dropped (issue 35: CCA.fit ignored a
// third argument, so fit(X, Y, Z) fitted without the covariates and said nothing; the same held
// for every model's calls). Each call here gets one argument too many; a trailing undefined is
// allowed (an optional argument passed through).
import { beforeAll, describe, expect, it } from 'vitest';
import * as cm from '../src/index.js';

beforeAll(async () => {
  await cm.init();
});

const X = Array.from({ length: 12 }, (_, i) => [Math.sin(i), Math.cos(2 * i), (i % 5) / 5]);
const Y = X.map((r, i) => [r[0]! + 0.1 * Math.cos(i * 7), r[1]! * r[2]!]);
const extra = { covariates: X };

/** o[name](...args), past the types (which refuse the extra argument at compile time) */
const call = (o: object, name: string, ...args: unknown[]) => (o as Record<string, (...a: unknown[]) => unknown>)[name]!.apply(o, args);

/** `call` throws a ValueError naming the extra argument; `ok` (the same call without it) works. */
async function refused(run: () => unknown, position: number) {
  let err: unknown = null;
  try {
    await run();
  } catch (e) {
    err = e;
  }
  expect(err, 'an extra argument must be refused').toBeInstanceOf(cm.ValueError);
  expect((err as cm.ValueError).argument).toMatch(new RegExp(`argument ${position}$`));
}

describe('an extra argument is a ValueError naming it', () => {
  it('linear models', async () => {
    const cca = new cm.CCA({ components: 1 }).fit(X, Y, undefined);
    await refused(() => call(cca, 'fit', X, Y, {}, 1), 4);
    await refused(() => call(cca, 'transform', X, Y, {}, extra), 4);
    await refused(() => call(cca, 'score', X, Y, undefined, 0), 4);
    await refused(() => call(cca, 'predict', X, null, {}, 1), 4);
    for (const Model of [cm.PLSRegression, cm.PLSCanonical, cm.PLSSVD]) {
      const m = new Model({ components: 1 }).fit(X, Y);
      await refused(() => call(m, 'fit', X, Y, extra), 3);
      await refused(() => call(m, 'partialFit', X, Y, extra), 3);
      await refused(() => call(m, 'transform', X, Y, extra), 3);
      if (m instanceof cm.PLSRegression) {
        await refused(() => call(m, 'predict', X, extra), 2);
        await refused(() => call(m, 'score', X, Y, extra), 3);
      }
      m.dispose();
    }
    const views = [X, Y, X.map((r) => [r[2]! * r[0]!, r[1]! - r[2]!])];
    for (const Model of [cm.MCCA, cm.GCCA]) {
      const m = new Model({ components: 1, regularization: 1e-3 }).fit(views);
      await refused(() => call(m, 'fit', views, extra), 2);
      await refused(() => call(m, 'partialFit', views, extra), 2);
      await refused(() => call(m, 'transform', views, extra), 2);
      await refused(() => call(m, 'predict', [X, null, null], extra), 2);
      if (m instanceof cm.MCCA) await refused(() => call(m, 'score', views, extra), 2);
      else await refused(() => call(m, 'shared', views, extra), 2);
      m.dispose();
    }
    const k = new cm.KernelCCA({ components: 1, regularization: 1e-3 }).fit(X, Y);
    await refused(() => call(k, 'fit', X, Y, extra), 3);
    await refused(() => call(k, 'transform', X, Y, extra), 3);
    await refused(() => call(k, 'score', X, Y, extra), 3);
    k.dispose();
    const sp = new cm.SparseCCA({ penalty: 1 }).fit(X, Y);
    for (const name of ['fit', 'partialFit', 'transform', 'score', 'fitTransform']) await refused(() => call(sp, name, X, Y, extra), 3);
    await refused(() => call(sp, 'merge', sp, extra), 2);
    await refused(() => call(cm.SparseCCA, 'permute', X, Y, {}, extra), 4);
    await refused(() => call(cm.SparseCCA, 'crossValidate', X, Y, {}, extra), 4);
    sp.dispose();
    cca.dispose();
  });

  it('neural models', async () => {
    const dcca = new cm.DeepCCA({ components: 1, hidden: [4], epochs: 1, batchSize: 12 });
    await refused(() => call(dcca, 'fit', X, Y, {}, 1), 4);
    await dcca.fit(X, Y);
    await refused(() => call(dcca, 'transform', X, Y, extra), 3);
    await refused(() => call(dcca, 'score', X, Y, extra), 3);
    const clf = new cm.Classifier({ layers: [3, 4, 2], epochs: 1 });
    await refused(() => call(clf, 'fit', X, X.map((_, i) => i % 2), {}, 1), 4);
    const gan = new cm.ConditionalGAN({ hidden: [4], noise: 2, epochs: 1 });
    await refused(() => call(gan, 'fit', X, Y, {}, 1), 4);
    const ae = new cm.MultimodalAutoencoder({ hidden: [4], code: 2, epochs: 1 });
    await refused(() => call(ae, 'fit', [X, Y], {}, 1), 3);
    for (const m of [dcca, clf, gan, ae]) m.dispose();
  });
});
