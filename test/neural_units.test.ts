// Neural models on data in any range (issue 33): a bounded output head (sigmoid [0, 1], tanh
// [−1, 1]) refuses targets it cannot reach before the first epoch, and `scale: true`
// standardises every column by the training rows (kept with the model and its file, undone on
// reconstructions and samples). Small nets, few epochs, fixed seeds.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { init, memoryStats, ConditionalGAN, DeepCCA, MultimodalAutoencoder, FormatError, NotFittedError, ShapeError, ValueError } from '../src/index.js';
import { uniform } from './helpers.js';

beforeAll(async () => {
  await init();
});

/** n rows of p columns in [0, 1). */
function rows(n: number, p: number, seed: number): number[][] {
  const u = uniform(seed);
  return Array.from({ length: n }, () => Array.from({ length: p }, () => u()));
}

/** Column j times 10^(j + k) plus an offset: a table whose columns live in very different ranges. */
const wide = (a: number[][], k: number) => a.map((r) => r.map((v, j) => v * 10 ** (j + k) + 3 * j));

/** The standardisation scale: true applies, written out here: float32 cells, float64 mean and sd (n − 1), float32 results. */
function standardise(a: number[][]) {
  const f = a.map((r) => r.map(Math.fround)), n = f.length, p = f[0]!.length;
  const mean = new Float64Array(p), sd = new Float64Array(p).fill(1), ss = new Float64Array(p);
  for (const r of f) r.forEach((v, j) => (mean[j]! += v));
  for (let j = 0; j < p; j++) mean[j]! /= n;
  for (const r of f) r.forEach((v, j) => (ss[j]! += (v - mean[j]!) * (v - mean[j]!)));
  for (let j = 0; j < p; j++) if (ss[j]! > 0) sd[j] = Math.sqrt(ss[j]! / (n - 1));
  const back = (d: Float32Array) => Float32Array.from(d, (v, i) => v * sd[i % p]! + mean[i % p]!);
  return { z: f.map((r) => r.map((v, j) => Math.fround((v - mean[j]!) / sd[j]!))), mean, sd, back };
}

const losses = (m: { history: { losses: Record<string, number | undefined> }[] }) => m.history.map((e) => e.losses);

