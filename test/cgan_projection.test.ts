// ConditionalGAN's projection discriminator (issue 39, discriminator: 'projection'):
// D(x, c) = ψ(φ(x)) + ⟨V c̃, φ(x)⟩. 'concat' (the default) is the recipe from before, bit for bit;
// the hand-written gradients (φ's, ψ's, V's and ∂D/∂x) against finite differences; composition
// with the other stabilisers; files (ψ and V kept with their CRCs, old files, damage); warm start.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats, ConditionalGAN, MLP, Tensor, FormatError, ValueError } from '../src/index.js';
import { Projection } from '../src/models/neural/cgan_projection.js';
import { c, centralDifference, rows, small, x } from './cgan_helpers.js';

beforeAll(async () => {
  await init();
});


describe('the option', () => {
  it("'concat' is the recipe from before, bit for bit; 'projection' trains another discriminator", async () => {
    const before = memoryStats().liveBytes;
    const plain = small(), off = small({ discriminator: 'concat' }), on = small({ discriminator: 'projection' });
    expect([plain.discriminatorKind, off.discriminatorKind, on.discriminatorKind]).toEqual(['concat', 'concat', 'projection']);
    for (const g of [plain, off, on]) await g.fit(x, c);
    expect(off.history.map((e) => e.losses)).toEqual(plain.history.map((e) => e.losses));
    expect(Array.from(off.discriminator.parameters)).toEqual(Array.from(plain.discriminator.parameters));
    expect(Array.from(off.generate(c, { seed: 5 }).data)).toEqual(Array.from(plain.generate(c, { seed: 5 }).data));
    // the body φ on x alone: [x, …discriminatorHidden]
    expect(on.discriminator.layers).toEqual([5, 8]);
    for (const e of on.history) for (const v of Object.values(e.losses)) expect(Number.isFinite(v)).toBe(true);
    for (const g of [plain, off, on]) g.dispose();
    expect(memoryStats().liveBytes).toBe(before);
  });

  it('a bad value is a typed ValueError naming the option', () => {
    for (const v of ['proj', 1, true, {}]) {
      expect(() => new ConditionalGAN({ discriminator: v } as never)).toThrow(ValueError);
      expect(() => new ConditionalGAN({ discriminator: v } as never)).toThrow(/^options\.discriminator: expected 'concat' \| 'projection', got /);
    }
  });

  it('composes with hinge, bce, ema and spectralNorm (finite losses, no leak)', async () => {
    const before = memoryStats().liveBytes;
    for (const o of [{ loss: 'hinge' }, { loss: 'bce', ema: 0.99 }, { spectralNorm: true }, { loss: 'hinge', ema: 0.999, spectralNorm: true, discriminatorDropout: 0.2 }] as const) {
      const g = small({ discriminator: 'projection', ...o });
      await g.fit(x, c);
      for (const e of g.history) for (const v of Object.values(e.losses)) expect(Number.isFinite(v)).toBe(true);
      expect(g.generate(c, { seed: 1 }).data.every(Number.isFinite)).toBe(true);
      g.dispose();
    }
    expect(memoryStats().liveBytes).toBe(before);
  });
});

describe('the gradients', () => {
  it('φ, ψ, V and ∂D/∂x match finite differences; V keeps no bias', () => {
    const before = memoryStats().liveBytes;
    const body = new MLP({ layers: [6, 5, 4], activation: 'tanh', outputActivation: 'tanh', seed: 7 });
    const P = new Projection(body, 3, { activation: 'tanh', init: 'uniform', seed: 9 });
    const X = Tensor.from(rows(9, 6, 21, -1, 1)), C = Tensor.from(rows(9, 3, 23, -1, 1)), r = rows(9, 1, 22, -1, 1).map((v) => v[0]!);
    const loss = () => {
      const out = P.forward(X, C).toFloat32Array();
      let s = 0;
      for (let i = 0; i < out.length; i++) s += r[i]! * Math.sin(2 * out[i]!);
      return s;
    };
    const upstream = () => {
      const out = P.forward(X, C).toFloat32Array();
      return Tensor.from({ data: Float32Array.from(out, (o, i) => 2 * r[i]! * Math.cos(2 * o)), rows: out.length, cols: 1 });
    };
    // parameter gradients
    for (const net of [body, P.head, P.embedding]) net.zeroGrad();
    const g = upstream();
    P.backward(g, true);
    const eps = 1e-2;
    for (const net of [body, P.head, P.embedding]) {
      const analytic = Float64Array.from(net.gradients), p = net.parameters;
      let err = 0;
      const scale = Math.max(1e-3, ...Array.from(analytic, Math.abs));
      const bias = net === P.embedding ? net.layout[0]!.bias : Infinity;
      for (let i = 0; i < p.length; i++) {
        const fd = centralDifference(p, i, eps, loss)!;
        // V's bias: held at 0, its gradient 0
        if (i >= bias) expect(analytic[i]).toBe(0);
        else err = Math.max(err, Math.abs(fd - analytic[i]!) / scale);
      }
      expect(err).toBeLessThan(2e-3);
    }
    expect(Array.from(P.embedding.parameters.subarray(P.embedding.layout[0]!.bias)).every((v) => v === 0)).toBe(true);
    // the input gradient (D frozen: no parameter gradient moves)
    for (const net of [body, P.head, P.embedding]) net.zeroGrad();
    const g2 = upstream();
    const dx = P.backward(g2, false)!.toFloat32Array();
    for (const net of [body, P.head, P.embedding]) expect(net.gradients.every((v) => v === 0)).toBe(true);
    const xd = X.data;
    let err = 0;
    const scale = Math.max(1e-3, ...Array.from(dx, Math.abs));
    for (let i = 0; i < xd.length; i++) err = Math.max(err, Math.abs(centralDifference(xd, i, eps, loss)! - dx[i]!) / scale);
    expect(err).toBeLessThan(2e-3);
    for (const t of [X, C, g, g2]) t.dispose();
    P.dispose();
    body.dispose();
    expect(memoryStats().liveBytes).toBe(before);
  });
});

