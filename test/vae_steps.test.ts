// MultimodalVAE's training step against PyTorch's (scripts/reference/vae_steps.py →
// test/fixtures/vae-steps-reference.json): from the same weights, batches and noise, 8 Adam
// steps of each fusion land on PyTorch's weights (f32 rounding apart), and the losses agree.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { init, nn, MultimodalVAE } from '../src/index.js';

beforeAll(async () => {
  await init();
});

type F32 = { shape: number[]; data: string };
const ref = JSON.parse(readFileSync(new URL('./fixtures/vae-steps-reference.json', import.meta.url), 'utf8'));
const f32 = (t: F32) => new Float32Array(Uint8Array.from(Buffer.from(t.data, 'base64')).buffer);
const rowsOf = (t: F32) => {
  const d = f32(t), [n, p] = t.shape as [number, number];
  return Array.from({ length: n }, (_, i) => Array.from(d.subarray(i * p, (i + 1) * p)));
};

describe('MultimodalVAE training steps equal PyTorch 1.13 (8 Adam steps, hidden [16], latent 4, β 0.25)', () => {
  const left = rowsOf(ref.setup && ref.left), right = rowsOf(ref.right), B = ref.setup.batch as number, L = ref.setup.latent as number;
  for (const fusion of ['poe', 'moe', 'mopoe'] as const) {
    it(`'${fusion}': the losses within 1e-5 relative, every weight within 1e-3 of how far PyTorch moved it`, () => {
      const r = ref.fusions[fusion] as { terms: number[]; init: Record<string, F32>; final: Record<string, F32>; eps: F32; losses: number[] };
      const tensors = Object.fromEntries(Object.entries(r.init).map(([k, v]) => [k, { shape: v.shape, data: Array.from(f32(v)) }]));
      const vae = MultimodalVAE.fromTorch(tensors, { fusion, beta: ref.setup.beta });
      const nets = vae._networks();
      const opt = new nn.Adam(nets, { learningRate: ref.setup.learningRate });
      const eps = f32(r.eps), T = r.terms.length;
      r.losses.forEach((want, s) => {
        const off = (s % 2) * B;
        const views = [left.slice(off, off + B), right.slice(off, off + B)];
        const l = vae._objective(views, { eps: (i, sub, j) => eps[((s * T + r.terms.indexOf(sub)) * B + i) * L + j]!, backward: true });
        opt.step();
        expect(Math.abs(l.loss! - want)).toBeLessThan(1e-5 * Math.abs(want));
      });
      nets.forEach((net, k) => {
        const group = k < 2 ? `encoders.${k}` : `decoders.${k - 2}`;
        net.layout.forEach((layer, i) => {
          const w = f32(r.final[`${group}.${2 * i}.weight`]!), w0 = f32(r.init[`${group}.${2 * i}.weight`]!), b = f32(r.final[`${group}.${2 * i}.bias`]!), b0 = f32(r.init[`${group}.${2 * i}.bias`]!);
          let diff = 0, moved = 0;
          for (let a = 0; a < layer.inputs; a++)
            for (let o = 0; o < layer.outputs; o++) {
              const theirs = w[o * layer.inputs + a]!;
              diff = Math.max(diff, Math.abs(net.parameters[layer.weights + a * layer.outputs + o]! - theirs));
              moved = Math.max(moved, Math.abs(theirs - w0[o * layer.inputs + a]!));
            }
          for (let o = 0; o < layer.outputs; o++) {
            diff = Math.max(diff, Math.abs(net.parameters[layer.bias + o]! - b[o]!));
            moved = Math.max(moved, Math.abs(b[o]! - b0[o]!));
          }
          expect(moved).toBeGreaterThan(0);
          expect(diff / moved, `${group}.${2 * i}`).toBeLessThan(1e-3);
        });
      });
      opt.dispose();
      vae.dispose();
    });
  }
});
