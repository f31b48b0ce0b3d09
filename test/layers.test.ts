// The architecture, checked on the source: one door to wasm memory (pointers, the raw kernel
// interface, allocation and heap views appear only under src/wasm/, and everything else
// imports src/wasm/index.ts), and imports that only go down: models → nn → linalg → wasm.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../src/', import.meta.url));
const assembly = fileURLToPath(new URL('../assembly/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/**
 * The code without comments (a '//' inside a string is not one); with `blankStrings` the
 * contents of '…' and "…" strings go too (template literals stay: they hold code).
 */
function stripComments(code: string, blankStrings = false): string {
  let out = '';
  for (let i = 0; i < code.length; ) {
    const c = code[i]!, d = code[i + 1];
    if (c === '/' && d === '/') {
      while (i < code.length && code[i] !== '\n') i++;
    } else if (c === '/' && d === '*') {
      const end = code.indexOf('*/', i + 2);
      i = end < 0 ? code.length : end + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < code.length && code[j] !== c) j += code[j] === '\\' ? 2 : 1;
      out += blankStrings && c !== '`' ? c + c : code.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** What may only appear under src/wasm/: the raw door to memory. */
const FORBIDDEN: [string, RegExp][] = [
  ['kernels()', /\bkernels\s*\(/],
  ['the Ptr type', /\bPtr\b/],
  ['alloc()', /(?<![.\w])alloc(F64)?\s*\(/],
  ['free()', /(?<![.\w])free\s*\(/],
  ['a heap view', /\bheap(F32|F64|U8)\b/],
  ['an offset shift', />>>\s*[23]\b|<<\s*[23]\b/],
  ['a raw pointer (.ptr)', /\.ptr\b/],
  ['addr()', /\baddr\s*\(/],
];

function violations(code: string): string[] {
  const c = stripComments(code, true);
  return FORBIDDEN.filter(([, re]) => re.test(c)).map(([name]) => name);
}

/** Every static and dynamic import / re-export specifier of a file. */
function imports(code: string): string[] {
  const c = stripComments(code);
  return [...c.matchAll(/\bfrom\s+'([^']+)'|\bimport\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/** Layer of a source file: base utilities (−1), wasm 0, linalg 1, nn 2, models 3, the package surface 4. */
function layer(path: string): number {
  const r = relative(src, path).replace(/\\/g, '/');
  if (r.startsWith('wasm/')) return 0;
  if (r.startsWith('linalg/')) return 1;
  if (r.startsWith('nn/')) return 2;
  if (r.startsWith('models/')) return 3;
  if (['errors.ts', 'serialize.ts', 'lifecycle.ts', 'options.ts', 'datasets.ts', 'wasm.d.ts'].includes(r) || r.startsWith('stats/')) return -1;
  return 4;
}

const all = files(src);
const outside = all.filter((f) => layer(f) !== 0);

describe('one door to wasm memory', () => {
  it('the checker finds what it looks for (so an empty result means something)', () => {
    expect(violations('const p = kernels().mem_alloc(8); heapF32()[p >>> 2] = 1; free(p); t.ptr;')).toEqual(['kernels()', 'free()', 'a heap view', 'an offset shift', 'a raw pointer (.ptr)']);
    expect(violations('let x: Ptr = alloc(4); addr(t);')).toEqual(['the Ptr type', 'alloc()', 'addr()']);
    expect(violations('// kernels() in a comment\nconst s = "heapF32 in a string"; Matrix.empty(2, 2); // alloc(3)')).toEqual([]);
    expect(outside.length).toBeGreaterThan(15);
  });

  for (const f of outside) {
    it(`${relative(src, f)} uses no pointer, raw kernel, allocation or heap view`, () => {
      expect(violations(readFileSync(f, 'utf8'))).toEqual([]);
    });
  }

  it('nothing outside src/wasm/ imports src/wasm/ other than through its index (entries may load a platform loader)', () => {
    const bad: string[] = [];
    for (const f of outside)
      for (const spec of imports(readFileSync(f, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const target = resolve(dirname(f), spec);
        if (layer(target) !== 0) continue;
        const name = relative(join(src, 'wasm'), target);
        const entry = ['index.ts', 'workerd.ts'].includes(relative(src, f));
        if (name === 'index.js' || (entry && /^(node|workerd)-loader\.js$/.test(name))) continue;
        bad.push(`${relative(src, f)} imports ${spec}`);
      }
    expect(bad).toEqual([]);
  });

  it("src/wasm/index.ts exports no pointer-level name", async () => {
    const door = await import('../src/wasm/index.js');
    const raw = ['kernels', 'alloc', 'allocF64', 'free', 'heapF32', 'heapF64', 'heapU8', 'addr', 'setLoader', 'setDefaultModule'];
    expect(Object.keys(door).filter((k) => raw.includes(k))).toEqual([]);
    expect(Object.keys(door)).toEqual(expect.arrayContaining(['Matrix', 'Tensor', 'gemm', 'denseBackward', 'copyBlock']));
  });
});

describe('imports only go down: models → nn → linalg → wasm', () => {
  it('every relative import targets the same layer, a lower one, or the base utilities', () => {
    const bad: string[] = [];
    for (const f of all)
      for (const spec of imports(readFileSync(f, 'utf8'))) {
        if (!spec.startsWith('.') || spec.endsWith('.wasm')) continue;
        const target = resolve(dirname(f), spec.replace(/\.js$/, '.ts'));
        const from = layer(f), to = layer(target);
        const ok = from === -1 ? to === -1 : to <= from;
        if (!ok) bad.push(`${relative(src, f)} (layer ${from}) imports ${spec} (layer ${to})`);
      }
    expect(bad).toEqual([]);
  });

  it('linalg does not import the nn layer (the old ops.ts → nn/tensor edge is gone)', () => {
    const linalg = all.filter((f) => layer(f) === 1);
    expect(linalg.length).toBeGreaterThan(1);
    for (const f of linalg) expect(imports(readFileSync(f, 'utf8')).filter((s) => s.includes('/nn/'))).toEqual([]);
  });
});

/** The file a relative specifier names: './x.js' → x.ts (TypeScript), './x' → x.ts or x/index.ts (AssemblyScript). */
function resolveSpec(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec);
  for (const c of [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')]) if (c.endsWith('.ts') && existsSync(c) && statSync(c).isFile()) return c;
  return null;
}

/** The import graph of a set of files: every relative import, type-only and re-exports included. */
function graph(list: string[]): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of list) {
    const to = imports(readFileSync(f, 'utf8'))
      .filter((s) => s.startsWith('.') && !s.endsWith('.wasm'))
      .map((s) => resolveSpec(f, s))
      .filter((t): t is string => t !== null);
    g.set(f, [...new Set(to)]);
  }
  return g;
}

/** The import circles of a graph: its strongly connected components of more than one file, or a file importing itself (Tarjan). */
function circles(g: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], on = new Set<string>(), out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index), low.set(v, index++), stack.push(v), on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!idx.has(w)) visit(w), low.set(v, Math.min(low.get(v)!, low.get(w)!));
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const c: string[] = [];
      let w: string;
      do (w = stack.pop()!), on.delete(w), c.push(w);
      while (w !== v);
      if (c.length > 1 || (g.get(v) ?? []).includes(v)) out.push(c.sort());
    }
  };
  for (const v of g.keys()) if (!idx.has(v)) visit(v);
  return out;
}

const MAX_LINES = 500;

describe('a house for many models: short files, families in folders, no import circles', () => {
  it('the circle finder finds circles (so an empty result means something)', () => {
    const g = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']], ['e', ['e']], ['f', []]]);
    expect(circles(g)).toEqual([['a', 'b', 'c'], ['e']]);
    expect(circles(new Map([['a', ['b']], ['b', []]]))).toEqual([]);
  });

  it('the import graphs are read whole: type-only imports, re-exports and folder indexes count', () => {
    const g = graph(all);
    const core = g.get(join(src, 'core.ts'))!;
    expect(core).toContain(join(src, 'errors.ts'));
    expect(core.length).toBeGreaterThan(15);
    const a = graph(files(assembly));
    // a folder's files are reached (AssemblyScript specifiers have no extension; './eigh/index' or './gemm/driver')
    expect([...a.values()].flat().some((f) => relative(assembly, f).startsWith(join('eigh', '')))).toBe(true);
    expect(resolveSpec(join(assembly, 'index.ts'), './svd/index')).toBe(join(assembly, 'svd', 'index.ts'));
    expect([...a.values()].flat().length).toBeGreaterThan(40);
  });

  it(`no file under src/ is longer than ${MAX_LINES} lines`, () => {
    const long = all.map((f) => [relative(src, f), readFileSync(f, 'utf8').split('\n').length - 1] as const).filter(([, n]) => n > MAX_LINES);
    expect(long.map(([f, n]) => `${f}: ${n} lines`)).toEqual([]);
  });

  it('no import circle among the files of src/', () => {
    expect(circles(graph(all)).map((c) => c.map((f) => relative(src, f)).join(' → '))).toEqual([]);
  });

  it('no import circle among the files of assembly/', () => {
    expect(circles(graph(files(assembly))).map((c) => c.map((f) => relative(assembly, f)).join(' → '))).toEqual([]);
  });

  it('src/models/ is grouped by family: folders, and at most three loose files', () => {
    const top = readdirSync(join(src, 'models'));
    const loose = top.filter((f) => statSync(join(src, 'models', f)).isFile());
    expect(loose.length).toBeLessThanOrEqual(3);
    expect(top.filter((f) => statSync(join(src, 'models', f)).isDirectory())).toEqual(expect.arrayContaining(['linear', 'neural']));
  });
});
