// Runs every ```js block of README.md that imports 'crossmodal' and checks what it prints
// against what the README says it prints: each console.log line must end in `// → pattern`
// (or be followed by a line that is only that),
// and every value it logs must match the pattern (`…` stands for the rest of a number or
// word). A README that states a wrong output, or prints something it does not state, fails.
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
// blocks marked `<!-- example: path -->` are files the runtime suite runs in each runtime
const blocks = [...readme.matchAll(/(<!-- example: \S+ -->\n)?```js\n([\s\S]*?)```/g)]
  .filter((m) => !m[1])
  .map((m) => m[2]!)
  .filter((b) => b.includes("from 'crossmodal'"));
const dir = new URL('./.readme-examples/', import.meta.url);

/** How the check prints a logged value: typed arrays as `Float64Array [a, b]`, arrays as `[a, b]`. */
function format(v: unknown): string {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return `${v.constructor.name} [${Array.from(v as unknown as ArrayLike<number>, format).join(', ')}]`;
  if (Array.isArray(v)) return `[${v.map(format).join(', ')}]`;
  if (v && typeof v === 'object') return `{ ${Object.entries(v).map(([k, x]) => `${k}: ${format(x)}`).join(', ')} }`;
  return String(v);
}

/**
 * The pattern after `// →` (up to an explanation after ' — ') as a regular expression:
 * literal text, `…` = the rest of a number or word.
 */
function pattern(text: string): RegExp {
  const parts = text.split(' — ')[0]!.trim().split('…').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^,\\]\\s}]*')}$`);
}

describe('the README output check', () => {
  it('matches what it should and nothing else', () => {
    expect(pattern('Float64Array [0.99…, 0.2…]').test(format(new Float64Array([0.9992, 0.2161])))).toBe(true);
    expect(pattern('Float64Array [0.99…, 0.2…]').test(format(new Float64Array([0.9992, 0.3161])))).toBe(false);
    expect(pattern('Float64Array [0.99…]').test(format(new Float64Array([0.9992, 0.2161])))).toBe(false);
    expect(pattern('[false, true]').test(format([false, true]))).toBe(true);
    expect(pattern('3 { a: 1 }').test(`${format(3)} ${format({ a: 1 })}`)).toBe(true);
    expect(pattern('true — an explanation').test('true')).toBe(true);
  });
});

describe('README examples print what the README says', () => {
  it('has examples', () => {
    if (blocks.length < 3) throw new Error(`expected at least 3 runnable examples, found ${blocks.length}`);
  });
  blocks.forEach((code, i) => {
    it(`example ${i + 1}`, async () => {
      const lines = code.split('\n');
      const expected = new Map<number, RegExp>();
      lines.forEach((l, n) => {
        if (!l.includes('console.log(')) return;
        // the stated output ends the line, or is the whole next line (for long messages)
        const m = /\/\/ → (.*)$/.exec(l) ?? /^\s*\/\/ → (.*)$/.exec(lines[n + 1] ?? '');
        if (!m) throw new Error(`example ${i + 1}, line ${n + 1} logs without stating the output (\`// → …\`): ${l.trim()}`);
        expected.set(n, pattern(m[1]!));
      });
      const src = lines.map((l, n) => l.replace(/console\.log\(/g, `__log(${n}, `)).join('\n').replace(/from 'crossmodal'/g, "from '../../src/index.js'").replace(/from 'crossmodal\/sql'/g, "from '../../src/sql.js'");
      const printed = new Map<number, string[]>();
      (globalThis as Record<string, unknown>).__log = (line: number, ...args: unknown[]) => {
        printed.set(line, [...(printed.get(line) ?? []), args.map(format).join(' ')]);
      };
      mkdirSync(dir, { recursive: true });
      const file = new URL(`example-${i + 1}.ts`, dir);
      writeFileSync(file, `declare const __log: (line: number, ...a: unknown[]) => void;\n${src}\nexport {};\n`);
      try {
        await import(fileURLToPath(file));
      } finally {
        rmSync(file);
        delete (globalThis as Record<string, unknown>).__log;
      }
      for (const [n, re] of expected) {
        const out = printed.get(n);
        expect(out, `example ${i + 1}, line ${n + 1} printed nothing: ${lines[n]!.trim()}`).toBeDefined();
        for (const o of out!) expect(o, `example ${i + 1}, line ${n + 1}: ${lines[n]!.trim()}`).toMatch(re);
      }
    });
  });
});

describe('README runtime examples are the files the runtime suite runs', () => {
  const marked = [...readme.matchAll(/<!-- example: (\S+) -->\n```\w+\n([\s\S]*?)```/g)];
  it('has the Node, browser and worker examples', () => {
    if (marked.length < 3) throw new Error(`expected 3 marked examples, found ${marked.length}`);
  });
  for (const [, path, code] of marked) {
    it(`${path} matches the README verbatim`, () => {
      const file = readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
      if (file !== code) throw new Error(`${path} and its README copy differ; update README.md`);
    });
  }
});
