// Runs every ```js block of README.md that imports 'crossmodal', so the examples can't rot.
import { describe, it } from 'vitest';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
// blocks marked `<!-- example: path -->` are files the runtime suite runs in each runtime
const blocks = [...readme.matchAll(/(<!-- example: \S+ -->\n)?```js\n([\s\S]*?)```/g)]
  .filter((m) => !m[1])
  .map((m) => m[2]!)
  .filter((b) => b.includes("from 'crossmodal'"));
const dir = new URL('./.readme-examples/', import.meta.url);

describe('README examples', () => {
  it('has examples', () => {
    if (blocks.length < 3) throw new Error(`expected at least 3 runnable examples, found ${blocks.length}`);
  });
  blocks.forEach((code, i) => {
    it(`example ${i + 1} runs`, async () => {
      mkdirSync(dir, { recursive: true });
      const file = new URL(`example-${i + 1}.ts`, dir);
      const src = code.replace(/from 'crossmodal'/g, "from '../../src/index.js'");
      writeFileSync(file, `${src}\nexport {};\n`);
      const log = console.log;
      console.log = () => {};
      try {
        await import(fileURLToPath(file));
      } finally {
        console.log = log;
        rmSync(file);
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
