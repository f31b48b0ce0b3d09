// node scripts/api-surface.mjs [distDir] > test/fixtures/api-surface.json
// The package's public surface as the compiler sees it in dist/*.d.ts (run `npm run build:ts`
// first): for every entry point of package.json's "exports", each exported name with its kind
// (value, type, namespace), the members of exported classes (static and instance) and the
// names inside exported namespaces. test/api-surface.test.ts compares it with the committed
// file, so a move of files that drops or renames an export fails.
import ts from 'typescript';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export function apiSurface(dist = fileURLToPath(new URL('../dist/', import.meta.url))) {
  const entries = { '.': 'index.d.ts', 'browser': 'browser.d.ts', 'workerd': 'workerd.d.ts', './datasets': 'datasets.d.ts', './sql': 'sql.d.ts' };
  const roots = Object.values(entries).map((f) => join(dist, f));
  const program = ts.createProgram(roots, { noEmit: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const describe = (sym, depth) => {
    const s = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
    const f = s.flags;
    const kinds = [];
    if (f & ts.SymbolFlags.Class) kinds.push('class');
    else if (f & ts.SymbolFlags.Function) kinds.push('function');
    else if (f & (ts.SymbolFlags.Variable)) kinds.push('value');
    if (f & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias)) kinds.push('type');
    if (f & ts.SymbolFlags.Module && depth < 3) {
      const inner = {};
      for (const e of checker.getExportsOfModule(s).sort((a, b) => a.name.localeCompare(b.name))) inner[e.name] = describe(e, depth + 1);
      return { kind: 'namespace', exports: inner };
    }
    const out = { kind: kinds.join('+') || 'other' };
    if (f & ts.SymbolFlags.Class) {
      const statics = checker.getPropertiesOfType(checker.getTypeOfSymbolAtLocation(s, s.valueDeclaration))
        .map((p) => p.name).filter((n) => n !== 'prototype').sort();
      const inst = checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(s))
        .filter((p) => !(ts.getDeclarationModifierFlagsFromSymbol(p) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)))
        .map((p) => p.name.replace(/^__@(\w+)@\d+$/, '[Symbol.$1]')).filter((n) => !n.startsWith('#')).sort();
      out.static = statics;
      out.members = inst;
    }
    return out;
  };
  const result = {};
  for (const [name, file] of Object.entries(entries)) {
    const sf = program.getSourceFile(join(dist, file));
    if (!sf) throw new Error(`${file} not found in ${dist}: run npm run build:ts`);
    const mod = checker.getSymbolAtLocation(sf);
    const exp = {};
    for (const e of checker.getExportsOfModule(mod).sort((a, b) => a.name.localeCompare(b.name))) exp[e.name] = describe(e, 0);
    result[name] = exp;
  }
  return result;
}

/** One line per exported name, so a diff shows which name changed. */
export function formatSurface(surface) {
  const entries = Object.entries(surface).map(([entry, names]) =>
    `  ${JSON.stringify(entry)}: {\n${Object.entries(names).map(([n, d]) => `    ${JSON.stringify(n)}: ${JSON.stringify(d)}`).join(',\n')}\n  }`);
  return `{\n${entries.join(',\n')}\n}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  console.log(formatSurface(apiSurface(dir ? dir.replace(/\/?$/, '/') : undefined)));
}
