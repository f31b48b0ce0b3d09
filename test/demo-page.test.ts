// End-to-end test of the demo page (npm run demo:web) in headless Chromium: the numbers it
// shows against independent references, abort, the GAN grid against Node's generate for the
// saved model, your-own-CSV with the Linnerud data and a malformed file. A screenshot goes to
// .vitest/demo-page.png. Skipped with a notice where there is no Chromium (outside CI).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { init, CCA, ConditionalGAN } from '../src/index.js';
import { launchChromium, skipBrowser } from './browser.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const reference = JSON.parse(readFileSync(new URL('./fixtures/cca-reference.json', import.meta.url), 'utf8'));
const noBrowser = skipBrowser('the demo page tests');

let server: ChildProcess | null = null, browser: Browser | null = null, page: Page | null = null, url = '';
const errors: string[] = [];

beforeAll(async () => {
  if (noBrowser) return;
  await init();
  server = spawn(process.execPath, [join(repo, 'demo/serve.mjs')], { env: { ...process.env, PORT: '0', BROWSER: 'none' }, stdio: ['ignore', 'pipe', 'inherit'] });
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server!.stdout!.on('data', (d) => {
      out += d;
      const m = /demo page: (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    server!.on('exit', (code) => reject(new Error(`demo server exited (${code}): ${out}`)));
  });
  browser = await launchChromium();
  page = await browser.newPage({ acceptDownloads: true, viewport: { width: 1100, height: 900 } });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { demo?: { ready?: boolean } }).demo?.ready === true, null, { timeout: 30_000 });
}, 60_000);

afterAll(async () => {
  if (page) {
    mkdirSync(join(repo, '.vitest'), { recursive: true });
    await page.screenshot({ path: join(repo, '.vitest/demo-page.png'), fullPage: true });
  }
  await browser?.close();
  server?.kill();
});

const text = (id: string) => page!.locator(`#${id}`).innerText();

