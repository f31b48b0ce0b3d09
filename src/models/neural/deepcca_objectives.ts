/** Chooses DeepCCA's objective by its `objective` option (each in its own file). */
import { CCAObjective, type DeepCCAObjective, type DeepCCAObjectiveKind } from './deepcca_objective.js';
import { EYObjective } from './deepcca_ey.js';
import { SDLObjective, SDLStatistics } from './deepcca_sdl.js';

/**
 * The objective of kind `kind` for batches of m rows and o output columns: 'trace' / 'squared'
 * on the top k with ridge r, 'ey' (deepcca_ey.ts), 'sdl' (deepcca_sdl.ts, on the running
 * statistics `stats`, which the training state keeps).
 */
export function makeObjective(kind: DeepCCAObjectiveKind, m: number, o: number, k: number, ridge: number, stats: SDLStatistics | null): DeepCCAObjective {
  if (kind === 'ey') return new EYObjective(m, o);
  if (kind === 'sdl') return new SDLObjective(m, o, stats ?? new SDLStatistics(o));
  return new CCAObjective(m, o, k, ridge, kind);
}
