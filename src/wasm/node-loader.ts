// Node, Deno and Bun: read bundled .wasm files from disk (fetch cannot read file: URLs in Node).
import { setLoader } from './module.js';

setLoader(async (url) => {
  if (url.protocol !== 'file:') {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return res.arrayBuffer();
  }
  const fs = await import('node:fs/promises');
  const { fileURLToPath } = await import('node:url');
  return fs.readFile(fileURLToPath(url));
});