describe.skipIf(noBrowser)('the demo page (npm run demo:web) in headless Chromium', () => {
  it('is served cross-origin isolated, so its worker runs a pool of every core (the bits stay those of one thread: see the DeepCCA and GAN tests)', async () => {
    expect(await page!.evaluate(() => self.crossOriginIsolated)).toBe(true);
    const cores = await page!.evaluate(() => navigator.hardwareConcurrency);
    expect(await text('build')).toBe(`simd, ${cores} thread${cores > 1 ? 's' : ''}`);
  });

  it('prints its URL and fits CCA on load: the held-out correlations shown equal the LAPACK reference to 1e-6', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const lines = (await text('corr-text')).split('\n').filter((l) => /^\s*\d+\s/.test(l));
    expect(lines).toHaveLength(10);
    const shown = lines.map((l) => l.trim().split(/\s+/).map(Number));
    const want = reference.split.by_ridge['0.0001'];
    for (let k = 0; k < 10; k++) {
      expect(Math.abs(shown[k]![1]! - want.train_correlations[k]), `train ${k}`).toBeLessThan(1e-6);
      expect(Math.abs(shown[k]![2]! - want.test_correlations_top10_using_train_weights[k]), `held-out ${k}`).toBeLessThan(1e-6);
    }
    expect(await text('cca-significance')).toMatch(/Wilks|Λ/);
    expect(await page!.locator('#corr-plot polyline').count()).toBeGreaterThanOrEqual(2);
    expect(errors).toEqual([]);
  });

  it('a DeepCCA training can be aborted; the page says so and stays usable', async () => {
    await page!.fill('#dcca-epochs', '500');
    await page!.click('#dcca-run');
    await page!.waitForFunction(() => /epoch \d+\/500/.test(document.getElementById('dcca-status')!.textContent!), null, { timeout: 30_000 });
    expect(await page!.locator('#dcca-loss polyline').count()).toBe(1);
    await page!.click('#dcca-abort');
    await page!.waitForFunction(() => /aborted/.test(document.getElementById('dcca-status')!.textContent!), null, { timeout: 30_000 });
    expect(await page!.isDisabled('#dcca-run')).toBe(false);
    // still usable: CCA again, and a short DeepCCA to the end
    await page!.click('#cca-run');
    await page!.waitForFunction(() => /fitted in/.test(document.getElementById('cca-status')!.textContent!));
    await page!.fill('#dcca-epochs', '2');
    await page!.click('#dcca-run');
    await page!.waitForFunction(() => /trained 2 epochs/.test(document.getElementById('dcca-status')!.textContent!), null, { timeout: 30_000 });
    expect((await text('corr-text')).split('\n')[0]).toMatch(/DeepCCA/);
    // the numbers are the ones the same recipe gives in Node (npm run demo's recipe, 2 epochs, seed 0)
    const { DeepCCA } = await import('../src/index.js');
    const { loadDigits } = await import('../src/datasets.js');
    const d = await loadDigits();
    const m = new DeepCCA({ components: 10, hidden: [256, 256], activation: 'leaky_relu', learningRate: 1e-3, batchSize: 500, epochs: 2, seed: 0 });
    await m.fit(d.left.slice(0, 1500), d.right.slice(0, 1500));
    const node = Array.from(m.score(d.left.slice(1500), d.right.slice(1500)));
    m.dispose();
    expect(await page!.evaluate(() => (window as unknown as { demo: { deepcca: { test: number[] } } }).demo.deepcca.test)).toEqual(node);
    expect(errors).toEqual([]);
  });

  it('the autoencoder fills in held-out halves and reports its held-out error', async () => {
    await page!.fill('#ae-epochs', '3');
    await page!.click('#ae-run');
    await page!.waitForFunction(() => /held-out MSE per pixel/.test(document.getElementById('ae-status')!.textContent!), null, { timeout: 30_000 });
    const { width, height } = await page!.evaluate(() => { const c = document.getElementById('ae-grid') as HTMLCanvasElement; return { width: c.width, height: c.height }; });
    expect([width, height]).toEqual([16 * (8 * 6 + 4), 3 * (8 * 6 + 4)]);
    const mse = await page!.evaluate(() => (window as unknown as { demo: { autoencoder: { rightFromLeft: number } } }).demo.autoencoder.rightFromLeft);
    expect(mse).toBeGreaterThan(0);
    expect(mse).toBeLessThan(0.2);
  });

  it("a short GAN's grid has exactly the pixels Node's generate gives for the saved model and seed", async () => {
    await page!.fill('#gan-epochs', '2');
    await page!.fill('#gan-sample-seed', '7');
    await page!.click('#gan-run');
    await page!.waitForFunction(() => /trained 2 epochs/.test(document.getElementById('gan-status')!.textContent!), null, { timeout: 60_000 });
    const [download] = await Promise.all([page!.waitForEvent('download'), page!.click('#gan-save')]);
    const dir = mkdtempSync(join(tmpdir(), 'cm-demo-'));
    const file = join(dir, 'gan.json');
    await download.saveAs(file);
    const gan = ConditionalGAN.fromJSON(JSON.parse(readFileSync(file, 'utf8')));
    const out = gan.generate(ConditionalGAN.oneHot(Array.from({ length: 100 }, (_, i) => i % 10), 10), { seed: 7 });
    gan.dispose();
    const { S, GAP } = await page!.evaluate(() => (window as unknown as { demo: { layout: { S: number; GAP: number } } }).demo.layout);
    // the grey level at the centre of every pixel square of every digit
    const grey = await page!.evaluate(({ S, GAP }) => {
      const c = document.getElementById('gan-grid') as HTMLCanvasElement;
      const img = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
      const g: number[] = [];
      for (let s = 0; s < 100; s++)
        for (let i = 0; i < 8; i++)
          for (let j = 0; j < 8; j++) {
            const x = Math.floor(s / 10) * (8 * S + GAP) + j * S + (S >> 1), y = (s % 10) * (8 * S + GAP) + i * S + (S >> 1);
            g.push(img.data[(y * c.width + x) * 4]!);
          }
      return g;
    }, { S, GAP });
    const want = Array.from(out.data, (v) => Math.round(255 * (1 - Math.min(1, Math.max(0, v)))));
    expect(grey).toEqual(want);
    // resampling with another seed changes the grid
    await page!.click('#gan-new-seed');
    await page!.waitForFunction(() => /seed 8/.test(document.getElementById('gan-status')!.textContent!));
    expect(errors).toEqual([]);
  }, 90_000);

  it('your data: the Linnerud CSV gives the LAPACK correlations; a malformed CSV gets a readable message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cm-csv-'));
    const rows = (name: string) => readFileSync(join(repo, 'data', name), 'utf8').trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
    const ex = rows('linnerud_exercise.csv'), ph = rows('linnerud_physiological.csv');
    const csv = ['Chins,Situps,Jumps,Weight,Waist,Pulse', ...ex.map((r, i) => [...r, ...ph[i]!].join(','))].join('\n');
    writeFileSync(join(dir, 'linnerud.csv'), csv);
    await page!.setInputFiles('#csv-file', join(dir, 'linnerud.csv'));
    await page!.waitForFunction(() => /20 rows, 6 columns/.test(document.getElementById('csv-message')!.textContent!));
    await page!.fill('#csv-reg', '0');
    await page!.click('#csv-fit');
    await page!.waitForFunction(() => document.getElementById('csv-message')!.textContent === 'fitted');
    const shown = (await text('csv-corr')).split('\n').slice(1, 4).map((l) => Number(l.trim().split(/\s+/)[1]));
    reference.linnerud.correlations.forEach((c: number, k: number) => expect(Math.abs(shown[k]! - c), `Linnerud ${k}`).toBeLessThan(1e-6));
    expect(await page!.locator('#csv-scatter circle').count()).toBe(20);
    // the page's default ('auto') on these mixed-unit columns (chins to weights in pounds) gives what the scaled fit gives
    await page!.fill('#csv-reg', 'auto');
    await page!.click('#csv-fit');
    // the message already says 'fitted' from the fit before: wait for this fit's shrinkage line
    await page!.waitForFunction(() => /shrinkage λ/.test(document.getElementById('csv-corr')!.textContent!) && document.getElementById('csv-message')!.textContent === 'fitted');
    const auto = (await text('csv-corr')).split('\n').slice(1, 4).map((l) => Number(l.trim().split(/\s+/)[1]));
    const scaled = new CCA({ components: 3, regularization: 'auto', scale: true }).fit(ex.map((r) => r.map(Number)), ph.map((r) => r.map(Number)));
    scaled.correlations.forEach((c, k) => expect(Math.abs(auto[k]! - c), `Linnerud 'auto' ${k}`).toBeLessThan(1e-6));
    expect(await text('csv-corr')).toContain(`shrinkage λ ${scaled.shrinkage![0].toFixed(4)}`);
    scaled.dispose();
    writeFileSync(join(dir, 'bad.csv'), 'a,b,c\n1,2,3\n4,x,6\n7,8,9\n');
    await page!.setInputFiles('#csv-file', join(dir, 'bad.csv'));
    await page!.waitForFunction(() => document.getElementById('csv-message')!.classList.contains('error'));
    expect(await text('csv-message')).toBe('ValueError: bad.csv, line 3, column 2 (b): expected a number (an empty cell or NaN is read as NaN), got "x"');
    expect(await page!.isDisabled('#csv-fit')).toBe(true);
    // the page still answers
    await page!.click('#cca-run');
    await page!.waitForFunction(() => /fitted in/.test(document.getElementById('cca-status')!.textContent!));
    expect(errors).toEqual([]);
  });
});
