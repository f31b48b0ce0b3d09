// Makes docs/demo-page.png: the demo page after the default recipes (DeepCCA 200 epochs, the
// autoencoder 300, the GAN 100), in headless Chromium (CHROMIUM_PATH or /usr/bin/chromium).
//   node scripts/demo-screenshot.mjs
import { spawn } from 'node:child_process';
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
  await page.screenshot({ path: `${root}docs/demo-page.png`, fullPage: true });
  console.log('wrote docs/demo-page.png');
} finally {
  await browser.close();
  server.kill();
}
