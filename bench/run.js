// npm run bench [-- filter]: runs every bench/*.bench.js (or those whose name contains filter).
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { init } from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ?? '';
// CROSSMODAL_BUILD=relaxed (with node --experimental-wasm-relaxed-simd) or scalar picks the build
const want = process.env.CROSSMODAL_BUILD;
const info = await init(want ? { simd: want === 'simd' ? 'baseline' : want } : {});
console.log(`crossmodal benchmarks — ${info.build} build, Node ${process.version}, ${new Date().toISOString()}`);
for (const f of readdirSync(here).filter((f) => f.endsWith('.bench.js') && f.includes(filter)).sort()) {
  console.log(`\n## ${f}`);
  await import(pathToFileURL(join(here, f)).href);
}
