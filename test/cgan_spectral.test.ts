// ConditionalGAN's spectral normalisation of the discriminator (issue 39, spectralNorm): the
// default (false) is the recipe from before, bit for bit; the raw-W gradient against finite
// differences with u and v frozen; σ against the largest singular value of linalg.svd; files
// (the power iteration's vectors kept, old files, damage), warm start, abort, generate.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats, linalg, ConditionalGAN, MLP, Tensor, FormatError, ValueError } from '../src/index.js';
import { SpectralNorm } from '../src/models/neural/cgan_spectral.js';
import { crc32, encodeF32 } from '../src/serialize.js';
import { c, centralDifference, rows, small, x } from './cgan_helpers.js';

beforeAll(async () => {
  await init();
});

const same = async (a: ConditionalGAN, b: ConditionalGAN) => {
  expect(b.history.map((e) => e.losses)).toEqual(a.history.map((e) => e.losses));
  expect(Array.from(b.discriminator.parameters)).toEqual(Array.from(a.discriminator.parameters));
  expect(Array.from(b.generate(c, { seed: 5 }).data)).toEqual(Array.from(a.generate(c, { seed: 5 }).data));
};

describe('the option', () => {
  it('spectralNorm: false is the recipe from before, bit for bit; true trains another discriminator', async () => {
    const before = memoryStats().liveBytes;
    const plain = small(), off = small({ spectralNorm: false }), on = small({ spectralNorm: true });
    expect([plain.spectralNorm, off.spectralNorm, on.spectralNorm]).toEqual([false, false, true]);
    for (const g of [plain, off, on]) await g.fit(x, c);
    await same(plain, off);
    expect(Array.from(on.discriminator.parameters)).not.toEqual(Array.from(plain.discriminator.parameters));
    for (const e of on.history) for (const v of Object.values(e.losses)) expect(Number.isFinite(v)).toBe(true);
    for (const g of [plain, off, on]) g.dispose();
    expect(memoryStats().liveBytes).toBe(before);
  });

  it('a non-boolean is a typed ValueError naming the option', () => {
    for (const v of ['yes', 1, 0, {}]) {
      expect(() => new ConditionalGAN({ spectralNorm: v } as never)).toThrow(ValueError);
      expect(() => new ConditionalGAN({ spectralNorm: v } as never)).toThrow(/^options\.spectralNorm: expected true or false, got /);
    }
  });
});

