// Copies the demo page's plotting library (uPlot, a devDependency) from node_modules into
// demo/web/vendor/ with its licence, so the page draws offline from the installed package and
// the package ships it (files: demo/web) without a runtime dependency. Run by npm run build:ts.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'demo', 'web', 'vendor');
let uplot;
try {
  uplot = dirname(createRequire(import.meta.url).resolve('uplot/package.json'));
} catch {
  // an installed package (no devDependencies) keeps the copy it was packed with
  console.log('demo-vendor: uplot is not installed; demo/web/vendor/ left as it is');
  process.exit(0);
}
mkdirSync(out, { recursive: true });
for (const [from, to] of [['dist/uPlot.iife.min.js', 'uPlot.iife.min.js'], ['dist/uPlot.min.css', 'uPlot.min.css'], ['LICENSE', 'uPlot.LICENSE']]) copyFileSync(join(uplot, from), join(out, to));
