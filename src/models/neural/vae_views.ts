/**
 * MultimodalVAE's reading of what fit takes beyond the views: the range of Bernoulli views,
 * and the validation option.
 */
import { ValueError } from '../../errors.js';
import { checkOptions } from '../../options.js';
import { readViews, type ReadViews } from './autoencoder_views.js';
import type { VAEFitOptions, ViewLikelihood } from './vae_options.js';

/** A Bernoulli view's present values must lie in [0, 1]. */
export function checkRange(data: ReadViews, lik: readonly ViewLikelihood[], name: string): void {
  const m = data.x.length;
  data.x.forEach((t, j) => {
    if (lik[j]!.kind !== 'bernoulli') return;
    const d = t.toFloat32Array(), c = t.cols;
    for (let i = 0; i < data.n; i++) {
      if (!data.mask[i * m + j]) continue;
      for (let k = 0; k < c; k++) {
        const v = d[i * c + k]!;
        if (!(v >= 0 && v <= 1)) throw new ValueError(`${name}[${j}][${i}][${k}]`, "a value in [0, 1] (view with likelihood 'bernoulli'; use 'gaussian' for other data)", v);
      }
    }
  });
}

/** fit's validation option read up front, under its own names. */
export function readVAEValidation(v: VAEFitOptions['validation'], widths: number[], own: <T extends { dispose(): void }>(o: T) => T): (ReadViews & { patience?: number }) | null {
  if (v === undefined) return null;
  checkOptions(v, ['views', 'present', 'patience'], 'options.validation');
  if (!('views' in v)) throw new ValueError('options.validation', '{ views, present?, patience? }', v);
  if (v.patience !== undefined && !(Number.isInteger(v.patience) && v.patience >= 1)) throw new ValueError('options.validation.patience', 'a positive integer', v.patience);
  return { ...readViews(v.views, 'options.validation.views', widths, v.present, 'options.validation.present', own), patience: v.patience };
}