describe('files', () => {
  it('keep ψ, V (and with spectralNorm their u); warm start goes on exactly; old files load as concat; damage refused', async () => {
    const before = memoryStats().liveBytes;
    for (const spectralNorm of [false, true]) {
      const a = small({ discriminator: 'projection', spectralNorm }), b = small({ discriminator: 'projection', spectralNorm, epochs: 1 });
      await a.fit(x, c);
      await b.fit(x, c);
      const json = JSON.parse(JSON.stringify(b.toJSON()));
      expect(json.options.discriminator).toBe('projection');
      expect(Object.keys(json.projection).sort()).toEqual(spectralNorm ? ['crc32', 'embedding', 'head', 'u'] : ['embedding', 'head']);
      const r = ConditionalGAN.fromJSON(json);
      expect(r.discriminatorKind).toBe('projection');
      expect(Array.from(r.generate(c, { seed: 5 }).data)).toEqual(Array.from(b.generate(c, { seed: 5 }).data));
      expect(JSON.stringify(r)).toBe(JSON.stringify(json));
      // warm start: 1 + 1 + 1 epochs ≡ 3 epochs (ψ, V and u included)
      await b.fit(x, c, { warmStart: true });
      await b.fit(x, c, { warmStart: true });
      expect(JSON.stringify(b.toJSON().projection)).toBe(JSON.stringify(a.toJSON().projection));
      expect(Array.from(b.discriminator.parameters)).toEqual(Array.from(a.discriminator.parameters));
      expect(Array.from(b.generate(c, { seed: 5 }).data)).toEqual(Array.from(a.generate(c, { seed: 5 }).data));
      // damage
      const bad = (f: (j: any) => void) => {
        const j = JSON.parse(JSON.stringify(json));
        f(j);
        return () => ConditionalGAN.fromJSON(j);
      };
      expect(bad((j) => (j.projection.embedding.parameters = j.projection.head.parameters))).toThrow(FormatError);
      expect(bad((j) => (j.projection.head.crc32 = (j.projection.head.crc32 + 1) >>> 0))).toThrow(FormatError);
      expect(bad((j) => delete j.projection)).toThrow(/projection: expected \{ head, embedding/);
      expect(bad((j) => (j.options.discriminator = 'concat'))).toThrow(FormatError);
      expect(bad((j) => (j.options.discriminator = null))).toThrow(FormatError);
      if (spectralNorm) expect(bad((j) => (j.projection.crc32 = (j.projection.crc32 + 1) >>> 0))).toThrow(/projection\.u: checksum mismatch/);
      for (const g of [a, b, r]) g.dispose();
    }
    // a file without the option (before it existed) loads as 'concat'
    const old = small({ epochs: 1 });
    await old.fit(x, c);
    const j = JSON.parse(JSON.stringify(old.toJSON()));
    expect(j.options.discriminator).toBe('concat');
    delete j.options.discriminator;
    const o2 = ConditionalGAN.fromJSON(j);
    expect(o2.discriminatorKind).toBe('concat');
    expect(Array.from(o2.generate(c, { seed: 2 }).data)).toEqual(Array.from(old.generate(c, { seed: 2 }).data));
    old.dispose();
    o2.dispose();
    expect(memoryStats().liveBytes).toBe(before);
  });
});
