// Where the browser tests find Chromium, and what they do without one. On a machine with no
// Chromium they are skipped with a one-line notice saying how to enable them; in CI
// (CI=true, which .ci/run exports) a missing browser is a failure.
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];

/** The Chromium executable: CHROMIUM_PATH, or the first of the usual places that exists (null: none). */
export const chromiumPath: string | null = process.env.CHROMIUM_PATH ?? CANDIDATES.find((p) => existsSync(p)) ?? null;

const ci = process.env.CI === 'true' || process.env.CI === '1';

/** True when the browser tests should be skipped (no Chromium and not in CI); prints the notice once per file. */
export function skipBrowser(what: string): boolean {
  if (chromiumPath) return false; // found, or named by CHROMIUM_PATH (a wrong path then fails loudly)
  if (ci) return false; // CI requires them: launching fails and says why
  console.log(`skipped ${what}: no Chromium found (install it, e.g. apt-get install chromium, or set CHROMIUM_PATH=/path/to/chrome)`);
  return true;
}

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

/** Launches headless Chromium (a clear error when there is none). */
export async function launchChromium() {
  if (!chromiumPath) throw new Error('no Chromium found: install it (apt-get install chromium) or set CHROMIUM_PATH');
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
}
