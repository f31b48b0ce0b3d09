// Implicit-shift QR on the upper bidiagonal (d: N values, e: N−1 values, byte pointers),
// the dbdsqr scheme: relative-accuracy deflation, direction chosen per block, Demmel–Kahan
// zero shift when the shift would destroy relative accuracy, exact 2×2 blocks. Rotations
// are logged to L (rotlog.ts); the caller makes L (startLog) and replays it on Qᵀ / Pᵀ
// (flush). t: scratch for the 2×2 results (rot2.ts). Both live in the caller's work buffer.
import { D, setD } from './bdsqr_util';
import { EPS, las2, lasv2, Rot2 } from './rot2';
import { beginSweep, logRot, RotLog } from './rotlog';
import { zeroShiftDown, zeroShiftUp, shiftedDown, shiftedUp } from './sweeps';

const UNFL: f64 = 2.2250738585072014e-308;
const MAXITR: i32 = 6;

/** Returns 0, or 1 when the iteration did not converge. */
export function bdsqr(L: RotLog, t: Rot2, N: i32, d: usize, e: usize): i32 {
  if (N <= 1) return 0;
  const tolmul = max(10.0, min(100.0, Math.pow(EPS, -0.125)));
  const tol = tolmul * EPS;
  let smax: f64 = 0;
  for (let i = 0; i < N; i++) smax = max(smax, abs(D(d, i)));
  for (let i = 0; i < N - 1; i++) smax = max(smax, abs(D(e, i)));
  let sminoa = abs(D(d, 0));
  if (sminoa != 0) {
    let mu = sminoa;
    for (let i = 1; i < N; i++) {
      mu = abs(D(d, i)) * (mu / (mu + abs(D(e, i - 1))));
      sminoa = min(sminoa, mu);
      if (sminoa == 0) break;
    }
  }
  sminoa = sminoa / sqrt(<f64>N);
  const thresh = max(tol * sminoa, <f64>MAXITR * (<f64>N * (<f64>N * UNFL)));
  const maxit = <i64>MAXITR * <i64>N * <i64>N;
  let iter: i64 = 0;
  let oldll = -1, oldm = -1, idir = 0;
  let m = N - 1;
  while (m > 0) {
    if (iter > maxit) return 1;
    // find the bottom unreduced block ll..m
    smax = abs(D(d, m));
    let ll = -1;
    let deflated = false;
    for (let lll = 1; lll <= m; lll++) {
      const l = m - lll;
      const abss = abs(D(d, l)), abse = abs(D(e, l));
      if (abse <= thresh) {
        setD(e, l, 0);
        if (l == m - 1) { deflated = true; }
        ll = l;
        break;
      }
      smax = max(smax, max(abss, abse));
    }
    if (deflated) { m--; continue; }
    ll++;
    if (ll == m - 1) {
      // 2×2 block
      lasv2(t, D(d, m - 1), D(e, m - 1), D(d, m));
      setD(d, m - 1, t.smax);
      setD(e, m - 1, 0);
      setD(d, m, t.smin);
      beginSweep(L, m - 1, 1, 1);
      logRot(L, t.csl, t.snl, t.csr, t.snr);
      m -= 2;
      continue;
    }
    if (ll > oldm || m < oldll) {
      idir = abs(D(d, ll)) >= abs(D(d, m)) ? 1 : 2;
    }
    // convergence tests
    let sminl: f64 = 0;
    let split = false;
    if (idir == 1) {
      if (abs(D(e, m - 1)) <= tol * abs(D(d, m))) { setD(e, m - 1, 0); continue; }
      let mu = abs(D(d, ll));
      sminl = mu;
      for (let l = ll; l < m; l++) {
        if (abs(D(e, l)) <= tol * mu) { setD(e, l, 0); split = true; break; }
        mu = abs(D(d, l + 1)) * (mu / (mu + abs(D(e, l))));
        sminl = min(sminl, mu);
      }
    } else {
      if (abs(D(e, ll)) <= tol * abs(D(d, ll))) { setD(e, ll, 0); continue; }
      let mu = abs(D(d, m));
      sminl = mu;
      for (let l = m - 1; l >= ll; l--) {
        if (abs(D(e, l)) <= tol * mu) { setD(e, l, 0); split = true; break; }
        mu = abs(D(d, l)) * (mu / (mu + abs(D(e, l))));
        sminl = min(sminl, mu);
      }
    }
    if (split) continue;
    oldll = ll;
    oldm = m;
    // shift
    let shift: f64 = 0;
    if (<f64>N * tol * (sminl / smax) > max(EPS, 0.01 * tol)) {
      let sll: f64;
      if (idir == 1) {
        sll = abs(D(d, ll));
        las2(t, D(d, m - 1), D(e, m - 1), D(d, m));
      } else {
        sll = abs(D(d, m));
        las2(t, D(d, ll), D(e, ll), D(d, ll + 1));
      }
      shift = t.smin;
      if (sll > 0) {
        const q = shift / sll;
        if (q * q < EPS) shift = 0;
      }
    }
    iter += <i64>(m - ll);
    if (shift == 0) {
      if (idir == 1) zeroShiftDown(L, t, d, e, ll, m, thresh);
      else zeroShiftUp(L, t, d, e, ll, m, thresh);
    } else {
      if (idir == 1) shiftedDown(L, t, d, e, ll, m, thresh, shift);
      else shiftedUp(L, t, d, e, ll, m, thresh, shift);
    }
  }
  return 0;
}
