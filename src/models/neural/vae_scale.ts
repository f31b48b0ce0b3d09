/**
 * MultimodalVAE's `scale: true`: each Gaussian view's columns standardised by the training
 * rows' mean and standard deviation (present rows, n − 1), a Bernoulli view left as it is (its
 * values are probabilities' targets in [0, 1]). The model works on standardised columns;
 * reconstructions and samples are put back in the data's units, and the log-likelihood of the
 * data is that of the standardised columns minus Σ log scale over each row's present Gaussian
 * columns (the change of variables x = mean + scale · x̃).
 */
import type { ReadViews } from './autoencoder_views.js';
import { columnScaler, standardize, type ColumnScaler } from './scaler.js';
import type { ViewLikelihood } from './vae_options.js';

/** The identity scaler of a view of width w (a Bernoulli view's). */
export const identityScaler = (w: number): ColumnScaler => ({ mean: new Float64Array(w), scale: new Float64Array(w).fill(1) });

/** Each view's scaler from the read training views: a Gaussian view's over its present rows, a Bernoulli view's the identity. */
export function fitScalers(data: ReadViews, lik: readonly ViewLikelihood[]): ColumnScaler[] {
  const m = data.x.length;
  return data.x.map((t, j) => (lik[j]!.kind === 'gaussian' ? columnScaler(t, (i) => data.mask[i * m + j] !== 0) : identityScaler(t.cols)));
}

/** Standardises the present rows of read views in place (the model's own copies). */
export function scaleRead(data: ReadViews, scalers: readonly ColumnScaler[]): void {
  const m = data.x.length;
  data.x.forEach((t, j) => standardize(t, scalers[j]!, (i) => data.mask[i * m + j] !== 0));
}

/** Per row, Σ log scale over the columns of its present views (what the data's log density loses to the standardised one's). */
export function logJacobian(data: ReadViews, scalers: readonly ColumnScaler[]): Float64Array {
  const m = data.x.length, perView = scalers.map((s) => s.scale.reduce((a, v) => a + Math.log(v), 0)), out = new Float64Array(data.n);
  for (let i = 0; i < data.n; i++) for (let j = 0; j < m; j++) if (data.mask[i * m + j]) out[i] = out[i]! + perView[j]!;
  return out;
}
