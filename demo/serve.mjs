// npm run demo:web: serves the demo page (demo/web/) and the package it runs (dist/, build/*.wasm,
// data/) from this installed package, offline. Prints its URL; PORT picks the port (0 = any
// free one; default 8080); BROWSER=none keeps it from opening a browser.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const root = fileURLToPath(new URL('..', import.meta.url));
// the one bare import of the package (dist/wasm/module.js), served from wherever npm put it;
// a Web Worker has no import map, so the server rewrites the specifier (as dev servers do)
const loaderDir = join(createRequire(import.meta.url).resolve('@assemblyscript/loader'), '..', '..');
const LOADER = '@assemblyscript/loader';
const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css', '.csv': 'text/csv', '.map': 'application/json' };
// cross-origin isolation (SharedArrayBuffer), so the page's worker can use a thread pool
const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
// what the page may read: the page itself under /, the package under /pkg/
const mounts = [
  ['/pkg/dist/', join(root, 'dist')],
  ['/pkg/build/', join(root, 'build')],
  ['/pkg/data/', join(root, 'data')],
  ['/pkg/loader/', loaderDir],
  ['/', join(root, 'demo', 'web')],
];

async function handle(req, res) {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  for (const [prefix, dir] of mounts) {
    if (!path.startsWith(prefix)) continue;
    const file = normalize(join(dir, path.slice(prefix.length) || 'index.html'));
    if (!file.startsWith(dir + sep) && file !== dir) break;
    try {
      if (!(await stat(file)).isFile()) break;
      res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache', ...ISOLATION });
      let body = await readFile(file);
      if (prefix === '/pkg/dist/' && file.endsWith('.js') && body.includes(LOADER)) body = body.toString('utf8').replaceAll(`'${LOADER}'`, "'/pkg/loader/index.js'");
      res.end(body);
      return;
    } catch {
      break;
    }
  }
  res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
}

const port = process.env.PORT === undefined ? 8080 : Number(process.env.PORT);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT: expected an integer port in 0..65535 (0 = any free port), got ${JSON.stringify(process.env.PORT)}`);
  process.exit(1);
}
const server = createServer((req, res) => void handle(req, res));
server.on('error', (e) => {
  console.error(e.code === 'EADDRINUSE' ? `port ${port} is in use: set PORT to another one (PORT=0 picks a free port)` : String(e));
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${server.address().port}/`;
  console.log(`crossmodal demo page: ${url}`);
  const browser = process.env.BROWSER;
  if (browser === 'none') return;
  const cmd = browser || (process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open');
  try {
    const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => console.log(`(could not start ${cmd}: open the URL yourself)`));
    child.unref();
  } catch {
    console.log('(open the URL yourself)');
  }
});
