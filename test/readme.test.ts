// Runs every ```js block of README.md and of the guides in docs/*.md that imports 'crossmodal'
// and checks what it prints against what the page says it prints: each console.log line must
// end in `// → pattern` (or be followed by a line that is only that),
// and every value it logs must match the pattern (`…` stands for the rest of a number or
// word). A page that states a wrong output, or prints something it does not state, fails.
// Every relative link and #anchor of those pages must resolve too.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, normalize } from 'node:path';

const repo = fileURLToPath(new URL('..', import.meta.url));
/** The pages whose examples run: README.md and docs/*.md (not docs/api/, which is generated). */
const pages = ['README.md', ...readdirSync(join(repo, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const text = new Map(pages.map((p) => [p, readFileSync(join(repo, p), 'utf8')]));
// blocks marked `<!-- example: path -->` are files the runtime suite runs in each runtime
const blocks = pages.flatMap((page) =>
  [...text.get(page)!.matchAll(/(<!-- example: \S+ -->\n)?```js\n([\s\S]*?)```/g)]
    .filter((m) => !m[1])
    .map((m) => m[2]!)
    .filter((b) => b.includes("from 'crossmodal'"))
    .map((code, i) => ({ page, name: `${page} example ${i + 1}`, file: `${page.replace(/\W/g, '-')}-${i + 1}`, code })),
);
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

describe('the examples of README.md and docs/*.md print what the page says', () => {
  it('has examples in every page that had them', () => {
    if (blocks.length < 40) throw new Error(`expected at least 40 runnable examples, found ${blocks.length}`);
    for (const page of ['README.md', 'docs/linear-cca.md', 'docs/multiview-kernel.md', 'docs/pls-sparse.md', 'docs/neural.md', 'docs/data-scale.md']) {
      expect(blocks.some((b) => b.page === page), `${page} has runnable examples`).toBe(true);
    }
  });
  blocks.forEach(({ name, file: base, code }) => {
    it(name, async () => {
      const lines = code.split('\n');
      const expected = new Map<number, RegExp>();
      lines.forEach((l, n) => {
        if (!l.includes('console.log(')) return;
        // the stated output ends the line, or is the whole next line (for long messages)
        const m = /\/\/ → (.*)$/.exec(l) ?? /^\s*\/\/ → (.*)$/.exec(lines[n + 1] ?? '');
        if (!m) throw new Error(`${name}, line ${n + 1} logs without stating the output (\`// → …\`): ${l.trim()}`);
        expected.set(n, pattern(m[1]!));
      });
      const src = lines.map((l, n) => l.replace(/console\.log\(/g, `__log(${n}, `)).join('\n').replace(/from 'crossmodal'/g, "from '../../src/index.js'").replace(/from 'crossmodal\/sql'/g, "from '../../src/sql.js'");
      const printed = new Map<number, string[]>();
      (globalThis as Record<string, unknown>).__log = (line: number, ...args: unknown[]) => {
        printed.set(line, [...(printed.get(line) ?? []), args.map(format).join(' ')]);
      };
      mkdirSync(dir, { recursive: true });
      const file = new URL(`${base}.ts`, dir);
      writeFileSync(file, `declare const __log: (line: number, ...a: unknown[]) => void;\n${src}\nexport {};\n`);
      try {
        await import(fileURLToPath(file));
      } finally {
        rmSync(file);
        delete (globalThis as Record<string, unknown>).__log;
      }
      for (const [n, re] of expected) {
        const out = printed.get(n);
        expect(out, `${name}, line ${n + 1} printed nothing: ${lines[n]!.trim()}`).toBeDefined();
        for (const o of out!) expect(o, `${name}, line ${n + 1}: ${lines[n]!.trim()}`).toMatch(re);
      }
    });
  });
});

describe('the runtime examples in the docs are the files the runtime suite runs', () => {
  const marked = pages.flatMap((page) => [...text.get(page)!.matchAll(/<!-- example: (\S+) -->\n```\w+\n([\s\S]*?)```/g)].map(([, path, code]) => ({ page, path: path!, code: code! })));
  it('has the Node, browser and worker examples', () => {
    if (marked.length < 3) throw new Error(`expected 3 marked examples, found ${marked.length}`);
  });
  for (const { page, path, code } of marked) {
    it(`${path} matches ${page} verbatim`, () => {
      const file = readFileSync(join(repo, path), 'utf8');
      if (file !== code) throw new Error(`${path} and its copy in ${page} differ; update ${page}`);
    });
  }
});

/** GitHub's anchor for a heading: lower case, punctuation dropped (hyphens kept), spaces to hyphens. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** The anchors of a Markdown page (headings outside code blocks; a repeated one gets -1, -2, …). */
function anchors(md: string): Set<string> {
  const seen = new Map<string, number>(), out = new Set<string>();
  for (const m of md.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6} (.*)$/gm)) {
    const a = slug(m[1]!), k = seen.get(a) ?? 0;
    out.add(k ? `${a}-${k}` : a);
    seen.set(a, k + 1);
  }
  return out;
}

describe('the links of README.md and docs/*.md', () => {
  it('make anchors as GitHub does', () => {
    expect(slug('Asymptotic tests: Wilks, Pillai, Hotelling–Lawley, Roy')).toBe('asymptotic-tests-wilks-pillai-hotellinglawley-roy');
    expect(slug("Unit-free `'auto'` (CCA files version 3)")).toBe('unit-free-auto-cca-files-version-3');
    expect([...anchors('# A\n```sh\n# not a heading\n```\n## A\n')]).toEqual(['a', 'a-1']);
  });
  for (const page of pages) {
    it(`${page}: every relative link and #anchor resolves`, () => {
      const md = text.get(page)!.replace(/^```[\s\S]*?^```/gm, '');
      const broken: string[] = [];
      let count = 0;
      for (const [, target] of md.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target!)) continue; // https:, mailto:
        count++;
        const [path, anchor] = target!.split('#') as [string, string | undefined];
        const file = path ? normalize(join(dirname(page), path)) : page;
        // docs/api/ is generated by `npm run docs` (ignored by git): its link cannot be checked here
        if (file.startsWith(join('docs', 'api'))) continue;
        if (!existsSync(join(repo, file))) { broken.push(`${target}: no file ${file}`); continue; }
        if (anchor === undefined) continue;
        if (!file.endsWith('.md')) { broken.push(`${target}: an anchor into a file that is not Markdown`); continue; }
        const md2 = text.get(file) ?? readFileSync(join(repo, file), 'utf8');
        if (!anchors(md2).has(anchor)) broken.push(`${target}: ${file} has no heading #${anchor}`);
      }
      expect(broken).toEqual([]);
      if (page === 'README.md') expect(count).toBeGreaterThan(10);
    });
  }
  it('README.md links every guide', () => {
    const readme = text.get('README.md')!;
    for (const page of pages.slice(1)) expect(readme, `README.md links ${page}`).toContain(`](${page})`);
  });
});