describe('the normalisation', () => {
  it('∂L/∂W = (G − (Σ G⊙W/σ)·u vᵀ)/σ matches finite differences with u, v frozen (biases untouched)', () => {
    const D = new MLP({ layers: [6, 5, 4, 1], activation: 'tanh', seed: 7 });
    const sn = new SpectralNorm(D, 11);
    const X = Tensor.from(rows(9, 6, 21, -1, 1)), r = Tensor.from(rows(9, 1, 22, -1, 1));
    const rw = r.toFloat32Array();
    const loss = () => {
      const out = D.forward(X).toFloat32Array();
      let s = 0;
      for (let i = 0; i < out.length; i++) s += rw[i]! * Math.sin(2 * out[i]!);
      return s;
    };
    const dY = Tensor.empty(9, 1);
    D.train();
    sn.normalise(); // u, v and σ of this step; D holds W/σ
    const out = D.forward(X).toFloat32Array();
    dY.data.set(Float32Array.from(out, (o, i) => 2 * rw[i]! * Math.cos(2 * o)));
    D.zeroGrad();
    D.backward(dY, { inputGradient: false });
    const wrtNormalised = D.gradients.slice();
    sn.gradient();
    const analytic = D.gradients.slice();
    sn.restore();
    // the loss of the raw parameters: σ = uᵀ W v from the frozen u, v (what apply computes)
    const p = D.parameters, eps = 1e-2;
    const at = () => {
      sn.apply();
      try {
        return loss();
      } finally {
        sn.restore();
      }
    };
    const scale = Math.max(...Array.from(analytic, Math.abs));
    let err = 0;
    for (let i = 0; i < p.length; i++) err = Math.max(err, Math.abs(centralDifference(p, i, eps, at)! - analytic[i]!) / scale);
    console.log(`spectralNorm: worst relative gradient error ${err.toExponential(2)} over ${p.length} parameters`);
    expect(err).toBeLessThan(5e-3);
    // biases are not normalised: their gradients pass unchanged; the weights' do change
    const lay = D.layout;
    for (const L of lay) {
      for (let k = L.bias; k < L.bias + L.outputs; k++) expect(analytic[k]).toBe(wrtNormalised[k]);
      expect(analytic.slice(L.weights, L.bias)).not.toEqual(wrtNormalised.slice(L.weights, L.bias));
    }
    for (const o of [D, sn, X, r, dY]) o.dispose();
  });

  it('σ converges to the largest singular value (linalg.svd); D holds W/σ only between normalise and restore', () => {
    const D = new MLP({ layers: [30, 20, 12, 1], init: 'he', seed: 5 });
    const sn = new SpectralNorm(D, 9);
    const raw = D.parameters.slice();
    for (let t = 0; t < 300; t++) {
      sn.normalise();
      sn.restore();
    }
    expect(Array.from(D.parameters)).toEqual(Array.from(raw)); // restore is exact
    D.layout.forEach((L, l) => {
      const w = Array.from({ length: L.inputs }, (_, i) => Array.from(raw.subarray(L.weights + i * L.outputs, L.weights + (i + 1) * L.outputs)));
      const { u, s, v } = linalg.svd(w);
      expect(Math.abs(sn.sigma[l]! - s[0]!) / s[0]!).toBeLessThan(1e-4);
      u.dispose();
      v.dispose();
    });
    // D's weights divided by σ: the normalised matrices' largest singular value is 1
    sn.normalise();
    D.layout.forEach((L) => {
      const p = D.parameters, w = Array.from({ length: L.inputs }, (_, i) => Array.from(p.subarray(L.weights + i * L.outputs, L.weights + (i + 1) * L.outputs)));
      const { u, s, v } = linalg.svd(w);
      expect(s[0]).toBeCloseTo(1, 3);
      for (let k = L.bias; k < L.bias + L.outputs; k++) expect(p[k]).toBe(raw[k]);
      u.dispose();
      v.dispose();
    });
    sn.restore();
    for (const o of [D, sn]) o.dispose();
  });

  it("u starts as a seeded normal draw, each layer's normalised", () => {
    const D = new MLP({ layers: [4, 3, 1], seed: 1 });
    const a = new SpectralNorm(D, 2), b = new SpectralNorm(D, 2), o = new SpectralNorm(D, 3);
    expect(Array.from(a.u.data)).toEqual(Array.from(b.u.data));
    expect(Array.from(a.u.data)).not.toEqual(Array.from(o.u.data));
    const norm = (s: Float32Array) => Math.hypot(...Array.from(s));
    expect(norm(a.u.data.subarray(0, 4))).toBeCloseTo(1, 6);
    expect(norm(a.u.data.subarray(4, 7))).toBeCloseTo(1, 6);
    for (const m of [D, a, b, o]) m.dispose();
  });
});

