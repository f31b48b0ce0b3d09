// Every export of the package's entry points is documented (issue 40): the compiler reads the
// TSDoc comments of src/ (no build needed) and lists each exported name without a comment,
// each exported class and function without an @example, and each public member of an exported
// class without a comment. Names tagged @internal (left out of docs/api too) and members named
// _… are not public API. The API reference that `npm run docs` writes to docs/api/ is made by
// TypeDoc from these comments.
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** The source files behind package.json's "exports" (".", its browser and workerd forms, ./datasets, ./sql). */
const entries = ['src/index.ts', 'src/browser.ts', 'src/workerd.ts', 'src/datasets.ts', 'src/sql.ts'];

/** Undocumented exports reachable from the entry files, as "entry:path: what is missing". */
export function undocumented(files: string[], srcDir: string): { offenders: string[]; symbols: number; members: number } {
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true, skipLibCheck: true, types: [], lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.esnext.disposable.d.ts'],
  });
  const checker = program.getTypeChecker();
  const seen = new Set<ts.Symbol>();
  const offenders: string[] = [];
  let symbols = 0, members = 0;
  const documented = (s: ts.Symbol) => ts.displayPartsToString(s.getDocumentationComment(checker)).trim() !== '';
  const internal = (s: ts.Symbol) => (s.name.startsWith('_') && !s.name.startsWith('__@')) || s.getJsDocTags(checker).some((t) => t.name === 'internal');
  const ours = (d: ts.Declaration) => d.getSourceFile().fileName.startsWith(srcDir);
  const memberName = (s: ts.Symbol) => s.name.replace(/^__@(\w+)@\d+$/, '[Symbol.$1]');
  const visit = (exported: ts.Symbol, path: string) => {
    const s = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (s.flags & ts.SymbolFlags.ValueModule) { // a namespace export (linalg, nn, metrics): its names
      for (const e of checker.getExportsOfModule(s)) visit(e, `${path}.${e.name}`);
      return;
    }
    if (seen.has(s) || s.getJsDocTags(checker).some((t) => t.name === 'internal')) return; // @internal: left out of docs/api too
    seen.add(s);
    symbols++;
    if (!documented(s)) offenders.push(`${path}: no comment`);
    if (s.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Function) && !s.getJsDocTags(checker).some((t) => t.name === 'example'))
      offenders.push(`${path}: no @example`);
    if (!(s.flags & ts.SymbolFlags.Class)) return;
    const statics = checker.getPropertiesOfType(checker.getTypeOfSymbolAtLocation(s, s.valueDeclaration!)).filter((p) => p.name !== 'prototype');
    const instance = checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(s));
    for (const [list, prefix] of [[statics, 'static '], [instance, '']] as const) {
      for (const p of list) {
        if (!(p.declarations ?? []).some(ours) || seen.has(p) || internal(p) || p.name.startsWith('#')) continue;
        // private / protected members (the public typings have no per-symbol helper: the declarations' modifiers)
        if ((p.declarations ?? []).some((d) => ts.getCombinedModifierFlags(d) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected))) continue;
        seen.add(p);
        members++;
        if (!documented(p)) offenders.push(`${path}.${prefix}${memberName(p)}: no comment`);
      }
    }
  };
  for (const f of files) {
    const sf = program.getSourceFile(f);
    if (!sf) throw new Error(`${f} not found`);
    const label = f.replace(/^.*\/|\.ts$/g, '');
    for (const e of checker.getExportsOfModule(checker.getSymbolAtLocation(sf)!)) visit(e, `${label}:${e.name}`);
  }
  return { offenders, symbols, members };
}

describe('API documentation', () => {
  it('every export of every entry point has a comment; classes and functions an @example; public class members a comment', () => {
    const { offenders, symbols, members } = undocumented(entries.map((f) => join(root, f)), join(root, 'src'));
    expect(symbols).toBeGreaterThan(200);
    expect(members).toBeGreaterThan(400);
    expect(offenders, `undocumented exports:\n${offenders.join('\n')}`).toEqual([]);
  });

  it('the check can fail: an undocumented function, a class without @example and a bare member are listed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'api-docs-'));
    try {
      const file = join(dir, 'entry.ts');
      writeFileSync(file, [
        '/** Documented, with an example.\n * @example\n * ```ts\n * ok();\n * ```\n */',
        'export function ok(): void {}',
        'export function bare(): void {}',
        '/** A class without an example. */',
        'export class Thing {',
        '  /** Documented. */ a = 1;',
        '  b = 2;',
        '  /** @internal */ c = 3;',
        '  _d = 4;',
        '  private e = 5;',
        '}',
        '/** A type. */ export type T = number;',
        'export interface I { x: number }',
      ].join('\n'));
      const { offenders } = undocumented([file], dir);
      expect(offenders.sort()).toEqual(['entry:I: no comment', 'entry:Thing.b: no comment', 'entry:Thing: no @example', 'entry:bare: no @example', 'entry:bare: no comment'].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