describe('a bounded output head refuses targets it cannot reach', () => {
  const A = rows(40, 3, 1), B = rows(40, 2, 2);
  const ae = (o = {}) => new MultimodalAutoencoder({ hidden: [6], code: 2, epochs: 2, batchSize: 10, seed: 1, ...o });

  it('the autoencoder: names the view, the row and column, the range and the value; nothing leaks; the model stays usable', async () => {
    const big = B.map((r) => [...r]);
    big[7]![1] = 4254;
    const before = memoryStats().liveBytes;
    const m = ae();
    const e = await m.fit([A, big]).then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(ValueError);
    expect((e as Error).message).toBe(
      "views[1] row 7, column 1: expected values in [0, 1], the range of the 'sigmoid' output head (pass outputActivation: 'identity', or scale: true to standardise each column), got 4254",
    );
    expect(memoryStats().liveBytes).toBe(before);
    expect(m.history).toEqual([]);
    expect(() => m.toJSON()).toThrow(NotFittedError);
    // the same model fits in-range data; an identity head takes the wide column; so does scale: true
    await m.fit([A, B]);
    expect(m.history.length).toBe(2);
    const id = ae({ outputActivation: ['sigmoid', 'identity'] });
    await id.fit([A, big]);
    const sc = ae({ scale: true });
    expect(sc.outputActivation).toBe('identity');
    await sc.fit([A, big]);
    // a tanh head: [−1, 1]; with scale: true and an explicit sigmoid head the standardised targets are checked
    const neg = A.map((r) => [...r]);
    neg[3]![2] = -1.5;
    await expect(ae({ outputActivation: 'tanh' }).fit([neg, B])).rejects.toThrow(/^views\[0\] row 3, column 2: expected values in \[-1, 1\], the range of the 'tanh' output head .*got -1\.5$/);
    await expect(ae({ scale: true, outputActivation: 'sigmoid' }).fit([A, B])).rejects.toThrow(/^views\[0\] row 0, column \d: expected standardised values \(scale: true\) in \[0, 1\].*outputActivation: 'identity'/);
    // a missing row (null) is not a target
    await ae({ outputActivation: 'tanh' }).fit([A, neg.map((r, i) => (i === 3 ? null : r.slice(0, 2)))]);
    for (const x of [m, id, sc]) x.dispose();
  });

  it('the cGAN: x outside the generator head; identity or in-range data pass', async () => {
    const x = rows(40, 3, 3), c = ConditionalGAN.oneHot(x.map((_, i) => i % 2), 2);
    const gan = (o = {}) => new ConditionalGAN({ noise: 3, hidden: [6], epochs: 2, batchSize: 10, seed: 2, ...o });
    const big = x.map((r, i) => (i === 5 ? [r[0]!, 1.25, r[2]!] : r));
    const before = memoryStats().liveBytes;
    const g = gan();
    await expect(g.fit(big, c)).rejects.toThrow(
      "x row 5, column 1: expected values in [0, 1], the range of the 'sigmoid' output head (pass outputActivation: 'identity', or scale: true to standardise each column), got 1.25",
    );
    await expect(gan({ outputActivation: 'tanh' }).fit(big, c)).rejects.toThrow(/^x row 5, column 1: expected values in \[-1, 1\]/);
    expect(memoryStats().liveBytes).toBe(before);
    await g.fit(x, c);
    expect(g.generate(c, { seed: 1 }).rows).toBe(40);
    const id = gan({ outputActivation: 'identity' }), sc = gan({ scale: true });
    await id.fit(big, c);
    await sc.fit(big, c);
    expect(sc.outputActivation).toBe('identity');
    for (const m of [g, id, sc]) m.dispose();
  });

  it('the cGAN: labels passed as the condition point to ConditionalGAN.oneHot', async () => {
    const x = rows(12, 2, 4), g = new ConditionalGAN({ noise: 2, hidden: [4], epochs: 1, batchSize: 4 });
    const before = memoryStats().liveBytes;
    for (const labels of [x.map((_, i) => i % 3), x.map((_, i) => ['cat', 'dog'][i % 2]!), Int32Array.from(x, (_, i) => i % 2)]) {
      const e = await g.fit(x, labels as never).then(() => null, (v: unknown) => v);
      expect(e).toBeInstanceOf(ShapeError);
      expect((e as Error).message).toMatch(/^c: expected an n×q condition matrix: for class labels pass one-hot rows, ConditionalGAN\.oneHot\(labels, classes\)/);
    }
    expect(memoryStats().liveBytes).toBe(before);
    g.dispose();
  });
});

