// MultimodalVAE's scale: true (the "answers that do not depend on column units" rule for the VAE):
// Gaussian views standardised by the training rows' statistics, Bernoulli views left in [0, 1];
// reconstructions and samples in the data's units; the log-likelihood of the data's units.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats, DivergenceError, FormatError, MultimodalVAE, ValueError } from '../src/index.js';
import { digits } from './helpers.js';

beforeAll(async () => {
  await init();
});

type File = { options: object; scaler?: { mean: string[]; scale: string[]; crc32: number }; [k: string]: unknown };
const f64 = (s: string) => Array.from(new Float64Array(Uint8Array.from(Buffer.from(s, 'base64')).buffer));

// two Gaussian views in large units (pixels × 1000 + 50,000), one row of view 1 missing
const L = digits.left.slice(0, 300), R = digits.right.slice(0, 300);
const big = (rows: number[][], k: number) => rows.map((r) => r.map((v, j) => v * 1000 + 5e4 + k * j));
const X = big(L, 3), Y = big(R, 7).map((r, i) => (i === 11 ? null : r));
const opts = { likelihood: 'gaussian' as const, latent: 3, hidden: [12], epochs: 3, batchSize: 50, seed: 2, fusion: 'mopoe' as const };

describe('MultimodalVAE scale: true', () => {
  it("trains on standardised columns: the networks of a fit on the rows standardised by its scaler, bit for bit; reconstructions and samples in the data's units; the log-likelihood shifted by Σ log scale", async () => {
    const a = new MultimodalVAE({ ...opts, scale: true });
    await a.fit([X, Y]);
    const file = a.toJSON() as File;
    const [mx, my] = file.scaler!.mean.map(f64), [sx, sy] = file.scaler!.scale.map(f64);
    // the scaler is each view's mean and standard deviation (n − 1) over its present rows
    const rowsY = Y.filter((r): r is number[] => r !== null);
    expect(Math.abs(mx![0]! - X.reduce((s, r) => s + Math.fround(r[0]!), 0) / X.length)).toBeLessThan(1e-9 * Math.abs(mx![0]!));
    const m0 = rowsY.reduce((s, r) => s + Math.fround(r[0]!), 0) / rowsY.length;
    expect(Math.abs(sy![0]! - Math.sqrt(rowsY.reduce((s, r) => s + (Math.fround(r[0]!) - m0) ** 2, 0) / (rowsY.length - 1)))).toBeLessThan(1e-9 * sy![0]!);
    // the same ops as the model's standardisation (f32 value, f64 arithmetic, f32 result)
    const std = (rows: (number[] | null)[], m: number[], s: number[]) => rows.map((r) => r && r.map((v, j) => (Math.fround(v) - m[j]!) / s[j]!));
    const b = new MultimodalVAE(opts);
    await b.fit([std(X, mx!, sx!), std(Y, my!, sy!)]);
    const nets = (m: MultimodalVAE) => m._networks().map((n) => Array.from(n.parameters));
    expect(nets(a)).toEqual(nets(b));
    const Xt = big(digits.left.slice(300, 340), 3), Yt = big(digits.right.slice(300, 340), 7);
    const [, ra] = a.reconstruct([Xt, null]), [, rb] = b.reconstruct([std(Xt, mx!, sx!), null]);
    // (f32 outputs near 5·10⁴: an ulp is 0.004)
    ra!.data.forEach((v, i) => expect(Math.abs(v - (rb!.data[i]! * sy![i % 32]! + my![i % 32]!))).toBeLessThan(Math.max(1e-3 * sy![i % 32]!, 1e-6 * Math.abs(v))));
    const [sa] = a.sample([null, Yt], { seed: 4 }), [sb] = b.sample([null, std(Yt, my!, sy!)], { seed: 4 });
    sa!.data.forEach((v, i) => expect(Math.abs(v - (sb!.data[i]! * sx![i % 32]! + mx![i % 32]!))).toBeLessThan(Math.max(1e-3 * sx![i % 32]!, 1e-6 * Math.abs(v))));
    const la = a.logLikelihood([Xt, Yt], { samples: 20, seed: 1 }), lb = b.logLikelihood([std(Xt, mx!, sx!), std(Yt, my!, sy!)], { samples: 20, seed: 1 });
    const jac = [...sx!, ...sy!].reduce((s, v) => s + Math.log(v), 0);
    Array.from(la.perRow).forEach((v, i) => expect(Math.abs(v - (lb.perRow[i]! - jac))).toBeLessThan(1e-9 * Math.abs(v)));
    // the file keeps the scaler: the same outputs from the copy
    const c = MultimodalVAE.fromJSON(JSON.stringify(file));
    expect(Array.from(c.reconstruct([Xt, null])[1]!.data)).toEqual(Array.from(ra!.data));
    for (const m of [a, b, c]) m.dispose();
  });

  it('rows in large units: without scale the first batch diverges and says to standardise; with it the fit trains; a Bernoulli view is left as it is', async () => {
    const raw = new MultimodalVAE({ ...opts, fusion: 'moe' });
    const e = await raw.fit([X.map((r) => r.map((v) => v * 1e3)), Y]).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(DivergenceError);
    expect((e as Error).message).toMatch(/batch 1: .*standardise each column \(the model's scale option/);
    raw.dispose();
    const m = new MultimodalVAE({ ...opts, fusion: 'moe', scale: true, likelihood: ['gaussian', 'bernoulli'] });
    await m.fit([X.map((r) => r.map((v) => v * 1e3)), R.map((r) => r.map((v) => v / 16))]);
    const f = m.toJSON() as File;
    expect(f.scaler!.mean.map(f64)[1]!.every((v) => v === 0)).toBe(true);
    expect(f.scaler!.scale.map(f64)[1]!.every((v) => v === 1)).toBe(true);
    const [, right] = m.reconstruct([X.slice(0, 5).map((r) => r.map((v) => v * 1e3)), null]);
    expect(Array.from(right!.data).every((v) => v >= 0 && v <= 1)).toBe(true);
    m.dispose();
  });

  it('from a source: the same scaler as the array fit, bit for bit (two passes in row order); a warm start keeps it', async () => {
    const a = new MultimodalVAE({ ...opts, scale: true }), b = new MultimodalVAE({ ...opts, scale: true });
    await a.fit([X, Y]);
    await b.fit(() => (function* () {
      for (let i = 0; i < 300; i += 70) yield [X.slice(i, i + 70), Y.slice(i, i + 70)] as never;
    })(), { shuffleBuffer: 100 });
    expect((b.toJSON() as File).scaler).toEqual((a.toJSON() as File).scaler);
    await b.fit([X.map((r) => r.map((v) => v + 1)), Y], { warmStart: true });
    expect((b.toJSON() as File).scaler).toEqual((a.toJSON() as File).scaler);
    for (const m of [a, b]) m.dispose();
  });

  it('files: a scaler is required with scale: true and refused without; a damaged one is a FormatError; fromTorch refuses scale; nothing leaked', async () => {
    const live = memoryStats().liveBytes;
    const m = new MultimodalVAE({ ...opts, scale: true, epochs: 1 });
    await m.fit([X, Y]);
    const file = m.toJSON() as File;
    const { scaler, ...without } = file;
    expect(() => MultimodalVAE.fromJSON(without)).toThrow(FormatError);
    expect(() => MultimodalVAE.fromJSON(without)).toThrow(/scaler: missing \(options\.scale is true\)/);
    expect(() => MultimodalVAE.fromJSON({ ...file, options: { ...file.options, scale: false } })).toThrow(/scaler: present, but options\.scale is not true/);
    expect(() => MultimodalVAE.fromJSON({ ...file, scaler: { ...scaler!, crc32: scaler!.crc32 ^ 1 } })).toThrow(/checksum mismatch/);
    expect(() => MultimodalVAE.fromTorch({}, { scale: true } as never)).toThrow(ValueError);
    expect(() => new MultimodalVAE({ scale: 'yes' as never })).toThrow(/^options\.scale: expected true or false/);
    m.dispose();
    expect(memoryStats().liveBytes).toBe(live);
  });
});
