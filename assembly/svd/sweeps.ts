// One QR sweep on the bidiagonal block ll..m (d: N values, e: N−1 values, byte pointers),
// chasing the bulge down (ll → m) or up (m → ll), with a zero shift (Demmel–Kahan, keeps
// relative accuracy) or with `shift`. The rotations go to the log L (rotlog.ts); t holds
// the results of lartg (a record in the caller's work buffer).
import { D, setD } from './bdsqr_util';
import { lartg, sgn1, Rot2 } from './rot2';
import { beginSweep, logRot, RotLog } from './rotlog';

export function zeroShiftDown(L: RotLog, t: Rot2, d: usize, e: usize, ll: i32, m: i32, thresh: f64): void {
  const cnt = m - ll;
  beginSweep(L, ll, cnt, 1);
  let cs: f64 = 1, oldcs: f64 = 1, oldsn: f64 = 0;
  for (let i = ll; i < m; i++) {
    lartg(t, D(d, i) * cs, D(e, i));
    cs = t.c;
    const sn = t.s, r = t.r;
    if (i > ll) setD(e, i - 1, oldsn * r);
    lartg(t, oldcs * r, D(d, i + 1) * sn);
    oldcs = t.c;
    oldsn = t.s;
    setD(d, i, t.r);
    logRot(L, oldcs, oldsn, cs, sn);
  }
  const h = D(d, m) * cs;
  setD(d, m, h * oldcs);
  setD(e, m - 1, h * oldsn);
  if (abs(D(e, m - 1)) <= thresh) setD(e, m - 1, 0);
}

export function zeroShiftUp(L: RotLog, t: Rot2, d: usize, e: usize, ll: i32, m: i32, thresh: f64): void {
  const cnt = m - ll;
  beginSweep(L, ll, cnt, -1);
  let cs: f64 = 1, oldcs: f64 = 1, oldsn: f64 = 0;
  for (let i = m; i > ll; i--) {
    lartg(t, D(d, i) * cs, D(e, i - 1));
    cs = t.c;
    const sn = t.s, r = t.r;
    if (i < m) setD(e, i, oldsn * r);
    lartg(t, oldcs * r, D(d, i - 1) * sn);
    oldcs = t.c;
    oldsn = t.s;
    setD(d, i, t.r);
    logRot(L, cs, -sn, oldcs, -oldsn);
  }
  const h = D(d, ll) * cs;
  setD(d, ll, h * oldcs);
  setD(e, ll, h * oldsn);
  if (abs(D(e, ll)) <= thresh) setD(e, ll, 0);
}

export function shiftedDown(L: RotLog, t: Rot2, d: usize, e: usize, ll: i32, m: i32, thresh: f64, shift: f64): void {
  const cnt = m - ll;
  beginSweep(L, ll, cnt, 1);
  const dl = D(d, ll);
  let f = (abs(dl) - shift) * (sgn1(dl) + shift / dl);
  let g = D(e, ll);
  for (let i = ll; i < m; i++) {
    lartg(t, f, g);
    const cosr = t.c, sinr = t.s;
    if (i > ll) setD(e, i - 1, t.r);
    const di = D(d, i), ei = D(e, i), di1 = D(d, i + 1);
    f = cosr * di + sinr * ei;
    const ei2 = cosr * ei - sinr * di;
    g = sinr * di1;
    const di1b = cosr * di1;
    lartg(t, f, g);
    const cosl = t.c, sinl = t.s;
    setD(d, i, t.r);
    f = cosl * ei2 + sinl * di1b;
    setD(d, i + 1, cosl * di1b - sinl * ei2);
    if (i < m - 1) {
      const en = D(e, i + 1);
      g = sinl * en;
      setD(e, i + 1, cosl * en);
    }
    logRot(L, cosl, sinl, cosr, sinr);
  }
  setD(e, m - 1, f);
  if (abs(D(e, m - 1)) <= thresh) setD(e, m - 1, 0);
}

export function shiftedUp(L: RotLog, t: Rot2, d: usize, e: usize, ll: i32, m: i32, thresh: f64, shift: f64): void {
  const cnt = m - ll;
  beginSweep(L, ll, cnt, -1);
  const dm = D(d, m);
  let f = (abs(dm) - shift) * (sgn1(dm) + shift / dm);
  let g = D(e, m - 1);
  for (let i = m; i > ll; i--) {
    lartg(t, f, g);
    const cosr = t.c, sinr = t.s;
    if (i < m) setD(e, i, t.r);
    const di = D(d, i), ei = D(e, i - 1), di1 = D(d, i - 1);
    f = cosr * di + sinr * ei;
    const ei2 = cosr * ei - sinr * di;
    g = sinr * di1;
    const di1b = cosr * di1;
    lartg(t, f, g);
    const cosl = t.c, sinl = t.s;
    setD(d, i, t.r);
    f = cosl * ei2 + sinl * di1b;
    setD(d, i - 1, cosl * di1b - sinl * ei2);
    if (i > ll + 1) {
      const en = D(e, i - 2);
      g = sinl * en;
      setD(e, i - 2, cosl * en);
    }
    logRot(L, cosr, -sinr, cosl, -sinl);
  }
  setD(e, ll, f);
  if (abs(D(e, ll)) <= thresh) setD(e, ll, 0);
}