describe('scale: true', () => {
  const A = wide(rows(60, 3, 5), 1), B = wide(rows(60, 2, 6), -2);

  it('the autoencoder: the same bits as a scale: false fit on the standardised data, outputs mapped back; files round trip', async () => {
    const o = { hidden: [6], code: 2, epochs: 3, batchSize: 16, seed: 7, outputActivation: 'identity' as const };
    const sa = standardise(A), sb = standardise(B);
    const s = new MultimodalAutoencoder({ ...o, scale: true }), r = new MultimodalAutoencoder(o);
    await s.fit([A, B]);
    await r.fit([sa.z, sb.z]);
    expect(losses(s)).toEqual(losses(r));
    expect(Array.from(s.encode([A, null]).data)).toEqual(Array.from(r.encode([sa.z, null]).data));
    const [s0, s1] = s.reconstruct([A, null]), [r0, r1] = r.reconstruct([sa.z, null]);
    expect(Array.from(s0!.data)).toEqual(Array.from(sa.back(r0!.data as Float32Array)));
    expect(Array.from(s1!.data)).toEqual(Array.from(sb.back(r1!.data as Float32Array)));
    expect(s.evaluate([A, B])).toEqual(r.evaluate([sa.z, sb.z])); // the MSE of the standardised columns
    // the file: the scaler with its CRC-32, bit for bit after a round trip
    const file = s.toJSON() as { options: { scale?: boolean }; scaler: { mean: string[]; scale: string[]; crc32: number } };
    expect(file.options.scale).toBe(true);
    expect(file.scaler.mean.length).toBe(2);
    const again = MultimodalAutoencoder.fromJSON(JSON.stringify(file));
    expect(JSON.stringify(again)).toBe(JSON.stringify(file));
    expect(Array.from(again.reconstruct([null, B])[0]!.data)).toEqual(Array.from(s.reconstruct([null, B])[0]!.data));
    // a scale: false file is written as before: no scale, no scaler
    const plain = r.toJSON() as Record<string, unknown>;
    expect('scaler' in plain || 'scale' in (plain.options as object)).toBe(false);
    // damaged scalers are FormatErrors
    const damaged = (f: (j: typeof file) => void) => {
      const j = JSON.parse(JSON.stringify(file));
      f(j);
      return () => MultimodalAutoencoder.fromJSON(j);
    };
    expect(damaged((j) => (j.scaler.crc32 ^= 1))).toThrow(/scaler: checksum mismatch/);
    expect(damaged((j) => delete (j as Partial<typeof file>).scaler)).toThrow(FormatError);
    expect(damaged((j) => (j.scaler.mean[1] = j.scaler.mean[1]!.slice(4)))).toThrow(FormatError);
    expect(damaged((j) => (j.scaler.scale = [j.scaler.scale[0]!]))).toThrow(FormatError);
    expect(damaged((j) => delete j.options.scale)).toThrow(/scaler: present, but options.scale is not true/);
    for (const m of [s, r, again]) m.dispose();
  });

  it('the autoencoder: data ×10^k per column gives the outputs of the fit on the unscaled data, mapped back (~1e-5)', async () => {
    const base = rows(60, 3, 8), k = [1, 1e3, 1e-2];
    const scaled = base.map((row) => row.map((v, j) => v * k[j]!));
    const o = { hidden: [6], code: 2, epochs: 2, batchSize: 16, seed: 9, scale: true };
    const a = new MultimodalAutoencoder(o), b = new MultimodalAutoencoder(o);
    await a.fit([base, B]);
    await b.fit([scaled, B]);
    const ra = a.reconstruct([base, null])[0]!.data, rb = b.reconstruct([scaled, null])[0]!.data;
    for (let i = 0; i < ra.length; i++) expect(Math.abs(rb[i]! / k[i % 3]! - ra[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(ra[i]!)));
    a.dispose();
    b.dispose();
  });

  it('a warm start keeps the scaler of the first fit', async () => {
    const o = { hidden: [6], code: 2, epochs: 1, batchSize: 16, seed: 3, scale: true };
    const m = new MultimodalAutoencoder(o);
    await m.fit([A, B]);
    const first = (m.toJSON() as { scaler: unknown }).scaler;
    await m.fit([A.map((r) => r.map((v) => 5 * v + 1)), B], { warmStart: true });
    expect((m.toJSON() as { scaler: unknown }).scaler).toEqual(first);
    expect(m.history.length).toBe(2);
    // a new fit computes a new one
    await m.fit([A.map((r) => r.map((v) => 5 * v + 1)), B]);
    expect((m.toJSON() as { scaler: unknown }).scaler).not.toEqual(first);
    m.dispose();
  });

  it('the cGAN: x standardised (the same bits as a fit on standardised x), samples in x units, file round trip', async () => {
    const x = wide(rows(48, 3, 10), 0), c = ConditionalGAN.oneHot(x.map((_, i) => i % 3), 3), sx = standardise(x);
    const o = { noise: 3, hidden: [6], epochs: 2, batchSize: 12, seed: 4, outputActivation: 'identity' as const };
    const s = new ConditionalGAN({ ...o, scale: true }), r = new ConditionalGAN(o);
    await s.fit(x, c);
    await r.fit(sx.z, c);
    expect(losses(s)).toEqual(losses(r));
    const gs = s.generate(c, { seed: 5 }), gr = r.generate(c, { seed: 5 });
    expect(Array.from(gs.data)).toEqual(Array.from(sx.back(gr.data as Float32Array)));
    const file = s.toJSON() as { scaler: { crc32: number } };
    const again = ConditionalGAN.fromJSON(JSON.stringify(file));
    expect(JSON.stringify(again)).toBe(JSON.stringify(file));
    expect(Array.from(again.generate(c, { seed: 5 }).data)).toEqual(Array.from(gs.data));
    const bad = JSON.parse(JSON.stringify(file));
    bad.scaler.crc32 ^= 1;
    expect(() => ConditionalGAN.fromJSON(bad)).toThrow(FormatError);
    expect('scaler' in (r.toJSON() as object)).toBe(false);
    for (const m of [s, r, again]) m.dispose();
  });

  it('DeepCCA: X and Y standardised (the same bits as a fit on standardised data), file round trip; 0.1.0 files load as scale: false', async () => {
    const X = wide(rows(60, 3, 11), 2), Y = X.map((r, i) => [r[0]! * 1e-3 + (i % 5), r[1]! * 7 - r[2]!]), sx = standardise(X), sy = standardise(Y);
    const o = { components: 1, hidden: [5], epochs: 2, batchSize: 20, seed: 6 };
    const s = new DeepCCA({ ...o, scale: true }), r = new DeepCCA(o);
    await s.fit(X, Y);
    await r.fit(sx.z, sy.z);
    expect(losses(s)).toEqual(losses(r));
    expect(s.transform(X, Y).map((t) => Array.from(t!.data))).toEqual(r.transform(sx.z, sy.z).map((t) => Array.from(t!.data)));
    expect(Array.from(s.score(X, Y))).toEqual(Array.from(r.score(sx.z, sy.z)));
    const file = s.toJSON();
    const again = DeepCCA.fromJSON(JSON.stringify(file));
    expect(JSON.stringify(again)).toBe(JSON.stringify(file));
    expect(Array.from(again.transform(X)[0].data)).toEqual(Array.from(s.transform(X)[0].data));
    const bad = JSON.parse(JSON.stringify(file));
    bad.scaler.mean[0] = bad.scaler.mean[1];
    expect(() => DeepCCA.fromJSON(bad)).toThrow(FormatError);
    const old = JSON.parse(readFileSync(new URL('./fixtures/v0.1.0/deepcca.json', import.meta.url), 'utf8')).model;
    const d = DeepCCA.fromJSON(old);
    expect(d.scale).toBe(false);
    const back = d.toJSON() as typeof old; // the inner CCA is written in today's version; options and towers as they were
    expect(JSON.stringify([back.options, back.towers, 'scaler' in back])).toBe(JSON.stringify([old.options, old.towers, false]));
    for (const m of [s, r, again, d]) m.dispose();
  });

  it('the option is checked; fromTorch takes no scale', () => {
    expect(() => new MultimodalAutoencoder({ scale: 1 as never })).toThrow(/^options\.scale: expected true or false, got 1$/);
    expect(() => new ConditionalGAN({ scale: 'yes' as never })).toThrow(ValueError);
    expect(() => new DeepCCA({ scale: null as never })).not.toThrow(); // null: the default
    expect(() => MultimodalAutoencoder.fromTorch({}, { scale: true })).toThrow(/^options\.scale: expected no value/);
    expect(() => ConditionalGAN.fromTorch({}, { scale: true })).toThrow(/^options\.scale: expected no value/);
    expect(() => DeepCCA.fromTorch({}, { scale: true, data: [[[1]], [[1]]] })).toThrow(/^options\.scale: expected no value/);
  });
});