describe('files, warm start, abort', () => {
  it('the file keeps u (and the raw W); warm start goes on exactly; an abort keeps the epoch; generate is unaffected; no leak', async () => {
    const before = memoryStats().liveBytes;
    const gan = small({ spectralNorm: true });
    await gan.fit(x, c);
    const text = JSON.stringify(gan), o = JSON.parse(text);
    expect(o.options.spectralNorm).toBe(true);
    expect(o.spectralNorm).toMatchObject({ u: expect.any(String), crc32: expect.any(Number) });
    const again = ConditionalGAN.fromJSON(text);
    expect(again.spectralNorm).toBe(true);
    expect(JSON.stringify(again)).toBe(text);
    expect(Array.from(again.generate(c, { seed: 4 }).data)).toEqual(Array.from(gan.generate(c, { seed: 4 }).data));
    // warm start: 1 + 1 + 1 epochs ≡ 3 epochs, u included
    const warm = small({ spectralNorm: true, epochs: 1 });
    await warm.fit(x, c);
    await warm.fit(x, c, { warmStart: true });
    await warm.fit(x, c, { warmStart: true });
    expect(JSON.stringify(warm.toJSON().spectralNorm)).toBe(JSON.stringify(o.spectralNorm));
    expect(Array.from(warm.discriminator.parameters)).toEqual(Array.from(gan.discriminator.parameters));
    expect(Array.from(warm.generate(c, { seed: 4 }).data)).toEqual(Array.from(gan.generate(c, { seed: 4 }).data));
    // after fromJSON, a warm start goes on from the file's u
    const two = small({ spectralNorm: true, epochs: 2 });
    await two.fit(x, c);
    const reloaded = ConditionalGAN.fromJSON(JSON.stringify(two));
    await reloaded.fit(x, c, { warmStart: true });
    expect(reloaded.toJSON().spectralNorm).not.toEqual(two.toJSON().spectralNorm);
    // an abort at epoch 2 keeps epoch 2's u and weights
    const ctl = new AbortController();
    const aborted = small({ spectralNorm: true, epochs: 40 });
    await expect(aborted.fit(x, c, { signal: ctl.signal, onEpoch: (e) => void (e.epoch === 2 && ctl.abort()) })).rejects.toMatchObject({ name: 'AbortError' });
    expect(JSON.stringify(aborted.toJSON().spectralNorm)).toBe(JSON.stringify(two.toJSON().spectralNorm));
    expect(Array.from(aborted.discriminator.parameters)).toEqual(Array.from(two.discriminator.parameters));
    // generate reads G only: the same file without spectral normalisation samples the same
    const plainFile = ConditionalGAN.fromJSON({ ...o, options: { ...o.options, spectralNorm: false }, spectralNorm: undefined });
    expect(Array.from(plainFile.generate(c, { seed: 4 }).data)).toEqual(Array.from(gan.generate(c, { seed: 4 }).data));
    for (const g of [gan, again, warm, two, reloaded, aborted, plainFile]) g.dispose();
    expect(memoryStats().liveBytes).toBe(before);
  });

  it('a file without the option loads as false; damage is a FormatError', async () => {
    const plain = small();
    await plain.fit(x, c);
    const p = plain.toJSON() as { options: Record<string, unknown> } & Record<string, unknown>;
    expect(p.options.spectralNorm).toBe(false);
    expect(p).not.toHaveProperty('spectralNorm');
    const { spectralNorm: _s, ...oldOptions } = p.options;
    const old = ConditionalGAN.fromJSON({ ...p, options: oldOptions });
    expect(old.spectralNorm).toBe(false);
    expect(JSON.stringify(old)).toBe(JSON.stringify(plain));
    const gan = small({ spectralNorm: true });
    await gan.fit(x, c);
    const o = JSON.parse(JSON.stringify(gan)), s = o.spectralNorm as { u: string; crc32: number };
    const flipped = s.u.slice(0, 4) + (s.u[4] === 'A' ? 'B' : 'A') + s.u.slice(5);
    const u = new Float32Array(7 + 8).fill(0.5); // the right length (D 7 → 8 → 1: u of 7 and of 8), not unit vectors
    const damaged: unknown[] = [
      { ...o, options: { ...o.options, spectralNorm: 'yes' } },
      { ...o, options: { ...o.options, spectralNorm: null } },
      { ...o, spectralNorm: undefined },
      { ...o, spectralNorm: 7 },
      { ...o, spectralNorm: [s] },
      { ...o, spectralNorm: { ...s, u: flipped } },
      { ...o, spectralNorm: { ...s, crc32: s.crc32 ^ 1 } },
      { ...o, spectralNorm: { u: encodeF32(u.subarray(1)), crc32: crc32(u.subarray(1)) } },
      { ...o, spectralNorm: { u: encodeF32(u), crc32: crc32(u) } },
      { ...p, spectralNorm: s }, // vectors without the option
    ];
    damaged.forEach((bad, i) => expect(() => ConditionalGAN.fromJSON(bad), `damaged[${i}]`).toThrow(FormatError));
    for (const m of [plain, old, gan]) m.dispose();
  });
});
