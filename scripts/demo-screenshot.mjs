// Makes docs/demo-page.png: the demo page after the default recipes (DeepCCA 200 epochs, the
// autoencoder 300, the GAN 100), a held-out left half picked in the retrieval panel and the
// Linnerud data (data/linnerud_*.csv joined into one CSV) fitted under "Your data", in headless
// Chromium (CHROMIUM_PATH or /usr/bin/chromium).
//   node scripts/demo-screenshot.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const server = spawn(process.execPath, ['demo/serve.mjs'], { cwd: root, env: { ...process.env, PORT: '0', BROWSER: 'none' } });
const url = await new Promise((resolve) => server.stdout.on('data', (d) => { const m = /(http:\S+)/.exec(String(d)); if (m) resolve(m[1]); }));
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  await page.goto(url);
  await page.waitForFunction(() => window.demo?.ready === true);
  for (const [button, status, done] of [['#dcca-run', 'dcca-status', 'trained'], ['#ae-run', 'ae-status', 'held-out MSE'], ['#gan-run', 'gan-status', 'trained']]) {
    await page.click(button);
    await page.waitForFunction(([id, text]) => document.getElementById(id).textContent.includes(text), [status, done], { timeout: 300_000 });
    console.log(await page.locator(`#${status}`).innerText());
  }
  // the retrieval panel: a held-out left half (row 4) against the held-out right halves
  await page.click('#ret-picker canvas[data-index="4"]');
  await page.waitForFunction(() => window.demo.retrieval?.index === 4 && window.demo.retrieval.deepcca);
  // your data: the Linnerud exercise and physiological tables as one CSV, the page's default split and 'auto'
  const rows = (name) => readFileSync(join(root, 'data', name), 'utf8').trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
  const ex = rows('linnerud_exercise.csv'), ph = rows('linnerud_physiological.csv');
  const file = join(mkdtempSync(join(tmpdir(), 'cm-shot-')), 'linnerud.csv');
  writeFileSync(file, ['Chins,Situps,Jumps,Weight,Waist,Pulse', ...ex.map((r, i) => [...r, ...ph[i]].join(','))].join('\n'));
  await page.setInputFiles('#csv-file', file);
  await page.waitForFunction(() => /20 rows/.test(document.getElementById('csv-message').textContent));
  await page.click('#csv-fit');
  await page.waitForFunction(() => document.getElementById('csv-message').textContent === 'fitted');
  await page.screenshot({ path: `${root}docs/demo-page.png`, fullPage: true });
  console.log('wrote docs/demo-page.png');
} finally {
  await browser.close();
  server.kill();
}
