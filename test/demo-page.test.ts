// End-to-end test of the demo page (npm run demo:web) in headless Chromium: the numbers it
// shows against independent references, the shared-space scatters against Node's transform (to
// the pixel), the charts' legends and axis labels (every text uPlot draws is recorded and must
// lie inside its canvas), abort (the model keeps its last finished epoch), the GAN grid against
// Node's generate for the saved model, your-own-CSV with the Linnerud data and a malformed file.
// A screenshot goes to .vitest/demo-page.png. Skipped with a notice where there is no Chromium
// (outside CI).
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
  await page.addInitScript(recordCanvasTexts);
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

// Before the page loads: every fillText on a 2D canvas recorded on the canvas (its box from
// measureText through the current transform, in canvas pixels), the list emptied when the whole
// canvas is cleared (uPlot clears it before each redraw), so it holds the texts of the last drawing.
function recordCanvasTexts() {
  const P = CanvasRenderingContext2D.prototype, fill = P.fillText, clear = P.clearRect;
  type Box = { text: string; left: number; right: number; top: number; bottom: number };
  type Recorded = HTMLCanvasElement & { __texts?: Box[] };
  P.clearRect = function (this: CanvasRenderingContext2D, x: number, y: number, w: number, h: number) {
    if (x <= 0 && y <= 0 && w >= this.canvas.width && h >= this.canvas.height) (this.canvas as Recorded).__texts = [];
    return clear.call(this, x, y, w, h);
  };
  P.fillText = function (this: CanvasRenderingContext2D, t: string, x: number, y: number, maxWidth?: number) {
    const m = this.measureText(t), T = this.getTransform();
    const xs = [x - m.actualBoundingBoxLeft, x + m.actualBoundingBoxRight], ys = [y - m.actualBoundingBoxAscent, y + m.actualBoundingBoxDescent];
    const corners = xs.flatMap((a) => ys.map((b) => [T.a * a + T.c * b + T.e, T.b * a + T.d * b + T.f] as const));
    const c = this.canvas as Recorded;
    (c.__texts ??= []).push({ text: String(t), left: Math.min(...corners.map((p) => p[0])), right: Math.max(...corners.map((p) => p[0])), top: Math.min(...corners.map((p) => p[1])), bottom: Math.max(...corners.map((p) => p[1])) });
    return maxWidth === undefined ? fill.call(this, t, x, y) : fill.call(this, t, x, y, maxWidth);
  };
}

type Chart = { bbox: { left: number; top: number; width: number; height: number }; ctx: CanvasRenderingContext2D; data: (number | null)[][]; valToPos(v: number, scale: string, canvasPixels?: boolean): number; series: { label: string }[] };
type DemoWindow = Window & { demo: { charts: Record<string, Chart>; scatter: Record<string, { points: [number, number][]; at: number[] }>; testLabels: number[] } & Record<string, unknown> };

/** The texts a chart's canvas shows, and those whose box reaches outside the canvas. */
async function chartTexts(key: string) {
  return page!.evaluate((key) => {
    const u = (window as unknown as DemoWindow).demo.charts[key]!, c = u.ctx.canvas as HTMLCanvasElement & { __texts?: { text: string; left: number; right: number; top: number; bottom: number }[] };
    const texts = c.__texts ?? [];
    return { texts: texts.map((t) => t.text), clipped: texts.filter((t) => t.left < 0 || t.top < 0 || t.right > c.width || t.bottom > c.height), size: [c.width, c.height] };
  }, key);
}

/**
 * A scatter against points computed in Node (row order): per row, the canvas pixel of the point
 * the chart holds and of Node's point (both through the chart's scales, rounded), the distance
 * between the values, the canvas's alpha at Node's pixel (a point is painted there) and whether
 * that pixel is inside the plot area.
 */
