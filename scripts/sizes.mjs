// npm run sizes: raw and gzipped sizes of the .wasm builds and of the package's JavaScript
// (dist/**/*.js, what a bundler would include, without maps or typings).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = new URL('..', import.meta.url).pathname;
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const row = (name, buf) => console.log(`| ${name} | ${kb(buf.length)} | ${kb(gzipSync(buf, { level: 9 }).length)} |`);

console.log('| file | size | gzipped |\n|---|---|---|');
for (const f of ['kernels.wasm', 'kernels.relaxed.wasm', 'kernels.scalar.wasm', 'kernels.threads.wasm', 'kernels.relaxed-threads.wasm']) row(`build/${f}`, readFileSync(join(root, 'build', f)));
const js = [];
const walk = (d) => {
  for (const f of readdirSync(d)) {
    const p = join(d, f);
    if (statSync(p).isDirectory()) walk(p);
    else if (f.endsWith('.js')) js.push(readFileSync(p));
  }
};
walk(join(root, 'dist'));
row(`dist/**/*.js (${js.length} files)`, Buffer.concat(js));
row('@assemblyscript/loader', readFileSync(join(root, 'node_modules/@assemblyscript/loader/index.js')));