async function scatterAgainst(key: string, want: [number, number][], classes: number[] | null) {
  return page!.evaluate(({ key, want, classes }) => {
    const d = (window as unknown as DemoWindow).demo, u = d.charts[key]!, { at } = d.scatter[key]!;
    const c = u.ctx.canvas, img = u.ctx.getImageData(0, 0, c.width, c.height).data;
    const shown = u.data.slice(1).reduce((s, ser) => s + ser.filter((v) => v !== null).length, 0);
    const rows = want.map(([a, b], i) => {
      const k = at[i]!, x = u.data[0]![k]!, y = u.data[1 + (classes ? classes[i]! : 0)]![k]!;
      const px = (p: number, q: number) => [Math.round(u.valToPos(p, 'x', true)), Math.round(u.valToPos(q, 'y', true))];
      const [wx, wy] = px(a, b);
      const { left, top, width, height } = u.bbox, m = 3, inside = wx! >= left + m && wx! <= left + width - m && wy! >= top + m && wy! <= top + height - m; // m: a point's radius
      return { drawn: px(x, y), want: [wx, wy], err: Math.max(Math.abs(x - a), Math.abs(y - b)), alpha: img[(wy! * c.width + wx!) * 4 + 3]!, inside };
    });
    return { shown, rows };
  }, { key, want, classes });
}
function expectScatter(r: Awaited<ReturnType<typeof scatterAgainst>>, n: number) {
  expect(r.shown).toBe(n);
  expect(r.rows.map((q) => q.drawn)).toEqual(r.rows.map((q) => q.want));
  expect(Math.max(...r.rows.map((q) => q.err))).toBeLessThan(1e-9);
  expect(r.rows.filter((q) => q.alpha === 0)).toEqual([]);
  expect(r.rows.filter((q) => !q.inside)).toEqual([]); // every point inside the plot area, none on a cut edge
}
/** The first two columns of a transform's result, one [a, b] per row. */
const firstTwo = (m: { rows: number; cols: number; data: ArrayLike<number> }) => Array.from({ length: m.rows }, (_, i) => [m.data[i * m.cols]!, m.data[i * m.cols + 1]!] as [number, number]);

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
    // every p-value below 1e-300 prints as the one bound (the subnormal 1.1e-320 printed beside "<1e-300" before)
    expect(await text('cca-significance')).toContain('< 1e-300');
    expect(await text('cca-significance')).not.toMatch(/\.\de-3\d\d/);
    expect(errors).toEqual([]);
  });

  it('the correlation chart: four series in four colours, each with a line sample (its colour and dash) in the legend', async () => {
    const legend = await page!.evaluate(() => {
      const u = (window as unknown as DemoWindow).demo.charts.corr!;
      // the y series' rows (a legend that is not live has no row for x)
      const rows = Array.from(u.ctx.canvas.closest('.uplot')!.querySelectorAll('.u-legend .u-series')).filter((r) => r.querySelector('.u-label')!.textContent !== u.series[0]!.label);
      return rows.map((r) => {
        const m = r.querySelector('.u-marker') as HTMLElement, cs = getComputedStyle(m);
        return { label: r.querySelector('.u-label')!.textContent, colour: cs.borderTopColor, style: cs.borderTopStyle, width: parseFloat(cs.borderTopWidth), w: m.getBoundingClientRect().width, visible: m.getBoundingClientRect().height + parseFloat(cs.borderTopWidth) > 0 };
      });
    });
    expect(legend.map((l) => l.label)).toEqual(['CCA train', 'CCA held-out', 'DeepCCA train', 'DeepCCA held-out']);
    expect(new Set(legend.map((l) => l.colour)).size).toBe(4);
    expect(legend.map((l) => l.style)).toEqual(['dashed', 'solid', 'dashed', 'solid']);
    for (const l of legend) expect(l.width >= 2 && l.w >= 20 && l.visible, JSON.stringify(l)).toBe(true);
    const { texts, clipped } = await chartTexts('corr');
    expect(texts).toEqual(expect.arrayContaining(['0', '9', '0.00', '1.00', 'component', 'canonical correlation']));
    expect(clipped).toEqual([]);
  });

  it("the shared space: the CCA scatter's points are transform of the held-out rows (to the pixel), coloured by digit", async () => {
    const { loadDigits } = await import('../src/datasets.js');
    const d = await loadDigits();
    const labels = d.labels.slice(1500);
    expect(await page!.evaluate(() => (window as unknown as DemoWindow).demo.testLabels)).toEqual(labels);
    const cca = new CCA({ components: 10, regularization: 1e-4 }).fit(d.left.slice(0, 1500), d.right.slice(0, 1500));
    const [u] = cca.transform(d.left.slice(1500), null);
    cca.dispose();
    expectScatter(await scatterAgainst('spaceCca', firstTwo(u), labels), 297);
    const series = await page!.evaluate(() => (window as unknown as DemoWindow).demo.charts.spaceCca!.series.slice(1).map((s) => s.label));
    expect(series).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect((await chartTexts('spaceCca')).clipped).toEqual([]);
  });

  it('a DeepCCA training can be aborted; the page shows the model of the last finished epoch, which is what the library keeps, and stays usable', async () => {
    const { DeepCCA } = await import('../src/index.js');
    const { loadDigits } = await import('../src/datasets.js');
    const d = await loadDigits();
    const recipe = { components: 10, hidden: [256, 256], activation: 'leaky_relu' as const, learningRate: 1e-3, batchSize: 500, seed: 0 };
    await page!.fill('#dcca-epochs', '500');
    await page!.click('#dcca-run');
    await page!.waitForFunction(() => /epoch \d+\/500/.test(document.getElementById('dcca-status')!.textContent!), null, { timeout: 30_000 });
    await page!.click('#dcca-abort');
    await page!.waitForFunction(() => /aborted/.test(document.getElementById('dcca-status')!.textContent!), null, { timeout: 30_000 });
    expect(await page!.isDisabled('#dcca-run')).toBe(false);
    const status = await text('dcca-status');
    const kept = /^aborted after (\d+) of 500 epochs, the model keeps epoch (\d+)'s weights: held-out sum \d\.\d{3}$/.exec(status);
    expect(kept, status).not.toBeNull();
    const epochs = Number(kept![1]);
    expect(kept![2]).toBe(kept![1]);
    expect(epochs).toBeGreaterThanOrEqual(1);
    const shown = await page!.evaluate(() => (window as unknown as { demo: { deepcca: { test: number[]; epochs: number; aborted: boolean } } }).demo.deepcca);
    expect([shown.epochs, shown.aborted]).toEqual([epochs, true]);
    const mk = new DeepCCA({ ...recipe, epochs });
    await mk.fit(d.left.slice(0, 1500), d.right.slice(0, 1500));
    expect(shown.test).toEqual(Array.from(mk.score(d.left.slice(1500), d.right.slice(1500))));
    mk.dispose();
    // the loss chart's x axis runs to the 500 epochs asked for, its last label whole (was "20" for 200)
    const loss = await chartTexts('loss');
    expect(loss.texts).toContain('500');
    expect(loss.texts).toContain('10');
    expect(loss.clipped).toEqual([]);
    // still usable: CCA again, and a short DeepCCA to the end
    await page!.click('#cca-run');
    await page!.waitForFunction(() => /fitted in/.test(document.getElementById('cca-status')!.textContent!));
    await page!.fill('#dcca-epochs', '2');
    await page!.click('#dcca-run');
    await page!.waitForFunction(() => /trained 2 epochs/.test(document.getElementById('dcca-status')!.textContent!), null, { timeout: 30_000 });
    expect((await text('corr-text')).split('\n')[0]).toMatch(/DeepCCA/);
    // the numbers are the ones the same recipe gives in Node (npm run demo's recipe, 2 epochs, seed 0)
    const m = new DeepCCA({ ...recipe, epochs: 2 });
    await m.fit(d.left.slice(0, 1500), d.right.slice(0, 1500));
    const node = Array.from(m.score(d.left.slice(1500), d.right.slice(1500)));
    const [u] = m.transform(d.left.slice(1500), null);
    m.dispose();
    expect(await page!.evaluate(() => (window as unknown as { demo: { deepcca: { test: number[] } } }).demo.deepcca.test)).toEqual(node);
    // its shared space: the scatter's points are Node's transform of the held-out rows, to the pixel
    expectScatter(await scatterAgainst('spaceDcca', firstTwo(u), d.labels.slice(1500)), 297);
    expect((await chartTexts('spaceDcca')).clipped).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('the retrieval panel: a click on a held-out left half shows the top 5 that retrieve gives in Node under CCA and DeepCCA, the partner marked; recall@1/5/10 as metrics.retrieval; a drawing too', async () => {
    const { DeepCCA, metrics } = await import('../src/index.js');
    const { loadDigits } = await import('../src/datasets.js');
    const d = await loadDigits();
    const trainX = d.left.slice(0, 1500), trainY = d.right.slice(0, 1500), testX = d.left.slice(1500), testY = d.right.slice(1500);
    // the page's models: CCA at ridge 1e-4, DeepCCA of the test before (2 epochs, seed 0)
    const cca = new CCA({ components: 10, regularization: 1e-4 }).fit(trainX, trainY);
    const dcca = new DeepCCA({ components: 10, hidden: [256, 256], activation: 'leaky_relu', learningRate: 1e-3, batchSize: 500, epochs: 2, seed: 0 });
    await dcca.fit(trainX, trainY);
    const models = { cca, deepcca: dcca } as const;
    const top5 = (m: typeof cca | typeof dcca, q: number[]) => Array.from(m.retrieve([q], testY, { k: 5, from: 'x' }).indices);
    const shown = (model: string) => page!.$$eval(`#ret-${model} canvas`, (cs) => cs.map((c) => ({ index: Number((c as HTMLElement).dataset.index), partner: c.classList.contains('partner') })));
    // a row whose partner CCA ranks in its top 5 (the frame shown), and one whose partner it does not
    const rows = Array.from({ length: 36 }, (_, i) => i);
    const hit = rows.find((i) => top5(cca, testX[i]!).includes(i)), miss = rows.find((i) => !top5(cca, testX[i]!).includes(i));
    expect(hit).toBeDefined();
    for (const row of [hit!, ...(miss === undefined ? [] : [miss])]) {
      await page!.click(`#ret-picker canvas[data-index="${row}"]`);
      await page!.waitForFunction((row) => (window as unknown as { demo: { retrieval?: { index: number | null } } }).demo.retrieval?.index === row, row);
      for (const [name, m] of Object.entries(models)) {
        const want = top5(m, testX[row]!);
        expect(await shown(name), `${name}, row ${row}`).toEqual(want.map((g) => ({ index: g, partner: g === row })));
      }
      // the green frame: on the partner when it is in the top 5, on none when it is not
      expect((await shown('cca')).filter((c) => c.partner).length).toBe(row === hit ? 1 : 0);
    }
    // recall@1/5/10 over the 297 held-out left halves
    const recall = (await text('ret-recall')).split('\n').map((l) => l.trim().split(/\s+/));
    expect(recall[0]).toEqual(['recall@1', 'recall@5', 'recall@10']);
    for (const [k, [name, m]] of Object.entries(models).entries()) {
      // the embeddings retrieve ranks by: each component weighted by its canonical correlation
      const rho = m.correlations, weighted = (e: { rows: number; cols: number; data: ArrayLike<number> }) => ({ rows: e.rows, cols: e.cols, data: Float64Array.from(e.data, (x, j) => x * rho[j % e.cols]!) });
      const [u, v] = m.transform(testX, testY);
      const r = metrics.retrieval(weighted(u), weighted(v), { k: [1, 5, 10] });
      expect(recall[1 + k], name).toEqual([name === 'cca' ? 'CCA' : 'DeepCCA', ...Array.from(r.recallAt, (x) => x.toFixed(3))]);
      // the same shares as the partner's place in retrieve's own top 10 of every held-out left half
      const top = m.retrieve(testX, testY, { k: 10, from: 'x' }).indices;
      const within = (k: number) => testX.filter((_, i) => Array.from(top.subarray(i * 10, i * 10 + k)).includes(i)).length / testX.length;
      expect(Array.from(r.recallAt), name).toEqual([within(1), within(5), within(10)]);
    }
    // a drawing on the grid's left four columns: a vertical stroke down column 2
    const box = (await page!.locator('#ret-draw').boundingBox())!;
    for (let i = 1; i < 7; i++) await page!.mouse.click(box.x + (2.5 * box.width) / 8, box.y + ((i + 0.5) * box.height) / 8);
    await page!.click('#ret-search');
    await page!.waitForFunction(() => (window as unknown as { demo: { retrieval?: { index: number | null } } }).demo.retrieval?.index === null);
    const drawn = Array.from({ length: 32 }, (_, q) => (q % 4 === 2 && q >= 4 && q < 28 ? 1 : 0));
    expect(await page!.evaluate(() => (window as unknown as { demo: { retrieval: { query: number[] } } }).demo.retrieval.query)).toEqual(drawn);
    for (const [name, m] of Object.entries(models)) expect((await shown(name)).map((c) => c.index), name).toEqual(top5(m, drawn));
    cca.dispose();
    dcca.dispose();
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
    // the scatter: the first pair of variates of the scaled fit (scale: true), every row, to the pixel
    const exN = ex.map((r) => r.map(Number)), phN = ph.map((r) => r.map(Number));
    const fit0 = new CCA({ components: 3, regularization: 0, scale: true }).fit(exN, phN);
    const [cu, cv] = fit0.transform(exN, phN);
    fit0.dispose();
    expectScatter(await scatterAgainst('csv', Array.from({ length: 20 }, (_, i) => [cu.data[i * cu.cols]!, cv.data[i * cv.cols]!] as [number, number]), null), 20);
    expect((await chartTexts('csv')).clipped).toEqual([]);
    // the page's default ('auto') on these mixed-unit columns (chins to weights in pounds) gives what the scaled fit gives
    await page!.fill('#csv-reg', 'auto');
    await page!.click('#csv-fit');
    // the message already says 'fitted' from the fit before: wait for this fit's shrinkage line
    await page!.waitForFunction(() => /shrinkage λ/.test(document.getElementById('csv-corr')!.textContent!) && document.getElementById('csv-message')!.textContent === 'fitted');
    const auto = (await text('csv-corr')).split('\n').slice(1, 4).map((l) => Number(l.trim().split(/\s+/)[1]));
    const scaled = new CCA({ components: 3, regularization: 'auto', scale: true }).fit(exN, phN);
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
